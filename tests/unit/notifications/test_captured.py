from django.core.mail import EmailMultiAlternatives

from auction.notifications.captured import readable


def test_a_captured_utf8_message_reads_back_as_sent():
    message = EmailMultiAlternatives(
        subject="Sold: “Lamp” for €12.50", body="Plain: €12.50 ◆", to=["ann@example.test"],
        headers={"Message-ID": "<1@example.test>"},
    )
    message.attach_alternative("<p>HTML: €12.50 ◆</p>", "text/html")

    mail = readable(message.message().as_bytes().decode("utf-8"))

    assert mail.subject == "Sold: “Lamp” for €12.50"
    assert mail.to == "ann@example.test"
    assert mail.text.strip() == "Plain: €12.50 ◆"
    assert mail.html.strip() == "<p>HTML: €12.50 ◆</p>"
