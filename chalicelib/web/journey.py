"""The status page a person reads: their letter's journey as a timeline (written, confirmed, sent, delivered,
answered; or "went in a digest"), where it is now and what happens next, in their language. API clients get
the same letter as JSON (api_views.letter_status_view): the route chooses by the Accept header."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.campaigns.catalogue import Campaign
from chalicelib.directory.target_names import letter_target_name
from chalicelib.i18n import Messages
from chalicelib.letters.letter import Letter
from chalicelib.letters.states import Status
from chalicelib.rendering import render

S = Status
# How far along each state is: the index of the last step it has reached, in DIRECT or DIGEST below.
DIRECT = ("written", "confirmed", "sent", "delivered", "answered")
DIGEST = ("written", "confirmed", "digest")
REACHED = {
    S.PENDING_CONFIRMATION: "written",
    S.QUEUED: "confirmed",
    S.SENDING: "confirmed",
    S.SENT: "sent",
    S.DELAYED: "sent",
    S.DELIVERED: "delivered",
    S.BOUNCED: "sent",
    S.COMPLAINED: "delivered",
    S.FAILED: "confirmed",
    S.EXPIRED: "written",
    S.AWAITING_DIGEST: "confirmed",
    S.IN_DIGEST: "digest",
    S.DELIVERED_BY_HAND: "delivered",  # the organisers delivered it another way (outcomes/hand_deliveries.py)
}
STOPPED = frozenset({S.BOUNCED, S.COMPLAINED, S.FAILED, S.EXPIRED})  # nothing more will happen by itself


@dataclass(frozen=True)
class Step:
    key: str  # journey.step.<key>
    state: str  # "done", "current" (the next thing that should happen) or "todo"
    date: str = ""  # YYYY-MM-DD where the letter records it


def journey(letter: Letter, campaign: Campaign) -> list[Step]:
    """The steps of this letter's journey and how far it is along them."""
    status = Status(letter.status)
    digest = campaign.delivery.is_digest or status in (S.AWAITING_DIGEST, S.IN_DIGEST)
    steps = DIGEST if digest else DIRECT
    if not campaign.policies.confirmation.required and not letter.confirmed_at:
        steps = tuple(s for s in steps if s != "confirmed")  # a campaign that sends without confirmation
    if not campaign.policies.follow_up.enabled:
        steps = tuple(s for s in steps if s != "answered")  # we never learn about an answer
    reached = REACHED[status]
    last = steps.index(reached) if reached in steps else 0
    dates = {"written": letter.created_at, "confirmed": letter.confirmed_at, "delivered": letter.delivered_at}
    return [
        Step(
            key=step,
            state="done" if i <= last else ("current" if i == last + 1 and status not in STOPPED else "todo"),
            date=dates.get(step, "")[:10] if i <= last else "",
        )
        for i, step in enumerate(steps)
    ]


def status_page(letter: Letter, campaign: Campaign, t: Messages) -> str:
    status = Status(letter.status)
    next_key = f"journey.next.{status.value}"
    if status is S.DELIVERED and not campaign.policies.follow_up.enabled:
        next_key = ""  # nobody will ask whether they replied
    return render(
        "pages/status.html",
        t=t,
        embed=False,
        title=t("journey.title", target=letter_target_name(letter, t.language)),
        target=letter_target_name(letter, t.language),
        steps=journey(letter, campaign),
        now=t(f"status.{status.value}"),
        next=t(next_key) if next_key and next_key in t else "",
        stopped=status in STOPPED,
    )
