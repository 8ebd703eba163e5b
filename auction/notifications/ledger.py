"""Writing the ledger: decided emails become pending rows, once per (event id, recipient, kind)."""
from collections.abc import Sequence

from auction.notifications.audience import Notice
from auction.notifications.models import Notification
from auction.notifications.selectors import preferences_of, reachable_user_ids

Decided = tuple[str, Notice]
"""An email decided because of an event: (the event's id, the notice)."""


def deliverable(decided: Sequence[Decided]) -> list[Decided]:
    """Drop emails nobody can receive (no such account, no address) and optional ones the person turned off.

    Deciding this at the source keeps the ledger to emails that are meant to go: a replay of the
    log meets events about people this database never knew, and they cost nothing but this query.
    """
    reachable = reachable_user_ids(user_ids={notice.recipient_id for _, notice in decided})
    preferences = preferences_of(user_ids=reachable)
    return [
        (event_id, notice)
        for event_id, notice in decided
        if notice.recipient_id in reachable
        and (notice.recipient_id not in preferences or preferences[notice.recipient_id].wants(notice.kind))
    ]


def notifications_create(decided: Sequence[Decided]) -> list[int]:
    """Add the decided emails that are not in the ledger yet; returns the new rows' ids.

    Call inside the transaction that records the events as handled; rows that exist already (a
    replay) are left alone, so whatever was sent is never sent again.
    """
    wanted = deliverable(decided)
    if not wanted:
        return []
    known = set(
        Notification.objects.filter(event_id__in={event_id for event_id, _ in wanted}).values_list(
            "event_id", "recipient_id", "kind"
        )
    )
    rows = [
        Notification(
            event_id=event_id,
            recipient_id=notice.recipient_id,
            kind=notice.kind.value,
            item_id=notice.details["item_id"],
            details=dict(notice.details),
        )
        for event_id, notice in wanted
        if (event_id, notice.recipient_id, notice.kind.value) not in known
    ]
    return [row.pk for row in Notification.objects.bulk_create(rows)]
