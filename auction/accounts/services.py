"""Writes about accounts: creating people and the API tokens they use."""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from auction.accounts.models import ApiToken, hash_token
from auction.catalog.text import EMAIL, USERNAME, clean_all

TAKEN = "A user with that username already exists."


def user_create(*, username: str, email: str, password: str) -> AbstractBaseUser:
    """Create an account, refusing a taken name, a malformed email or a weak password field by field.

    Django normalizes the name (NFKC) and the email's domain (lower case) when it cleans a user,
    after checking their lengths; they are normalized here first, so the lengths checked are
    those saved.
    """
    texts, text_problems = clean_all(username=(USERNAME, username), email=(EMAIL, email))
    user = get_user_model()(username=texts.get("username", ""), email=texts.get("email", ""))
    problems: dict[str, list[str]] = {name: [problem] for name, problem in text_problems.items()}
    try:
        user.full_clean(exclude=["password", *problems])
    except ValidationError as error:
        problems.update(error.message_dict)
    if not user.email and "email" not in problems:
        problems["email"] = ["Enter an email address."]
    try:
        validate_password(password, user)
    except ValidationError as error:
        problems["password"] = error.messages
    if problems:
        raise ValidationError(problems)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # another request took the name between the check and the insert
        raise ValidationError({"username": [TAKEN]}) from None
    return user


def token_issue(*, user: AbstractBaseUser) -> str:
    """A new bearer token for `user`; the caller sees it once, the database keeps only its hash."""
    raw = ApiToken.new_raw()
    ApiToken.objects.create(user=user, digest=hash_token(raw))
    return raw
