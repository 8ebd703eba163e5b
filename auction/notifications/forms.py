from django import forms

from auction.notifications.models import Preference


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = Preference
        fields = ["outbid", "ending_soon"]
        labels = {"outbid": "When someone outbids me", "ending_soon": "Before an item I watch ends"}
