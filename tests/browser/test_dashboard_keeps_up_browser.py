"""A dashboard that keeps up, in Chromium: it says when it is loading, an answer for an earlier campaign never
paints, the export is only ever of the campaign on screen, and on a sign-on campaign with 193 countries the
signatories sit above the fold, with the keyboard and on a 360 px phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from support.letter_factory import make_letter

A, B, SIGN_ON = "hrd-resolution", "whrd-resolution", "ga-defenders-sign-on"


@pytest.fixture
def two_campaigns(services, clock):
    """A has 7 letters, B has 3: different totals, so a wrong paint shows."""
    for campaign, count in ((A, 7), (B, 3)):
        for n in range(count):
            services.letters.create(make_letter(clock, campaign=campaign, email=f"{campaign}{n}@example.org"))


def signed_in(browser, live_app, services, **page_options):
    """The sign-in page, token typed in, opening on campaign A."""
    token = services.organiser_tokens.create("Owner", ["*"])[0]
    page = browser.new_page(**page_options)
    page.goto(f"{live_app}/admin#{A}")
    page.get_by_label("Organiser token").fill(token)
    return page


def total(page):
    return page.locator('#totals dd[data-status="total"]')


@pytest.mark.slow
def test_an_answer_for_the_previous_campaign_never_paints_and_export_follows_the_screen(
    browser, live_app, services, two_campaigns
):
    page = signed_in(browser, live_app, services)
    held = []
    # GIVEN A's numbers are slow to come (the request is held until we let it go)
    page.route(f"**/admin/campaigns/{A}/dashboard", lambda route: held.append(route))
    page.get_by_role("button", name="Open the dashboard").click()
    for _ in range(50):  # the request for A is made, and held
        if held:
            break
        page.wait_for_timeout(100)
    assert len(held) == 1
    # THEN while it loads the page says so, shows no number and offers no export
    expect(page.locator("#dashboard")).to_have_attribute("aria-busy", "true")
    expect(page.locator("#updated")).to_contain_text("Loading")
    expect(total(page)).to_have_text("–")
    assert page.get_by_role("button", name="Export all letters").is_disabled()

    # WHEN the organiser switches to B, whose answer comes first
    page.locator("#campaign").select_option(B)
    expect(total(page)).to_have_text("3")
    # AND then A's late answer arrives
    with page.expect_response(lambda response: f"/admin/campaigns/{A}/dashboard" in response.url):
        held[0].continue_()
    page.wait_for_timeout(300)  # the page has had its chance to paint it
    # THEN B's numbers stay: the late answer belonged to an earlier selection
    expect(total(page)).to_have_text("3")
    expect(page.locator("#dashboard")).to_have_attribute("aria-busy", "false")

    # AND the export is B's, the campaign on screen, and says so
    expect(page.locator("#export-campaign")).to_contain_text("women human rights defenders")
    with page.expect_request(lambda r: r.method == "POST" and "/exports" in r.url) as asked:
        page.get_by_role("button", name="Export all letters").click()
    assert f"/admin/campaigns/{B}/exports" in asked.value.url


@pytest.fixture
def sign_on_everywhere(services, clock):
    """A sign-on campaign whose letter went to all 193 member states: a 193-row country table."""
    codes = [c.alpha2 for c in services.directory.countries() if c.status == "member"]
    for code in codes:
        services.letters.create(make_letter(clock, campaign=SIGN_ON, country=code, email="coalition@example.org"))
    return codes


@pytest.mark.slow
def test_on_a_sign_on_campaign_the_signatories_are_above_the_fold(
    browser, live_app, services, sign_on_everywhere, screenshot
):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(f"{live_app}/admin#{SIGN_ON}")
    page.get_by_label("Organiser token").fill(services.organiser_tokens.create("O", [SIGN_ON])[0])
    page.get_by_role("button", name="Open the dashboard").click()
    expect(total(page)).to_have_text(str(len(sign_on_everywhere)), timeout=30_000)
    # the signatories' heading is on the first screen, without scrolling
    heading = page.locator("#signatories-title")
    expect(heading).to_be_visible()
    assert heading.bounding_box()["y"] < 900
    # and the country table shows the top 20 until asked for all of them
    expect(page.locator("#countries tbody tr")).to_have_count(20)
    page.get_by_role("button", name=f"Show all {len(sign_on_everywhere)} countries").click()
    expect(page.locator("#countries tbody tr")).to_have_count(len(sign_on_everywhere))
    screenshot(page, "dashboard-sign-on")


@pytest.mark.slow
def test_the_page_is_navigable_with_the_keyboard_and_fits_a_360_px_phone(
    browser, live_app, services, sign_on_everywhere
):
    phone = browser.new_page(viewport={"width": 360, "height": 740}, is_mobile=True)
    phone.goto(f"{live_app}/admin#{SIGN_ON}")
    phone.get_by_label("Organiser token").fill(services.organiser_tokens.create("O", [SIGN_ON])[0])
    phone.keyboard.press("Enter")
    expect(total(phone)).to_have_text(str(len(sign_on_everywhere)), timeout=30_000)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    # the "on this page" links move the focus to their section: Tab to one, Enter, and the focus is there
    phone.locator(".jump button").first.focus()
    for _ in range(5):
        if phone.evaluate("document.activeElement.textContent") == "Export":
            break
        phone.keyboard.press("Tab")
    phone.keyboard.press("Enter")
    expect(phone.locator("#export-title")).to_be_focused()
    phone.locator(".jump button", has_text="Signatories and sending").focus()
    phone.keyboard.press("Enter")
    expect(phone.locator("#signatories-title")).to_be_focused()
