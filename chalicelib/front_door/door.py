"""Taking a supporter's letter at the front door: the screening every submission passes (front_door/screening.py:
idempotency, bot traps, proof of work, duplicates and rate limits), then either a confirmation email (the
default) or the queue. Nothing is stored, queued or sent on any error."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from chalicelib.campaigns.catalogue import Campaign
from chalicelib.clock import iso
from chalicelib.directory import Directory
from chalicelib.errors import DemarcheError
from chalicelib.front_door.admission import Admission
from chalicelib.front_door.decoys import Decoys
from chalicelib.front_door.duplicates import guard_key
from chalicelib.front_door.fields import check_submission
from chalicelib.front_door.rate_limits import target_identity as identity_of
from chalicelib.front_door.screening import Screening
from chalicelib.letters.composing import Supporter, compose
from chalicelib.letters.confirmation import Confirmations, first_due
from chalicelib.letters.fallbacks import Route, never_failing, plan_route
from chalicelib.letters.letter import Letter
from chalicelib.letters.log import LetterLog
from chalicelib.letters.queue import LetterQueue
from chalicelib.letters.states import Status
from chalicelib.letters.supporter_mail import link_hashes
from chalicelib.signing import Signer, token_matches

if TYPE_CHECKING:  # pragma: no cover
    from chalicelib.directory.health import TargetHealth

TTL_MARGIN = dt.timedelta(days=1)  # DynamoDB TTL backs up the housekeeping job this long after it is due


class TargetUnreachable(DemarcheError):
    """Nobody can be emailed for this letter (no address we may use, no fallback): we never guess one.

    The error carries what is needed to show the letter and the other ways to send it (the route, the campaign,
    the supporter's words, the letter's language and the one they read), so nothing the supporter wrote is lost. The HTTP layer builds that view
    (chalicelib/web/api_views.py `delivery_view`): the domain does not import presentation.
    """

    status = 422
    code = "target_unreachable"

    def __init__(
        self,
        message: str,
        *,
        route: Route,
        campaign: Campaign,
        supporter: Supporter,
        language: str | None,
        ui_language: str | None = None,
    ) -> None:
        super().__init__(message)
        self.route, self.campaign, self.supporter, self.language = route, campaign, supporter, language
        self.ui_language = ui_language


@dataclass(frozen=True)
class Receipt:
    letter_id: str
    status: str


@dataclass(frozen=True)
class Visitor:
    """Who is at the door: their IP (hashed before any use, never stored) and the base URL they used."""

    ip: str
    links_base: str


class FrontDoor:
    def __init__(
        self,
        *,
        directory: Directory,
        letters: LetterLog,
        queue: LetterQueue,
        screening: Screening,
        confirmations: Confirmations,
        signer: Signer,
        clock: Callable[[], dt.datetime],
        sandbox_recipients: bool = False,
        health: TargetHealth | None = None,
        decoys: Decoys | None = None,
    ) -> None:
        self._directory, self._letters, self._queue, self._screening = directory, letters, queue, screening
        self._confirmations, self._signer, self._clock, self._sandbox = confirmations, signer, clock, sandbox_recipients
        self._health, self._decoys = health, decoys

    def submit(self, campaign: Campaign, payload: Any, visitor: Visitor, idempotency_key: str = "") -> Receipt:
        """Take one letter; with an Idempotency-Key, a retry gets the first receipt back."""
        now = self._clock()
        self._screening.door_open(campaign, now, sign_on=False)
        return self._screening.once(
            campaign,
            idempotency_key,
            payload,
            now,
            lambda: self._submit(campaign, payload, visitor, now),
            record=lambda r: {"letter_id": r.letter_id, "status": r.status},
            replay=lambda first: Receipt(**first),
        )

    def _submit(self, campaign: Campaign, payload: Any, visitor: Visitor, now: dt.datetime) -> tuple[Receipt, bool]:
        confirm = campaign.policies.confirmation.required
        first_status = Status.PENDING_CONFIRMATION if confirm else Status.QUEUED
        decoy = Receipt(str(uuid.uuid4()), first_status.value), False  # what a bot is told: nothing happened
        sub = self._screening.screen(
            campaign, payload, now, lambda fields: check_submission(fields, campaign, self._directory)
        )
        if sub is None:
            return decoy
        # Sending is decided on the target's current health (one consistent read), not the page views' snapshot.
        health = self._health
        is_failing = (lambda s, c: health.failing(s, c) is not None) if health is not None else never_failing
        route = plan_route(campaign, sub.country, self._directory, is_failing=is_failing, sandbox=self._sandbox)
        supporter = Supporter(name=sub.name, email=sub.email, city=sub.city, message=sub.message, body=sub.letter_body)
        target = route.send_to
        if target is None:
            reason = "is not accepting email just now" if route.target_failing else "has no email address we can use"
            raise TargetUnreachable(
                f"{route.target.name} {reason}, so we did not send your letter. It is ready "
                "for you to send another way.",
                route=route,
                campaign=campaign,
                supporter=supporter,
                language=sub.language,
                ui_language=sub.ui_language or None,
            )
        composed = compose(campaign, sub.country, target, supporter, sub.language)

        letter_id = str(uuid.uuid4())
        target_identity = identity_of(target.target_set, target.country)
        mailbox = self._screening.mailbox(sub.email)
        guard = guard_key(campaign.slug, target_identity, mailbox)
        policies = campaign.policies
        if confirm:
            confirm_by, due_at = first_due(now, campaign)
            expires_at = confirm_by + int(TTL_MARGIN.total_seconds())
        else:
            confirm_by, due_at = 0, int((now + policies.retention).timestamp())
            expires_at = due_at
        letter = Letter(
            letter_id=letter_id,
            campaign=campaign.slug,
            country=sub.country.alpha2,
            target_set=target.target_set,
            target_name=target.name,
            target_email=target.email,
            address_origin=route.address_origin,
            language=composed.language,
            subject=composed.subject,
            body=composed.body,
            supporter_name=sub.name,
            supporter_email=sub.email,
            status=first_status.value,
            created_at=iso(now),
            updated_at=iso(now),
            expires_at=expires_at,
            partner=sub.partner or "",
            ui_language=sub.ui_language,
            confirm_by=confirm_by,
            guard=guard["pk"],
            due_at=due_at,
            links_base=visitor.links_base if confirm else "",
            **link_hashes(self._signer, letter_id),
            # A digest lists each supporter's own parts under the campaign letter (chalicelib/outcomes/digests.py).
            **({"supporter_city": sub.city, "supporter_message": sub.message} if campaign.delivery.is_digest else {}),
        )
        # Only confirmed letters count toward the target's limit: a letter sent without confirmation counts now.
        counters = self._screening.counters(
            campaign, payload, visitor.ip, mailbox, target_identity, confirmed_only=confirm
        )
        admission = Admission.of_letter(letter, guard, counters, now)
        admitted = self._screening.admit(
            admission,
            # the caller is not told; the address's owner is, by email, with their first letter's status link
            on_duplicate=lambda existing: self._duplicate(letter, existing, campaign),
            # the letter must not stay logged when its email or queue message never left
            announce=(lambda: self._confirmations.send(letter, campaign))
            if confirm
            else (lambda: self._queue.enqueue(letter_id)),
            unavailable="We could not take your letter just now; nothing was kept or sent. Please try again.",
        )
        # A duplicate's receipt and status link read like a new unconfirmed letter's, and an Idempotency-Key retry
        # gets it back like a new letter's (screened again, its spent form token would give it away).
        if not admitted and not (confirm and self._decoys):
            return decoy[0], True
        return Receipt(letter_id, first_status.value), True

    def _duplicate(self, attempt: Letter, first_id: str, campaign: Campaign) -> None:
        """The caller is not told; the attempt's status link will read like a real one, and the address's owner
        is emailed their first letter's status link."""
        if self._decoys is not None and attempt.status == Status.PENDING_CONFIRMATION.value:
            self._decoys.keep(attempt)
        self._confirmations.already_wrote(attempt, first_id, campaign)


def letter_status(letters: LetterLog, letter_id: str, token: str, decoys: Decoys | None = None) -> Letter | None:
    """The letter (or a duplicate's decoy, front_door/decoys.py) if `token` is its status token, else None."""
    letter = letters.get(letter_id) or (decoys.look(letter_id) if decoys is not None else None)
    if letter is None or not token_matches(letter.status_token_hash, token):
        return None
    return letter
