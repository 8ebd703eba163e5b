from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "auction.ops"
    verbose_name = "Operations"
