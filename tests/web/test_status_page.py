"""The status page a person reads (their letter's journey, in their language) and the JSON API clients get,
from the same link, chosen by the Accept header."""

from __future__ import annotations

import re

import pytest

from chalicelib.http.request import prefers_html
from chalicelib.letters.states import Status

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
LETTER = {"country": "SN", "name": "Awa Diop", "email": "awa@example.org", "ui_language": "ar"}


@pytest.mark.parametrize(
    "accept,html",
    [
        (BROWSER, True),
        ("text/html", True),
        (None, False),
        ("*/*", False),
        ("application/json", False),
        ("application/json, text/html;q=0.9", False),
        ("text/html;q=0.5, application/json;q=0.4", True),
        ("text/html;q=abc", False),
    ],
)
def test_a_browser_gets_the_page_and_anything_else_the_json(accept, html):
    assert prefers_html(accept) is html


def steps_of(page: str) -> list[tuple[str, str]]:
    """(state, step text) of each timeline entry."""
    return re.findall(r'<li class="(done|current|todo)"[^>]*>\s*<span class="step">([^<]+)</span>', page)


def status_path(response) -> str:
    return "/" + response.json_body["status_url"].split("://", 1)[1].split("/", 1)[1]


def test_the_status_link_shows_the_journey_in_the_supporters_language(letters_api, client, drain):
    # GIVEN a letter to Senegal (in French) from a supporter who used the form in Arabic
    response = letters_api.post("hrd-resolution", LETTER)
    path = status_path(response)

    # WHEN they open their status link in a browser, before confirming
    page = client.http.get(path, headers={"Accept": BROWSER})
    html = page.body.decode()

    # THEN they read an Arabic page: written, then confirming is next, and what to do now
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert page.headers["Vary"] == "Accept" and page.headers["Cache-Control"] == "no-store"
    assert 'lang="ar" dir="rtl"' in html
    assert steps_of(html) == [
        ("done", "كُتبت"),
        ("current", "أكّدتَها"),
        ("todo", "أُرسلت"),
        ("todo", "وصلت إلى صندوق بريدهم"),
        ("todo", "تلقّت ردًا"),
    ]
    assert 'aria-current="step"' in html and "تحقّق من بريدك الإلكتروني" in html  # status.pending_confirmation

    # AND once confirmed and sent, the timeline moves on; an API client still gets JSON from the same link
    letters_api.confirm(response.json_body["letter_id"])
    drain()
    after = client.http.get(path, headers={"Accept": BROWSER}).body.decode()
    assert [state for state, _ in steps_of(after)] == ["done", "done", "done", "current", "todo"]
    api = client.http.get(path)
    assert api.headers["Content-Type"].startswith("application/json") and api.json_body["status"] == "sent"
    assert api.headers["Vary"] == "Origin, Accept"  # CORS's Vary is kept


def test_a_digest_letter_shows_it_goes_in_a_digest(letters_api, client):
    response = letters_api.send("defenders-digest", {**LETTER, "ui_language": "en"})
    html = client.http.get(status_path(response), headers={"Accept": BROWSER}).body.decode()
    assert steps_of(html) == [("done", "Written"), ("done", "Confirmed by you"), ("current", "Went in a digest")]
    assert "next digest" in html


def test_a_wrong_link_in_a_browser_is_a_page_not_json(client):
    page = client.http.get("/letters/nope/nope", headers={"Accept": BROWSER, "Accept-Language": "es"})
    assert page.status_code == 404 and "Enlace no encontrado" in page.body.decode()
    assert client.http.get("/letters/nope/nope").json_body["error"]["code"] == "not_found"


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("slug", ["hrd-resolution", "defenders-digest"])
def test_every_state_has_a_timeline_done_first_at_most_one_next(services, clock, status, slug):
    from support.letter_factory import make_letter

    from chalicelib.web.journey import journey

    campaign = services.campaigns.get(slug)
    letter = make_letter(clock, campaign=slug, status=status)
    states = [step.state for step in journey(letter, campaign)]

    assert states[0] == "done"  # it was written
    assert states == sorted(states, key=["done", "current", "todo"].index)  # done, then next, then not yet
    assert states.count("current") <= 1
