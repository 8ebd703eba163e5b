"""Form fields the site's forms share: free text under a `TextRule`, amounts of money (photos: `auction.catalog.fields`)."""
from django import forms
from django.conf import settings
from pydantic import ValidationError as PydanticError

from auction.text import TextProblem, TextRule
from streams.money import Money

AMOUNT_MAX_LENGTH = 16


class RuledTextField(forms.CharField):
    """Free text cleaned by its `TextRule`: normalized first, then measured, with the rule's messages.

    The widget's `maxlength` is the rule's limit, a hint for the browser (which counts what was
    typed); the limit that counts is checked here, on the text as it will be published.
    """

    def __init__(self, rule: TextRule, **kwargs) -> None:
        self.rule = rule
        kwargs.setdefault("required", rule.required)
        super().__init__(**kwargs)

    def widget_attrs(self, widget) -> dict:
        return super().widget_attrs(widget) | {"maxlength": str(self.rule.max_length)}

    def to_python(self, value: str | None) -> str:
        text = super().to_python(value)
        if text in self.empty_values:
            return text
        try:
            return self.rule.clean(text)
        except TextProblem as problem:
            raise forms.ValidationError(str(problem), code="text") from None


class MoneyField(forms.CharField):
    """An amount a person types ("12", "12.5", "1,250.00") read as `Money` in `currency`.

    `currency` is None for new listings, which are priced in the site's currency; a bid form
    sets it to the item's.
    """

    def __init__(self, *, currency: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.currency = currency
        self.widget.attrs.update(
            {"inputmode": "decimal", "autocomplete": "off", "placeholder": "0.00", "maxlength": AMOUNT_MAX_LENGTH}
        )

    def to_python(self, value: str | None) -> Money | None:
        text = (super().to_python(value) or "").replace(",", "")
        if not text:
            return None
        invalid = forms.ValidationError("Enter an amount such as 12 or 12.50.", code="invalid")
        if len(text) > AMOUNT_MAX_LENGTH:
            raise invalid
        try:
            return Money.parse(text, self.currency or settings.AUCTION_CURRENCY)
        except (ValueError, PydanticError):
            raise invalid from None
