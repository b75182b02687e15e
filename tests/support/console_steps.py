"""What an organiser and a supporter do in Chromium against `make run`'s stack, shared by the browser tests:
sign in with the emailed link, fill a new campaign in the editor, preview it, write and confirm a letter."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from support.live_servers import confirm, eventually, outbox

LETTER_EN = (
    "Dear {{ target.addressee }},\n\nPlease call for the release of the Lake Three.\n"
    "{%- if supporter.message %}\n\n{{ supporter.message }}\n{%- endif %}\n\n"
    "Yours sincerely,\n{{ supporter.name }}\n{{ country.name }}\n"
)
LETTER_FR = LETTER_EN.replace("Dear", "Madame, Monsieur,").replace("Please call", "Demandez")
THREE_COUNTRIES = (("KE", "Kenya", "en"), ("FR", "France", "fr"), ("BR", "Brazil", "en"))
_SIGN_IN_LINK = re.compile(r"http://\S+/admin#sign-in=[A-Za-z0-9_-]+")


def mails_to(base: str, email: str, subject_part: str = "") -> list[dict]:
    """The local outbox's mails to `email` whose subject contains `subject_part`, oldest first."""
    return [m for m in outbox(base, email) if email in m["to"] and subject_part in m["subject"]]


def sign_in_by_email(page, base: str, email: str) -> None:
    """On /admin: ask for a link, open the newest one mailed to `email`; the dashboard then shows who is signed in."""
    page.goto(f"{base}/admin")
    page.get_by_label("Your email address").fill(email)
    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.locator("#email-sent")).to_contain_text("a sign-in link is on its way")

    def link() -> str:
        links = [match.group(0) for m in mails_to(base, email) for match in [_SIGN_IN_LINK.search(m["body"])] if match]
        assert links, f"no sign-in link for {email} yet"
        return links[-1]

    page.goto(eventually(link, timeout=30))
    expect(page.locator("#who")).to_have_text(f"Signed in as {email}.")


def fill_new_campaign(page, slug: str, organisers: str) -> None:
    """The editor's form for a new campaign in English and French, the organisers' address `organisers`."""
    page.get_by_label("Short name (in the form's address)").fill(slug)
    page.get_by_label("Français (fr)").check()
    for code, title, letter in (
        ("en", "Free the Lake Three", LETTER_EN),
        ("fr", "Libérez les trois du lac", LETTER_FR),
    ):
        page.fill(f"#f-campaign-title-{code}", title)
        page.fill(f"#f-campaign-summary-{code}", title + ": write to your foreign ministry.")
        page.fill(f"#f-campaign-subject-{code}", title)
        page.fill(f"#f-letters-{code}", letter)
    page.get_by_label("Organisation").fill("Lake Defenders (example)")
    page.get_by_label("Sender address").fill("letters@demarche.example.org")
    page.get_by_label("Organisers' address").fill(organisers)


def preview_three_countries(page) -> None:
    """Preview the saved draft for Kenya, France (in French) and Brazil: each names its own country, no template."""
    for country, name, language in THREE_COUNTRIES:
        page.select_option("#preview-country", country)
        page.select_option("#preview-language", language)
        page.get_by_role("button", name="Preview").click()
        expect(page.locator("#preview-title")).to_have_text(f"Preview for {name} ({language})")
        body = page.locator("#preview-body").inner_text()
        assert name in body and ("Demandez" in body) == (language == "fr") and "{{" not in body


def write_and_confirm(browser, base: str, slug: str, country: str, name: str, email: str):
    """A supporter writes on the campaign's form from `country` and confirms by the emailed link; their page."""
    form = browser.new_page(viewport={"width": 1200, "height": 900})
    form.goto(f"{base}/campaigns/{slug}/form")
    expect(form.locator("h1")).to_have_text("Free the Lake Three")
    form.select_option("#country", country)
    form.fill("#name", name)
    form.fill("#email", email)
    form.fill("#message", "Free them now.")
    form.wait_for_timeout(2500)  # the form's minimum fill time: quicker is a bot's
    form.get_by_role("button", name="Send my letter").click()
    expect(form.get_by_role("heading", name="Thank you")).to_be_visible()
    confirm(base, email)
    return form
