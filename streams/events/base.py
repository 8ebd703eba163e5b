"""What every event payload has in common, and the field types they share.

Payloads are frozen and reject unknown fields, so a typo in a producer fails loudly at the
edge instead of being silently dropped by a consumer. Consequence for evolution: consumers
must be upgraded before producers start sending a newly added optional field.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated, ClassVar

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

Uuid = Annotated[
    str,
    Field(
        pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
        json_schema_extra={"format": "uuid"},
        description="UUID in canonical lower-case form",
    ),
]
"""A UUID kept as its canonical string, because it doubles as the Kafka record key."""

UtcDatetime = Annotated[AwareDatetime, AfterValidator(lambda moment: moment.astimezone(timezone.utc))]
"""A moment in time; naive datetimes are refused because their zone would be a guess."""

PersonId = Annotated[int, Field(ge=1, description="Account id")]

# The longest free text each event field carries, in characters (code points) as published.
# The web tier normalizes text first (trimming, one spelling per place, ...) and then checks
# these very numbers (`auction.text`), so whatever it publishes decodes, while a record
# that bypassed it is refused by `decode` (and dead-lettered) rather than failing a consumer's
# write. Read models keep free text in unbounded columns, so no database limit is stricter.
TITLE_MAX, DESCRIPTION_MAX, LOCATION_MAX, CATEGORY_MAX = 120, 5000, 120, 32
NAME_MAX = 150
"""A username: Django's `User.username` holds at most 150 characters."""
REASON_MAX = 500
"""Why staff cancelled, ended or extended an auction."""

PersonName = Annotated[str, Field(max_length=NAME_MAX, description=f"Username (at most {NAME_MAX} characters)")]
"""The name of the person an id refers to, as their account has it."""

Seq = Annotated[
    int,
    Field(ge=0, description="Per-item sequence number, one higher for every change to the item's public state"),
]
"""Lets live views spot a missed update and resync; shared by every event that changes an item's state."""


class Payload(BaseModel):
    """Base of every model that travels inside an event."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Event(Payload):
    """A fact that happened, named in the past tense.

    `type` is the CloudEvents type and carries the schema version; a breaking change gets a
    new class with the next version rather than editing this one.
    """

    type: ClassVar[str]
    key_field: ClassVar[str] = "item_id"

    def key(self) -> str:
        """The Kafka record key: it decides the partition, hence the ordering."""
        return str(getattr(self, self.key_field))


def is_after(later: datetime, earlier: datetime, what: str) -> None:
    """Raise when `later` is not after `earlier`; shared by events that carry a time span."""
    if later <= earlier:
        raise ValueError(f"{what} must be after {earlier.isoformat()}, got {later.isoformat()}")
