"""Admin list filters the read models need: by seller, by when the auction ends, by how it ended."""
from datetime import timedelta

from django.contrib import admin
from django.db.models import Count
from django.utils import timezone

from streams.events import Outcome

MAX_SELLERS_LISTED = 50


class SellerFilter(admin.SimpleListFilter):
    """The sellers with the most listings; searching by seller name finds the others."""

    title = "seller"
    parameter_name = "seller"

    def lookups(self, request, model_admin):
        sellers = (
            model_admin.get_queryset(request)
            .values("seller_id", "seller_name")
            .annotate(listings=Count("pk"))
            .order_by("-listings", "seller_name")[:MAX_SELLERS_LISTED]
        )
        return [(str(seller["seller_id"]), seller["seller_name"]) for seller in sellers]

    def queryset(self, request, queryset):
        return queryset.filter(seller_id=self.value()) if self.value() else queryset


class EndingFilter(admin.SimpleListFilter):
    title = "ending"
    parameter_name = "ending"
    WINDOWS = {
        "hour": ("in the next hour", timedelta(hours=1)),
        "day": ("in the next 24 hours", timedelta(days=1)),
        "week": ("in the next 7 days", timedelta(days=7)),
    }

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _) in self.WINDOWS.items()] + [("past", "end time passed")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "past":
            return queryset.filter(ends_at__lte=now)
        if self.value() in self.WINDOWS:
            return queryset.filter(ends_at__gt=now, ends_at__lte=now + self.WINDOWS[self.value()][1])
        return queryset


class OutcomeFilter(admin.SimpleListFilter):
    """By how the auction ended; Django's own filter of the column would list open items under a link with no text."""

    title = "outcome"
    parameter_name = "outcome"
    OPEN = "none"

    def lookups(self, request, model_admin):
        return [(outcome.value, outcome.value.replace("_", " ")) for outcome in Outcome] + [(self.OPEN, "not ended yet")]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        return queryset.filter(outcome="" if self.value() == self.OPEN else self.value())
