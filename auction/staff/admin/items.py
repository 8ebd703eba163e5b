"""Auctions in the admin: list and filter them, see everything about one, and act on it through events."""
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse

from auction.catalog.models import Item
from auction.catalog.presentation import shown_price
from auction.staff import interventions, rules
from auction.staff.admin.access import ReadModelAdmin
from auction.staff.admin.display import amount_column
from auction.staff.admin.filters import EndingFilter, OutcomeFilter, SellerFilter
from auction.staff.forms import ExtendForm, ReasonForm, RelistForm
from auction.staff.selectors import audit_trail, leader_maximum, staff_bid_history


@dataclass(frozen=True)
class Action:
    label: str
    form: Callable[..., object]
    """`form(item, data=None)`: the form its button posts."""
    perform: Callable[..., object]
    """The service, called with the item, the staff member and the form's cleaned data."""
    done: str
    problem: Callable[[Item], str | None]
    """Why the button is not offered for this item (the extension's chosen end is checked on submit)."""


def _extend_form(item: Item, data=None) -> ExtendForm:
    return ExtendForm(data, prefix="extend", initial={"ends_at": item.ends_at + timedelta(days=1)})


def _relist_form(item: Item, data=None) -> RelistForm:
    return RelistForm(data, prefix="relist", min_duration_seconds=settings.AUCTION_MIN_DURATION_SECONDS)


ACTIONS: dict[str, Action] = {
    "cancel": Action(
        "Cancel the auction",
        lambda item, data=None: ReasonForm(data, prefix="cancel"),
        interventions.auction_cancel,
        "Cancellation sent: the auction closes as cancelled and its bidders are emailed.",
        rules.stop_problem,
    ),
    "end": Action(
        "End the auction now",
        lambda item, data=None: ReasonForm(data, prefix="end"),
        interventions.auction_end_now,
        "End requested: the auction closes with the outcome bidding reached.",
        rules.stop_problem,
    ),
    "extend": Action(
        "Extend the end time",
        _extend_form,
        interventions.auction_extend,
        "Extension sent: the new end shows once the bidding processor applied it.",
        rules.stop_problem,
    ),
    "relist": Action(
        "Relist the item",
        _relist_form,
        interventions.auction_relist,
        "Relisted as a new auction.",
        rules.relist_problem,
    ),
}


@admin.register(Item)
class ItemAdmin(ReadModelAdmin):
    list_display = ("title", "status", "category", "seller_name", "price", "bid_count", "ends_at", "outcome")
    list_filter = ("status", "category", SellerFilter, EndingFilter, OutcomeFilter)
    search_fields = ("title", "seller_name", "location")
    date_hierarchy = "ends_at"
    ordering = ("ends_at",)
    change_form_template = "admin/staff/item/change_form.html"
    fieldsets = (
        ("Listing", {"fields": ("title", "seller", "category", "location", "description", "image_urls")}),
        ("Time", {"fields": ("starts_at", "original_ends_at", "ends_at", "closed_at")}),
        ("Prices", {"fields": ("starting", "buy_now", "price", "high")}),
        ("Bidding", {"fields": ("status", "bid_count", "leader", "reserve_met", "buy_now_available", "seq")}),
        ("Outcome", {"fields": ("outcome", "winner", "final")}),
    )
    readonly_fields = ("seller", "starting", "buy_now", "price", "high", "leader", "winner", "final")

    @admin.display(description="price")
    def price(self, item: Item) -> str:
        return shown_price(item).display()

    starting = amount_column("starting_price", "starting price")
    buy_now = amount_column("buy_now_price", "Buy It Now price")
    high = amount_column("high_bid", "high bid")
    final = amount_column("final_price", "final price")

    @admin.display(description="seller")
    def seller(self, item: Item) -> str:
        return f"{item.seller_name} (#{item.seller_id})"

    @admin.display(description="leader")
    def leader(self, item: Item) -> str:
        return f"{item.leader_name} (#{item.leader_id})" if item.leader_id else "—"

    @admin.display(description="winner")
    def winner(self, item: Item) -> str:
        return f"{item.winner_name} (#{item.winner_id})" if item.winner_id else "—"

    def get_urls(self):
        act = self.admin_site.admin_view(self.act)
        return [path("<uuid:item_id>/act/<slug:action>/", act, name="catalog_item_act"), *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        item = self.get_object(request, object_id)
        context = {**(extra_context or {}), **(self._staff_context(item) if item is not None else {})}
        return super().change_view(request, object_id, form_url, context)

    def _staff_context(self, item: Item) -> dict:
        bids = staff_bid_history(item_id=item.pk)
        trail = list(audit_trail(item_id=item.pk))
        staff_names = get_user_model().objects.in_bulk([entry.acted_by for entry in trail if entry.acted_by])
        forms = {name: (action.label, action.form(item)) for name, action in ACTIONS.items() if action.problem(item) is None}
        return {
            "staff_bids": bids,
            "leader_maximum": leader_maximum(item=item, bids=bids),
            "audit_trail": [(entry, staff_names.get(entry.acted_by)) for entry in trail],
            "action_forms": forms,
        }

    def act(self, request: HttpRequest, item_id: uuid.UUID, action: str) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if action not in ACTIONS:
            raise Http404("No such action")
        item = get_object_or_404(Item, pk=item_id)
        chosen = ACTIONS[action]
        form = chosen.form(item, request.POST)
        if form.is_valid():
            try:
                chosen.perform(item=item, staff=request.user, **form.cleaned_data)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(request, chosen.done, messages.SUCCESS)
        else:
            errors = "; ".join(f"{field}: {' '.join(problems)}" for field, problems in form.errors.items())
            self.message_user(request, f"{chosen.label} failed: {errors}", messages.ERROR)
        return redirect(reverse("admin:catalog_item_change", args=[item.pk]))

