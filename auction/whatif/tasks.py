"""The Celery task behind a "what if" run: bounded by the run's own limits (records, seconds) and Celery's."""
from celery import shared_task
from django.conf import settings

from auction.whatif.services import whatif_execute


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=settings.WHATIF_MAX_SECONDS + 60)
def run_whatif(run_id: int) -> None:
    whatif_execute(run_id=run_id)
