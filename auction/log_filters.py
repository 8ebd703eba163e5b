"""Logging filters of the web tier (`settings.LOGGING`)."""
import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """Django logs a refused request (403 PermissionDenied, 400 SuspiciousOperation) with the exception's
    traceback; a 4xx is the visitor's mistake or a refusal working as meant, so its one line is enough.
    Server errors (5xx) keep their traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
