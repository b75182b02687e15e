"""SES feedback: what happened to a letter after SES took it (delivered, delayed, bounced, complained, rejected).

SES publishes events to SNS in two documented shapes: identity notifications (`notificationType`) and
configuration-set event publishing (`eventType`, which also carries our tags). Both are read; unknown
fields and event types are ignored, and an event may list several recipients (only the letter's own
recipient counts for it). A letter is found by SES MessageId (the `by-ses-message` index) or, for a send
whose answer was lost, by its `letter` and `attempt` tags: that evidence reconciles it to `sent` first.

Side effects: a hard bounce marks the target failing; a complaint suppresses the recipient for the
campaign; both count toward the campaign's reputation guard, once per letter. A complaint about a campaign's
confirmation email (tagged `kind=notice`) counts toward its guard too, once per message: SES holds it against
our domain like any other.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass, field
from email.utils import parseaddr
from typing import Any, Callable, Mapping

from chalicelib.clock import iso
from chalicelib.delivery.gates import health_subject
from chalicelib.delivery.reputation import ReputationGuard
from chalicelib.delivery.suppressions import Suppressions
from chalicelib.directory.health import TargetHealth
from chalicelib.letters.letter import Letter
from chalicelib.letters.log import LetterLog
from chalicelib.letters.states import ALLOWED, Status, TransitionRefused

log = logging.getLogger(__name__)

KINDS = {
    "Send": "send",
    "Delivery": "delivery",
    "Bounce": "bounce",
    "Complaint": "complaint",
    "DeliveryDelay": "delay",
    "Reject": "reject",
}
# Where each kind lists its recipients, and the field holding each address.
RECIPIENTS = {
    "delivery": ("delivery", "recipients", None),
    "bounce": ("bounce", "bouncedRecipients", "emailAddress"),
    "complaint": ("complaint", "complainedRecipients", "emailAddress"),
    "delay": ("deliveryDelay", "delayedRecipients", "emailAddress"),
}
OUTCOME = {
    "delivery": Status.DELIVERED,
    "delay": Status.DELAYED,
    "bounce": Status.BOUNCED,
    "complaint": Status.COMPLAINED,
    "reject": Status.FAILED,
}


@dataclass(frozen=True)
class SesEvent:
    kind: str  # send | delivery | delay | bounce | complaint | reject
    ses_message_id: str
    recipients: tuple[str, ...] = ()  # lower-case addresses the event is about; empty: the whole message
    tags: Mapping[str, str] = field(default_factory=dict)
    hard_bounce: bool = False
    details: Mapping[str, str] = field(default_factory=dict)  # per recipient: diagnostic, delay type…
    detail: str = ""  # for the whole message

    def about(self, address: str) -> bool:
        return not self.recipients or address.strip().lower() in self.recipients

    def reason_for(self, address: str) -> str:
        """What SES said about this recipient: the event's detail and the recipient's own (status, diagnostic)."""
        return f"{self.detail} {self.details.get(address.strip().lower(), '')}".strip()


def _address(value: Any) -> str:
    return parseaddr(str(value))[1].strip().lower()


def _mapping(value: Any) -> Mapping[str, Any]:
    """`value` if it is a JSON object, else an empty one: a malformed field is treated as absent."""
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def parse(message: str | bytes | Mapping[str, Any]) -> SesEvent | None:
    """The SES event in an SNS message, or None if it is not one we act on. Never raises on odd input."""
    try:
        data = json.loads(message) if isinstance(message, (str, bytes)) else message
    except ValueError:
        return None
    data = _mapping(data)
    kind = KINDS.get(str(data.get("eventType") or data.get("notificationType") or ""))
    mail = _mapping(data.get("mail"))
    ses_id = str(mail.get("messageId") or "")
    if kind is None or not ses_id:
        return None
    tags = {str(k): str(v[0] if isinstance(v, list) and v else v) for k, v in _mapping(mail.get("tags")).items()}
    body = _mapping(data.get({"delay": "deliveryDelay"}.get(kind, kind)))
    recipients, details = [], {}
    if kind in RECIPIENTS:
        section, key, address_field = RECIPIENTS[kind]
        for entry in _list(_mapping(data.get(section)).get(key)):
            address = _address(_mapping(entry).get(address_field, "") if address_field else entry)
            if address:
                recipients.append(address)
                details[address] = " ".join(
                    str(v) for k in ("status", "diagnosticCode") if (v := _mapping(entry).get(k))
                )
    detail = {
        "bounce": f"{body.get('bounceType', '')}/{body.get('bounceSubType', '')}",
        "complaint": str(body.get("complaintFeedbackType", "")),
        "delay": str(body.get("delayType", "")),
        "reject": str(body.get("reason", "")),
    }.get(kind, "")
    return SesEvent(
        kind=kind,
        ses_message_id=ses_id,
        recipients=tuple(recipients),
        tags=tags,
        hard_bounce=kind == "bounce" and body.get("bounceType") == "Permanent",
        details=details,
        detail=detail,
    )


class Feedback:
    def __init__(
        self,
        letters: LetterLog,
        health: TargetHealth,
        suppressions: Suppressions,
        guard: ReputationGuard,
        clock: Callable[[], dt.datetime],
    ) -> None:
        self._letters, self._health, self._suppressions = letters, health, suppressions
        self._guard, self._clock = guard, clock

    def handle_sns(self, event: Mapping[str, Any]) -> list[Status | None]:
        """Every record of an SNS Lambda event; a message that is not an SES event is logged and skipped."""
        results = []
        for record in event.get("Records", []):
            message = (record.get("Sns") or {}).get("Message", "")
            parsed = parse(message)
            if parsed is None:
                log.info("SNS message ignored: not an SES event we use")
                results.append(None)
                continue
            results.append(self.handle(parsed))
        return results

    def handle(self, event: SesEvent) -> Status | None:
        """Apply one SES event to its letter; returns the letter's state afterwards (None: not one of ours)."""
        letter = self._find(event)
        if letter is None and event.kind == "complaint" and event.tags.get("kind") == "notice":
            return self._notice_complaint(event)
        if letter is None:
            log.info(
                "SES %s for message %s: no such letter (expired, or not a letter)", event.kind, event.ses_message_id
            )
            return None
        if not event.about(letter.target_email):
            log.info("SES %s for letter %s lists other recipients only; ignored", event.kind, letter.letter_id)
            return Status(letter.status)
        letter = self._reconcile(letter, event)
        if event.kind == "send":
            return Status(letter.status)
        reason = event.reason_for(letter.target_email)
        if event.kind == "bounce" and event.hard_bounce:
            self._health.mark_failing(
                *health_subject(letter.target_set, letter.country, letter.campaign), reason, self._clock()
            )
        if event.kind == "complaint":
            self._suppressions.suppress(
                letter.campaign, letter.target_email, event.detail or "complaint", self._clock()
            )
        changes = (
            {"failure_reason": reason[:500]}
            if event.kind in ("bounce", "reject")
            else {"delivered_at": iso(self._clock())}
            if event.kind == "delivery"
            else {}
        )
        if self._advance(letter, OUTCOME[event.kind], changes):
            if event.kind == "complaint" or event.hard_bounce:
                self._guard.count(letter.campaign, "complained" if event.kind == "complaint" else "bounced")
                self._guard.check(letter.campaign)
            return OUTCOME[event.kind]
        return Status(letter.status)

    def _notice_complaint(self, event: SesEvent) -> None:
        """Someone marked a campaign's confirmation email as spam (often: their address was typed by someone else)."""
        campaign = event.tags.get("campaign", "")
        if campaign and self._guard.count_once(campaign, "complained", event.ses_message_id):
            log.warning("complaint about a confirmation email of %s counted toward its guard", campaign)
            self._guard.check(campaign)
        return None

    def _find(self, event: SesEvent) -> Letter | None:
        letter = self._letters.find_by_ses_message_id(event.ses_message_id)
        if letter is None and event.tags.get("letter"):
            letter = self._letters.get(event.tags["letter"])
        return letter

    def _reconcile(self, letter: Letter, event: SesEvent) -> Letter:
        """SES evidence for a send whose answer was lost: the letter was sent after all."""
        evidence = (
            not letter.ses_message_id
            and letter.attempt_id
            and event.tags.get("attempt") == letter.attempt_id
            and letter.status in (Status.SENDING.value, Status.FAILED.value)
        )
        if not evidence:
            return letter
        try:
            self._letters.move(
                letter.letter_id,
                Status(letter.status),
                Status.SENT,
                self._clock(),
                expect={"attempt_id": letter.attempt_id},
                ses_message_id=event.ses_message_id,
            )
        except TransitionRefused:
            return self._letters.get(letter.letter_id) or letter
        log.warning(
            "letter %s reconciled: SES %s event shows it was sent (%s)",
            letter.letter_id,
            event.kind,
            event.ses_message_id,
        )
        self._guard.count(letter.campaign, "sent")
        return self._letters.get(letter.letter_id) or letter

    def _advance(self, letter: Letter, target: Status, changes: dict[str, str]) -> bool:
        """Move the letter to `target` from wherever it is, if the state machine allows; False if not."""
        for _ in range(3):
            current = Status(letter.status)
            if target not in ALLOWED[current]:
                return False
            try:
                self._letters.move(letter.letter_id, current, target, self._clock(), **changes)
                return True
            except TransitionRefused:
                letter = self._letters.get(letter.letter_id)
                if letter is None:
                    return False
        return False
