"""The log on screen in Chromium: filters, pages, one letter's timeline and what SES said, reveal with a reason
(owners only, audited), with the keyboard only and on a 360 px phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from support.letter_factory import make_letter

from chalicelib.letters.states import Status

CAMPAIGN = "hrd-resolution"
BOUNCE = "550 5.1.1 mailbox unknown"


@pytest.fixture
def logged(services, clock):
    """25 letters over three days (newest last): every fifth bounced, with SES's diagnostic; a third from pen-kenya."""
    letters = []
    for n in range(25):
        clock.now = clock.now.replace(day=24 + n // 10, hour=8 + n % 10)
        letter = make_letter(
            clock,
            country=["KE", "FR", "BR"][n % 3],
            partner="pen-kenya" if n % 3 == 0 else "",
            name=f"Supporter {n}",
            email=f"s{n}@example.org",
        )
        services.letters.create(letter)
        if n % 5 == 0:
            services.letters.move(letter.letter_id, Status.QUEUED, Status.SENDING, clock())
            services.letters.move(letter.letter_id, Status.SENDING, Status.SENT, clock(), ses_message_id=f"ses-{n}")
            services.letters.move(letter.letter_id, Status.SENT, Status.BOUNCED, clock(), failure_reason=BOUNCE)
        letters.append(letter)
    return letters


def open_dashboard(browser, live_app, token, **page_options):
    page = browser.new_page(**page_options)
    page.goto(f"{live_app}/admin")
    page.get_by_label("Organiser token").fill(token)
    page.get_by_role("button", name="Open the dashboard").click()
    expect(page.locator("#log tbody tr")).to_have_count(20)
    return page


def column(page, n):
    return page.locator(f"#log tbody td:nth-child({n})").all_inner_texts()


@pytest.mark.slow
def test_an_owner_filters_pages_opens_a_letter_and_reveals_with_a_reason(
    browser, live_app, services, logged, screenshot
):
    token = services.organiser_tokens.create("Owner", [CAMPAIGN], role="owner")[0]
    page = open_dashboard(browser, live_app, token, viewport={"width": 1200, "height": 900})

    # pages: 20 newest, then the 5 oldest, then back to the same first page
    first = column(page, 1)
    assert first[0] == "2026-11-26 12:00"
    page.get_by_role("button", name="Older letters").click()
    expect(page.locator("#log tbody tr")).to_have_count(5)
    expect(page.locator("#log-page")).to_have_text("Page 2")
    assert page.get_by_role("button", name="Older letters").is_disabled()
    page.get_by_role("button", name="Newer letters").click()
    expect(page.locator("#log-page")).to_have_text("Page 1")
    assert column(page, 1) == first

    # filters: status, country, partner, and a date range, together
    page.get_by_label("Status", exact=True).select_option("bounced")
    page.get_by_role("button", name="Show letters").click()
    expect(page.locator("#log tbody tr")).to_have_count(5)
    assert set(column(page, 3)) == {"bounced"}
    page.get_by_label("Country (name or code)").fill("Kenya")
    page.get_by_label("Partner code").fill("pen-kenya")
    page.get_by_label("From (UTC day)").fill("2026-11-24")
    page.get_by_label("To (UTC day)").fill("2026-11-25")
    page.get_by_role("button", name="Show letters").click()
    expected = [
        letter
        for n, letter in enumerate(logged)
        if n % 5 == 0 and letter.country == "KE" and letter.partner == "pen-kenya" and letter.created_at < "2026-11-26"
    ]
    expect(page.locator("#log tbody tr")).to_have_count(len(expected))
    assert len(expected) == 2 and set(column(page, 5)) == {"pen-kenya"} and set(column(page, 2)) == {"Kenya"}

    # one letter: its timeline, with SES's diagnostic, masked
    page.locator("#log tbody tr").first.get_by_role("button", name="Open").click()
    expect(page.locator("#letter-panel")).to_be_visible()
    timeline = page.locator("#letter-timeline li").all_inner_texts()
    assert [line.split(" · ")[1] for line in timeline] == [
        "written",
        "queued → sending",
        "sending → sent",
        f"sent → bounced ({BOUNCE})",
    ]
    assert page.locator("#letter-ses").inner_text().count("ses-") == 1
    expect(page.locator("#letter-fields")).to_contain_text("***@example.org")
    screenshot(page, "letter-view-desktop")

    # reveal this supporter, saying why: shown in clear, and the audit keeps the reason
    page.get_by_label("Why do you need this supporter's name and email?").fill("The supporter asked us to check")
    page.get_by_role("button", name="Reveal this supporter").click()
    expect(page.locator("#letter-fields")).to_contain_text("(revealed, audited)")
    assert (
        "s" in page.locator("#letter-fields").inner_text() and "***" not in page.locator("#letter-fields").inner_text()
    )
    page.get_by_role("button", name="Back to the letters").click()

    # reveal a page of the log, saying why
    page.get_by_label("Why do you need the names and emails on this page?").fill("Thanking partners' supporters")
    page.get_by_role("button", name="Reveal names and emails on this page").click()
    expect(page.locator("#log-page")).to_contain_text("names and emails shown")
    assert all("***" not in cell for cell in column(page, 4))
    organiser = services.organiser(token)
    # (the test's clock stands still, so both records have the same time: compared as a set)
    reasons = {(r["action"], r["reason"]) for r in services.console.audit(organiser, CAMPAIGN)["records"]}
    assert reasons == {
        ("reveal_letters", "Thanking partners' supporters"),
        ("reveal_letter", "The supporter asked us to check"),
    }


@pytest.mark.slow
def test_a_viewer_browses_but_is_never_offered_a_reveal(browser, live_app, services, logged):
    token = services.organiser_tokens.create("Board", [CAMPAIGN], role="viewer")[0]
    page = open_dashboard(browser, live_app, token)
    assert page.locator("#log-reveal").is_hidden()
    page.locator("#log tbody tr").first.get_by_role("button", name="Open").click()
    expect(page.locator("#letter-panel")).to_be_visible()
    assert page.locator("#letter-reveal").is_hidden()


def tab_to(page, name, most=12):
    """Press Tab until the focused element's accessible text (its aria-label or text) starts with `name`."""
    for _ in range(most):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "(document.activeElement.getAttribute('aria-label') || document.activeElement.textContent)"
        )
        if (focused or "").strip().startswith(name):
            return
    raise AssertionError(f"{name!r} is not reachable with Tab")


@pytest.mark.slow
def test_the_log_with_the_keyboard_only(browser, live_app, services, logged):
    token = services.organiser_tokens.create("Owner", [CAMPAIGN])[0]
    page = open_dashboard(browser, live_app, token)
    # the status filter, chosen with the arrow keys; Tab to "Show letters", Enter applies the filters
    page.locator("#f-status").focus()
    for _ in range(page.locator("#f-status option").count()):
        if page.locator("#f-status").input_value() == "bounced":
            break
        page.keyboard.press("ArrowDown")
    tab_to(page, "Show letters")
    page.keyboard.press("Enter")
    expect(page.locator("#log tbody tr")).to_have_count(5)
    # Tab along to the first letter's Open button; Enter opens it with the focus on its heading
    tab_to(page, "Open the letter")
    opener = page.evaluate("document.activeElement.getAttribute('aria-label')")
    page.keyboard.press("Enter")
    expect(page.locator("#letter-title")).to_be_focused()
    # Escape goes back to the list, to the same button
    page.keyboard.press("Escape")
    expect(page.locator("#letter-panel")).to_be_hidden()
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == opener


@pytest.mark.slow
def test_the_log_and_a_letter_fit_a_360_px_phone(browser, live_app, services, logged, screenshot):
    token = services.organiser_tokens.create("Owner", [CAMPAIGN])[0]
    phone = open_dashboard(browser, live_app, token, viewport={"width": 360, "height": 740}, is_mobile=True)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.locator("#log tbody tr").first.get_by_role("button", name="Open").click()
    expect(phone.locator("#letter-panel")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone, "letter-view-phone")
