from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "auction.staff"
    verbose_name = "Auction staff"
