"""The HTML pages a supporter sees: the campaign form (ours, or framed on a partner's site) and its results.

Every word comes from the message catalogues (i18n.py); every page works without JavaScript.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import TYPE_CHECKING, Any, Mapping
from urllib.parse import parse_qs, urlencode

from chalicelib.campaigns.catalogue import Campaign
from chalicelib.directory import Directory
from chalicelib.directory.country_names import collation_place, country_name
from chalicelib.directory.target_names import letter_target_name, shown_name
from chalicelib.errors import CampaignNotOpen, DemarcheError
from chalicelib.i18n import ENDONYMS, UI_LANGUAGES, Messages, direction
from chalicelib.rendering import render

if TYPE_CHECKING:  # pragma: no cover - the form page, a cold start's first page, needs neither
    from chalicelib.letters.letter import Letter

FORM_FIELDS = {
    "country": "",
    "name": "",
    "email": "",
    "city": "",
    "message": "",
    "letter_body": "",
    "language": "",
    "partner": "",
}
PAGE_ONLY_FIELDS = ("lang", "embed", "accent", "button")  # how the page was shown, not part of the letter
VISIBLE_FIELDS = ("country", "name", "email", "city", "message", "letter_body", "language")
SCRIPT_TEXT = (
    "target.",
    "note.",
    "route.",
    "address.",
    "other_ways.",
    "errors.",
    "status.",
    "done.",
    "form.sending",
)  # for form.js


# OpenGraph wants a territory: the locale a share card is labelled with, per page language.
OG_LOCALES = {"en": "en_GB", "fr": "fr_FR", "es": "es_ES", "ar": "ar_AR", "ru": "ru_RU", "zh": "zh_CN"}


def form_fields(raw_body: bytes) -> dict[str, str]:
    """A urlencoded form post as a dict (last value wins); empty values are kept as empty strings."""
    parsed = parse_qs(raw_body.decode("utf-8", errors="strict"), keep_blank_values=True, strict_parsing=False)
    return {key: values[-1] for key, values in parsed.items()}


def page_fields(fields: dict[str, str]) -> tuple[str | None, bool, dict[str, str]]:
    """Take the page-only fields out of a form post: (the page language asked for, embedded?, the partner's look)."""
    lang, embed, accent, button = (fields.pop(name, "") for name in PAGE_ONLY_FIELDS)
    return lang or None, embed == "1", {"accent": accent, "button": button}


def safe_partner(code: str) -> str:
    """A partner code from a URL, or "" if it could never be accepted (the supporter could not fix it)."""
    code = code[:40]
    from chalicelib.front_door.fields import PARTNER_RE

    return code if PARTNER_RE.match(code) else ""


def frame_ancestors(campaign: Campaign | None) -> str:
    """Who may frame the form: any site unless the campaign lists `embed_origins` (then those and us only)."""
    if campaign is None or campaign.embed_origins is None:
        return "*"
    return " ".join(("'self'", *campaign.embed_origins))


def page_headers(ancestors: str = "'none'") -> dict[str, str]:
    """Headers for every HTML page: scripts only from us, no referrer leaks, framing as `ancestors` allows."""
    policy = (
        "default-src 'none'; script-src 'self'; worker-src 'self' blob:; style-src 'unsafe-inline'; "
        "img-src 'self' data:; "
        f"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors {ancestors}"
    )
    return {
        "Content-Type": "text/html; charset=utf-8",
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }


def error_message(t: Messages, field: str, api_message: str, code: str = "") -> str:
    """The API speaks English: English pages show its exact words, other pages the catalogue's for that field
    (or for that error, such as "too_quick")."""
    key = "errors.too_quick" if code == "too_quick" else f"errors.{'unreachable' if field == 'target' else field}"
    if t.language == "en" or key not in t:
        return api_message
    return t(key)


def language_links(lang: str, partner: str, embed: bool) -> list[dict[str, Any]]:
    """The page in each of the six languages (keeping the partner code and the embedding)."""
    links = []
    for code in UI_LANGUAGES:
        query = {"lang": code, **({"partner": partner} if partner else {}), **({"embed": "1"} if embed else {})}
        links.append({"code": code, "name": ENDONYMS[code], "href": "?" + urlencode(query), "current": code == lang})
    return links


def closed_notice(campaign: Campaign, t: Messages, today: dt.date) -> str:
    try:
        campaign.check_open(today)
    except CampaignNotOpen as exc:
        key, date = ("campaign.closed", campaign.closes) if exc.status == 410 else ("campaign.not_open", campaign.opens)
        return t(key, date=date.isoformat())
    return ""


def countries_in(directory: Directory, language: str) -> list[dict[str, str]]:
    """The country picker: every state named in the page's language, in that language's collation (CLDR's, computed
    at build time into country_order.csv; a language without one: by name, accents aside)."""

    def order(c: dict[str, str]) -> tuple[int, str]:
        folded = unicodedata.normalize("NFKD", c["name"].casefold())
        return (
            collation_place(c["alpha2"], language) or 0,
            "".join(ch for ch in folded if not unicodedata.combining(ch)),
        )

    named = ({"alpha2": c.alpha2, "name": country_name(c.alpha2, language)} for c in directory.countries())
    return sorted(named, key=order)


def campaign_texts(campaign: Campaign, lang: str) -> dict[str, Any]:
    """Title and summary in the page language if the campaign has it, each tagged with the language it is in."""
    title, title_lang = campaign.localised(campaign.title, lang)
    summary, summary_lang = campaign.localised(campaign.summary, lang)
    return {
        "title": title,
        "summary": summary,
        "title_lang": {"code": title_lang, "dir": direction(title_lang)},
        "summary_lang": {"code": summary_lang, "dir": direction(summary_lang)},
    }


def form_page(
    campaign: Campaign,
    directory: Directory,
    t: Messages,
    *,
    today: dt.date,
    values: Mapping[str, str] | None = None,
    error: Mapping[str, str] | None = None,
    partner: str = "",
    embed: bool = False,
    stamp: str = "",
    page_url: str = "",
    look: Mapping[str, str] | None = None,
) -> str:
    """`look`: the partner's accent and button text (embed.js's data- attributes), each kept only if usable."""
    from chalicelib.web.theming import theme

    values, editing = editing_values(campaign, t.language, values or {})
    partner = safe_partner(values["partner"] or partner)
    error = {"field": "", "message": "", **(error or {})}
    return render(
        "pages/form.html",
        t=t,
        embed=embed,
        campaign=campaign,
        **campaign_texts(campaign, t.language),
        closed=closed_notice(campaign, t, today),
        countries=countries_in(directory, t.language),
        letter_languages=[{"code": code, "name": ENDONYMS[code]} for code in campaign.languages],
        values=values,
        partner=partner,
        error={**error, "link": error["field"] in VISIBLE_FIELDS},
        languages=language_links(t.language, partner, embed),
        script_text={key: value for prefix in SCRIPT_TEXT for key, value in t.group(prefix).items()},
        stamp=stamp,
        proof_of_work=campaign.policies.bots.proof_of_work,
        page_url=page_url,
        locale=OG_LOCALES[t.language],
        theme=theme(**{"accent": "", "button": "", **(look or {})}),
        editing=editing,
    )


def editing_values(
    campaign: Campaign, page_language: str, given: Mapping[str, str]
) -> tuple[dict[str, str], dict[str, Any]]:
    """The form's values, and how the supporter edits the letter (`[letter] editing`). Where they edit or write the
    body, the letter is in one language: the page's if the campaign has it, preselected; an edit_body form starts
    from the campaign's body in it (the same for every country: the linter checks), so no JavaScript is needed."""
    from chalicelib.letters.composing import MAX_BODY_CHARACTERS, editable_body

    values = {**FORM_FIELDS, **given}
    if not campaign.supporter_writes_body:
        return values, {"mode": campaign.editing}
    language = values["language"] if values["language"] in campaign.languages else None
    language = language or campaign.language_for(page_language, "en")
    start = editable_body(campaign, language) if campaign.editing == "edit_body" else ""
    if "letter_body" not in given:  # a form shown again after an error keeps what they wrote, even nothing
        values["letter_body"] = start
    values["language"] = language
    return values, {"mode": campaign.editing, "language": {"code": language}, "max": MAX_BODY_CHARACTERS}


def privacy_page(campaign: Campaign, t: Messages, *, embed: bool = False) -> str:
    """The campaign's plain-language privacy notice: what is kept, how long, who sees it (from its policies)."""
    policies, texts = campaign.policies, campaign_texts(campaign, t.language)
    return render(
        "pages/privacy.html",
        t=t,
        embed=embed,
        title=t("privacy.title"),
        campaign_title=texts["title"],
        title_lang=texts["title_lang"],
        organisation=campaign.organisation,
        confirm_days=policies.confirmation.expires_after.days if policies.confirmation.required else 0,
        retention_days=policies.retention.days,
        digest=campaign.delivery.is_digest,
    )


def result_page(campaign: Campaign, t: Messages, status: str, status_url: str, *, embed: bool = False) -> str:
    return render(
        "pages/result.html",
        t=t,
        embed=embed,
        **campaign_texts(campaign, t.language),
        status=status,
        status_url=status_url,
    )


def unreachable_page(
    campaign: Campaign, t: Messages, message: str, delivery: Mapping[str, Any], *, embed: bool = False
) -> str:
    """The supporter's letter, ready to copy, with the other ways to send it (contact form, own email)."""
    return render(
        "pages/unreachable.html",
        t=t,
        embed=embed,
        **campaign_texts(campaign, t.language),
        message=error_message(t, "target", message),
        delivery=delivery,
        letter_dir=direction(delivery["letter"]["language"]),
    )


# The pages behind the links in a supporter's email, in the language they used our form in (`t`).
ERROR_STATUSES = (400, 404, 409, 410, 429)


def action_page(
    t: Messages,
    title: str,
    message: str,
    *,
    button: str = "",
    link: str = "",
    link_text: str = "",
    embed: bool = False,
) -> str:
    """A short page: a title, what happened, and a button that POSTs (the links in our emails) or a link."""
    return render(
        "pages/action.html",
        t=t,
        embed=embed,
        title=title,
        message=message,
        button=button,
        link=link,
        link_text=link_text,
    )


def error_page(error: DemarcheError, t: Messages, link: str = "") -> str:
    """What went wrong, in the page's language: English pages say the API's exact words, others the error's own
    `detail` if it has one, else the status's."""
    status = error.status if error.status in ERROR_STATUSES else 500
    message = error.message if t.language == "en" else t(error.detail or f"error.detail.{status}")
    return action_page(t, t(f"error.title.{status}"), message, link=link, link_text=t("done.follow") if link else "")


def confirm_page(letter: Letter, t: Messages) -> str:
    return action_page(
        t,
        t("confirm.title"),
        t("confirm.message", target=letter_target_name(letter, t.language)),
        button=t("confirm.button"),
    )


def confirmed_page(
    letter: Letter, campaign: Campaign, t: Messages, status_url: str, *, count: Any, share_url: str
) -> str:
    """Thanks that say where the letter is, the campaign's counter, the organisers' next step, and sharing."""
    from chalicelib.web.sharing import share_links

    where = "confirmed.digest" if letter.status == "awaiting_digest" else "confirmed.queued"
    title = campaign.text(campaign.title, t.language)
    share_text = t("share.text", title=title)
    next_step = None
    if campaign.next_step is not None:
        text, lang = campaign.localised(campaign.next_step.text, t.language)
        next_step = {"text": text, "lang": lang, "url": campaign.next_step.url}
    return render(
        "pages/confirmed.html",
        t=t,
        embed=False,
        title=t("confirmed.title"),
        message=t(where, target=letter_target_name(letter, t.language)),
        count=count,
        next_step=next_step,
        share={
            "url": share_url,
            "text": share_text,
            "title": title,
            "links": share_links(share_url, share_text, title),
        },
        status_url=status_url,
    )


def delete_page(letter: Letter, t: Messages, *, sent: bool) -> str:
    """`sent`: whether the supporter's words may have left for the ministry (the forgetting knows, digests too)."""
    note = t("delete.sent" if sent else "delete.unsent", target=letter_target_name(letter, t.language))
    return action_page(t, t("delete.title"), note, button=t("delete.button"))


def deleted_page(letter: Letter, t: Messages, *, sent: bool = False) -> str:
    message = t("deleted.message") if sent else f"{t('deleted.message')} {t('deleted.not_sent')}"
    return action_page(t, t("deleted.title"), message)


def outbox_page(messages: list[dict[str, Any]]) -> str:
    return render("pages/outbox.html", t=Messages("en"), embed=False, messages=list(reversed(messages)))


# "Did they reply?" (chalicelib/feedback/follow_ups.py): the emailed links open these; only their buttons POST.
ANSWERS = ("yes", "no", "not_yet")


def follow_up_page(item: Mapping[str, Any], t: Messages, chosen: str, stop_link: str) -> str:
    target = shown_name(item["target_name"], item.get("target_set", ""), item.get("country"), t.language)
    return render(
        "pages/follow_up.html",
        t=t,
        embed=False,
        title=t("follow_up.title"),
        message=t("follow_up.message", target=target),
        asking=True,
        target=target,
        answers=[(answer, t(f"follow_up.answer.{answer}")) for answer in ANSWERS],
        chosen=chosen if chosen in ANSWERS else "",
        stop_link=stop_link,
    )


def answered_page(answer: str, t: Messages, stop_link: str) -> str:
    return render(
        "pages/follow_up.html",
        t=t,
        embed=False,
        title=t("follow_up.thanks_title"),
        message=t(f"follow_up.thanks.{answer}"),
        asking=False,
        stop_link=stop_link,
    )


def stop_page(t: Messages) -> str:
    return action_page(t, t("stop.title"), t("stop.message"), button=t("stop.button"))


def stopped_page(t: Messages) -> str:
    return action_page(t, t("stopped.title"), t("stopped.message"))
