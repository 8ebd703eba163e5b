"""Who hears what: the channel-layer groups live messages go to, and which a socket joins.

Public groups carry only what any visitor may see; a person's group carries the "it's you"
facts and is joined only by sockets authenticated as that person.
"""
import uuid

BROWSE = "browse"
"""Every item's card-sized changes, for browse pages (each page keeps the items it shows)."""


ANALYTICS = "analytics"
""""The analytics figures changed" (no figures: the page fetches its own), for analytics pages."""


def item_group(item_id: uuid.UUID | str) -> str:
    return f"item.{item_id}"


def person_group(person_id: int) -> str:
    return f"person.{person_id}"


def subscriptions(*, item_id: uuid.UUID | None, feed: str | None, person_id: int | None) -> tuple[str, ...]:
    """The groups of one socket: the page's public stream, if any, and the visitor's own group.

    The analytics feed is a second socket of the analytics page, beside the page's own, so it
    joins only its group (toasts reach the person through the page's own socket)."""
    if feed == ANALYTICS:
        return (ANALYTICS,)
    public = (item_group(item_id),) if item_id is not None else (BROWSE,) if feed == BROWSE else ()
    return public + ((person_group(person_id),) if person_id is not None else ())
