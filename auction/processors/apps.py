from django.apps import AppConfig


class ProcessorsConfig(AppConfig):
    name = "auction.processors"
