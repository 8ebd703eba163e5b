"""The "what if" form: a past time range and a rule change, checked into `Rules` or a clear message."""
from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils import timezone

from auction.whatif.rules import RulesInvalid, increments_as_text, increments_from_text
from streams.bidding import BuyNowRule, Rules

MOMENT = {
    "widget": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    "input_formats": ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
}
MAX_SOFT_CLOSE_SECONDS = 7 * 24 * 3600


class WhatIfForm(forms.Form):
    range_start = forms.DateTimeField(label="From (UTC)", **MOMENT)
    range_end = forms.DateTimeField(label="Until (UTC)", help_text="Auctions listed in this range are decided again.", **MOMENT)
    increments = forms.CharField(
        label="Increment table",
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        help_text="One row a line: the price the row starts at, then the increment (e.g. “1.00 0.25”). The first row starts at 0.00.",
        max_length=2000,
    )
    proxy_bidding = forms.TypedChoiceField(
        label="Proxy bidding", choices=[("on", "on (live)"), ("off", "off: a bid commits to its amount alone")],
        coerce=lambda value: value == "on", initial="on",
    )
    buy_now = forms.ChoiceField(
        label="Buy It Now",
        choices=[
            (BuyNowRule.LIVE.value, "until the first bid, or with a reserve until it is met (live)"),
            (BuyNowRule.UNTIL_FIRST_BID.value, "until the first bid, reserve or not"),
            (BuyNowRule.OFF.value, "off"),
        ],
        initial=BuyNowRule.LIVE.value,
    )
    extension_window_seconds = forms.IntegerField(
        label="Soft-close window (seconds)", required=False, min_value=0, max_value=MAX_SOFT_CLOSE_SECONDS,
        help_text="Empty: each item's own (live: {} s).".format(settings.AUCTION_EXTENSION_WINDOW_SECONDS),
    )
    extension_cap_seconds = forms.IntegerField(
        label="Soft-close cap (seconds)", required=False, min_value=0, max_value=MAX_SOFT_CLOSE_SECONDS,
        help_text="Empty: each item's own (live: {} s).".format(settings.AUCTION_EXTENSION_CAP_SECONDS),
    )

    def clean_increments(self):
        try:
            return increments_from_text(self.cleaned_data["increments"])
        except RulesInvalid as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self):
        data = super().clean()
        start, end = data.get("range_start"), data.get("range_end")
        if start and end:
            if end <= start:
                self.add_error("range_end", "The range must end after it starts.")
            elif end > timezone.now():
                self.add_error("range_end", "The range must be in the past: choose an end no later than now.")
            elif end - start > settings.WHATIF_MAX_RANGE:
                self.add_error("range_end", f"A range may span at most {settings.WHATIF_MAX_RANGE.days} days.")
        return data

    def rules(self) -> Rules:
        data = self.cleaned_data
        return Rules(
            increments=data["increments"],
            proxy_bidding=data["proxy_bidding"],
            buy_now=BuyNowRule(data["buy_now"]),
            extension_window_seconds=data["extension_window_seconds"],
            extension_cap_seconds=data["extension_cap_seconds"],
        )


def initial() -> dict:
    now = timezone.now().replace(second=0, microsecond=0)
    return {"range_start": now - timedelta(days=1), "range_end": now, "increments": increments_as_text()}
