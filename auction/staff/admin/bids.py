"""Bids in the admin: every decision, with the bidder's private maximum next to it."""
import uuid

from django.contrib import admin
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.html import format_html

from auction.bidding.models import Bid
from auction.staff.admin.access import ReadModelAdmin
from auction.staff.admin.display import amount_column
from auction.staff.models import PlacedBid


@admin.register(Bid)
class BidAdmin(ReadModelAdmin):
    list_display = ("decided_at", "item", "bidder", "amount_shown", "maximum", "status", "reason_code")
    list_filter = ("status", "reason_code", ("decided_at", admin.DateFieldListFilter))
    search_fields = ("bidder_name",)
    search_help_text = "A bidder's name, or an item or bid id."
    date_hierarchy = "decided_at"
    ordering = ("-decided_at",)

    def get_queryset(self, request):
        placed = PlacedBid.objects.filter(bid_id=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .annotate(
                max_amount=Subquery(placed.values("max_amount")[:1]),
                placed_by=Subquery(placed.values("bidder_name")[:1]),
            )
        )

    def get_search_results(self, request, queryset, search_term):
        try:
            wanted = uuid.UUID(search_term.strip())
        except ValueError:
            return super().get_search_results(request, queryset, search_term)
        return queryset.filter(Q(pk=wanted) | Q(item_id=wanted)), False

    @admin.display(description="item")
    def item(self, bid: Bid) -> str:
        return format_html('<a href="{}">{}</a>', reverse("admin:catalog_item_change", args=[bid.item_id]), bid.item_id)

    @admin.display(description="bidder", ordering="bidder_name")
    def bidder(self, bid: Bid) -> str:
        return f"{bid.bidder_name or bid.placed_by or '?'} (#{bid.bidder_id})"

    amount_shown = amount_column("amount", "amount")
    maximum = amount_column("max_amount", "maximum (private)")
