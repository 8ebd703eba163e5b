from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "auction.ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from auction.ops import deploy_checks  # noqa: F401  (registers `manage.py check --deploy`'s own checks)
