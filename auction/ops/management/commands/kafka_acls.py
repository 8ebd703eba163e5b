from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from kafka.errors import KafkaError

from auction.processors import PROCESSORS
from streams import kafka_clients
from streams.acl_sync import acls_apply
from streams.acls import AclDrift, described, kafka_acls_commands, platform_acls


class Command(BaseCommand):
    help = (
        "Print the Kafka ACLs of the web tier and of every processor, generated from the topic registry and the "
        "processors' declarations; with --apply, make the broker's ACLs of those principals exactly these "
        "(as a super user: KAFKA_SASL_USERNAME=admin)."
    )

    def add_arguments(self, parser):
        what = parser.add_mutually_exclusive_group()
        what.add_argument("--apply", action="store_true", help="create missing ACLs and delete others of these principals")
        what.add_argument("--kafka-acls", action="store_true", help="print them as kafka-acls.sh commands instead")

    def handle(self, *, apply: bool, kafka_acls: bool, **options):
        try:
            acls = platform_acls(list(PROCESSORS.values()))
        except AclDrift as error:
            raise CommandError(f"the topic registry and the processors disagree: {error}") from None
        if kafka_acls:
            self.stdout.write("\n".join(kafka_acls_commands(acls)))
            return
        if not apply:
            self.stdout.write("\n".join(described(acls)))
            return
        admin = kafka_clients.admin(settings.KAFKA_BOOTSTRAP_SERVERS, security=settings.KAFKA_SECURITY, client_id="kafka-acls")
        try:
            changes = acls_apply(admin, acls)
        except KafkaError as error:
            raise CommandError(f"applying the ACLs failed: {type(error).__name__}: {error}") from None
        finally:
            admin.close()
        for line in changes.created:
            self.stdout.write(f"  created {line}")
        for line in changes.deleted:
            self.stdout.write(f"  deleted {line}")
        self.stdout.write(f"ACLs: {len(changes.created)} created, {len(changes.deleted)} deleted, {len(acls)} in the set")
