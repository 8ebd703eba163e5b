"""The bid form; the rules on amounts live in the bidding service and the bidding processor."""
from django import forms

from auction.catalog.models import Item
from auction.catalog.presentation import minimum_bid
from auction.fields import MoneyField
from auction.idempotency import KEY, new_attempt_key


class BidForm(forms.Form):
    amount = MoneyField(label="Your bid")
    max_amount = MoneyField(
        required=False,
        label="Maximum",
        help_text="Proxy bidding: we raise your bid for you, one increment at a time, up to this amount.",
    )
    attempt = forms.RegexField(regex=KEY, required=False, widget=forms.HiddenInput)
    """Fresh in every form rendered: the same form sent twice (a double click, the browser's history) is one bid."""

    def __init__(self, *args, item: Item, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["attempt"] = new_attempt_key()
        for field in self.fields.values():
            field.currency = item.currency
        self.fields["amount"].widget.attrs["placeholder"] = minimum_bid(item).format()
