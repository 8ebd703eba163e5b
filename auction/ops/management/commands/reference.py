"""Regenerate or check the reference pages in docs/reference/ that need Django (auction.ops.reference)."""
from django.core.management.base import BaseCommand, CommandError

from auction.ops import reference


class Command(BaseCommand):
    help = "Write or check docs/reference/commands.md, http-api.md and metrics.md"

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group(required=True)
        mode.add_argument("--write", action="store_true", help="regenerate the pages")
        mode.add_argument("--check", action="store_true", help="fail if a committed page is stale")

    def handle(self, *, write: bool, check: bool, **options):
        if write:
            for path in reference.write():
                self.stdout.write(f"wrote {path}")
            return
        stale = reference.stale_files()
        if stale:
            raise CommandError(
                "stale reference pages (run `python manage.py reference --write`): " + ", ".join(stale)
            )
        self.stdout.write("The reference pages are up to date.")
