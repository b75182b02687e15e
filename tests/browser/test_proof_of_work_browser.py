"""A campaign that asks for proof of work takes letters from its own form and from the embed: the ALTCHA widget
(the npm package, fetched by the build and served at /static/altcha.js) solves the puzzle in the browser."""

from __future__ import annotations

import pytest
from support.letters_api import with_policies
from support.phone_pages import PHONE, audit


@pytest.mark.slow
@pytest.mark.parametrize("embed", [False, True])
def test_a_proof_of_work_campaign_takes_a_letter_from_its_own_form(
    live_app, browser, services, monkeypatch, clock, stored_items, screenshot, embed
):
    with_policies(services, monkeypatch, "hrd-resolution", bots={"proof_of_work": True, "proof_of_work_cost": 1})
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(f"{live_app}/campaigns/hrd-resolution/form{'?embed=1' if embed else ''}")
    solved = page.locator("input[name=altcha]")
    for _ in range(100):  # the widget solves the puzzle on load (auto="onload")
        if solved.count() and solved.first.input_value():
            break
        page.wait_for_timeout(200)
    assert solved.count() and solved.first.input_value(), f"the widget did not solve the puzzle: {errors}"
    page.select_option("#country", "KE")
    page.fill("#name", "Amina Wanjiru")
    page.fill("#email", f"pow.{int(embed)}@example.org")
    clock.advance(seconds=30)
    page.click("#send")
    page.locator("#done").wait_for(state="visible")

    assert [i for i in stored_items() if i["sk"] == "LETTER"], "the letter was not taken"
    assert not [e for e in errors if "Content Security Policy" in e], errors
    audit(page, "the proof-of-work form, sent")
    screenshot(page, f"proof-of-work-{'embed' if embed else 'form'}")
    context.close()


def test_without_javascript_the_form_says_what_to_do(client, services, monkeypatch):
    with_policies(services, monkeypatch, "hrd-resolution", bots={"proof_of_work": True})
    page = client.http.get("/campaigns/hrd-resolution/form").body.decode()
    assert '<script type="module" src="../../static/altcha.js"></script>' in page
    assert '<noscript><p class="error">' in page and "robot check needs JavaScript" in page
    served = client.http.get("/static/altcha.js")
    assert served.status_code == 200 and "altcha-widget" in served.body.decode()
