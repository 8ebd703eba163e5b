"""One SMTP session for a batch of emails: opened on the first email, kept for the next ones.

Opening a connection (connect, EHLO, perhaps STARTTLS and AUTH) costs more than sending a
message over it, so a batch sends all its emails through Django's mail backend on one
connection. Failures stay with the email that met them:
- the server refuses one message (recipient, sender, data): smtplib has reset the session, so
  the next email goes over the same connection;
- anything else may have broken the session: it is closed, and the next email opens a new one;
- the server cannot be reached at all: every later email of the batch fails with the same
  `Unreachable` error at once, rather than waiting for a connection timeout each.
"""
from __future__ import annotations

import smtplib

from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend

REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)
"""The server said no to this one message; smtplib reset the session, which carries on."""


class Unreachable(Exception):
    """The mail server could not be reached for this batch."""


class Outbox:
    """Sends emails one at a time over a connection it opens once and reuses (`with Outbox() as outbox:`)."""

    def __init__(self, backend: BaseEmailBackend | None = None) -> None:
        self._backend = backend or get_connection()
        self._open = False
        self._unreachable: Unreachable | None = None
        self.connections = 0
        """How many connections it opened (1 for a batch that met no broken session)."""

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def send(self, message: EmailMessage) -> None:
        """Hand one email to the server; raises when it was not accepted."""
        if self._unreachable is not None:
            raise self._unreachable
        if not self._open:
            self._connect()
        try:
            self._backend.send_messages([message])
        except REFUSED:
            raise
        except Exception:
            self.close()
            raise

    def _connect(self) -> None:
        try:
            self._backend.open()
        except Exception as error:
            self._unreachable = Unreachable(f"mail server unreachable: {type(error).__name__}: {error}")
            raise self._unreachable from error
        self._open = True
        self.connections += 1

    def close(self) -> None:
        if self._open:
            self._open = False
            try:
                self._backend.close()  # QUIT; Django's backend ignores a server already gone
            except Exception:  # closing a broken session must not fail the email it broke on
                pass
