"""Sign-up: Django's own checks (free name, matching and strong passwords) plus a required email."""
from django import forms
from django.contrib.auth.forms import UserCreationForm


class SignupForm(UserCreationForm):
    email = forms.EmailField(help_text="For outcome notices; never shown to other people.")

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")
