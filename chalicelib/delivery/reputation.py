"""The reputation guard: a campaign whose mail bounces or draws complaints pauses itself until an organiser resumes it.

SES reviews an account at 5 % bounces or 0.1 % complaints; we stop a campaign well before that: at 2 % hard
bounces or 0.05 % complaints over the last 24 hours, once at least 50 letters were sent in that time.
Paused, its letters stay queued (parked, nothing is lost) and the organiser is told by email and in the log.

Counters are items, never scans: per campaign and hour, `sent`, `bounced` and `complained`, read back as
at most 25 small items. Resuming starts a fresh count (a new `epoch`), so the letters that caused the pause
do not pause the campaign again at its next bounce.

Organisers resume with `python -m chalicelib.cli.reputation resume SLUG` (`status SLUG` shows the numbers);
the console calls `resume_sending`.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any, Callable

from chalicelib.storage.conditional import conditionally, put_once
from chalicelib.storage.due_index import due_keys

log = logging.getLogger(__name__)

BOUNCE_LIMIT = 0.02
COMPLAINT_LIMIT = 0.0005
MIN_SAMPLE = 50
WINDOW = dt.timedelta(hours=24)
KEEP_STATE = dt.timedelta(days=730)  # a pause is kept this long after its last change (longer than any campaign)
COUNTS = ("sent", "bounced", "complained")


def state_key(campaign: str) -> dict[str, str]:
    return {"pk": f"GUARD#{campaign}", "sk": "STATE"}


def _hour(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H")


def _rates_sk(epoch: int, moment: dt.datetime) -> str:
    return f"RATES#{epoch:06d}#{_hour(moment)}"


@dataclass(frozen=True)
class SendingState:
    paused: bool = False
    reason: str = ""
    since: str = ""
    epoch: int = 0


@dataclass(frozen=True)
class Rates:
    sent: int
    bounced: int
    complained: int

    @property
    def bounce_rate(self) -> float:
        return self.bounced / self.sent if self.sent else 0.0

    @property
    def complaint_rate(self) -> float:
        return self.complained / self.sent if self.sent else 0.0

    def too_high(self) -> str | None:
        """Why these numbers must pause the campaign, or None."""
        if self.sent < MIN_SAMPLE:
            return None
        if self.bounce_rate >= BOUNCE_LIMIT:
            return (
                f"bounce rate {self.bounce_rate:.1%} ({self.bounced} of {self.sent} in 24 h) reached {BOUNCE_LIMIT:.0%}"
            )
        if self.complaint_rate >= COMPLAINT_LIMIT:
            return (
                f"complaint rate {self.complaint_rate:.2%} ({self.complained} of {self.sent} in 24 h) "
                f"reached {COMPLAINT_LIMIT:.2%}"
            )
        return None


class ReputationGuard:
    def __init__(
        self,
        table: Any,
        clock: Callable[[], dt.datetime],
        on_pause: Callable[[str, str, Rates], None] = lambda slug, reason, rates: None,
    ) -> None:
        self._table, self._clock, self._on_pause = table, clock, on_pause

    def state(self, campaign: str) -> SendingState:
        item = self._table.get_item(Key=state_key(campaign), ConsistentRead=True).get("Item") or {}
        return SendingState(
            paused=bool(item.get("paused", False)),
            reason=item.get("reason", ""),
            since=item.get("since", ""),
            epoch=int(item.get("epoch", 0)),
        )

    def count(self, campaign: str, what: str, epoch: int | None = None) -> None:
        """Add one to this hour's `sent`, `bounced` or `complained` for the campaign's current epoch (or `epoch`,
        the one a caller read already: the worker's gates did, a moment before the send)."""
        assert what in COUNTS
        now = self._clock()
        epoch = self.state(campaign).epoch if epoch is None else epoch
        key = {"pk": f"GUARD#{campaign}", "sk": _rates_sk(epoch, now)}
        # TTL alone (no `by-due` entry, which moved with every count): campaign counts, nothing personal, read only
        # within the window (`counts`)
        self._table.update_item(
            Key=key,
            UpdateExpression="ADD #what :one SET expires_at = :expires",
            ExpressionAttributeNames={"#what": what},
            ExpressionAttributeValues={":one": 1, ":expires": int((now + 2 * WINDOW).timestamp())},
        )

    def count_once(self, campaign: str, what: str, event_id: str) -> bool:
        """`count`, once per `event_id` (SNS delivers at least once); True if this call counted it. For mail that
        is not a letter (a confirmation email), whose state cannot tell a repeat."""
        now = self._clock()
        key = {"pk": f"GUARD#{campaign}", "sk": f"ONCE#{event_id}"}
        expires = int((now + 2 * WINDOW).timestamp())
        if not put_once(self._table, {**key, **due_keys(key["pk"] + key["sk"], expires), "expires_at": expires}):
            return False
        self.count(campaign, what)
        return True

    def rates(self, campaign: str) -> Rates:
        from boto3.dynamodb.conditions import Key

        now = self._clock()
        epoch = self.state(campaign).epoch
        items = self._table.query(
            KeyConditionExpression=Key("pk").eq(f"GUARD#{campaign}")
            & Key("sk").between(_rates_sk(epoch, now - WINDOW), _rates_sk(epoch, now)),
            ConsistentRead=True,
        )["Items"]
        return Rates(*(sum(int(item.get(name, 0)) for item in items) for name in COUNTS))

    def check(self, campaign: str) -> bool:
        """Pause the campaign if its last 24 hours are over a limit; True if it is paused now."""
        rates = self.rates(campaign)
        reason = rates.too_high()
        if reason is None:
            return self.state(campaign).paused
        if self.pause(campaign, reason):
            self._on_pause(campaign, reason, rates)
        return True

    def pause(self, campaign: str, reason: str) -> bool:
        """Pause sending; True if this call paused it (False: it was paused already)."""
        paused = conditionally(
            self._table.update_item,
            Key=state_key(campaign),
            UpdateExpression="SET paused = :yes, reason = :reason, since = :now, " + _KEPT,
            ConditionExpression="attribute_not_exists(paused) OR paused = :no",
            ExpressionAttributeValues={
                ":yes": True,
                ":no": False,
                ":reason": reason[:300],
                ":now": self._clock().isoformat(),
                **self._kept(campaign),
            },
        )
        if not paused:
            return False
        log.warning("campaign %s paused: %s", campaign, reason)
        return True

    def resume(self, campaign: str) -> None:
        """Let the campaign send again, counting afresh from now. Parked letters are released by the caller."""
        self._table.update_item(
            Key=state_key(campaign),
            UpdateExpression="SET paused = :no, since = :now, " + _KEPT + " ADD epoch :one REMOVE reason",
            ExpressionAttributeValues={
                ":no": False,
                ":now": self._clock().isoformat(),
                ":one": 1,
                **self._kept(campaign),
            },
        )
        log.warning("campaign %s resumed by an organiser", campaign)

    def _kept(self, campaign: str) -> dict[str, Any]:
        due = due_keys(state_key(campaign)["pk"], int((self._clock() + KEEP_STATE).timestamp()))
        return {":expires": due["due_at"], ":due_pk": due["due_pk"]}


_KEPT = "expires_at = :expires, due_pk = :due_pk, due_at = :expires"


def resume_sending(campaign: str, guard: ReputationGuard, schedule: Any, queue: Any) -> int:
    """Resume a paused campaign and queue its parked letters again; returns how many were released.

    The flag goes first: a worker that parks a letter reads the flag again afterwards and takes the letter
    back if the campaign resumed, so no letter stays parked behind the release below.
    """
    guard.resume(campaign)
    return schedule.release_parked(campaign, queue)


def tell_organisers(campaign: Any, reason: str, rates: Rates, mailer: Any) -> None:
    """Email the campaign's organiser address (if it has one) that sending paused; the log says it either way."""
    log.warning(
        "campaign %s paused by the reputation guard: %s (organisers: %s)",
        campaign.slug,
        reason,
        campaign.organiser_email or "no organiser_email in campaign.toml",
    )
    if not campaign.organiser_email:
        return
    from chalicelib.mail.mailer import Notice

    subject, text = pause_notice(campaign, reason, rates)
    try:
        mailer.send_notice(
            Notice(
                to_name=f"Organisers of {campaign.slug}",
                to_email=campaign.organiser_email,
                organisation=campaign.organisation,
                sender_address=campaign.sender_address,
                subject=subject,
                body=text,
                language="en",
                campaign=campaign.slug,
            )
        )
    except Exception:  # noqa: BLE001 - the pause stands; the log line above already told
        log.exception("campaign %s: could not email %s about the pause", campaign.slug, campaign.organiser_email)


def pause_notice(campaign: Any, reason: str, rates: Rates) -> tuple[str, str]:
    """The subject and text organisers receive when their campaign pauses itself."""
    subject = f"Démarche: sending paused for campaign {campaign.slug}"
    text = (
        f'Sending for the campaign "{campaign.slug}" paused by itself: {reason}.\n\n'
        f"Last 24 hours: {rates.sent} letters sent, {rates.bounced} hard bounces, {rates.complained} complaints.\n"
        "No letter is lost: new and waiting letters stay queued until you resume.\n\n"
        "Check the bounced addresses in the send log (a ministry address may have changed), then resume with:\n"
        f"    python -m chalicelib.cli.reputation resume {campaign.slug}\n"
    )
    return subject, text
