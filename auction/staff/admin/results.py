"""Results in the admin: how each closed auction ended, reserve and winner included."""
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from auction.staff.admin.access import ReadModelAdmin
from auction.staff.admin.display import amount_column
from auction.staff.admin.filters import SellerFilter
from auction.staff.models import Result


@admin.register(Result)
class ResultAdmin(ReadModelAdmin):
    list_display = ("auction", "outcome", "winner_name", "final", "high", "reserve", "bid_count", "seller_name", "closed_at")
    list_display_links = None
    list_filter = ("outcome", "category", SellerFilter, ("closed_at", admin.DateFieldListFilter))
    search_fields = ("title", "seller_name", "winner_name")
    date_hierarchy = "closed_at"
    ordering = ("-closed_at",)

    @admin.display(description="auction", ordering="title")
    def auction(self, result: Result) -> str:
        """Results are items: the item's admin page has the bids, the audit trail and the relist button."""
        return format_html('<a href="{}">{}</a>', reverse("admin:catalog_item_change", args=[result.pk]), result.title)

    final = amount_column("final_price", "final price")
    high = amount_column("high_bid", "high bid")
    reserve = amount_column("reserve_price", "reserve (private)")
