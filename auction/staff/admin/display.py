"""How amounts read in the admin."""
from collections.abc import Callable

from django.contrib import admin
from django.db.models import Model

from streams.money import from_minor


def amount(minor: int | None, currency: str) -> str:
    """Minor units for people; a dash when there is none (no maximum, nothing sold)."""
    return "—" if minor is None or not currency else from_minor(minor, currency).display()


def amount_column(field: str, description: str) -> Callable[[admin.ModelAdmin, Model], str]:
    """An admin column (or read-only field) showing the row's `field` as an amount of its currency, sorted by `field`."""

    @admin.display(description=description, ordering=field)
    def column(model_admin: admin.ModelAdmin, row: Model) -> str:
        return amount(getattr(row, field), row.currency)

    return column
