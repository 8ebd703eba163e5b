from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "auction.notifications"
    verbose_name = "Notifications"
