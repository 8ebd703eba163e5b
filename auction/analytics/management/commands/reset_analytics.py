from django.core.management.base import BaseCommand

from auction.analytics.processor import processor
from auction.analytics.services import analytics_reset
from streams.runtime.run import deployed


class Command(BaseCommand):
    help = "Empty the analytics tables and offsets; the analytics processor then rebuilds them from the log. Stop it first."

    def handle(self, **options):
        analytics_reset(consumer=deployed(processor).sink.consumer)  # its name as it runs here
        self.stdout.write("analytics emptied: start the analytics processor to replay the log")
