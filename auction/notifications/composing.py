"""A ledger row becomes an email: HTML and plain-text templates with the item's link and picture.

The picture is embedded only when it is this site's own (`catalog.photo_urls`): a listing from
before that rule may name a picture elsewhere, which would tell its owner who reads the email.

Everything an email states comes from the row's frozen details; only the addresses (the
recipient's, the other party's) are read when it is sent, so they are current.
"""
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.dateparse import parse_datetime

from auction.catalog.photo_urls import is_own_picture
from auction.notifications.kinds import OPTIONAL, Kind
from auction.notifications.models import Notification
from auction.notifications.selectors import recipient_get
from auction.notifications.tokens import unsubscribe_token
from streams.money import from_minor

AMOUNTS = ("price", "your_bid", "high_bid")
COUNTERPARTS = {Kind.WON: ("seller", "seller_id"), Kind.SOLD: ("buyer", "buyer_id")}
"""Who the buyer and the seller should contact, by the kind of email they get."""
Find = Callable[[int], AbstractBaseUser | None]
"""Who an id names, if they can still receive email: `recipient_get` by default, a batch's prefetched people
(`selectors.recipients_of(...).get`) when sending many."""
_MESSAGE_IDS = uuid.UUID("0b3f3f0e-8f5e-4a53-9a0c-2d7f4f0c9c61")


def absolute(url: str) -> str:
    """Emails are read outside the site, so every link is absolute (SITE_URL + path)."""
    return urljoin(settings.SITE_URL.rstrip("/") + "/", url)


def message_id(entry: Notification) -> str:
    """Derived from the ledger key: if a crash makes the platform send a row twice, both copies
    carry the same Message-ID, which lets a mail system recognise the second one."""
    key = f"{entry.event_id}/{entry.recipient_id}/{entry.kind}"
    return f"<{uuid.uuid5(_MESSAGE_IDS, key)}@{urlsplit(settings.SITE_URL).hostname or 'localhost'}>"


def _one(user_id: int) -> AbstractBaseUser | None:
    return recipient_get(user_id=user_id)


def email_context(entry: Notification, recipient: AbstractBaseUser, find: Find = _one) -> dict[str, Any]:
    kind = Kind(entry.kind)
    details = entry.details
    context = {
        **details,
        **{
            name: from_minor(details[name], details["currency"]).display()
            for name in AMOUNTS
            if details.get(name) is not None
        },
        "kind": kind.value,
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "recipient_name": recipient.get_username(),
        "item_url": absolute(reverse("bidding:item", kwargs={"item_id": details["item_id"]})),
        "image_url": absolute(details["image_url"]) if is_own_picture(details.get("image_url")) else "",
        "account_url": absolute(reverse("accounts:overview")),
        "ends_at": parse_datetime(details["ends_at"]) if details.get("ends_at") else None,
    }
    if kind in COUNTERPARTS:
        role, id_field = COUNTERPARTS[kind]
        context[role] = find(details[id_field])
    if kind in OPTIONAL:
        token = unsubscribe_token(user_id=recipient.pk, kind=kind)
        context["unsubscribe_url"] = absolute(reverse("notifications:unsubscribe", kwargs={"token": token}))
    return context


def compose(entry: Notification, find: Find = _one) -> EmailMultiAlternatives | None:
    """The email for a ledger row, or None when its recipient can no longer receive one."""
    recipient = find(entry.recipient_id)
    if recipient is None:
        return None
    context = email_context(entry, recipient, find)
    template = f"notifications/email/{entry.kind}"
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    headers = {
        "Message-ID": message_id(entry),
        "X-Auction-Notification": entry.kind,  # for mail filters and support: what this email is about
        "X-Auction-Item": str(entry.item_id),
    }
    if "unsubscribe_url" in context:
        headers["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    counterpart = context.get("seller") or context.get("buyer")
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        to=[recipient.email],
        reply_to=[counterpart.email] if counterpart else None,
        headers=headers,
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message
