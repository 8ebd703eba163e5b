"""Notification pieces other apps' pages include: the watch button and the account panels."""
from django import template
from django.utils import timezone

from auction.catalog.models import Item
from auction.notifications.forms import PreferencesForm
from auction.notifications.selectors import is_watching, preference_for, watchlist

register = template.Library()


@register.inclusion_tag("notifications/_watch.html", takes_context=True)
def watch_button(context, item: Item) -> dict:
    request = context["request"]
    user = request.user
    return {
        "item": item,
        "user": user,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "watching": user.is_authenticated and is_watching(user_id=user.pk, item_id=item.pk),
    }


@register.inclusion_tag("notifications/_account.html", takes_context=True)
def notification_panels(context) -> dict:
    request = context["request"]
    user_id = request.user.pk
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "now": timezone.now(),
        "watched": watchlist(user_id=user_id),
        "form": PreferencesForm(instance=preference_for(user_id=user_id)),
    }
