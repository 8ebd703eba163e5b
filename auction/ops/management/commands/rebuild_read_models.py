from django.core.management.base import BaseCommand

from auction.ops.rebuilds import rebuild_begin, rebuild_execute


class Command(BaseCommand):
    help = (
        "Rebuild the projector's read models (items, bids, staff records) by replaying the log into emptied "
        "tables, in one transaction: the site shows the old ones until the new ones are complete."
    )

    def handle(self, **options):
        run = rebuild_begin(requested_by=None)

        def echo(done: int, total: int) -> None:
            self.stdout.write(f"\r  {done}/{total} offsets", ending="")

        rebuilt = rebuild_execute(run=run, echo=echo)
        self.stdout.write("")
        self.stdout.write(f"rebuilt from {rebuilt.records} records ({rebuilt.skipped} skipped: dead letters)")
