from django.core.management.base import BaseCommand

from auction.ops.management.commands.rebuild import rebuild_foreground


class Command(BaseCommand):
    help = (
        "Rebuild the projector's read models (items, bids, staff records) by replaying the log into emptied "
        "tables, in one transaction: the site shows the old ones until the new ones are complete. "
        "The same as `rebuild projector`."
    )

    def handle(self, **options):
        rebuild_foreground(self, "projector")
