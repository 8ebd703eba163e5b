from django.apps import AppConfig


class WhatIfConfig(AppConfig):
    name = "auction.whatif"
    verbose_name = "What if"
