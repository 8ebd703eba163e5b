import os

from django.core.management.base import BaseCommand, CommandError

from auction.processors import PROCESSORS, processor_named
from streams.runtime.config import RuntimeConfig
from streams.runtime.run import serve


class Command(BaseCommand):
    help = "Run one stream processor until SIGTERM/SIGINT: " + ", ".join(sorted(PROCESSORS))

    def add_arguments(self, parser):
        parser.add_argument("name", choices=sorted(PROCESSORS))
        parser.add_argument("--instance-id", help="stable id of this instance slot, e.g. bidding-0")
        parser.add_argument("--metrics-port", type=int, help="Prometheus endpoint port (0 = none)")

    def handle(self, *, name: str, instance_id: str | None, metrics_port: int | None, **options):
        try:
            processor = processor_named(name)
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        from django.conf import settings

        config = RuntimeConfig.from_env(
            bootstrap_servers=settings.KAFKA_BOOTSTRAP_SERVERS,
            # --instance-id, else STREAMS_INSTANCE_ID, else the first slot's id
            instance_id=instance_id or os.environ.get("STREAMS_INSTANCE_ID") or f"{name}-0",
            metrics_port=metrics_port,
        )
        serve(processor, config)
