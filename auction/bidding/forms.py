"""The bid form; the rules on amounts live in the bidding service and the bidding processor."""
from django import forms

from auction.catalog.models import Item
from auction.catalog.presentation import minimum_bid
from auction.fields import MoneyField


class BidForm(forms.Form):
    amount = MoneyField(label="Your bid")
    max_amount = MoneyField(
        required=False,
        label="Maximum",
        help_text="Proxy bidding: we raise your bid for you, one increment at a time, up to this amount.",
    )

    def __init__(self, *args, item: Item, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.currency = item.currency
        self.fields["amount"].widget.attrs["placeholder"] = minimum_bid(item).format()
