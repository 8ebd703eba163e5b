"""The demo's mail catcher: an SMTP server that stores every message it receives for staff to read.

Only for the demo (`[program:mail]` in deploy/supervisord.conf): it accepts mail for anyone, from
anyone, without TLS.
"""
from email import message_from_bytes, policy

from asgiref.sync import sync_to_async

from auction.notifications.models import CapturedMail

SUBJECT_CHARS = 300


def captured_mail_store(*, sender: str, recipients: list[str], message: bytes) -> CapturedMail:
    subject = message_from_bytes(message, policy=policy.default).get("Subject", "")
    return CapturedMail.objects.create(
        sender=sender,
        recipients=recipients,
        subject=str(subject)[:SUBJECT_CHARS],
        message=message.decode("utf-8", errors="replace"),
    )


class CaptureHandler:
    """aiosmtpd handler: DATA is stored in PostgreSQL before the server answers 250."""

    async def handle_DATA(self, server, session, envelope) -> str:
        await sync_to_async(captured_mail_store)(
            sender=envelope.mail_from, recipients=list(envelope.rcpt_tos), message=envelope.original_content
        )
        return "250 Message accepted for delivery"
