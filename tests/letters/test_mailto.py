"""The "send from my own email" link: RFC 6068 encoding, so every mail program opens the letter as written."""

from __future__ import annotations

from urllib.parse import unquote

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.letters.fallbacks import mailto_url


def test_subject_and_body_are_percent_encoded_with_crlf_line_breaks():
    link = mailto_url("Hello world & co", "Dear Minister,\n\nPlease act.\n", "mfa@example.org")

    assert link == (
        "mailto:mfa@example.org?subject=Hello%20world%20%26%20co&body=Dear%20Minister%2C%0D%0A%0D%0APlease%20act.%0D%0A"
    )


def test_without_an_address_the_supporter_fills_in_the_recipient():
    assert mailto_url("S", "B") == "mailto:?subject=S&body=B"


@settings(deadline=None)
@given(st.text(), st.text())
def test_any_text_survives_the_round_trip(subject, body):
    link = mailto_url(subject, body, "a@example.org")
    query = link.split("?", 1)[1]
    parts = dict(part.split("=", 1) for part in query.split("&"))

    assert set(parts) == {"subject", "body"}  # nothing the supporter typed can add a field (e.g. &bcc=)
    assert unquote(parts["subject"]) == subject
    assert unquote(parts["body"]) == body.replace("\r\n", "\n").replace("\n", "\r\n")


@settings(deadline=None)
@given(st.text(), st.text(), st.sampled_from(["", "mfa@example.org"]))
def test_webmail_compose_links_carry_the_letter_and_nothing_more(subject, body, to):
    from urllib.parse import parse_qs, urlsplit

    from chalicelib.letters.fallbacks import webmail_urls

    urls = webmail_urls(subject, body, to)

    gmail, outlook = urlsplit(urls["gmail"]), urlsplit(urls["outlook"])
    assert (gmail.scheme, gmail.netloc, outlook.netloc) == ("https", "mail.google.com", "outlook.live.com")
    g, o = parse_qs(gmail.query, keep_blank_values=True), parse_qs(outlook.query, keep_blank_values=True)
    assert set(g) == {"view", "fs", "su", "body", *(["to"] if to else [])}  # nothing typed can add a field
    assert set(o) == {"subject", "body", *(["to"] if to else [])}
    assert g["su"] == o["subject"] == [subject] and g["body"] == o["body"] == [body]
    assert not to or g["to"] == o["to"] == [to]
