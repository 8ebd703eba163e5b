"""Free text people send: made canonical first, measured after, with one rule per field.

A length limit is a promise about what is published and stored, so it is checked on the text
after the normalization the service applies, never on what was typed: "İ" × 120 is 120
characters typed and 239 once capitalized as a place name ("İİ" → "İi̇").

Every free-text field a person or staff member sends has one `TextRule`, and everything calls
its `clean`: the JSON API's pydantic types (`auction.api.shapes.ruled`), the HTML forms
(`auction.fields.RuledTextField`) and the services, which clean again before they
publish or save. Normalizing is idempotent, so that second pass changes nothing the edge
accepted, and what the edge accepted is exactly what gets published. The limits of published
fields are the event schemas' own (`streams.events.base`): what the edge accepts the decoder
accepts, and the read models store free text in unbounded columns.

Pure: no Django, so it is tested without servers.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from streams.events.base import DESCRIPTION_MAX, LOCATION_MAX, NAME_MAX, REASON_MAX, TITLE_MAX

SEARCH_MAX = 100
EMAIL_MAX = 254
"""Django's `User.email` column."""
TOKEN_NAME_MAX = 100
"""`accounts.ApiToken.name`."""
NULL_CHARACTERS = "Null characters are not allowed."


class TextProblem(ValueError):
    """What is wrong with a text, in words for the person who sent it.

    A ValueError, so a pydantic validator raising it shows this message for the field.
    """


def trimmed(text: str) -> str:
    """Without surrounding whitespace; line breaks written as "\\n" (a browser sends "\\r\\n")."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _capitalized(word: str) -> str:
    # `capitalize` title-cases the first letter and lower-cases the rest. A few letters title-case
    # into two (ŉ → ʼN) whose second letter the next pass lower-cases; after that second pass
    # the word no longer changes, which is what makes `place_name` idempotent.
    return word.capitalize().capitalize()


def place_name(text: str) -> str:
    """One spelling per place: trimmed, single spaces, each word capitalized ("new  york" → "New York")."""
    return " ".join(_capitalized(word) for word in text.split())


def user_name(text: str) -> str:
    """A username as Django stores it (NFKC, as `AbstractBaseUser.normalize_username`), trimmed."""
    return unicodedata.normalize("NFKC", text.strip()).strip()


def email_address(text: str) -> str:
    """An email address as Django stores it (`BaseUserManager.normalize_email`): the domain in lower case."""
    local, at, domain = text.strip().rpartition("@")
    return f"{local}@{domain.lower()}" if at else text.strip()


@dataclass(frozen=True)
class TextRule:
    """How one field's text is normalized and how long it may be once normalized."""

    label: str
    """How messages name the field: "Title"."""
    max_length: int
    normalize: Callable[[str], str] = trimmed
    required: bool = True
    written_as: str = ""
    """What `normalize` does beyond trimming, for messages: "with each word capitalized"."""
    missing: str = ""
    """The message when a required text is empty; a generic one naming the field if not given."""

    def clean(self, raw: str) -> str:
        """`raw` normalized; `TextProblem` naming the field and the limit when it does not fit."""
        text = self.normalize(raw)
        if "\x00" in text:
            raise TextProblem(NULL_CHARACTERS)
        if self.required and not text:
            raise TextProblem(self.missing or f"{self.label} must have at least 1 character other than spaces.")
        if len(text) > self.max_length:
            raise TextProblem(self._too_long(raw, text))
        return text

    def _too_long(self, raw: str, text: str) -> str:
        limit = f"{self.label} must be at most {self.max_length} characters"
        if self.written_as and len(text) != len(trimmed(raw)):
            return f"{limit} as the site stores it, {self.written_as}: this one then has {len(text)}."
        return f"{limit} (this has {len(text)})."


def clean_all(**fields: tuple[TextRule, str]) -> tuple[dict[str, str], dict[str, str]]:
    """For services: `name=(rule, raw)` → (name → cleaned text, name → problem) over every field at once."""
    texts: dict[str, str] = {}
    problems: dict[str, str] = {}
    for name, (rule, raw) in fields.items():
        try:
            texts[name] = rule.clean(raw)
        except TextProblem as problem:
            problems[name] = str(problem)
    return texts, problems


TITLE = TextRule("Title", TITLE_MAX)
DESCRIPTION = TextRule("Description", DESCRIPTION_MAX)
LOCATION = TextRule("Location", LOCATION_MAX, place_name, written_as="with each word capitalized")
SEARCH = TextRule("The search", SEARCH_MAX, required=False)
USERNAME = TextRule(
    "Username", NAME_MAX, user_name, written_as="in Unicode normal form (NFKC)", missing="Enter a username."
)
EMAIL = TextRule(
    "Email address",
    EMAIL_MAX,
    email_address,
    written_as="with its domain in lower case",
    missing="Enter an email address.",
)
TOKEN_NAME = TextRule("The token's name", TOKEN_NAME_MAX, required=False)
"""What a person calls one of their API tokens, to tell them apart when revoking one."""
REASON = TextRule("The reason", REASON_MAX, missing="Say why, for the audit trail.")
"""Why staff cancel, end or extend an auction, or suspend a person; the audit trail and emails show it."""
LIFT_REASON = TextRule("The reason", REASON_MAX, required=False)
"""Why staff lift a suspension; may be left empty."""
