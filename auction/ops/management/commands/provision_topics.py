from django.conf import settings
from django.core.management.base import BaseCommand

from streams.provisioning import ensure_topics
from streams.topics import REGISTRY


class Command(BaseCommand):
    help = "Create or update every topic of the registry (idempotent: a second run changes nothing)."

    def handle(self, **options):
        changes = ensure_topics(settings.KAFKA_BOOTSTRAP_SERVERS, REGISTRY, security=settings.KAFKA_SECURITY)
        for change in changes:
            self.stdout.write(f"  {change}")
        self.stdout.write(f"topics: {len(changes)} change(s), {len(REGISTRY)} topics in the registry")
