"""Property: whatever a supporter writes as their letter's body (edit_body, own_letter) reaches the letter as plain
text, exactly as the form cleaned it, and never a mail header; template syntax in it stays text."""

from __future__ import annotations

import dataclasses
import datetime as dt

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from support.letter_factory import make_letter

from chalicelib.campaigns.catalogue import default_campaigns
from chalicelib.directory import default_directory
from chalicelib.errors import InvalidField
from chalicelib.front_door.fields import check_submission
from chalicelib.letters.composing import Supporter, compose, resolve_target, tidy
from chalicelib.mail.mailer import build_message

MARK = "Zq7body"  # starts every body: found in the letter, never in a header
PIECES = st.sampled_from(["{{ 7*7 }}", "{% for x in range(3) %}x{% endfor %}", "{#", "#}", "\n", "\n\n\n", "\r\n", " "])
TEXT = st.lists(st.one_of(st.text(st.characters(blacklist_categories=("Cs",)), max_size=20), PIECES), max_size=30)


@settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["edit_body", "own_letter"]), TEXT, st.sampled_from(["FI", "KE", "JP"]))
def test_any_body_round_trips_as_plain_text_into_the_letter_and_never_into_a_header(mode, pieces, country):
    campaign = dataclasses.replace(default_campaigns().get("hrd-resolution"), editing=mode)
    directory = default_directory()
    payload = {"country": country, "name": "Jo Doe", "email": "jo@example.org", "letter_body": MARK + "".join(pieces)}
    try:
        sub = check_submission(payload, campaign, directory)
    except InvalidField as exc:  # control characters and the like: refused, naming the field
        assert exc.field == "letter_body"
        assume(False)
    supporter = Supporter(name=sub.name, email=sub.email, body=sub.letter_body)
    target = resolve_target(campaign, sub.country, directory)

    letter = compose(campaign, sub.country, target, supporter)

    assert tidy(sub.letter_body).strip("\n") in letter.body  # as written (trailing spaces and blank runs tidied)
    assert letter.body.count(MARK) == 1
    stored = dataclasses.replace(
        make_letter(lambda: dt.datetime(2026, 11, 26, tzinfo=dt.timezone.utc)),
        subject=letter.subject,
        body=letter.body,
        language=letter.language,
        target_email="mfa@example.org",
    )
    message = build_message(stored, campaign.organisation, campaign.sender_address)
    for name, value in message.items():
        assert MARK not in str(value), name
        assert not any(ch in str(value) for ch in "\r\n\0"), name
    assert MARK in message.get_content()
