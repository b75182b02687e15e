"""Correcting a target's address in Chromium against `make run`'s stack (python -m localdev): a viewer of the
campaign, signed in by the emailed link, sees the addresses but no form to correct them; an editor, signed in the
same way, picks a country in the dashboard's "Addresses to know about" form, a bad source is refused next to its field and nothing
is written, the correction with its source is saved, a supporter's letter to that country goes to the corrected
address (the local stage is one container: it sees its own correction at once), and the organiser clears it.
The same round trip with the directory CLI in its own process. Screenshots go to test-artifacts/."""

from __future__ import annotations

import json
import secrets
import subprocess
import time
import urllib.request

import pytest
from playwright.sync_api import expect
from support.console_steps import sign_in_by_email
from support.live_servers import cli, confirm, get_json, post_json, wait_for_mail

CAMPAIGN = "hrd-resolution"
# Iceland's ministry: no other test on the shared stack writes to it (a correction applies to every campaign).
COUNTRY, NAME, SHARED = "IS", "Iceland", "mfa@mfa.is"
CORRECTED = "utanrikisraduneyti@utn.is"
SOURCE = "https://www.government.is/ministries/ministry-for-foreign-affairs/contact/"


def target(base: str, token: str) -> dict:
    request = urllib.request.Request(
        f"{base}/admin/campaigns/{CAMPAIGN}/targets/foreign-ministry/{COUNTRY}",
        headers={"Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def write_letter(base: str, supporter: str) -> dict:
    form_token = get_json(f"{base}/campaigns/{CAMPAIGN}/form-token")["form_token"]
    time.sleep(2.1)  # the form's minimum fill time
    post_json(
        f"{base}/campaigns/{CAMPAIGN}/letters",
        {"country": COUNTRY, "name": "Sigrun Jonsdottir", "email": supporter, "form_token": form_token},
    )
    confirm(base, supporter)
    return wait_for_mail(base, supporter)


def member(base: str, role: str) -> str:
    """A new organiser of CAMPAIGN with `role`, added with the admin CLI as an administrator would."""
    email = f"{role}-{secrets.token_hex(3)}@ngo.example"
    added = cli(base, "admin", "organiser", "add", email, "--campaign", CAMPAIGN, "--role", role)
    assert added.returncode == 0, added.stderr
    return email


@pytest.mark.slow
def test_a_viewer_sees_the_addresses_but_no_form_to_correct_them(browser, live_api):
    page = browser.new_page(viewport={"width": 360, "height": 780})
    sign_in_by_email(page, live_api, member(live_api, "viewer"))
    page.get_by_label("Campaign", exact=True).select_option(CAMPAIGN)
    expect(page.locator("#role")).to_contain_text("viewer")
    expect(page.locator("#addresses tbody tr").first).to_be_visible()
    expect(page.locator("#fix")).to_be_hidden()
    expect(page.get_by_role("button", name="Correct the address for", exact=False)).to_have_count(0)


@pytest.mark.slow
def test_an_editor_corrects_an_address_in_the_console_and_the_next_letter_goes_there(browser, live_api, screenshot):
    token = get_json(f"{live_api}/dev/organiser-token")["token"]  # the test's own reads of the target's history
    page = browser.new_page(viewport={"width": 360, "height": 780})
    sign_in_by_email(page, live_api, member(live_api, "editor"))
    page.get_by_label("Campaign", exact=True).select_option(CAMPAIGN)
    expect(page.locator("#role")).to_contain_text("editor")

    form = page.locator("#fix")
    expect(form).to_be_visible()
    before = len(target(live_api, token)["history"])
    form.get_by_label("Country").select_option(COUNTRY)
    form.get_by_label("Target").select_option("foreign-ministry")
    expect(form.get_by_label("Email address")).to_have_value(SHARED)  # the address letters use now

    # A bad source: refused next to its field, which takes the focus; nothing is written
    form.get_by_label("Email address").fill(CORRECTED)
    form.get_by_label("Address kind").select_option("general")
    form.get_by_label("Source (required)").fill("http://not-https.example")
    form.get_by_label("Note (optional)").fill("the ministry's new inbox")
    form.get_by_role("button", name="Save correction").click()
    expect(page.locator("#fix-source-error")).to_contain_text("https://")
    expect(form.get_by_label("Source (required)")).to_be_focused()
    expect(form.get_by_label("Source (required)")).to_have_attribute("aria-invalid", "true")
    assert len(target(live_api, token)["history"]) == before

    # By keyboard: type the source, Enter saves
    form.get_by_label("Source (required)").fill(SOURCE)
    form.get_by_label("Source (required)").press("Enter")
    expect(page.locator("#fix-status")).to_contain_text(f"now goes to {CORRECTED}")
    expect(page.locator("#fix-source-error")).to_be_empty()
    expect(page.locator("#addresses tbody tr", has_text=NAME)).to_contain_text("override")
    assert target(live_api, token)["target"]["email"] == CORRECTED
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing sideways at 360 px
    screenshot(page, "address-correction-phone")

    # A supporter's letter to Iceland goes to the corrected address
    mail = write_letter(live_api, "sigrun.corrected@example.org")
    assert CORRECTED in mail["to"] and SHARED not in mail["to"]

    # The organiser clears it from the row's button; the next letter goes to the shared address again
    page.get_by_role("button", name=f"Correct the address for {NAME}").click()
    expect(form.get_by_label("Email address")).to_be_focused()
    form.get_by_role("button", name="Clear correction").click()
    expect(page.locator("#fix-status")).to_contain_text(f"now goes to {SHARED}")
    assert target(live_api, token)["target"]["email"] == SHARED
    assert [h["action"] for h in target(live_api, token)["history"]][:2] == ["clear", "set"]
    mail = write_letter(live_api, "sigrun.shared@example.org")
    assert SHARED in mail["to"]


def directory_cli(base: str, *argv: str) -> subprocess.CompletedProcess:
    return cli(base, "directory", *argv)


@pytest.mark.slow
def test_the_directory_cli_corrects_and_clears_an_address_on_the_running_stack(live_api):
    token = get_json(f"{live_api}/dev/organiser-token")["token"]
    where = ("--set", "foreign-ministry", "--country", COUNTRY)
    bad = directory_cli(live_api, "override", "set", *where, "--email", CORRECTED, "--kind", "general",
                        "--source", "ftp://x", "--by", "CLI test")  # fmt: skip
    assert bad.returncode == 1 and "source" in bad.stderr
    assert target(live_api, token)["target"]["email"] == SHARED

    done = directory_cli(live_api, "override", "set", *where, "--email", CORRECTED, "--kind", "general",
                         "--source", SOURCE, "--by", "CLI test")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "using the local stack" in done.stderr
    # The API's container reads corrections at most once a minute (CACHE_SECONDS): another process's correction
    # is visible there within that time; the CLI's own listing shows it at once.
    listed = directory_cli(live_api, "override", "list", "--json")
    assert CORRECTED in listed.stdout, listed.stderr
    cleared = directory_cli(live_api, "override", "clear", *where, "--by", "CLI test")
    assert cleared.returncode == 0, cleared.stderr
    assert CORRECTED not in directory_cli(live_api, "override", "list", "--json").stdout
