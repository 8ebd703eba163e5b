from django.apps import AppConfig


class ProjectorConfig(AppConfig):
    name = "auction.projector"
