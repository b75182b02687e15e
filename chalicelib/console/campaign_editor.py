"""Campaigns without a deploy: organisers create and edit a campaign in the console, preview it, lint it across
every country, send themselves a test, publish it and close it; every step is in its history.

The draft is checked by the same code as a campaign file (catalogue.parse_campaign, check_campaign_deeply), and
an error names the field (`letters.fr: …`). A campaign file with nothing stored yet is the draft's starting point;
the first publish stores the file as version 1, the organiser's work as version 2.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, Callable, Mapping

from chalicelib.campaigns.catalogue import Campaign, check_campaign_deeply
from chalicelib.campaigns.documents import (
    MAX_DOCUMENT_CHARS,
    campaign_from_document,
    changed_fields,
    check_slug,
    document_from_folder,
)
from chalicelib.campaigns.store import Change, Record, now_iso
from chalicelib.console.roles import ACT, OWNER, READ
from chalicelib.console.tokens import ALL, SESSION
from chalicelib.errors import CampaignFileError, CampaignNotReady, Forbidden, InvalidField, NotFound

# The test letter's writer: plainly not a real supporter.
TEST_SUPPORTER = ("Test Supporter", "Test City", "These are the supporter's own words (a test).")


# --- who may do what ----------------------------------------------------------------------------------------
# Roles per campaign (console/roles.py): reading (the editor's view, preview, lint) needs the READ right on the
# campaign (any role); editing (save, test-send, publish, close) the ACT right (editor or owner). Creating a
# campaign needs the owner role on every campaign (ALL): a new slug has no role of its own yet, and only a grant on
# every campaign covers it; an editor of every campaign edits them all but does not open new ones.


def may_read(organiser: Any, slug: str) -> None:
    organiser.require(slug, READ)


def may_edit(organiser: Any, slug: str) -> None:
    organiser.require(slug, ACT)


def may_create(organiser: Any) -> None:
    if not (organiser.covers_all and organiser.role(ALL) == OWNER):
        raise Forbidden("Creating a campaign needs the owner role on every campaign; ask an owner of all campaigns.")


def actor(organiser: Any) -> str:
    return organiser.actor


def test_recipient(organiser: Any, campaign: Campaign) -> str:
    """Where a test goes: a signed-in organiser's own address (their session knows it), else the campaign's
    organiser_email (an API token names a holder, not an address)."""
    if organiser.kind == SESSION:
        return organiser.label
    if not campaign.organiser_email:
        raise InvalidField("organiser_email", "Give the organisers' address first: the test goes there.")
    return campaign.organiser_email


class CampaignEditor:
    def __init__(self, store: Any, live: Any, directory: Any, mailer: Any, clock: Callable[[], dt.datetime]) -> None:
        self._store, self._live, self._directory, self._mailer, self._clock = store, live, directory, mailer, clock

    # --- reading ---------------------------------------------------------------------------------------------

    def view(self, organiser: Any, slug: str) -> dict[str, Any]:
        """The draft (or the starting point), the live version, the versions and the history."""
        may_read(organiser, slug)
        record = self._store.record(slug)
        base = self._base(slug, record)
        draft = record.draft
        return {
            "slug": slug,
            "document": draft["document"] if draft else base,
            "revision": draft["revision"] if draft else 0,
            "draft": {k: draft[k] for k in ("revision", "updated_at", "updated_by")} if draft else None,
            "live_version": record.live_version,
            "source": "console" if record.versions else "file" if self._live.file_campaign(slug) else "new",
            "versions": [{k: v[k] for k in ("version", "action", "at", "by")} for v in reversed(record.versions)],
            "history": [{**dataclasses.asdict(c), "changed": list(c.changed)} for c in record.history],
        }

    def draft_campaign(self, organiser: Any, slug: str) -> Campaign:
        """The campaign as the draft describes it (the live one if nobody changed anything): what previews show."""
        may_read(organiser, slug)
        record = self._store.record(slug)
        document = record.draft["document"] if record.draft else self._base(slug, record)
        return checked(slug, document)

    # --- changing --------------------------------------------------------------------------------------------

    def save(self, organiser: Any, slug: str, body: Any) -> dict[str, Any]:
        """Check the document as a campaign file is checked, then store it as the draft over `revision`."""
        if not isinstance(body, Mapping):
            raise InvalidField("document", 'Send {"document": {…}, "revision": n}.')
        try:
            check_slug(slug)
        except CampaignFileError as exc:
            raise _invalid(exc) from None
        record = self._store.record(slug)
        if self._exists(slug, record):
            may_edit(organiser, slug)
        else:
            may_create(organiser)
        document, revision = body.get("document"), body.get("revision", 0)
        if not isinstance(revision, int) or isinstance(revision, bool) or revision < 0:
            raise InvalidField("revision", "must be the draft's revision you edited (0 for a new draft).")
        checked(slug, document)
        if len(str(document)) > MAX_DOCUMENT_CHARS:
            raise InvalidField("document", f"is longer than {MAX_DOCUMENT_CHARS} characters.")
        before = record.draft["document"] if record.draft else self._base(slug, record, required=False)
        change = Change("save", actor(organiser), now_iso(self._clock()), None, tuple(changed_fields(before, document)))
        self._store.save_draft(slug, document, revision, change)
        return self.view(organiser, slug)

    def lint(self, organiser: Any, slug: str) -> dict[str, Any]:
        """The linter's findings for the draft: every language × every country, as a supporter would get it."""
        from chalicelib.letters.letter_check import letter_problems

        campaign = self.draft_campaign(organiser, slug)
        problems = letter_problems(campaign, self._directory)
        return {
            "ok": not problems,
            "problems": problems,
            "languages": list(campaign.languages),
            "countries": len(self._directory.countries()),
        }

    def test_send(self, organiser: Any, slug: str, country: str, language: str | None) -> dict[str, Any]:
        """The draft's letter for `country`, sent to the organiser's own address (test_recipient)."""
        from chalicelib.letters.composing import Supporter, compose, resolve_target
        from chalicelib.mail.mailer import Notice

        may_edit(organiser, slug)  # it sends mail
        campaign = self.draft_campaign(organiser, slug)
        to_email = test_recipient(organiser, campaign)
        where = self._directory.country(country)
        name, city, message = TEST_SUPPORTER
        letter = compose(
            campaign, where, resolve_target(campaign, where, self._directory), Supporter(name, "", city, message),
            language or None,
        )  # fmt: skip
        message_id = self._mailer.send_notice(
            Notice(
                to_name=f"Organisers of {slug}",
                to_email=to_email,
                organisation=campaign.organisation,
                sender_address=campaign.sender_address,
                subject=f"[Test] {letter.subject}",
                body=f"A test of the draft, as {letter.target.name} ({where.name}) would receive it.\n\n{letter.body}",
                language=letter.language,
                campaign=slug,
            )
        )
        return {"sent_to": to_email, "country": where.alpha2, "language": letter.language,
                "message_id": message_id}  # fmt: skip

    def publish(self, organiser: Any, slug: str, body: Any) -> dict[str, Any]:
        """Lint the draft across every country, then make it live in one transaction over `live_version`."""
        may_edit(organiser, slug)
        record = self._store.record(slug)
        if record.draft is None:
            raise NotFound("There is no draft to publish: save one first.")
        over = body.get("live_version", record.live_version) if isinstance(body, Mapping) else record.live_version
        if not isinstance(over, int) or isinstance(over, bool):
            raise InvalidField("live_version", "must be the live version you published over (0 if none).")
        document = record.draft["document"]
        findings = self.lint(organiser, slug)
        if findings["problems"]:
            raise CampaignNotReady(findings["problems"])
        return self._publish(organiser, slug, record, document, over, "publish")

    def close(self, organiser: Any, slug: str) -> dict[str, Any]:
        """Stop taking letters from today: a new live version whose `closes` is yesterday."""
        may_edit(organiser, slug)
        record = self._store.record(slug)
        document = self._base(slug, record)
        yesterday = (self._clock().date() - dt.timedelta(days=1)).isoformat()
        fields = dict(document["campaign"])
        fields["closes"] = min(str(fields.get("closes", yesterday)), yesterday)
        fields["opens"] = min(str(fields.get("opens", yesterday)), fields["closes"])
        return self._publish(organiser, slug, record, {**document, "campaign": fields}, record.live_version, "close")

    # --- helpers ---------------------------------------------------------------------------------------------

    def _publish(self, organiser: Any, slug: str, record: Record, document: Any, over: int, action: str) -> dict:
        checked(slug, document)
        now, who = now_iso(self._clock()), actor(organiser)
        first = None
        file_campaign = self._live.file_campaign(slug)
        if not record.versions and file_campaign is not None:
            first = (document_from_folder(file_campaign.folder), Change("import", "templates/campaigns (file)", now))
        before = record.versions[-1]["document"] if record.versions else (first[0] if first else None)
        change = Change(action, who, now, None, tuple(changed_fields(before, document)))
        number = self._store.publish(slug, document, over, change, first)
        self._live.forget()  # this container shows it at once; the others within LIVE_TTL
        return {**self.view(organiser, slug), "published_version": number}

    def _exists(self, slug: str, record: Record) -> bool:
        return record.draft is not None or bool(record.versions) or self._live.file_campaign(slug) is not None

    def _base(self, slug: str, record: Record, *, required: bool = True) -> dict[str, Any] | None:
        """The live version's document, else the campaign file's; NotFound (or None) when there is neither."""
        if record.versions:
            return record.versions[-1]["document"]
        file_campaign = self._live.file_campaign(slug)
        if file_campaign is not None:
            return document_from_folder(file_campaign.folder)
        if record.draft is not None or not required:
            return record.draft["document"] if record.draft else None
        raise NotFound(f"There is no campaign called {slug!r}.")


def checked(slug: str, document: Any) -> Campaign:
    """The document's campaign after every check a campaign file gets, or InvalidField naming the field."""
    try:
        campaign = campaign_from_document(slug, document)
        check_campaign_deeply(campaign)
    except CampaignFileError as exc:
        raise _invalid(exc) from None
    return campaign


def _invalid(exc: CampaignFileError) -> InvalidField:
    message = str(exc).split(f"{exc.field}: ", 1)[-1]
    return InvalidField(exc.field, f"{exc.field}: {message}")


def starter_document(today: dt.date) -> dict[str, Any]:
    """What /admin/campaigns/new starts from: the required fields, in English, open for a year."""
    return {
        "campaign": {
            "title": {"en": ""},
            "summary": {"en": ""},
            "subject": {"en": ""},
            "organisation": "",
            "sender_address": "",
            "organiser_email": "",
            "languages": ["en"],
            "target_sets": ["foreign-ministry", "un-mission-new-york"],
            "opens": today.isoformat(),
            "closes": (today + dt.timedelta(days=365)).isoformat(),
            "allowed_origins": [],
            "delivery": {"mode": "direct", "max_per_target_per_hour": 30},
        },
        "letters": {
            "en": "Dear {{ target.addressee }},\n\n…\n{%- if supporter.message %}\n\n{{ supporter.message }}\n"
            "{%- endif %}\n\nYours sincerely,\n{{ supporter.name }}\n{{ country.name }}\n"
        },
    }
