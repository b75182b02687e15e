"""Properties of the message we hand to SES, for any supporter input the API accepts."""

from __future__ import annotations

from email import message_from_bytes
from email.policy import default
from email.utils import getaddresses

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.errors import InvalidField
from chalicelib.letters.letter import Letter
from chalicelib.mail.mailer import build_message

names = st.text(st.characters(codec="utf-8"), min_size=1, max_size=100)


def letter_for(name: str, email: str = "supporter@example.org") -> Letter:
    return Letter(
        letter_id="l1",
        campaign="c",
        country="KE",
        target_set="foreign-ministry",
        target_name="Ministry of Foreign Affairs",
        target_email="info@mfa.example.org",
        language="en",
        subject="Subject",
        body="Body",
        supporter_name=name,
        supporter_email=email,
        status="queued",
        created_at="t",
        updated_at="t",
        status_token_hash="h",
        expires_at=0,
    )


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(name=names, city=st.text(max_size=100), message=st.text(max_size=500))
def test_any_accepted_submission_makes_exactly_one_from_to_and_reply_to(name, city, message):
    from chalicelib.campaigns.catalogue import default_campaigns
    from chalicelib.directory import default_directory
    from chalicelib.front_door.fields import check_submission

    payload = {"country": "KE", "name": name, "email": "supporter@example.org", "city": city, "message": message}
    try:
        sub = check_submission(payload, default_campaigns().get("hrd-resolution"), default_directory())
    except InvalidField:
        return
    raw = build_message(letter_for(sub.name), "Org", "letters@demarche.example.org").as_bytes()
    parsed = message_from_bytes(raw, policy=default)

    assert len(parsed.get_all("From")) == 1 and len(parsed.get_all("To")) == 1
    assert len(parsed.get_all("Reply-To")) == 1
    assert parsed.get_all("Cc") is None and parsed.get_all("Bcc") is None
    assert [a for _, a in getaddresses(parsed.get_all("From"))] == ["letters@demarche.example.org"]
    assert [a for _, a in getaddresses(parsed.get_all("To"))] == ["info@mfa.example.org"]
    assert [a for _, a in getaddresses(parsed.get_all("Reply-To"))] == ["supporter@example.org"]
    # Python's parser puts a space between adjacent encoded words, which RFC 2047 says to drop: compare sans spaces.
    assert "".join(parsed["Reply-To"].addresses[0].display_name.split()) == "".join(sub.name.split())
    assert all(b"\r\n" not in line and len(line) <= 998 for line in raw.split(b"\r\n"))
