"""The campaign editor page: every field of campaign.toml as a form; its script (static/campaign_editor.js) loads
and saves the campaign with the organiser's token through the editor's JSON routes (http/campaign_editor.py)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from chalicelib.campaigns.catalogue import (
    DELIVERY_MODES,
    DIGEST_PERIODS,
    EDITING_MODES,
    KINDS,
    SIGNATORY_ORDERS,
    TARGET_SETS,
    WEEKDAYS,
)
from chalicelib.directory import UN_LANGUAGES
from chalicelib.i18n import ENDONYMS, Messages
from chalicelib.rendering import render


@dataclass(frozen=True)
class Field:
    """One input: `path` is where its value goes in the document (`campaign.delivery.mode`); the API names the
    same path, less `campaign.`, when the value is wrong."""

    path: str
    label: str
    kind: str = "text"  # text, textarea, email, date, number, select, list (one per line), yesno (default/yes/no)
    hint: str = ""
    choices: tuple[str, ...] = ()


PER_LANGUAGE = (
    Field("campaign.title", "Title"),
    Field("campaign.summary", "Summary", "textarea", "A few sentences on the form page."),
    Field("campaign.subject", "Subject of the letter", hint="One line."),
    Field(
        "campaign.next_step.text",
        "Next step (optional)",
        "textarea",
        "Shown after a supporter confirms, above the share buttons; empty in every language: none.",
    ),
    Field(
        "letters",
        "Letter",
        "letter",
        "A template: {{ target.addressee }}, {{ target.name }}, {{ country.name }}, and the kind's names "
        "(supporter.name, supporter.city, supporter.message; supporters for digests; signatories for sign-on).",
    ),
)

SECTIONS: tuple[tuple[str, tuple[Field, ...]], ...] = (
    (
        "Who sends it",
        (
            Field(
                "campaign.kind",
                "Kind of campaign",
                "select",
                "letters: each supporter's own letter; sign-on: organisations sign one letter.",
                KINDS,
            ),  # fmt: skip
            Field("campaign.organisation", "Organisation"),
            Field("campaign.sender_address", "Sender address", "email", "On your verified SES domain."),
            Field(
                "campaign.organiser_email",
                "Organisers' address",
                "email",
                "Told if sending pauses; test letters go here.",
            ),  # fmt: skip
            Field("campaign.from_name", "From name", hint="Digests and sign-on letters only."),
            Field("campaign.reply_to", "Reply-To", "email", "Digests and sign-on letters only."),
            Field(
                "campaign.letter.editing",
                "How much of the letter supporters may change",
                "select",
                "add_paragraph (the default): they add their own words; edit_body: they may change the letter's "
                "body; own_letter: they write the body under your subject. With edit_body or own_letter, mark the "
                "body in each letter with {% block body %}...{% endblock %}: the greeting and sign-off stay yours.",
                ("", *EDITING_MODES),
            ),
            Field(
                "campaign.sign_on.order",
                "Order of the signatories",
                "select",
                "Sign-on letters only.",
                ("", *SIGNATORY_ORDERS),
            ),  # fmt: skip
        ),
    ),
    (
        "Who receives it",
        (
            Field(
                "campaign.target_sets",
                "Target sets, in the order tried",
                "list",
                f"One per line, from: {', '.join(TARGET_SETS)}. Or only 'fixed' with the fixed target below.",
            ),
            Field("campaign.fixed_target.name", "Fixed target: name"),
            Field("campaign.fixed_target.addressee", "Fixed target: addressee"),
            Field(
                "campaign.fixed_target.kind",
                "Fixed target: kind",
                hint="How the letter greets them (salutations), for example secretary-general.",
            ),
            Field("campaign.fixed_target.email", "Fixed target: email", "email"),
            Field(
                "campaign.fixed_target.email_source",
                "Fixed target: where its email is published",
                hint="The page that gives the address (required with an email).",
            ),
            Field("campaign.fixed_target.website", "Fixed target: website"),
            Field("campaign.fixed_target.language", "Fixed target: language", "select", "", ("", *UN_LANGUAGES)),
            Field("campaign.fixed_target.timezone", "Fixed target: time zone", hint="For example America/New_York."),
        ),  # fmt: skip
    ),
    (
        "When",
        (
            Field("campaign.opens", "Opens", "date"),
            Field("campaign.closes", "Closes", "date", "The last day letters are accepted."),
        ),
    ),
    (
        "Delivery and pacing",
        (
            Field(
                "campaign.delivery.mode",
                "Delivery",
                "select",
                "direct: one letter per supporter; digest: one letter per target and period.",
                ("", *DELIVERY_MODES),
            ),
            Field("campaign.delivery.max_per_target_per_hour", "Letters per target per hour", "number"),
            Field("campaign.delivery.period", "Digest period", "select", "", ("", *DIGEST_PERIODS)),
            Field("campaign.delivery.local_hour", "Digest hour (target's time)", "number"),
            Field("campaign.delivery.weekday", "Weekly digest day", "select", "", ("", *WEEKDAYS)),
        ),  # fmt: skip
    ),
    (
        "Partner sites",
        (
            Field(
                "campaign.allowed_origins",
                "Partner origins (CORS)",
                "list",
                "One per line, such as https://www.partner.example.org. Never *.",
            ),
            Field("campaign.embed_origins", "Sites that may frame the form", "list", "Empty: any site."),
        ),  # fmt: skip
    ),
    (
        "Confirmation, limits and bots",
        (
            Field("campaign.confirmation.required", "Supporters confirm by email", "yesno"),
            Field("campaign.confirmation.expires_after_days", "Unconfirmed letters expire after (days)", "number"),
            Field("campaign.confirmation.remind_after_hours", "Reminder after (hours, 0: none)", "number"),
            Field("campaign.limits.per_ip_per_hour", "Letters per IP per hour", "number"),
            Field("campaign.limits.per_email_per_day", "Letters per email per day", "number"),
            Field("campaign.limits.per_target_per_hour", "Letters per target per hour (accepted)", "number"),
            Field("campaign.bots.min_fill_seconds", "Bots: minimum seconds to fill the form", "number"),
            Field("campaign.bots.max_age_hours", "Bots: form valid for (hours)", "number"),
            Field("campaign.bots.proof_of_work", "Bots: proof of work (needs JavaScript)", "yesno"),
            Field("campaign.bots.proof_of_work_cost", "Bots: proof-of-work cost", "number"),
        ),
    ),
    (
        "Privacy and follow-up",
        (
            Field("campaign.privacy.retention_days", "Keep personal data for (days)", "number"),
            Field("campaign.follow_up.enabled", "Ask \u201cdid they reply?\u201d", "yesno"),
            Field("campaign.follow_up.after_days", "Ask after (days)", "number"),
            Field("campaign.follow_up.remind_after_days", "Remind after (days, 0: none)", "number"),
            Field("campaign.next_step.url", "Next step's link (optional)", hint="https:// only: makes it a link."),
        ),
    ),
)


def editor_page(api_base: str, slug: str | None, today: dt.date) -> str:
    """The editor for `slug`, or for a new campaign (None): it starts from a skeleton with the required fields."""
    from chalicelib.console.campaign_editor import starter_document
    from chalicelib.directory import default_directory

    return render(
        "admin/campaign_editor.html",
        t=Messages("en"),
        embed=False,
        api_base=api_base,
        slug=slug or "",
        # JSON inside <script>: no "<" at all, so no "</script>" can end it early
        starter=json.dumps(starter_document(today)).replace("<", "\\u003c"),
        languages=[(code, ENDONYMS[code]) for code in UN_LANGUAGES],
        per_language=PER_LANGUAGE,
        sections=SECTIONS,
        countries=[(c.alpha2, c.name) for c in default_directory().countries()],
    )
