"""Campaigns built in the console: checked like files, versioned in DynamoDB, published in one step, seen live."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from chalicelib.campaigns.catalogue import CAMPAIGNS_DIR, default_campaigns, load_campaign
from chalicelib.campaigns.documents import campaign_from_document, document_from_folder
from chalicelib.campaigns.live import LIVE_TTL, LiveCampaigns
from chalicelib.console.tokens import ALL, Organiser
from chalicelib.errors import CampaignNotReady, Forbidden, InvalidField, StateConflict

ADMIN = Organiser("t-admin", "admin", (ALL,))
ONE = Organiser("t-one", "hrd only", ("hrd-resolution",))


def new_document(**changes):
    """A whole new campaign, as the editor sends it."""
    document = document_from_folder(CAMPAIGNS_DIR / "hrd-resolution")
    document["campaign"].update(
        title={
            **document["campaign"]["title"],
            "en": "Free the Lake Three",
            "fr": "Libérez les trois du lac",
            "es": "Liberen a los tres del lago",
        },
        organiser_email="organisers@demarche.example.org",
        **changes,
    )
    return document


@pytest.fixture
def editor(services):
    return services.campaign_editor


def test_a_stored_campaign_and_its_file_are_the_same_campaign():
    # GIVEN a campaign file, and the same campaign as the document the console stores
    folder = CAMPAIGNS_DIR / "hrd-resolution"
    from_file = load_campaign(folder)
    stored = campaign_from_document("hrd-resolution", document_from_folder(folder))
    # THEN the same checks read the same campaign (only where the letters come from differs)
    for field in ("title", "summary", "subject", "languages", "target_chain", "opens", "closes", "delivery",
                  "policies", "allowed_origins", "organiser_email"):  # fmt: skip
        assert getattr(stored, field) == getattr(from_file, field), field
    assert stored.letter_source("fr") == from_file.letter_source("fr")


@pytest.mark.parametrize(
    "change,field",
    [
        (lambda d: d["letters"].pop("fr"), "letters.fr"),
        (lambda d: d["letters"].update(es="Estimado {{ target.addressee ,"), "letters.es"),
        (lambda d: d["letters"].update(en="Dear {{ minister }}"), "letters.en"),
        (lambda d: d["campaign"]["title"].update(fr=""), "title.fr"),
        (lambda d: d["campaign"].update(opens="next tuesday"), "opens"),
        (lambda d: d["campaign"].update(closes="2020-01-01"), "closes"),
        (lambda d: d["campaign"]["delivery"].update(mode="pigeon"), "delivery.mode"),
        (lambda d: d["campaign"].update(allowed_origins=["*"]), "allowed_origins[0]"),
        (lambda d: d["campaign"].update(sender_address="not an address"), "sender_address"),
        (lambda d: d["campaign"].update(bots={"min_fill_seconds": -1}), "bots.min_fill_seconds"),
        (lambda d: d["campaign"].update(target_sets=["foreign-ministry", "parliament"]), "target_sets"),
        (lambda d: d["campaign"]["subject"].update(en="two\nlines"), "subject.en"),
    ],
)
def test_bad_input_is_refused_naming_the_field(editor, change, field):
    document = new_document()
    change(document)
    with pytest.raises(InvalidField) as info:
        editor.save(ADMIN, "lake-three", {"document": document, "revision": 0})
    assert info.value.field == field
    assert info.value.message.startswith(f"{field}: ")


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ supporter.name.__class__.__init__.__globals__ }}",
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
        "{% include 'mail/confirm.en.txt' %}",
        "{% extends 'pages/base.html' %}",
    ],
)
def test_a_stored_letter_cannot_reach_python_internals_or_files(editor, services, source):
    # GIVEN a letter that tries to escape the sandbox or read a template file
    document = new_document()
    document["letters"]["en"] = "Dear {{ target.addressee }},\n" + source + "\n{{ supporter.name }}"
    # THEN it is refused, naming the letter, and nothing is stored
    with pytest.raises(InvalidField) as info:
        editor.save(ADMIN, "lake-three", {"document": document, "revision": 0})
    assert info.value.field == "letters.en"
    assert services.campaign_store.record("lake-three").draft is None


def test_supporter_words_in_a_stored_campaign_stay_data(editor, services):
    from chalicelib.letters.composing import Supporter, compose, resolve_target

    editor.save(ADMIN, "lake-three", {"document": new_document(), "revision": 0})
    campaign = editor.draft_campaign(ADMIN, "lake-three")
    country = services.directory.country("KE")
    letter = compose(campaign, country, resolve_target(campaign, country, services.directory),
                     Supporter("{{ 7*7 }}", "x@example.org", "", "{{ ''.__class__ }}"), "en")  # fmt: skip
    assert "{{ 7*7 }}" in letter.body and "{{ ''.__class__ }}" in letter.body and "49" not in letter.body


def test_drafts_keep_who_changed_what_and_a_stale_save_is_refused(editor, clock):
    view = editor.save(ADMIN, "lake-three", {"document": new_document(), "revision": 0})
    assert view["revision"] == 1 and view["source"] == "new" and view["live_version"] == 0
    clock.advance(minutes=5)
    changed = copy.deepcopy(view["document"])
    changed["campaign"]["title"]["fr"] = "Libérez-les"
    changed["letters"]["es"] += "\nGracias."
    view = editor.save(ADMIN, "lake-three", {"document": changed, "revision": 1})

    latest = view["history"][0]
    assert latest["action"] == "save" and latest["actor"] == "token t-admin (admin)"
    assert latest["changed"] == ["title.fr", "letters.es"] and latest["at"] == "2026-11-26T10:05:00.000Z"
    # WHEN someone saves over the revision they loaded, after another save
    with pytest.raises(StateConflict):
        editor.save(ADMIN, "lake-three", {"document": new_document(), "revision": 1})
    assert editor.view(ADMIN, "lake-three")["document"]["campaign"]["title"]["fr"] == "Libérez-les"


def test_only_organisers_of_the_campaign_edit_it_and_only_an_administrator_creates_one(editor):
    with pytest.raises(Forbidden):
        editor.save(ONE, "lake-three", {"document": new_document(), "revision": 0})
    with pytest.raises(Forbidden):
        editor.view(ONE, "whrd-resolution")
    assert editor.view(ONE, "hrd-resolution")["source"] == "file"


def test_publish_lints_every_country_and_refuses_a_letter_that_breaks_for_one(editor, services):
    # GIVEN a letter that fails only for Egypt (the save's one-sample check renders it for Kenya)
    document = new_document()
    document["letters"]["en"] += "{% if country.name == 'Egypt' %}{{ no_such_name }}{% endif %}\n"
    editor.save(ADMIN, "lake-three", {"document": document, "revision": 0})
    # WHEN the organiser publishes, THEN the linter names the country and nothing goes live
    with pytest.raises(CampaignNotReady) as info:
        editor.publish(ADMIN, "lake-three", {})
    assert any("letter.en.txt for EG" in problem for problem in info.value.problems)
    assert services.campaign_store.live_items() == []
    assert services.campaign_store.record("lake-three").versions == []


def test_a_new_campaign_goes_live_without_a_deploy(editor, services, clock):
    # GIVEN another container that read the campaigns a moment ago
    other = LiveCampaigns(default_campaigns, services.campaign_store, clock)
    assert "lake-three" not in {c.slug for c in other.all()}
    # WHEN an organiser saves and publishes a new campaign
    editor.save(ADMIN, "lake-three", {"document": new_document(), "revision": 0})
    view = editor.publish(ADMIN, "lake-three", {"live_version": 0})
    # THEN this container serves it at once, the other within LIVE_TTL
    assert view["published_version"] == 1 and view["versions"][0]["action"] == "publish"
    assert services.campaigns.get("lake-three").title["en"] == "Free the Lake Three"
    assert "lake-three" not in {c.slug for c in other.all()}
    clock.advance(seconds=LIVE_TTL.total_seconds())
    assert other.get("lake-three").letter_sources["en"] == new_document()["letters"]["en"]


def test_a_file_campaign_is_imported_as_version_one_and_a_stale_publish_changes_nothing(editor, services):
    view = editor.view(ADMIN, "hrd-resolution")
    document = view["document"]
    document["campaign"]["title"]["en"] = "Stand with defenders, now"
    editor.save(ONE, "hrd-resolution", {"document": document, "revision": 0})
    view = editor.publish(ONE, "hrd-resolution", {"live_version": 0})
    assert [(v["version"], v["action"], v["by"]) for v in reversed(view["versions"])] == [
        (1, "import", "templates/campaigns (file)"),
        (2, "publish", "token t-one (hrd only)"),
    ]
    assert [h["changed"] for h in view["history"] if h["action"] == "publish"] == [["title.en"]], view["history"]
    assert services.campaigns.get("hrd-resolution").title["en"] == "Stand with defenders, now"
    # WHEN a second organiser publishes over the version they loaded (1), after version 2 went live
    with pytest.raises(StateConflict):
        editor.publish(ADMIN, "hrd-resolution", {"live_version": 1})
    # THEN nothing half-changed: still two versions, version 2 live
    assert [i["version"] for i in services.campaign_store.live_items()] == [2]
    assert len(services.campaign_store.record("hrd-resolution").versions) == 2


def test_close_stops_letters_from_today(editor, services, clock):
    from chalicelib.errors import CampaignNotOpen

    editor.save(ADMIN, "lake-three", {"document": new_document(), "revision": 0})
    editor.publish(ADMIN, "lake-three", {})
    services.campaigns.get("lake-three").check_open(clock.now.date())
    view = editor.close(ADMIN, "lake-three")
    assert view["versions"][0]["action"] == "close" and view["live_version"] == 2
    with pytest.raises(CampaignNotOpen):
        services.campaigns.get("lake-three").check_open(clock.now.date())
    assert services.campaigns.get("lake-three").closes == clock.now.date() - dt.timedelta(days=1)


def test_a_test_letter_goes_to_the_organisers_own_address(editor, outbox):
    editor.save(ADMIN, "lake-three", {"document": new_document(), "revision": 0})
    sent = editor.test_send(ADMIN, "lake-three", "FR", "fr")
    assert sent["sent_to"] == "organisers@demarche.example.org" and sent["language"] == "fr"
    [message] = [m for m in outbox() if "organisers@demarche.example.org" in str(m)]
    assert "[Test]" in str(message) and "Test Supporter" in str(message)


class FlakyStore:
    """The real store, whose reads fail on demand (as DynamoDB does when throttled or unreachable)."""

    def __init__(self, store, error=None):
        self.store, self.error = store, error

    def live_items(self):
        if self.error is not None:
            raise self.error
        return self.store.live_items()


def test_a_failed_read_keeps_serving_the_published_campaigns_the_process_had(editor, services, clock):
    from botocore.exceptions import EndpointConnectionError

    editor.save(ADMIN, "lake-three", {"document": new_document(), "revision": 0})
    editor.publish(ADMIN, "lake-three", {})
    flaky = FlakyStore(services.campaign_store)
    live = LiveCampaigns(default_campaigns, flaky, clock)
    assert live.get("lake-three").title["en"] == "Free the Lake Three"
    # WHEN DynamoDB cannot be reached at the next read, THEN the process keeps what it had, files included
    flaky.error = EndpointConnectionError(endpoint_url="https://dynamodb")
    clock.advance(seconds=LIVE_TTL.total_seconds())
    assert live.get("lake-three").title["en"] == "Free the Lake Three"
    assert live.get("hrd-resolution").slug == "hrd-resolution"
    # AND an error that is not AWS's is not hidden
    flaky.error = KeyError("a bug")
    clock.advance(seconds=LIVE_TTL.total_seconds())
    with pytest.raises(KeyError):
        live.all()
