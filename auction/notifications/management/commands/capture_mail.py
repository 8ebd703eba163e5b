import signal
import threading

from aiosmtpd.controller import Controller
from django.conf import settings
from django.core.management.base import BaseCommand

from auction.notifications.capture import CaptureHandler


class Command(BaseCommand):
    help = "Run the demo's SMTP server that keeps every message for staff to read at /ops/mail/ (until SIGTERM)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=settings.EMAIL_HOST)
        parser.add_argument("--port", type=int, default=settings.EMAIL_PORT)

    def handle(self, *, host: str, port: int, **options):
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        controller = Controller(CaptureHandler(), hostname=host, port=port)
        controller.start()
        self.stdout.write(f"capturing mail on {host}:{port}", ending="\n")
        self.stdout.flush()
        try:
            stop.wait()
        finally:
            controller.stop()
