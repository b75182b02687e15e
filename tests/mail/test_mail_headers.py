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


INVISIBLE = (
    [chr(c) for c in range(0x202A, 0x202F)]  # bidi embeddings and overrides
    + [chr(c) for c in range(0x2066, 0x206A)]  # bidi isolates
    + ["\u200b", "\u200c", "\u200d", "\ufeff"]  # zero-width characters
    + [chr(c) for c in range(0x01, 0x20) if chr(c) not in "\r\n"]  # other C0 controls
    + ["\x7f"]
    + [chr(c) for c in range(0x80, 0xA0)]  # DEL and C1 controls
    + ["\u2028", "\u2029"]  # line and paragraph separators
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    parts=st.lists(
        st.one_of(st.text(st.characters(codec="utf-8", exclude_characters="\r\n\0")), st.sampled_from(INVISIBLE)),
        max_size=12,
    ),
    organisation=st.sampled_from(["Org", "Amnesty\u202e International"]),
)
def test_no_invisible_or_control_character_reaches_a_from_display_name(parts, organisation):
    from chalicelib.mail.addresses import on_behalf_of

    # GIVEN a supporter name (and an organisation) mixing text with bidi, zero-width and control characters
    address = on_behalf_of("".join(parts), organisation, "letters@demarche.example.org")

    # THEN the display name shown to the ministry carries none of them
    assert not set(address.display_name) & set(INVISIBLE)
    assert address.addr_spec == "letters@demarche.example.org"
