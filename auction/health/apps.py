from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "auction.health"
