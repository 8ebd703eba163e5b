"""Writing the ledger: the decided emails become pending rows, once per (event id, recipient, kind)."""
from collections.abc import Sequence

from auction.notifications.audience import Notice
from auction.notifications.models import Notification
from auction.notifications.selectors import preferences_of, reachable_user_ids


def deliverable(notices: Sequence[Notice]) -> list[Notice]:
    """Drop notices nobody can receive (no such account, no address) and optional ones the person turned off.

    Deciding this at the source keeps the ledger to emails that are meant to go: a replay of the
    log finds events about people this database never knew, and they cost one query here.
    """
    recipients = {notice.recipient_id for notice in notices}
    reachable = reachable_user_ids(user_ids=recipients)
    preferences = preferences_of(user_ids=reachable)
    return [
        notice
        for notice in notices
        if notice.recipient_id in reachable
        and (notice.recipient_id not in preferences or preferences[notice.recipient_id].wants(notice.kind))
    ]


def notifications_create(*, event_id: str, notices: Sequence[Notice]) -> list[int]:
    """Add the event's notices that are not in the ledger yet; returns the new rows' ids.

    Call inside the transaction that records the event as handled; rows that exist already
    (a replay) are left alone, so whatever was sent is never sent again.
    """
    wanted = deliverable(notices)
    if not wanted:
        return []
    known = set(
        Notification.objects.filter(event_id=event_id, recipient_id__in={n.recipient_id for n in wanted}).values_list(
            "recipient_id", "kind"
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
        for notice in wanted
        if (notice.recipient_id, notice.kind.value) not in known
    ]
    return [row.pk for row in Notification.objects.bulk_create(rows)]
