from django.core.management.base import BaseCommand, CommandError

from auction.processors import PROCESSORS, processor_named
from streams.runtime.config import RuntimeConfig
from streams.runtime.instances import InstanceTaken
from streams.runtime.run import serve


METRICS_PORT_STRIDE = 100
"""Instances in slots 0, 1, 2 … of one processor serve metrics on its port, +100, +200 …"""


class Command(BaseCommand):
    help = "Run one stream processor until SIGTERM/SIGINT: " + ", ".join(sorted(PROCESSORS))

    def add_arguments(self, parser):
        parser.add_argument("name", choices=sorted(PROCESSORS))
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--instance-id", help="the id of this instance, e.g. bidding-0 (default: a free slot's)")
        which.add_argument("--instance-slot", type=int, metavar="N",
                           help="run as instance NAME-N, its metrics on the metrics port + 100·N (supervisor's numprocs)")
        parser.add_argument("--metrics-port", type=int, help="Prometheus endpoint port (0 = none)")

    def handle(self, *, name: str, instance_id: str | None, instance_slot: int | None, metrics_port: int | None,
               **options):
        try:
            processor = processor_named(name)
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        from django.conf import settings

        if instance_slot is not None and instance_slot < 0:
            raise CommandError(f"--instance-slot must be 0 or more, not {instance_slot}")
        if instance_slot and metrics_port:
            metrics_port += METRICS_PORT_STRIDE * instance_slot
        config = RuntimeConfig.from_env(
            bootstrap_servers=settings.KAFKA_BOOTSTRAP_SERVERS,
            # --instance-id or --instance-slot, else STREAMS_INSTANCE_ID/_SLOT, else the lowest free slot's id
            instance_id=instance_id,
            instance_slot=instance_slot,
            metrics_port=metrics_port,
        )
        try:
            serve(processor, config)
        except InstanceTaken as taken:
            raise CommandError(str(taken)) from taken
