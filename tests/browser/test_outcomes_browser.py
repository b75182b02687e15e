"""The dashboard's outcome panels in a real browser (Debian's Chromium through Playwright, the `browser` fixture): an
organiser approves signatories and schedules a sign-on letter, brings a digest campaign's digests forward, and reads
which ministries reply. Screenshots go to test-artifacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from support.sign_on_api import SIGN_ON, organisation

from chalicelib.feedback.follow_ups import reply_key
from chalicelib.feedback.responsiveness import count_entry, counter_key

DIGEST, LETTERS = "defenders-digest", "hrd-resolution"


@pytest.fixture
def outcomes(sign_on, letters_api, services):
    """A sign-on letter with two confirmed signatories and one unconfirmed; a digest campaign with a supporter; a
    letters campaign whose supporters answered "did they reply?" about Kenya's ministry, one pasting the reply."""
    kept = sign_on.sign(organisation("Kenya Rights Watch", "KE", website="https://krw.example.org"))
    sign_on.sign(organisation("Asociación Ejemplo", "PE"))
    assert sign_on.post(organisation("Unconfirmed Org", "FR")).status_code == 202
    letters_api.send(DIGEST, {"country": "KE", "name": "Amina Wanjiru", "email": "amina@example.org"})
    table = services.aws.table
    table.meta.client.transact_write_items(
        TransactItems=[
            count_entry(
                table.name,
                counter_key(LETTERS, "foreign-ministry", "KE"),
                "Ministry of Foreign and Diaspora Affairs",
                asked=15,
                answered=12,
                yes=9,
                no=2,
                not_yet=1,
            )
        ]
    )
    table.put_item(
        Item={
            **reply_key(LETTERS, "2026-11-20T10:00:00.000Z", "letter-1"),
            "target_name": "Ministry of Foreign and Diaspora Affairs",
            "target_set": "foreign-ministry",
            "country": "KE",
            "answer": "yes",
            "reply": "We will co-sponsor. <script>alert(1)</script>",
            "answered_at": "2026-11-25T10:00:00.000Z",
            "expires_at": 4_000_000_000,
        }
    )
    return kept


@pytest.mark.slow
def test_an_organiser_decides_schedules_and_reads_the_outcomes(
    browser, live_app, services, outcomes, sign_on, screenshot
):
    token = services.organiser_tokens.create("Coalition secretariat", [SIGN_ON, DIGEST, LETTERS])[0]
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(f"{live_app}/admin#{SIGN_ON}")
    page.get_by_label("Organiser token").fill(token)
    page.get_by_role("button", name="Open the dashboard").click()

    # GIVEN the sign-on letter's dashboard: its signatories, and no "did they reply?" panel
    signatories = page.locator("#signatories tbody tr")
    expect(signatories).to_have_count(3)
    expect(page.locator("#replies-panel")).to_be_hidden()
    expect(page.locator("#digest-panel")).to_be_hidden()
    expect(page.locator("#signatories tbody td:nth-child(1)")).to_have_text(
        ["Asociación Ejemplo", "Kenya Rights Watch", "Unconfirmed Org"]
    )
    assert "K…@kenyarightswatch.example.org" not in page.content()  # masked: the contact's first letter only
    expect(signatories.nth(2)).to_contain_text("email not confirmed")
    expect(signatories.nth(2).get_by_role("button")).to_have_count(0)  # nothing to decide before confirmation

    # WHEN they approve Kenya Rights Watch THEN it is approved, and on the public list
    page.get_by_role("button", name="Approve Kenya Rights Watch").click()
    expect(page.locator("#decision-status")).to_have_text("Kenya Rights Watch is approved.")
    expect(signatories.nth(1)).to_contain_text("approved")
    assert [s["organisation"] for s in sign_on.public()] == ["Kenya Rights Watch"]

    # WHEN they schedule the letter to the Geneva missions THEN the send is listed, and can be cancelled
    page.get_by_label("To every target in").select_option("un-mission-geneva")
    page.get_by_label("At (UTC; empty: as soon as possible)").fill("2026-12-01T09:00")
    asked = []  # the dashboard names the count before a send to more than 10 targets
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Schedule the letter").click()
    expect(page.locator("#send-status")).to_contain_text("at 2026-12-01 09:00 UTC")
    assert len(asked) == 1 and asked[0].startswith("Send to 193 ")
    expect(page.locator("#sends tbody tr")).to_contain_text(["un-mission-geneva"])
    expect(page.locator("#sends tbody tr").first).to_contain_text("scheduled")
    screenshot(page, "outcomes-sign-on")
    page.get_by_role("button", name="Cancel").click()
    expect(page.locator("#sends tbody tr").first).to_contain_text("cancelled")

    # GIVEN the digest campaign WHEN they send the coming digests now THEN the one digest is brought forward
    page.get_by_label("Campaign").select_option(DIGEST)
    expect(page.locator("#digest-panel")).to_be_visible()
    expect(page.locator("#sign-on-panel")).to_be_hidden()
    expect(page.locator("#digests tbody tr").first).to_contain_text("collecting")
    page.get_by_role("button", name="Send the coming digests now").click()
    expect(page.locator("#digests-status")).to_have_text("1 digest(s) will go within a few minutes.")

    # GIVEN the letters campaign THEN its responsiveness shows the rate, and the reply reads as text, never markup
    page.get_by_label("Campaign").select_option(LETTERS)
    expect(page.locator("#replies-panel")).to_be_visible()
    expect(page.locator("#responsiveness tbody tr").first.locator("td")).to_have_text(
        ["Ministry of Foreign and Diaspora Affairs (KE)", "15", "12", "9", "2", "1", "75%"]
    )
    expect(page.locator("#replies blockquote")).to_have_text("We will co-sponsor. <script>alert(1)</script>")
    screenshot(page, "outcomes-replies")
