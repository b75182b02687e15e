"""Campaigns are files: templates/campaigns/<slug>/campaign.toml plus one letter template per language."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from chalicelib.campaigns.origins import parse_origin
from chalicelib.campaigns.policies import Policies, read_policies
from chalicelib.directory import DATA_DIR, DIRECTORY_SETS, UN_LANGUAGES, Overrides
from chalicelib.errors import CampaignFileError, CampaignNotOpen, NotFound
from chalicelib.rendering import TEMPLATES_DIR

CAMPAIGNS_DIR = TEMPLATES_DIR / "campaigns"
TARGET_SETS = (*DIRECTORY_SETS, "fixed")
LANGUAGES = UN_LANGUAGES
DELIVERY_MODES = ("direct", "digest")
KINDS = ("letters", "sign-on")  # supporters' own letters, or one letter co-signed by organisations
SIGNATORY_ORDERS = ("alphabetical", "signed")  # a sign-on letter's list: by name, or by the day each signed
DIGEST_PERIODS = ("daily", "weekly")
# How much of the letter a supporter may change (`[letter] editing`): add their own words to the campaign's
# letter, edit the campaign's text, or write their own under its subject. The greeting and the sign-off are always
# ours (composed per recipient); the part a supporter edits or writes is the letter's `{% block body %}`.
EDITING_MODES = ("add_paragraph", "edit_body", "own_letter")
BODY_BLOCK = "body"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


@dataclass(frozen=True)
class FixedTarget:
    name: str
    addressee: str
    email: str | None
    website: str
    language: str
    timezone: str = "UTC"  # where the target works: letters are paced toward its office hours
    kind: str = "generic"  # how the letter greets it (letters/salutations.py): "secretary-general" or "generic"
    # Where the organisers got `email` (a target outside the directory has no `source` column): required with it.
    email_source: str = ""


@dataclass(frozen=True)
class Delivery:
    mode: str = "direct"  # "digest": each target gets one letter per period listing everyone who wrote
    max_per_target_per_hour: int = 30
    period: str = "daily"  # digests only: "daily" or "weekly"
    local_hour: int = 9  # digests only: the hour they go, in each target's own time zone
    weekday: int = 0  # weekly digests only: 0 is Monday
    # A letter pacing could not send within a day joins its target's overflow digest (gates.py); False: it waits.
    overflow_digests: bool = True

    @property
    def is_digest(self) -> bool:
        return self.mode == "digest"


@dataclass(frozen=True)
class NextStep:
    """The organisers' suggestion once a letter is confirmed: "now ask a friend", another campaign..."""

    text: Mapping[str, str]
    url: str = ""


@dataclass(frozen=True)
class Campaign:
    slug: str
    title: Mapping[str, str]
    summary: Mapping[str, str]
    subject: Mapping[str, str]
    organisation: str
    sender_address: str
    languages: tuple[str, ...]
    target_set: str
    opens: dt.date
    closes: dt.date
    folder: Path
    fixed_target: FixedTarget | None = None
    delivery: Delivery = field(default_factory=Delivery)
    # Tried in order when the target cannot be emailed (no address, or failing), e.g. the country's UN mission:
    # the rest of campaign.toml's `target_sets` chain (or its older `fallback_target_set`).
    fallback_target_sets: tuple[str, ...] = ()
    # templates/campaigns/<slug>/targets/<set>.csv: this campaign's own facts, winning over the shared files.
    target_overrides: Overrides = field(default_factory=dict)
    policies: Policies = field(default_factory=Policies)
    allowed_origins: tuple[str, ...] = ()  # partner sites whose own pages may call the JSON API (CORS)
    embed_origins: tuple[str, ...] | None = None  # sites that may frame the form; None: any site
    organiser_email: str | None = None  # told when sending pauses by itself (reputation guard)
    kind: str = "letters"  # or "sign-on": organisations sign one letter the organisers send to every target
    # Letters that are not one supporter's (digests, sign-on letters) come From "<from_name> via <organisation>"
    # with Reply-To `reply_to`, the organisers' own address.
    from_name: str = ""
    reply_to: str = ""
    # A campaign built in the console (campaigns/store.py) carries its letters' sources; a file campaign reads
    # templates/campaigns/<slug>/letter.<lang>.txt. Either way the source is a template for the sandboxed Jinja2
    # environment, and supporters' words are only ever values in its context.
    letter_sources: Mapping[str, str] | None = None
    # What the page after confirming suggests (`[next_step]`: `text` per language, optional `url`); None: sharing.
    next_step: NextStep | None = None
    # Sign-on letters: the order of the numbered list in the letter and its document ("alphabetical" | "signed").
    signatory_order: str = "alphabetical"
    # How much of the letter a supporter may change: one of EDITING_MODES (`[letter] editing`).
    editing: str = "add_paragraph"

    @property
    def supporter_writes_body(self) -> bool:
        """Whether the supporter sends the letter's body (`edit_body`, `own_letter`) rather than a paragraph."""
        return self.editing != "add_paragraph"

    @property
    def target_chain(self) -> tuple[str, ...]:
        """The target sets a supporter's letter may go to, in the order they are tried ("fixed" alone)."""
        return (self.target_set, *self.fallback_target_sets)

    @property
    def is_sign_on(self) -> bool:
        return self.kind == "sign-on"

    @property
    def replies_reach_supporter(self) -> bool:
        """Whether the recipient's reply can reach the supporter: only a letter we send in their name (Reply-To
        them) to a directory target; not a digest or sign-on letter (from the organisers), nor a fixed target
        such as the UN Secretary-General, whose office does not answer each writer."""
        return self.kind == "letters" and not self.delivery.is_digest and self.fixed_target is None

    def check_open(self, today: dt.date) -> None:
        """Raise CampaignNotOpen unless letters are accepted on `today` (opens and closes inclusive)."""
        if today < self.opens:
            raise CampaignNotOpen(f"This campaign opens on {self.opens.isoformat()}.", closed=False)
        if today > self.closes:
            raise CampaignNotOpen(f"This campaign closed on {self.closes.isoformat()}.", closed=True)

    def language_for(self, wanted: str | None, country_language: str) -> str:
        """The supporter's choice if the campaign has it, else the target country's, else English or the first."""
        for candidate in (wanted, country_language, "en"):
            if candidate in self.languages:
                return candidate
        return self.languages[0]

    def text(self, mapping: Mapping[str, str], language: str) -> str:
        return self.localised(mapping, language)[0]

    def localised(self, mapping: Mapping[str, str], language: str) -> tuple[str, str]:
        """(text, the language it is in): `language` if the campaign has it, else English, else the first."""
        for candidate in (language, "en"):
            if mapping.get(candidate):
                return mapping[candidate], candidate
        first = next(iter(mapping))
        return mapping[first], first

    def letter_template_name(self, language: str) -> str:
        return f"campaigns/{self.slug}/letter.{language}.txt"

    def letter_source(self, language: str) -> str:
        if self.letter_sources is not None:
            return self.letter_sources[language]
        return (self.folder / f"letter.{language}.txt").read_text(encoding="utf-8")

    def letter_where(self, language: str) -> tuple[str, str]:
        """(where, field) an error in this language's letter is reported at: the file, or the stored field."""
        if self.letter_sources is not None:
            return f"campaign {self.slug}", f"letters.{language}"
        return str(self.folder / f"letter.{language}.txt"), "template"


def _read_target_chain(r: _Reader) -> tuple[str, tuple[str, ...]]:
    """`target_sets = [first, then, …]`, tried in order; or the older `target_set` and `fallback_target_set`."""
    chain = r.get("target_sets", list, default=[])
    if not chain:
        target_set = r.get("target_set", str)
        if target_set not in TARGET_SETS:
            raise r.fail("target_set", f"must be one of {', '.join(TARGET_SETS)}")
        fallback = r.get("fallback_target_set", str, default="").strip() or None
        if fallback is not None and (fallback not in DIRECTORY_SETS or fallback == target_set):
            raise r.fail("fallback_target_set", f"must be one of {', '.join(DIRECTORY_SETS)}, other than target_set")
        return target_set, (fallback,) if fallback else ()
    for older in ("fallback_target_set", "target_set"):
        if older in r.data:
            raise r.fail(older, "is replaced by target_sets: give the whole chain there")
    if any(name not in DIRECTORY_SETS for name in chain) or len(set(chain)) != len(chain):
        raise r.fail("target_sets", f"must list target sets from {', '.join(DIRECTORY_SETS)}, each once")
    return chain[0], tuple(chain[1:])


class _Reader:
    """Reads one campaign.toml, naming the file and field in every error."""

    def __init__(self, where: str, data: Mapping[str, Any]) -> None:
        self.where, self.data = where, data

    def fail(self, field_name: str, message: str) -> CampaignFileError:
        return CampaignFileError(self.where, field_name, message)

    def get(
        self, name: str, kind: type, *, table: Mapping[str, Any] | None = None, prefix: str = "", default: Any = ...
    ) -> Any:
        source = self.data if table is None else table
        if name not in source:
            if default is not ...:
                return default
            raise self.fail(prefix + name, "is required")
        value = source[name]
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            raise self.fail(prefix + name, f"must be a {kind.__name__}, not {type(value).__name__}")
        if isinstance(value, str) and not value.strip() and default is ...:
            raise self.fail(prefix + name, "must not be empty")
        return value

    def one_line(self, name: str, value: str) -> str:
        if any(ch in value for ch in "\r\n\0"):
            raise self.fail(name, "must be a single line (no CR, LF or NUL)")
        return value

    def per_language(self, name: str, languages: tuple[str, ...], *, one_line: bool = True) -> dict[str, str]:
        table = self.get(name, dict)
        for lang in languages:
            if not isinstance(table.get(lang), str) or not table[lang].strip():
                raise self.fail(f"{name}.{lang}", "is required for every language in `languages`")
        if one_line:
            for lang, text in table.items():
                self.one_line(f"{name}.{lang}", text)
        return dict(table)

    def origins(self, name: str) -> tuple[str, ...] | None:
        """A list of web origins (scheme://host[:port]), each checked and in the form browsers send; None if absent."""
        values = self.get(name, list, default=None)
        if values is None:
            return None
        origins = []
        for index, value in enumerate(values):
            if not isinstance(value, str):
                raise self.fail(f"{name}[{index}]", f"must be a string, not {type(value).__name__}")
            try:
                origins.append(parse_origin(value))
            except ValueError as exc:
                raise self.fail(f"{name}[{index}]", str(exc)) from None
        return tuple(dict.fromkeys(origins))


def load_campaign(folder: Path) -> Campaign:
    """Parse and check one campaign folder; raise CampaignFileError naming the file and field."""
    path = folder / "campaign.toml"
    slug = folder.name
    if not SLUG_RE.match(slug):
        raise CampaignFileError(str(folder), "slug", "folder name must be lower-case letters, digits and hyphens")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CampaignFileError(str(path), "-", "file is missing") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CampaignFileError(str(path), "-", f"not valid TOML: {exc}") from None
    campaign = parse_campaign(slug, data, str(path), folder)
    for lang in campaign.languages:
        letter = folder / f"letter.{lang}.txt"
        if not letter.is_file():
            raise CampaignFileError(str(letter), "languages", f"no letter template for {lang!r}")
    return campaign


def parse_campaign(
    slug: str, data: Mapping[str, Any], where: str, folder: Path, letters: Mapping[str, str] | None = None
) -> Campaign:
    """Check campaign.toml's fields, from a file or from the console's store (campaigns/store.py): the one set of
    rules for both. `where` names the source in errors; `letters` are a stored campaign's letter sources."""
    r = _Reader(where, data)

    languages = tuple(r.get("languages", list))
    if not languages:
        raise r.fail("languages", "must list at least one language")
    for lang in languages:
        if lang not in LANGUAGES:
            raise r.fail("languages", f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
    target_set, fallbacks = _read_target_chain(r)
    opens, closes = r.get("opens", dt.date), r.get("closes", dt.date)
    if closes < opens:
        raise r.fail("closes", "is before `opens`")

    fixed = None
    if target_set == "fixed":
        ft = r.get("fixed_target", dict)
        p = "fixed_target."
        email = r.get("email", str, table=ft, prefix=p, default="").strip() or None
        language = r.get("language", str, table=ft, prefix=p)
        if language not in LANGUAGES:
            raise r.fail(p + "language", f"unknown language {language!r}")
        email_source = r.one_line(
            p + "email_source", r.get("email_source", str, table=ft, prefix=p, default="").strip()
        )
        if email and not email_source:
            raise r.fail(p + "email_source", "is required with an email: say where the organisers were given it")
        timezone = r.get("timezone", str, table=ft, prefix=p, default="UTC")
        if not _known_timezone(timezone):
            raise r.fail(p + "timezone", f"unknown time zone {timezone!r}; use an IANA name such as 'America/New_York'")
        fixed = FixedTarget(
            name=r.one_line(p + "name", r.get("name", str, table=ft, prefix=p)),
            addressee=r.one_line(p + "addressee", r.get("addressee", str, table=ft, prefix=p)),
            email=email,
            website=r.get("website", str, table=ft, prefix=p, default=""),
            language=language,
            timezone=timezone,
            kind=_fixed_kind(r, r.get("kind", str, table=ft, prefix=p, default="generic"), p),
            email_source=email_source,
        )
        if email:
            _check_address(r, p + "email", email)

    kind = r.get("kind", str, default="letters")
    if kind not in KINDS:
        raise r.fail("kind", f"must be one of {', '.join(KINDS)}")
    delivery = _read_delivery(r, kind)
    from_name = r.one_line("from_name", r.get("from_name", str, default="")).strip()
    reply_to = r.one_line("reply_to", r.get("reply_to", str, default="")).strip()
    if kind == "sign-on" or delivery.is_digest:
        what = "a sign-on campaign" if kind == "sign-on" else "a digest campaign"
        for name, value in (("from_name", from_name), ("reply_to", reply_to)):
            if not value:
                raise r.fail(name, f"is required for {what}: its letters are not one supporter's")
    if reply_to:
        _check_address(r, "reply_to", reply_to)
    order = _read_signatory_order(r, kind)

    sender = r.one_line("sender_address", r.get("sender_address", str))
    _check_address(r, "sender_address", sender)
    organiser_email = r.get("organiser_email", str, default="").strip() or None
    if organiser_email:
        _check_address(r, "organiser_email", r.one_line("organiser_email", organiser_email))
    campaign = Campaign(
        slug=slug,
        title=r.per_language("title", languages),
        summary=r.per_language("summary", languages, one_line=False),
        subject=r.per_language("subject", languages),
        organisation=r.one_line("organisation", r.get("organisation", str)),
        sender_address=sender,
        languages=languages,
        target_set=target_set,
        opens=opens,
        closes=closes,
        folder=folder,
        fixed_target=fixed,
        delivery=delivery,
        fallback_target_sets=fallbacks,
        target_overrides=_load_overrides(folder),
        policies=read_policies(r),
        allowed_origins=r.origins("allowed_origins") or (),
        embed_origins=r.origins("embed_origins"),
        organiser_email=organiser_email,
        kind=kind,
        from_name=from_name,
        reply_to=reply_to,
        letter_sources=dict(letters) if letters is not None else None,
        next_step=_read_next_step(r, languages),
        signatory_order=order,
        editing=_read_editing(r, kind, delivery),
    )
    if campaign.delivery.is_digest and not campaign.policies.confirmation.required:
        raise r.fail("delivery.mode", "a digest lists supporters by name, so it needs [confirmation] required = true")
    for lang in languages if letters is not None else ():
        if not isinstance(letters.get(lang), str) or not letters[lang].strip():
            raise r.fail(f"letters.{lang}", "is required for every language in `languages`")
    return campaign


def check_campaign_deeply(campaign: Campaign) -> None:
    """Full checks of addresses and letter templates, run by the tests and `make package`.

    Not part of load_campaign: importing Jinja2 and email-validator there would triple the Lambda cold
    start of routes that render nothing (bench/).
    """
    from chalicelib.mail.addresses import normalise_email

    toml_path = (
        str(campaign.folder / "campaign.toml") if campaign.letter_sources is None else f"campaign {campaign.slug}"
    )
    addresses = {"sender_address": campaign.sender_address}
    if campaign.organiser_email:
        addresses["organiser_email"] = campaign.organiser_email
    if campaign.fixed_target and campaign.fixed_target.email:
        addresses["fixed_target.email"] = campaign.fixed_target.email
    if campaign.reply_to:
        addresses["reply_to"] = campaign.reply_to
    for name, address in addresses.items():
        try:
            normalise_email(address)
        except ValueError as exc:
            raise CampaignFileError(toml_path, name, str(exc)) from None
    for lang in campaign.languages:
        check_letter(campaign, lang)


def check_letter(campaign: Campaign, language: str) -> None:
    """Compile the letter and render it with the names its kind provides, in the sandbox; CampaignFileError if not."""
    from jinja2 import TemplateError, TemplateSyntaxError, UndefinedError
    from jinja2.sandbox import SecurityError

    from chalicelib.rendering import from_source

    where, field_name = campaign.letter_where(language)
    try:
        template = from_source(campaign.letter_source(language))
    except TemplateSyntaxError as exc:
        raise CampaignFileError(f"{where}:{exc.lineno}", field_name, exc.message or "syntax error") from None
    if campaign.supporter_writes_body and BODY_BLOCK not in template.blocks:
        raise CampaignFileError(
            where,
            field_name,
            f"with [letter] editing = {campaign.editing!r}, mark the part a supporter edits or writes with "
            "{% block body %}...{% endblock %}: the greeting before it and the sign-off after it stay the campaign's",
        )
    try:  # with the names its kind provides: a digest template using `supporter` fails here, not at 9:00
        template.render(**sample_context(campaign))
    except UndefinedError as exc:
        names = ", ".join(sample_context(campaign))
        raise CampaignFileError(where, field_name, f"{exc.message}: this kind of campaign provides {names}") from None
    except SecurityError as exc:
        raise CampaignFileError(where, field_name, f"not allowed in a letter: {exc}") from None
    except TemplateError as exc:  # a stored letter cannot include or extend files: there are none to reach
        raise CampaignFileError(where, field_name, exc.message or type(exc).__name__) from None


FIXED_TARGET_KINDS = ("secretary-general", "generic")  # the recipient kinds (letters/salutations.py) not in sets


def _fixed_kind(r: "_Reader", kind: str, prefix: str) -> str:
    if kind not in FIXED_TARGET_KINDS:
        raise r.fail(prefix + "kind", f"must be one of {', '.join(FIXED_TARGET_KINDS)}")
    return kind


def sample_context(campaign: Campaign) -> dict[str, Any]:
    """The names a campaign's letter template may use, with example values (README, "Campaigns are files")."""
    base: dict[str, Any] = {
        "target": {"name": "Ministry", "addressee": "Minister", "kind": "minister"},
        "country": {"name": "Kenya"},
        "salutation": "Dear Minister,",
    }
    person = {"name": "Jo Doe", "city": "Mombasa", "message": "My words."}
    if campaign.is_sign_on:
        return {**base, "signatories": [{"number": 1, "organisation": "Example Org", "country": "Kenya"}]}
    if campaign.delivery.is_digest:
        return {
            **base,
            "supporters": [{**person, "country": "Kenya"}],
            "digest": {"count": 1, "part": 1, "parts": 1, "date": "2026-11-26"},
        }
    return {**base, "supporter": person}


def _read_next_step(r: _Reader, languages: tuple[str, ...]) -> NextStep | None:
    table = r.get("next_step", dict, default=None)
    if table is None:
        return None
    texts = _Reader(r.where, {"next_step.text": table.get("text")}).per_language("next_step.text", languages)
    url = r.one_line("next_step.url", r.get("url", str, table=table, prefix="next_step.", default="")).strip()
    if url and not url.startswith("https://"):
        raise r.fail("next_step.url", "must be an https:// address")
    return NextStep(text=texts, url=url)


def _read_delivery(r: _Reader, kind: str) -> Delivery:
    d = r.get("delivery", dict, default={})
    p = "delivery."
    mode = r.get("mode", str, table=d, prefix=p, default="direct")
    if mode not in DELIVERY_MODES:
        raise r.fail(p + "mode", f"must be one of {', '.join(DELIVERY_MODES)}")
    if mode == "digest" and kind == "sign-on":
        raise r.fail(p + "mode", "a sign-on campaign sends one letter per target: it cannot be a digest")
    per_hour = r.get("max_per_target_per_hour", int, table=d, prefix=p, default=30)
    if per_hour < 1:
        raise r.fail(p + "max_per_target_per_hour", "must be at least 1")
    digest_only = {"period", "local_hour", "weekday"} & set(d)
    if digest_only and mode != "digest":
        raise r.fail(p + sorted(digest_only)[0], 'is a digest setting: add mode = "digest"')
    period = r.get("period", str, table=d, prefix=p, default="daily")
    if period not in DIGEST_PERIODS:
        raise r.fail(p + "period", f"must be one of {', '.join(DIGEST_PERIODS)}")
    hour = r.get("local_hour", int, table=d, prefix=p, default=9)
    if not 0 <= hour <= 23:
        raise r.fail(p + "local_hour", "must be an hour from 0 to 23 (the target's own time)")
    weekday = r.get("weekday", str, table=d, prefix=p, default="monday").lower()
    if weekday not in WEEKDAYS:
        raise r.fail(p + "weekday", f"must be one of {', '.join(WEEKDAYS)}")
    if "weekday" in d and period != "weekly":
        raise r.fail(p + "weekday", 'is used only with period = "weekly"')
    overflow = r.get("overflow_digests", bool, table=d, prefix=p, default=True)
    return Delivery(
        mode=mode,
        max_per_target_per_hour=per_hour,
        period=period,
        local_hour=hour,
        weekday=WEEKDAYS.index(weekday),
        overflow_digests=overflow,
    )


def _read_editing(r: _Reader, kind: str, delivery: Delivery) -> str:
    """`[letter] editing`: how much of the letter a supporter may change (add_paragraph, the default, keeps the
    campaign's text and adds theirs)."""
    table = r.get("letter", dict, default={})
    unknown = sorted(set(table) - {"editing"})
    if unknown:
        raise r.fail(f"letter.{unknown[0]}", "is not a letter setting; the one there is `editing`")
    editing = r.get("editing", str, table=table, prefix="letter.", default="add_paragraph")
    if editing not in EDITING_MODES:
        raise r.fail("letter.editing", f"must be one of {', '.join(EDITING_MODES)}")
    if editing != "add_paragraph" and (kind == "sign-on" or delivery.is_digest):
        what = "a sign-on letter is the organisers'" if kind == "sign-on" else "a digest lists everyone under one text"
        raise r.fail("letter.editing", f"must be add_paragraph here: {what}")
    return editing


def _read_signatory_order(r: _Reader, kind: str) -> str:
    """`[sign_on] order`: how the letter and its document number the signatories."""
    table = r.get("sign_on", dict, default={})
    if table and kind != "sign-on":
        raise r.fail("sign_on", 'is for sign-on letters: add kind = "sign-on"')
    order = r.get("order", str, table=table, prefix="sign_on.", default="alphabetical")
    if order not in SIGNATORY_ORDERS:
        raise r.fail("sign_on.order", f"must be one of {', '.join(SIGNATORY_ORDERS)}")
    return order


ADDRESS_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _known_timezone(name: str) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _load_overrides(folder: Path) -> Overrides:
    """The campaign's target overrides; the first problem fails the load, naming file, row and column."""
    from chalicelib.directory.overrides import load_overrides
    from chalicelib.directory.validation import display_path

    overrides, problems = load_overrides(folder, DATA_DIR, dt.date.today())
    if problems:
        first = problems[0]
        more = (
            f" (and {len(problems) - 1} more: run python -m chalicelib.cli.directory validate)" if problems[1:] else ""
        )
        raise CampaignFileError(f"{display_path(first.path)}:{first.row or '-'}", first.column, first.message + more)
    return overrides


def _check_address(r: _Reader, name: str, address: str) -> None:
    """A cheap shape check at load; check_campaign_deeply() runs the full email-validator check."""
    if not ADDRESS_SHAPE.match(address):
        raise r.fail(name, f"{address!r} is not an email address")


class Campaigns:
    """All campaigns under one folder, each loaded once, when first asked for: a cold start serving one campaign's
    page parses that campaign's files alone (`make package` checks every campaign deeply before it ships)."""

    def __init__(self, root: Path = CAMPAIGNS_DIR) -> None:
        folders = sorted(p for p in root.iterdir() if (p / "campaign.toml").exists() or p.is_dir())
        self._folders = {folder.name: folder for folder in folders}  # a campaign's slug is its folder's name
        self._by_slug: dict[str, Campaign] = {}

    def all(self) -> list[Campaign]:
        return [self._load(slug) for slug in self._folders]

    def get(self, slug: str) -> Campaign:
        if slug not in self._folders:
            raise NotFound(f"There is no campaign called {slug!r}.")
        return self._load(slug)

    def _load(self, slug: str) -> Campaign:
        campaign = self._by_slug.get(slug)
        if campaign is None:
            campaign = self._by_slug[slug] = load_campaign(self._folders[slug])
        return campaign


@lru_cache(maxsize=1)
def default_campaigns() -> Campaigns:
    return Campaigns()
