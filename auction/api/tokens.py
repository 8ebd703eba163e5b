"""/api/tokens: trade a username and password for a bearer token; list and revoke your tokens."""
from datetime import datetime

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from pydantic import Field

from auction.accounts.selectors import live_tokens
from auction.accounts.tokens import TokenLimitReached, token_issue, token_revoke
from auction.api.auth import require_user
from auction.api.errors import ApiError
from auction.api.http import body, no_content, respond
from auction.api.shapes import Reply, RequestBody, ruled
from auction.api.users import PASSWORD_MAX
from auction.text import TOKEN_NAME, USERNAME

WRONG_CREDENTIALS = "Wrong username or password."


class Credentials(RequestBody):
    username: ruled(USERNAME)
    password: str = Field(min_length=1, max_length=PASSWORD_MAX)
    name: ruled(TOKEN_NAME, "What to call this token, to tell your tokens apart") = ""


class TokenInfo(Reply):
    id: int
    name: str
    created_at: datetime
    expires_at: datetime = Field(description="After this the token is refused (401)")
    last_used_at: datetime | None = Field(description="When it last authenticated a request, to within five minutes")


class TokenReply(TokenInfo):
    token: str = Field(description="Send as `Authorization: Bearer <token>`; shown only this once")


class ListedToken(TokenInfo):
    current: bool = Field(description="Whether this request was authenticated with it")


class TokenList(Reply):
    tokens: list[ListedToken] = Field(description="Your tokens that still work, newest first; never their secrets")


def _info(token) -> dict:
    return {
        "id": token.pk,
        "name": token.name,
        "created_at": token.created_at,
        "expires_at": token.expires_at,
        "last_used_at": token.last_used_at,
    }


def create_token(request: HttpRequest) -> HttpResponse:
    credentials = body(request, Credentials)
    user = authenticate(request, username=credentials.username, password=credentials.password)
    if user is None:
        raise ApiError(401, WRONG_CREDENTIALS)
    try:
        issued = token_issue(user=user, name=credentials.name)
    except TokenLimitReached as refused:
        raise ApiError(409, str(refused)) from None
    return respond(TokenReply(**_info(issued.token), token=issued.secret), status=201)


def list_tokens(request: HttpRequest) -> HttpResponse:
    user = require_user(request)
    current = getattr(request, "api_token_id", None)
    listed = [ListedToken(**_info(token), current=token.pk == current) for token in live_tokens(user=user)]
    return respond(TokenList(tokens=listed))


def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    user = require_user(request)
    try:
        token_revoke(user=user, token_id=token_id)
    except ValidationError as error:
        raise ApiError(404, " ".join(error.messages)) from None
    return no_content()
