"""What organisers see and do about a campaign's outcomes, in the console and the admin CLI: signatories to approve
and sign-on sends to schedule; digests; per-target responsiveness and the replies supporters pasted.

Each method checks first that the organiser's token covers the campaign (as organiser_console.py does), masks
contact details unless revealed, and records every reveal in the access audit.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Callable, Mapping

from chalicelib.campaigns.catalogue import Campaign, Campaigns
from chalicelib.console.letters_console import actor_of, reveal_reason
from chalicelib.console.roles import ACT, READ, REVEAL
from chalicelib.errors import InvalidField
from chalicelib.feedback.responsiveness import MIN_ANSWERS, responsiveness

if TYPE_CHECKING:  # pragma: no cover
    from chalicelib.console.access_audit import AccessAudit
    from chalicelib.console.tokens import Organiser
    from chalicelib.feedback.follow_ups import FollowUps
    from chalicelib.outcomes.digests import Digests
    from chalicelib.outcomes.hand_deliveries import HandDeliveries
    from chalicelib.outcomes.sign_on_document import SignedLetter, SignOnDocuments
    from chalicelib.outcomes.sign_on_sends import SignOnSends
    from chalicelib.outcomes.signatures import Signatures


def parse_send_at(text: Any, now: dt.datetime) -> dt.datetime | None:
    """ "now" (or nothing) for at once, else an ISO 8601 time with its zone, e.g. 2026-12-01T09:00:00Z."""
    if text in (None, "", "now"):
        return None
    if not isinstance(text, str):
        raise InvalidField("send_at", "The send time is text: 'now' or a time such as 2026-12-01T09:00:00Z.")
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidField("send_at", f"{text!r} is not a time: use 'now' or e.g. 2026-12-01T09:00:00Z.") from None
    if moment.tzinfo is None:
        raise InvalidField("send_at", "Give the send time with its time zone, e.g. 2026-12-01T09:00:00Z.")
    return moment.astimezone(dt.timezone.utc)


class OutcomesConsole:
    def __init__(
        self,
        *,
        table: Any,
        campaigns: Campaigns,
        signatures: "Signatures",
        sends: "SignOnSends",
        documents: "SignOnDocuments",
        hand_deliveries: "HandDeliveries",
        digests: "Digests",
        follow_ups: "FollowUps",
        audit: "AccessAudit",
        clock: Callable[[], dt.datetime],
    ) -> None:
        self._table, self._campaigns, self._signatures, self._sends = table, campaigns, signatures, sends
        self._digests, self._follow_ups, self._audit, self._clock = digests, follow_ups, audit, clock
        self._documents, self._hand_deliveries = documents, hand_deliveries

    def _campaign(self, organiser: "Organiser", slug: str, right: str = READ) -> Campaign:
        organiser.require(slug, right)  # first: a token learns nothing about campaigns it does not cover
        return self._campaigns.get(slug)

    def outcomes(self, organiser: "Organiser", slug: str) -> dict[str, Any]:
        """Everything the dashboard's outcome panels show, in one answer."""
        campaign = self._campaign(organiser, slug)
        view: dict[str, Any] = {"kind": campaign.kind, "delivery": campaign.delivery.mode}
        if campaign.is_sign_on:
            return {
                **view,
                "signatories": self._signatures.all(slug),
                "sends": self._sends.all(slug),
                "target_sets": list(self._sends.target_sets(campaign)),
                "hand_deliveries": self._hand_deliveries.all(slug),
                "signed_letter": {
                    "languages": list(campaign.languages),
                    "published": self._documents.is_published(slug),
                    "order": campaign.signatory_order,
                },
            }
        view.update(
            min_answers=MIN_ANSWERS,
            responsiveness=responsiveness(self._table, slug),
            replies=self._follow_ups.replies(slug),
        )
        if campaign.delivery.is_digest:
            view["digests"] = self._digests.recent(slug, limit=20)
        return view

    def signatories(self, organiser: "Organiser", slug: str, params: Mapping[str, str]) -> dict[str, Any]:
        """Every signatory with its state; the contact's name and email only with `reveal=1` and a `reason` (audited)."""
        reveal = params.get("reveal") == "1"
        campaign = self._campaign(organiser, slug, REVEAL if reveal else READ)
        reason = reveal_reason(params)
        listed = self._signatures.all(campaign.slug, reveal=reveal)
        if reveal:
            self._audit.record(
                campaign.slug,
                actor=actor_of(organiser),
                action="reveal_signatories",
                filters={},
                letter_ids=[s["signatory_id"] for s in listed],
                reason=reason or "",
            )
        return {"signatories": listed, "revealed": reveal}

    def decide(self, organiser: "Organiser", slug: str, signatory_id: str, decision: str) -> dict[str, Any]:
        campaign = self._campaign(organiser, slug, ACT)
        return self._signatures.decide(campaign, signatory_id, decision, actor=actor_of(organiser))

    def schedule_send(self, organiser: "Organiser", slug: str, body: Any) -> dict[str, Any]:
        """Plan the sign-on letter: body {"target_set": "foreign-ministry", "send_at": "now" | ISO time,
        "confirm_count": N}; N, the number of targets, is needed above 10 (409 with the count otherwise)."""
        campaign = self._campaign(organiser, slug, ACT)
        if not isinstance(body, Mapping):
            raise InvalidField(
                "body",
                'Send a JSON object such as {"target_set": "foreign-ministry", "send_at": "2026-12-01T09:00:00Z"}.',
            )
        target_set = body.get("target_set", campaign.target_set)
        send_at = parse_send_at(body.get("send_at"), self._clock())
        confirm_count = body.get("confirm_count")
        if confirm_count is not None and (isinstance(confirm_count, bool) or not isinstance(confirm_count, int)):
            raise InvalidField("confirm_count", "confirm_count is the number of targets, a whole number.")
        return self._sends.schedule(
            campaign, target_set, send_at, actor=actor_of(organiser), confirm_count=confirm_count
        )

    def signed_letter(self, organiser: "Organiser", slug: str, language: str) -> "SignedLetter":
        """The signed letter in one of the campaign's languages, published or not."""
        return self._documents.document(self._campaign(organiser, slug), language)

    def publish_letter(self, organiser: "Organiser", slug: str, body: Any) -> dict[str, Any]:
        """{"published": true} shows the signed letter at its public address; false takes it down."""
        campaign = self._campaign(organiser, slug, ACT)
        published = body.get("published") if isinstance(body, Mapping) else None
        return self._documents.publish(campaign, published, actor=actor_of(organiser))

    def record_hand_delivery(self, organiser: "Organiser", slug: str, body: Any) -> dict[str, Any]:
        """The letter went to a target another way: body {"target_set", "country" (not for "fixed"), "method",
        "date", "note"} (see chalicelib/outcomes/hand_deliveries.py)."""
        campaign = self._campaign(organiser, slug, ACT)
        if not isinstance(body, Mapping):
            raise InvalidField(
                "body", 'Send a JSON object such as {"target_set": "fixed", "method": "by_hand", "date": "2026-11-20"}.'
            )
        return self._hand_deliveries.record(campaign, body, actor=actor_of(organiser))

    def cancel_send(self, organiser: "Organiser", slug: str, send_id: str) -> dict[str, Any]:
        return self._sends.cancel(self._campaign(organiser, slug, ACT), send_id, actor=actor_of(organiser))

    def send_digests_now(self, organiser: "Organiser", slug: str) -> dict[str, Any]:
        campaign = self._campaign(organiser, slug, ACT)
        if not campaign.delivery.is_digest:
            raise InvalidField("campaign", f"The campaign {slug!r} sends each letter on its own, not in digests.")
        return {"brought_forward": self._digests.send_now(campaign.slug)}
