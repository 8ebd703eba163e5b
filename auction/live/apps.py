from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "auction.live"
    verbose_name = "Live updates"
