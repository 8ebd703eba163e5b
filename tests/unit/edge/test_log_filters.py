"""A refused request is logged in one line; a server error keeps its traceback."""
import logging
import sys

from django.conf import settings

from auction.log_filters import ClientErrorsWithoutTraceback


def _record(status: int) -> logging.LogRecord:
    try:
        raise RuntimeError("refused")
    except RuntimeError:
        record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Forbidden: %s", ("/x",), sys.exc_info())
    record.status_code = status
    return record


def test_a_4xx_is_logged_without_its_traceback_and_a_5xx_with_it():
    refused, failed = _record(403), _record(500)
    assert ClientErrorsWithoutTraceback().filter(refused) and ClientErrorsWithoutTraceback().filter(failed)
    assert refused.exc_info is None and logging.Formatter().format(refused) == "Forbidden: /x"
    assert failed.exc_info is not None and "Traceback" in logging.Formatter().format(failed)


def test_the_console_handler_of_the_settings_uses_it():
    assert settings.LOGGING["handlers"]["console"]["filters"] == ["client_errors_without_traceback"]
    assert settings.LOGGING["filters"]["client_errors_without_traceback"]["()"] == "auction.log_filters.ClientErrorsWithoutTraceback"
