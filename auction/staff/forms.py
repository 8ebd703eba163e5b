"""The small forms behind the admin's action buttons; the rules themselves live in `rules` and the services."""
from django import forms

from auction.catalog.forms import DAY_DURATIONS, duration_choices
from auction.fields import RuledTextField
from auction.text import REASON


class ReasonForm(forms.Form):
    reason = RuledTextField(REASON)


class ExtendForm(ReasonForm):
    ends_at = forms.DateTimeField(
        label="New end (UTC)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )


class RelistForm(forms.Form):
    duration_seconds = forms.TypedChoiceField(coerce=int, label="Duration", initial=DAY_DURATIONS[2][0])

    def __init__(self, *args, min_duration_seconds: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["duration_seconds"].choices = duration_choices(min_duration_seconds)
