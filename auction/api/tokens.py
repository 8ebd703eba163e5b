"""/api/tokens: trade a username and password for a bearer token."""
from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse
from pydantic import Field

from auction.accounts.services import token_issue
from auction.api.errors import ApiError
from auction.api.http import body, respond
from auction.api.shapes import Reply, RequestBody, ruled
from auction.api.users import PASSWORD_MAX
from auction.text import USERNAME


class Credentials(RequestBody):
    username: ruled(USERNAME)
    password: str = Field(min_length=1, max_length=PASSWORD_MAX)


class TokenReply(Reply):
    token: str = Field(description="Send as `Authorization: Bearer <token>`; shown only this once")


def create_token(request: HttpRequest) -> HttpResponse:
    credentials = body(request, Credentials)
    user = authenticate(request, username=credentials.username, password=credentials.password)
    if user is None:
        raise ApiError(401, "Wrong username or password.")
    return respond(TokenReply(token=token_issue(user=user)), status=201)
