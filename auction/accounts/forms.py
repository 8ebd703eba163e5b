"""Sign-up: Django's own checks (free name, matching and strong passwords) plus a required email.

The name and the email are free text under their `auction.text` rules: normalized as
Django will save them, then measured, so a name that grows under NFKC or an email whose
domain grows in lower case is refused with a message instead of failing the database write.
"""
from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.validators import validate_email

from auction.fields import RuledTextField
from auction.text import EMAIL, TOKEN_NAME, USERNAME


class SignupForm(UserCreationForm):
    username = RuledTextField(
        USERNAME,
        validators=[UnicodeUsernameValidator()],
        widget=forms.TextInput(attrs={"autocapitalize": "none", "autocomplete": "username"}),
        help_text=f"{USERNAME.max_length} characters or fewer. Letters, digits and @/./+/-/_ only.",
    )
    email = RuledTextField(
        EMAIL,
        validators=[validate_email],
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="For outcome notices; never shown to other people.",
    )

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")


class TokenForm(forms.Form):
    """A new API token from the account page: only a name to tell it apart by."""

    name = RuledTextField(
        TOKEN_NAME,
        label="Name",
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "e.g. price tracker script"}),
    )
