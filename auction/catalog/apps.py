from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "auction.catalog"
