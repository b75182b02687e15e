"""The organiser dashboard in a real browser (Debian's Chromium through Playwright, the `browser` fixture): an
organiser enters their token once and sees their campaign's numbers in the totals, charts and tables, on a desktop
and on a phone. Screenshots go to test-artifacts/."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from playwright.sync_api import expect
from support.letter_factory import make_letter

from chalicelib.directory.health import TargetHealth
from chalicelib.letters.states import Status

CAMPAIGN = "hrd-resolution"
JOURNEYS = {
    "queued": [],
    "sent": [Status.SENDING, Status.SENT],
    "delivered": [Status.SENDING, Status.SENT, Status.DELIVERED],
    "bounced": [Status.SENDING, Status.SENT, Status.BOUNCED],
    "failed": [Status.SENDING, Status.FAILED],
}


@pytest.fixture
def seeded(services, clock):
    """25 letters over three days, four countries and two partners, through the real log (so counters count)."""
    letters = []
    plan = ["KE"] * 10 + ["FR"] * 7 + ["BR"] * 5 + ["JP"] * 3
    for n, country in enumerate(plan):
        clock.now = clock.now.replace(day=24 + n % 3, hour=8 + n % 10)
        status = list(JOURNEYS)[n % len(JOURNEYS)]
        letter = make_letter(
            clock,
            country=country,
            partner="pen-kenya" if n % 3 == 0 else "",
            name=f"Supporter {n}",
            email=f"s{n}@example.org",
        )
        services.letters.create(letter)
        for source, target in zip([Status.QUEUED, *JOURNEYS[status]], JOURNEYS[status]):
            services.letters.move(letter.letter_id, source, target, clock())
        letters.append((letter, status))
    TargetHealth(services.aws.table).mark_failing("foreign-ministry", "JP", "550 5.1.1 mailbox unknown", clock())
    return letters


def cell_texts(page, selector):
    return page.locator(selector).all_inner_texts()


@pytest.mark.slow
def test_an_organiser_sees_the_campaigns_numbers_in_charts_and_tables(
    browser, live_app, services, seeded, run_exports_in_background, screenshot
):
    token = services.organiser_tokens.create("Browser", [CAMPAIGN])[0]
    by_status = Counter(status for _, status in seeded)
    by_country = Counter(letter.country for letter, _ in seeded)
    by_day_status = Counter((letter.created_at[:10], status) for letter, status in seeded)
    page = browser.new_page(viewport={"width": 1200, "height": 900})

    # GIVEN the organiser opens the dashboard and enters their token once
    page.goto(f"{live_app}/admin")
    page.get_by_label("Organiser token").fill(token)
    page.get_by_role("button", name="Open the dashboard").click()

    # THEN the totals match the log
    expect(page.locator('#totals dd[data-status="total"]')).to_have_text("25")
    for status in Status:
        assert page.locator(f'#totals dd[data-status="{status.value}"]').inner_text() == str(by_status[status.value])

    # AND each day's bar has one segment per status, with the right count
    segments = page.locator("#daily-chart rect[data-day]")
    found = {
        (s.get_attribute("data-day"), s.get_attribute("data-status")): int(s.get_attribute("data-count"))
        for s in segments.all()
    }
    assert found == dict(by_day_status)

    # AND the country chart and table, sorted by letters, then by name when asked
    bars = [
        (g.get_attribute("data-country"), int(g.get_attribute("data-count")))
        for g in page.locator("#country-chart g[data-country]").all()
    ]
    assert bars == by_country.most_common()
    assert cell_texts(page, "#countries tbody tr td:nth-child(1)") == ["Kenya", "France", "Brazil", "Japan"]
    assert cell_texts(page, "#countries tbody tr td:nth-child(2)") == ["10", "7", "5", "3"]
    page.get_by_role("button", name="Country").click()
    assert cell_texts(page, "#countries tbody tr td:nth-child(1)") == ["Brazil", "France", "Japan", "Kenya"]
    assert page.locator("#countries th[data-key=name]").get_attribute("aria-sort") == "ascending"

    # AND partners, failing targets and the latest letters (masked)
    partners = dict(
        zip(cell_texts(page, "#partners tbody td:nth-child(1)"), cell_texts(page, "#partners tbody td:nth-child(2)"))
    )
    assert partners == {"(no partner)": "16", "pen-kenya": "9"}
    assert cell_texts(page, "#failing tbody td:nth-child(1)") == ["Japan"]
    latest = cell_texts(page, "#log tbody td:nth-child(4)")
    assert len(latest) == 20 and all("***@example.org" in text for text in latest)
    screenshot(page, "dashboard-desktop")

    # WHEN the page is reloaded in the same tab, the token is remembered; the export hands out a link
    page.reload()
    expect(page.locator('#totals dd[data-status="total"]')).to_have_text("25")
    page.get_by_role("button", name="Export all letters").click()
    run_exports_in_background()
    page.get_by_role("link", name="Download the CSV (25 letters)").wait_for()

    # AND on a 320 px phone nothing is wider than the screen
    phone = browser.new_page(viewport={"width": 320, "height": 640}, is_mobile=True)
    phone.goto(f"{live_app}/admin")
    phone.get_by_label("Organiser token").fill(token)
    phone.get_by_role("button", name="Open the dashboard").click()
    expect(phone.locator('#totals dd[data-status="total"]')).to_have_text("25")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 320
    screenshot(phone, "dashboard-phone")


@pytest.mark.slow
def test_the_dashboard_lists_the_addresses_worth_a_look_with_their_kind(browser, live_app, services):
    token = services.organiser_tokens.create("Browser", [CAMPAIGN])[0]
    services.stored_overrides.set(
        "token x (Browser)",
        "un-mission-new-york",
        "KE",
        email="registry@kenya-mission.org",
        address_kind="registry",
        source="https://www.un.int/kenya/contacts",
    )
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(f"{live_app}/admin")
    page.get_by_label("Organiser token").fill(token)
    page.get_by_role("button", name="Open the dashboard").click()

    expect(page.locator("#addresses tbody tr", has_text="Switzerland")).to_be_visible()
    assert cell_texts(page, "#addresses tbody tr:has-text('Switzerland') td") == [
        "Switzerland",
        "foreign-ministry",
        "desk",
        "sourced",
        "Correct",
    ]
    assert cell_texts(page, "#addresses tbody tr:has-text('Zimbabwe') td") == [
        "Zimbabwe",
        "un-mission-new-york",
        "free-mail",
        "sourced",
        "Correct",
    ]
    assert cell_texts(page, "#addresses tbody tr:has-text('Kenya') td")[2:] == ["registry", "override", "Correct"]
    assert "Finland" not in cell_texts(page, "#addresses tbody td:nth-child(1)")  # nothing to say about it


@pytest.mark.slow
def test_a_wrong_token_is_refused_and_nothing_is_shown(browser, live_app):
    page = browser.new_page()
    page.goto(f"{live_app}/admin")
    page.get_by_label("Organiser token").fill("dmo_000000000000_" + "A" * 43)
    page.get_by_role("button", name="Open the dashboard").click()
    page.get_by_text("This token was not accepted").wait_for()
    assert page.locator("#dashboard").is_hidden()
    assert page.evaluate("sessionStorage.length") == 0


@pytest.fixture
def run_exports_in_background(services):
    """Drain the exports queue in a thread while the page polls, as the worker Lambda would."""
    import app as app_module
    from localdev.drain import drain_once

    threads = []

    def start():
        def loop():
            for _ in range(50):
                if drain_once(services.aws.sqs, services.aws.exports_queue_url, app_module.on_export_message):
                    return
                threading.Event().wait(0.1)

        thread = threading.Thread(target=loop, daemon=True)
        thread.start()
        threads.append(thread)

    yield start
    for thread in threads:
        thread.join(timeout=10)
