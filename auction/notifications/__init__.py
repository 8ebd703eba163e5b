"""Outcome, outbid and ending-soon emails: decided from the event log, sent by Celery, exactly once per ledger key."""
