"""Reading a captured message for the staff mailbox: headers, the plain text and the HTML part."""
from dataclasses import dataclass
from email import message_from_bytes, policy


@dataclass(frozen=True)
class ReadableMail:
    subject: str
    sender: str
    to: str
    date: str
    text: str
    html: str


def readable(raw: str) -> ReadableMail:
    # Parsed as bytes: 8-bit UTF-8 parts parsed from a str come back with their non-ASCII characters escaped.
    message = message_from_bytes(raw.encode("utf-8"), policy=policy.default)
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    return ReadableMail(
        subject=str(message.get("Subject", "")),
        sender=str(message.get("From", "")),
        to=str(message.get("To", "")),
        date=str(message.get("Date", "")),
        text=text.get_content() if text is not None else "",
        html=html.get_content() if html is not None else "",
    )
