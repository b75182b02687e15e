"""No email for the target (or a failing one): the fallback set, then the contact form, then the supporter's own mail.

A letter is never dropped silently and never sent to a guessed address; campaign overrides win over shared data.
"""

from __future__ import annotations

import shutil
from email.utils import getaddresses
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.directory_files import write_targets

from chalicelib.campaigns.catalogue import CAMPAIGNS_DIR, Campaigns, load_campaign
from chalicelib.errors import CampaignFileError
from chalicelib.letters.composing import resolve_target
from chalicelib.letters.fallbacks import mailto_url

LETTER = {"name": "Amina Wanjiru", "email": "amina@example.org", "message": "Defenders need protection."}
SOURCE = "https://example.org/who-is-who"


def post(client, slug, country, email=LETTER["email"]):
    """Post a stamped letter and confirm it through the emailed link, as a supporter would."""
    import app
    from chalicelib.web.outbox import sent_messages
    from tests.conftest import LettersApi

    api = LettersApi(client, app.services(), sent_messages)
    response = api.post(slug, {**LETTER, "country": country, "email": email})
    if response.status_code == 202:
        assert api.confirm(response.json_body["letter_id"]).status_code == 200
    return response


@pytest.fixture
def outbox(services):
    """Letters to targets only (they have a Reply-To); confirmation emails to supporters are left out."""
    from chalicelib.web.outbox import sent_messages

    return lambda: [m for m in sent_messages() if m["reply_to"]]


def campaign_copy(tmp_path: Path, source: str, slug: str = "my-campaign") -> Path:
    folder = tmp_path / "templates" / "campaigns" / slug
    shutil.copytree(CAMPAIGNS_DIR / source, folder)
    return folder


@pytest.fixture
def use_campaigns(monkeypatch):
    """Serve campaigns from another templates/campaigns folder, as the app and the worker would."""
    from chalicelib.rendering import environment

    env = environment()

    def use(root: Path) -> Campaigns:
        campaigns = Campaigns(root)
        monkeypatch.setattr("chalicelib.campaigns.catalogue.default_campaigns", lambda: campaigns)
        monkeypatch.setattr(env.loader, "searchpath", [*env.loader.searchpath, str(root.parent)])
        env.cache.clear()  # templates are cached by name, never reloaded: forget other tests' copies
        return campaigns

    yield use
    env.cache.clear()


def one_set(folder: Path) -> None:
    """The copied campaign writes to the foreign ministry alone: no chain to fall back on."""
    toml = folder / "campaign.toml"
    text = toml.read_text(encoding="utf-8")
    chain = 'target_sets = ["foreign-ministry", "un-mission-new-york"]'
    assert chain in text
    toml.write_text(text.replace(chain, 'target_set = "foreign-ministry"'), encoding="utf-8")


def no_sandbox(services) -> None:
    object.__setattr__(services.settings, "sandbox_recipients", False)  # as in the dev and prod stages


# --- overrides --------------------------------------------------------------------------------------------


def test_a_campaign_override_wins_over_the_shared_row(tmp_path, services, use_campaigns, client, drain, outbox):
    folder = campaign_copy(tmp_path, "hrd-resolution")
    write_targets(
        folder / "targets" / "foreign-ministry.csv",
        "alpha2,addressee,email,source",
        f"KE,Ambassador Jane Doe,jane.doe@example.org,{SOURCE}",
    )
    campaign = use_campaigns(folder.parent).get("my-campaign")

    target = resolve_target(campaign, services.directory.country("KE"), services.directory)
    assert (target.name, target.addressee, target.email, target.source, target.verified) == (
        "Ministry of Foreign and Diaspora Affairs",
        "Ambassador Jane Doe",
        "jane.doe@example.org",
        SOURCE,
        False,
    )
    assert services.directory.target("foreign-ministry", "KE").email is None  # the shared data is untouched
    assert client.http.get("/campaigns/my-campaign/targets/KE").json_body["sends_to"] == "target"

    assert post(client, "my-campaign", "KE").status_code == 202
    drain()
    [mail] = outbox()
    assert getaddresses([mail["to"]])[0][1] == "jane.doe@example.org"
    assert mail["body"].startswith("Dear Ambassador Jane Doe,")


def test_a_broken_override_file_fails_the_campaign_load_naming_file_row_and_column(tmp_path):
    folder = campaign_copy(tmp_path, "hrd-resolution")
    path = write_targets(folder / "targets" / "foreign-ministry.csv", "alpha2,email", "KE,jane.doe@example.org")
    with pytest.raises(CampaignFileError) as info:
        load_campaign(folder)
    assert str(info.value).startswith(f"{path}:2: source: an email needs a source")

    path.rename(folder / "targets" / "parliament.csv")
    with pytest.raises(CampaignFileError, match="unknown target set 'parliament'"):
        load_campaign(folder)


@pytest.mark.parametrize("value", ['"parliament"', '"foreign-ministry"', "3"])
def test_a_bad_fallback_target_set_is_named(tmp_path, value):
    folder = campaign_copy(tmp_path, "hrd-resolution")
    one_set(folder)
    toml = folder / "campaign.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace("[delivery]", f"fallback_target_set = {value}\n\n[delivery]"), encoding="utf-8")
    with pytest.raises(CampaignFileError) as info:
        load_campaign(folder)
    assert info.value.field == "fallback_target_set"


# --- the fallback target set -----------------------------------------------------------------------------


def test_no_ministry_email_sends_to_the_campaigns_fallback_end_to_end(client, services, drain, outbox):
    no_sandbox(services)
    mission = services.directory.target("un-mission-new-york", "KE")
    assert services.directory.target("foreign-ministry", "KE").email is None and mission.email

    preview = client.http.get("/campaigns/whrd-resolution/targets/Kenya").json_body
    assert (preview["email_available"], preview["sends_to"]) == (False, "fallback_target")
    assert preview["target"]["email_available"] is False
    assert [o["kind"] for o in preview["fallbacks"]] == ["fallback_target", "mailto"]
    assert preview["fallbacks"][0]["target"]["name"] == mission.name
    assert preview["fallbacks"][0]["letter"]["body"].startswith("Dear Ambassador and Permanent Representative,")

    response = post(client, "whrd-resolution", "KE")
    assert response.status_code == 202
    drain()
    [mail] = outbox()
    assert getaddresses([mail["to"]]) == [(mission.name, mission.email)]
    letter = services.letters.get(response.json_body["letter_id"])
    assert (letter.target_set, letter.target_email, letter.status) == ("un-mission-new-york", mission.email, "sent")


def test_a_failing_target_triggers_the_fallback_until_cleared(
    tmp_path, services, use_campaigns, client, drain, outbox, clock
):
    folder = campaign_copy(tmp_path, "whrd-resolution")
    write_targets(folder / "targets" / "foreign-ministry.csv", "alpha2,email,source", f"KE,desk@example.org,{SOURCE}")
    use_campaigns(folder.parent)
    services.health.mark_failing("foreign-ministry", "KE", "550 5.1.1 user unknown", clock())

    preview = client.http.get("/campaigns/my-campaign/targets/KE").json_body
    assert preview["target"]["failing"] is True and preview["target"]["email_available"] is False
    assert preview["sends_to"] == "fallback_target"
    post(client, "my-campaign", "KE")

    services.health.clear("foreign-ministry", "KE")
    assert client.http.get("/campaigns/my-campaign/targets/KE").json_body["sends_to"] == "target"
    post(client, "my-campaign", "KE")

    drain()
    assert [getaddresses([m["to"]])[0][1] for m in outbox()] == ["info@kenyaun.org", "desk@example.org"]


# --- no one to email: the letter comes back with the ways to send it ------------------------------------


def test_without_fallback_the_letter_comes_back_with_contact_form_then_mailto(
    tmp_path, services, use_campaigns, client, stored_items, queued_count
):
    no_sandbox(services)
    folder = campaign_copy(tmp_path, "hrd-resolution")
    one_set(folder)
    write_targets(folder / "targets" / "foreign-ministry.csv", "alpha2,contact_form_url", "BR,https://example.org/form")
    use_campaigns(folder.parent)

    response = post(client, "my-campaign", "Brazil")

    assert response.status_code == 422
    error = response.json_body["error"]
    assert (error["code"], error["email_available"], error["sends_to"]) == ("target_unreachable", False, None)
    assert "has no email address we can use" in error["message"]
    assert [o["kind"] for o in error["fallbacks"]] == ["contact_form", "mailto"]
    form, mail = error["fallbacks"]
    assert form["url"] == "https://example.org/form"
    assert LETTER["message"] in form["letter"]["body"] and LETTER["name"] in form["letter"]["body"]
    parts = urlsplit(mail["url"])
    assert parts.scheme == "mailto" and parts.path == ""  # never a guessed address
    assert mail["website"] == "https://www.gov.br/mre"
    assert stored_items() == [] and queued_count() == 0


def test_a_failing_target_without_fallback_is_refused_even_in_the_local_sandbox(
    client, services, clock, stored_items, single_target_set
):
    single_target_set("hrd-resolution")
    services.health.mark_failing("foreign-ministry", "FI", "550 5.1.1", clock())

    assert client.http.get("/campaigns/hrd-resolution/targets/FI").json_body["sends_to"] is None
    response = post(client, "hrd-resolution", "FI")

    assert response.status_code == 422
    assert "is not accepting email just now" in response.json_body["error"]["message"]
    assert [item["pk"] for item in stored_items()] == ["TARGET_HEALTH"]  # no letter


def test_the_local_sandbox_still_takes_letters_to_targets_without_email(client, single_target_set):
    single_target_set("hrd-resolution")
    preview = client.http.get("/campaigns/hrd-resolution/targets/BR").json_body
    assert (preview["email_available"], preview["sends_to"]) == (False, "sandbox")
    assert post(client, "hrd-resolution", "BR").status_code == 202


def test_the_plain_form_shows_the_letter_and_the_other_ways_when_nobody_can_be_emailed(
    client, services, stored_items, single_target_set
):
    from urllib.parse import urlencode

    single_target_set("hrd-resolution")

    from tests.conftest import LettersApi

    no_sandbox(services)
    stamp = LettersApi(client, services, None).stamp("hrd-resolution")
    body = (
        "country=BR&name=Amina+Wanjiru&email=amina%40example.org&message=%3Cb%3EMy+words%3C%2Fb%3E&lang=en&"
        + urlencode({"form_token": stamp})
    )
    response = client.http.post(
        "/campaigns/hrd-resolution/form",
        body=body.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    page = response.body.decode()
    assert response.status_code == 422
    assert 'role="alert"' in page and 'id="letter-text" readonly' in page
    assert "&lt;b&gt;My words&lt;/b&gt;" in page  # what the supporter wrote is kept, escaped
    assert 'href="mailto:?subject=' in page and "Send it from your own email" in page
    assert 'href="https://www.gov.br/mre"' in page
    # webmail links with the letter, a copy button (shown by the script), and where to look for an address
    assert 'href="https://mail.google.com/mail/?view=cm&amp;fs=1&amp;su=' in page
    assert 'href="https://outlook.live.com/mail/0/deeplink/compose?subject=' in page
    assert '<button type="button" data-copy="letter-text"' in page and "look for one on their official website" in page
    assert stored_items() == []


# --- mailto -----------------------------------------------------------------------------------------------


@given(
    subject=st.text(st.characters(exclude_categories=["Cs", "Cc"]), max_size=80),
    body=st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\r"), max_size=400),
)
def test_mailto_urls_carry_subject_and_body_exactly(subject, body):
    url = mailto_url(subject, body)
    parts = urlsplit(url)
    query = dict(pair.split("=", 1) for pair in parts.query.split("&"))

    assert parts.scheme == "mailto" and parts.path == ""
    assert not any(ch in url for ch in ' \r\n"<>')
    assert unquote(query["subject"]) == subject
    assert unquote(query["body"]) == body.replace("\n", "\r\n")


# --- the chain of target sets ----------------------------------------------------------------------------


def test_the_chain_is_walked_in_order_and_the_preview_says_who_answers_and_why(
    tmp_path, services, use_campaigns, client
):
    # GIVEN a campaign whose chain is the ministry, then the Geneva mission, then the New York mission
    no_sandbox(services)
    folder = campaign_copy(tmp_path, "hrd-resolution")
    toml = folder / "campaign.toml"
    chain = '["foreign-ministry", "un-mission-new-york"]'
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(
            chain, '["foreign-ministry", "un-mission-geneva", "un-mission-new-york"]'
        ),
        encoding="utf-8",
    )
    use_campaigns(folder.parent)
    assert services.directory.target("un-mission-geneva", "KE").email is None

    # WHEN a supporter in Kenya (no ministry or Geneva address) previews their letter
    preview = client.http.get("/campaigns/my-campaign/targets/KE").json_body

    # THEN the New York mission answers, and the supporter is told why
    mission = services.directory.target("un-mission-new-york", "KE")
    assert preview["sends_to"] == "fallback_target" and preview["fallbacks"][0]["target"]["email"] == mission.email
    assert preview["route"] == {
        "chain": ["foreign-ministry", "un-mission-geneva", "un-mission-new-york"],
        "answered_by": "un-mission-new-york",
        "reason": "no_email",
        "explanation": "Ministry of Foreign and Diaspora Affairs publishes no email address that we know of, so your "
        "letter goes to Permanent Mission of Kenya to the United Nations, your country's Permanent Mission to "
        "the UN in New York, which reports to it.",
        "explanation_key": "route.no_email.un-mission-new-york",
        "address_kind": "general",  # a general inbox: nothing more to tell the supporter
        "address_note": None,
        "address_note_key": None,
    }
    assert preview["fallbacks"][0]["target"]["address_kind"] == mission.address_kind == "general"


def test_a_sourced_address_answers_for_itself_and_a_placeholder_is_never_email_available(
    client, services, single_target_set
):
    # GIVEN Finland's sourced ministry address, and Brazil's ministry without one (local stage placeholder)
    fi = client.http.get("/campaigns/hrd-resolution/targets/FI").json_body
    assert fi["route"]["answered_by"] == "foreign-ministry" and fi["route"]["reason"] == "own_address"
    assert fi["route"]["explanation"] is None and fi["email_available"] is True

    single_target_set("hrd-resolution")
    br = client.http.get("/campaigns/hrd-resolution/targets/BR").json_body
    # THEN the placeholder may carry a local letter, but it is never an available email
    assert br["sends_to"] == "sandbox" and br["email_available"] is False
    assert br["target"]["email_available"] is False and br["target"]["email"] is None
    assert br["route"]["answered_by"] is None


def test_target_sets_and_the_older_fields_are_not_mixed(tmp_path):
    folder = campaign_copy(tmp_path, "hrd-resolution")
    toml = folder / "campaign.toml"
    text = toml.read_text(encoding="utf-8").replace(
        "[delivery]", 'fallback_target_set = "un-mission-geneva"\n[delivery]'
    )
    toml.write_text(text, encoding="utf-8")
    with pytest.raises(CampaignFileError) as info:
        load_campaign(folder)
    assert info.value.field == "fallback_target_set"


def test_a_hard_bounce_takes_the_target_out_of_the_chain_until_it_is_cleared(
    tmp_path, services, use_campaigns, client, drain, outbox, clock
):
    """End to end: SES reports a hard bounce for the ministry's address; the next letter to that country goes to the
    chain's next set (the New York mission); once the failing mark is cleared, letters go to the ministry again."""
    from support.ses_events import ses_event, sns_event

    import app

    folder = campaign_copy(tmp_path, "whrd-resolution")
    write_targets(folder / "targets" / "foreign-ministry.csv", "alpha2,email,source", f"KE,desk@example.org,{SOURCE}")
    use_campaigns(folder.parent)
    post(client, "my-campaign", "KE")
    drain()
    [mail] = outbox()
    assert getaddresses([mail["to"]])[0][1] == "desk@example.org"
    app.on_ses_feedback(sns_event(ses_event("Bounce", mail["message_id"], ["desk@example.org"])), None)
    assert services.health.failing("foreign-ministry", "KE") is not None

    post(client, "my-campaign", "KE", "second@example.org")  # the ministry is out of the chain: the mission answers
    drain()
    services.health.clear("foreign-ministry", "KE")
    post(client, "my-campaign", "KE", "third@example.org")  # cleared: back to the ministry
    drain()
    clock.advance(hours=1)  # past the ministry's pacing (it had a letter a moment ago)
    services.schedule.release_due(clock(), services.queue)
    drain()
    assert [getaddresses([m["to"]])[0][1] for m in outbox()] == [
        "desk@example.org",
        "info@kenyaun.org",
        "desk@example.org",
    ]
