"""/api/users: sign up."""
from django.http import HttpRequest, HttpResponse
from pydantic import Field

from auction.accounts.services import user_create
from auction.accounts.throttling import signup_attempt_check
from auction.api.http import body, respond
from auction.api.shapes import Reply, RequestBody, ruled
from auction.text import EMAIL, USERNAME

PASSWORD_MAX = 4096


class NewUser(RequestBody):
    username: ruled(USERNAME)
    email: ruled(EMAIL)
    password: str = Field(min_length=1, max_length=PASSWORD_MAX)


class UserReply(Reply):
    id: int
    username: str


def create_user(request: HttpRequest) -> HttpResponse:
    signup_attempt_check(address=request.META.get("REMOTE_ADDR"))
    new = body(request, NewUser)
    user = user_create(username=new.username, email=new.email, password=new.password)
    return respond(UserReply(id=user.pk, username=user.get_username()), status=201)
