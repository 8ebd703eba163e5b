import getpass
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from kafka.errors import KafkaError

from streams import kafka_clients
from streams.scram_users import MECHANISM, scram_user_set


class Command(BaseCommand):
    help = (
        f"Create a Kafka principal (a {MECHANISM} user), or change its password, as a super user "
        "(KAFKA_SASL_USERNAME=admin). The password is read from standard input, or asked for on a terminal."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="the principal: web, or a processor's name (manage.py kafka_acls lists them)")

    def handle(self, *, name: str, **options):
        password = getpass.getpass(f"password for {name}: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
        if not password:
            raise CommandError("the password is empty")
        admin = kafka_clients.admin(settings.KAFKA_BOOTSTRAP_SERVERS, security=settings.KAFKA_SECURITY, client_id="kafka-user")
        try:
            scram_user_set(admin, name=name, password=password)
        except KafkaError as error:
            raise CommandError(f"storing the credential failed: {type(error).__name__}: {error}") from None
        finally:
            admin.close()
        self.stdout.write(f"{name}: {MECHANISM} credential stored")
