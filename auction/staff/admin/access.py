"""Who may see what in the admin: every staff member sees the read models, nobody edits them."""
from django.contrib import admin

from auction.staff.access import is_staff


class ReadModelAdmin(admin.ModelAdmin):
    """Read models are written by the projector alone; staff change auctions through events (see `interventions`)."""

    def has_module_permission(self, request) -> bool:
        return is_staff(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_staff(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
