from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from auction.ops.rebuilds import not_rebuildable, rebuild_begin, rebuild_execute, rebuildable_processors


class Command(BaseCommand):
    help = (
        "Rebuild a processor's tables by replaying the log into them emptied, in one transaction, with the processor "
        "running: the site shows the old ones until the new ones are complete. The projector's are the read models."
    )

    def add_arguments(self, parser):
        refused = "; ".join(f"{name} is not: {reason}" for name, reason in not_rebuildable().items())
        parser.add_argument("processor", choices=rebuildable_processors(), help=f"which processor's tables ({refused})")

    def handle(self, *, processor: str, **options):
        rebuild_foreground(self, processor)


def rebuild_foreground(command: BaseCommand, processor: str) -> None:
    """Run a rebuild in this process, echoing its progress (shared with `rebuild_read_models`)."""
    try:
        run = rebuild_begin(processor=processor, requested_by=None)
    except ValidationError as error:
        raise CommandError(" ".join(error.messages)) from None

    def echo(done: int, total: int) -> None:
        command.stdout.write(f"\r  {done}/{total} offsets", ending="")

    rebuilt = rebuild_execute(run=run, echo=echo)
    command.stdout.write("")
    command.stdout.write(f"{processor} rebuilt from {rebuilt.records} records ({rebuilt.skipped} skipped: dead letters)")
