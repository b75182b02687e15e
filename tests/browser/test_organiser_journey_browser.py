"""Issue 17's whole journey in Chromium against `make run`'s stack (python -m localdev): an organiser added with the
admin CLI signs in with the link emailed to them, builds a new campaign in the console's editor, previews it for
three countries, sends themselves a test, publishes it; supporters write on the new campaign's form and confirm;
the organiser sees the letters arrive in the on-screen log and filters to one of them."""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import expect
from support.console_steps import (
    fill_new_campaign,
    mails_to,
    preview_three_countries,
    sign_in_by_email,
    write_and_confirm,
)
from support.live_servers import cli, eventually

ORGANISERS = "organisers@demarche.example.org"  # the campaign's address: a signed-in organiser's test skips it


def show_letters(page, status: str, country: str) -> None:
    page.get_by_label("Status", exact=True).select_option(status)
    page.get_by_label("Country (name or code)").fill(country)
    page.get_by_role("button", name="Show letters").click()
    expect(page.locator("#log")).to_have_attribute("aria-busy", "false", timeout=20_000)  # this answer painted


def log_rows(page) -> list[tuple[str, str]]:
    """The log's rows on screen as (country, status)."""
    return [
        (row.locator("td:nth-child(2)").inner_text(), row.locator("td:nth-child(3)").inner_text())
        for row in page.locator("#log tbody tr").all()
    ]


@pytest.mark.slow
def test_an_organiser_signs_in_builds_a_campaign_and_filters_the_log_to_a_supporters_letter(
    browser, live_api, screenshot
):
    slug = f"lake-e2e-{secrets.token_hex(3)}"
    organiser = f"amina-{slug}@ngo.example"
    # GIVEN an administrator made Amina an owner of every campaign (she may create one), with the admin CLI
    added = cli(live_api, "admin", "organiser", "add", organiser, "--all", "--role", "owner")
    assert added.returncode == 0, added.stderr
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors: list = []
    page.on(
        "pageerror", lambda error: errors.append(error)
    )  # a script error would leave a half-done page: none may happen
    page.on("dialog", lambda dialog: dialog.accept())

    # WHEN she signs in with the link from her mail
    sign_in_by_email(page, live_api, organiser)

    # AND builds a new campaign in the editor (her session carries over: no token is asked for)
    page.goto(f"{live_api}/admin/campaigns/new")
    expect(page.locator("#editor")).to_be_visible()
    fill_new_campaign(page, slug, ORGANISERS)
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#action-status")).to_have_text("Draft saved (revision 1).")

    # THEN it previews for three countries
    preview_three_countries(page)

    # AND the test goes to her own address, not the campaign's
    tests_to_organisers = len(mails_to(live_api, ORGANISERS, "[Test]"))
    page.get_by_role("button", name="Send me a test").click()
    expect(page.locator("#action-status")).to_contain_text(f"went to {organiser}")

    def test_mail_arrived() -> None:
        [mail] = mails_to(live_api, organiser, "[Test]")
        assert "Free the Lake Three" in mail["subject"] and "Test Supporter" in mail["body"], mail

    eventually(test_mail_arrived, timeout=30)
    assert len(mails_to(live_api, ORGANISERS, "[Test]")) == tests_to_organisers

    # WHEN she publishes it, THEN the history names her
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#action-status")).to_have_text("Published: version 1 is live.")
    expect(page.locator("#history tbody tr").first).to_contain_text(organiser)

    # WHEN two supporters write on the new campaign's form, from Kenya and from France, and confirm
    for country, name in (("KE", "Wanjiru Kamau"), ("FR", "Claire Martin")):
        write_and_confirm(browser, live_api, slug, country, name, f"{name.split()[0].lower()}-{slug}@example.org")

    # THEN on her dashboard the new campaign's log shows both letters once they are sent
    page.goto(f"{live_api}/admin")
    expect(page.locator("#who")).to_have_text(f"Signed in as {organiser}.")
    page.select_option("#campaign", slug)

    def both_sent() -> None:
        show_letters(page, "sent", "")
        assert sorted(log_rows(page)) == [("France", "sent"), ("Kenya", "sent")]

    eventually(both_sent, timeout=60)

    # AND filtering to Kenya leaves the Kenyan supporter's letter alone
    show_letters(page, "sent", "Kenya")
    expect(page.locator("#log tbody tr")).to_have_count(1)
    assert log_rows(page) == [("Kenya", "sent")]
    screenshot(page, "organiser-journey-log-filtered")
    # AND no letter of this campaign bounced
    show_letters(page, "bounced", "")
    expect(page.locator("#log tbody")).to_have_text("No letter matches these filters.")
    assert errors == []
