from django.contrib import admin

from auction.notifications.models import CapturedMail, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The ledger, read-only: what was sent, what is pending, what failed and why (retry from /ops/mail/)."""

    list_display = ("created_at", "kind", "recipient_id", "item_id", "status", "attempts", "last_error")
    list_filter = ("status", "kind")
    search_fields = ("event_id", "item_id", "=recipient_id")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CapturedMail)
class CapturedMailAdmin(admin.ModelAdmin):
    list_display = ("received_at", "subject", "recipients")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
