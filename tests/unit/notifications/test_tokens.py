import pytest
from django.core import signing

from auction.notifications.kinds import Kind
from auction.notifications.tokens import SALT, BadToken, unsubscribe_claim, unsubscribe_token


def test_a_token_names_its_person_and_kind():
    assert unsubscribe_claim(unsubscribe_token(user_id=42, kind=Kind.OUTBID)) == (42, Kind.OUTBID)


def test_a_token_for_someone_else_cannot_be_made_without_the_key():
    genuine = unsubscribe_token(user_id=42, kind=Kind.OUTBID)
    other_payload = signing.dumps([43, "outbid"], salt=SALT).rsplit(":", 1)[0]
    tampered = f"{other_payload}:{genuine.rsplit(':', 1)[1]}"
    signed_elsewhere = signing.dumps([43, "outbid"], salt=SALT, key="not the site's key")
    for forged in (tampered, signed_elsewhere, genuine[:-1]):
        with pytest.raises(BadToken):
            unsubscribe_claim(forged)


def test_outcome_emails_cannot_be_turned_off():
    with pytest.raises(ValueError):
        unsubscribe_token(user_id=42, kind=Kind.WON)
    with pytest.raises(BadToken):
        unsubscribe_claim(signing.dumps([42, "won"], salt=SALT))


def test_other_signed_values_are_not_unsubscribe_tokens():
    with pytest.raises(BadToken):
        unsubscribe_claim(signing.dumps([42, "outbid"], salt="some.other.purpose"))
