"""A fault-injection soak: the production wiring (Services) over the in-memory twin, with faults everywhere.

Letters are submitted, their confirmation emails sent, confirmed by most supporters, delivered and reported on
by SES, while a FaultPlan (drawn by hypothesis in tests/delivery/test_soak.py, seeded in bench/soak.py) injects:
  - crashes at every step: any DynamoDB write may cut the Lambda (or request) off just before or just after it
    happens (`Crash`, a BaseException: nothing after it runs, as when a process dies);
  - DynamoDB errors on any call (ProvisionedThroughputExceededException);
  - SES throttling, and sends SES took whose answer was lost;
  - duplicate and out-of-order SQS deliveries (letters and supporter mail), receive counts, dead-letter queues;
  - duplicate and out-of-order SES events (Send, DeliveryDelay, Delivery), a failed feedback call kept for retry.
Then the faults stop and everything settles (queues drain, the schedule and housekeeping run, time passes), and
`violations()` checks the invariants:
  - every confirmed letter was sent exactly once (SES took it once, its state says so), or failed with a reason;
  - never a second send of a letter, at any moment;
  - every submission answered 202 had its confirmation email taken by SES (throttles never lose it);
  - no feedback event lost: every letter SES took ends `delivered`;
  - no personal data outlives its TTL: once every `expires_at` has passed, housekeeping left no item behind.
The plan's seed decides the whole run, whatever the machine's load: the random ids come from it, and the services'
snapshots refresh on the simulated clock (Services' `monotonic`), so a violation found once can be replayed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import re
import uuid
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator
from unittest import mock

SLUG = "hrd-resolution"
START = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.timezone.utc)  # a Thursday morning: ministries' office hours
RECEIVES = 5  # the queues' maxReceiveCount (infra/template.yaml)
CONFIRM_LINK = re.compile(r"/letters/([0-9a-f-]{36})/confirm/([A-Za-z0-9_-]+)")
PERSONAL = ("supporter_email", "supporter_name", "to_email", "to_name", "email", "name", "body", "supporter_message")


class Crash(BaseException):
    """A Lambda (or a request) cut off mid-step: nothing after this point runs."""


@dataclass(frozen=True)
class FaultPlan:
    seed: int
    crash: float = 0.02  # per DynamoDB write: cut off just before or just after it (half each)
    dynamo_error: float = 0.02  # per DynamoDB call
    throttle: float = 0.1  # per SES send
    lost_answer: float = 0.02  # per SES send: SES took it, the answer never came
    duplicate: float = 0.1  # per SQS delivery and per SES event
    confirm_share: float = 0.9  # supporters who confirm

    def quiet(self) -> "FaultPlan":
        return dataclasses.replace(self, crash=0, dynamo_error=0, throttle=0, lost_answer=0)


@dataclass
class Message:
    body: str
    receives: int = 0


@dataclass
class SoakQueues:
    """SQS for the soak: any order, duplicates, receive counts and a dead-letter queue per queue."""

    letters: list[Message] = field(default_factory=list)
    mail: list[Message] = field(default_factory=list)
    letters_dlq: list[Message] = field(default_factory=list)
    mail_dlq: list[Message] = field(default_factory=list)

    def send_message(self, QueueUrl: str, MessageBody: str, DelaySeconds: int = 0) -> dict:  # noqa: N803
        (self.mail if QueueUrl == "soak-mail" else self.letters).append(Message(MessageBody))
        return {}

    def send_message_batch(self, QueueUrl: str, Entries: list[dict]) -> dict:  # noqa: N803
        for entry in Entries:
            self.send_message(QueueUrl, entry["MessageBody"])
        return {"Successful": [{"Id": entry["Id"]} for entry in Entries]}

    def empty(self) -> bool:
        return not (self.letters or self.mail or self.letters_dlq or self.mail_dlq)


class SoakSes:
    """SES: takes or throttles sends, loses answers, counts every letter it took, and emits its events."""

    def __init__(self, soak: "Soak") -> None:
        self.soak = soak
        self.letters_taken: Counter[str] = Counter()
        self.confirmations: dict[str, str] = {}  # letter id -> confirm token, from each confirmation email taken
        self.events: list[dict[str, Any]] = []  # SNS events not yet handled
        self.n = 0

    def send_email(self, **request: Any) -> dict:
        from botocore.exceptions import ClientError, ReadTimeoutError

        soak, rng = self.soak, self.soak.rng
        if soak.faulty and rng.random() < soak.plan.throttle:
            raise ClientError(
                {
                    "Error": {"Code": "TooManyRequestsException", "Message": "Maximum sending rate exceeded."},
                    "ResponseMetadata": {"HTTPStatusCode": 429},
                },
                "SendEmail",
            )
        self.n += 1
        ses_id = f"ses-{self.n}"
        tags = {t["Name"]: t["Value"] for t in request.get("EmailTags", [])}
        if tags.get("kind") == "letter":
            letter_id = tags["letter"]
            self.letters_taken[letter_id] += 1
            if self.letters_taken[letter_id] > 1:
                soak.problems.append(f"letter {letter_id} was sent {self.letters_taken[letter_id]} times")
            self._events_for(ses_id, request["Destination"]["ToAddresses"], tags)
        else:
            from email import message_from_bytes
            from email.policy import default

            body = message_from_bytes(request["Content"]["Raw"]["Data"], policy=default).get_content()
            for letter_id, token in CONFIRM_LINK.findall(body):
                self.confirmations[letter_id] = token
        if soak.faulty and rng.random() < soak.plan.lost_answer:
            raise ReadTimeoutError(endpoint_url="https://email.us-east-1.amazonaws.com")
        return {"MessageId": ses_id}

    def _events_for(self, ses_id: str, recipients: list[str], tags: dict[str, str]) -> None:
        from support.ses_events import ses_event, sns_event

        kinds = ["Send", "Delivery"] + (["DeliveryDelay"] if self.soak.rng.random() < 0.1 else [])
        for kind in kinds:  # their order is shuffled when they are handled
            self.events.append(sns_event(ses_event(kind, ses_id, recipients, tags=tags)))


class Soak:
    def __init__(self, plan: FaultPlan, letters: int, start: dt.datetime = START, faulty_minutes: int = 600) -> None:
        """Fresh services over a fresh twin (the stage settings come from the environment: aws_env in tests).
        `faulty_minutes`: how long the faults go on once the crowd has gone."""
        from chalicelib.services import Services
        from support.clock import Clock
        from support.dynamo_twin import letters_twin
        from support.simulation import MemorySecrets

        self.clock = clock = Clock(start)
        self.services = services = Services(
            clock=clock,
            sleep=lambda seconds: clock.advance(seconds=seconds),
            monotonic=lambda: clock().timestamp(),  # the snapshots refresh on simulated time, as a seed decides
        )
        self.plan, self.letters, self.faulty_minutes = plan, letters, faulty_minutes
        self.rng = random.Random(plan.seed)
        self._ids = random.Random(f"ids {plan.seed}")
        self.faulty = False
        self.problems: list[str] = []
        self.answered: list[str] = []  # letters whose submission was answered 202
        self.queues, self.ses = SoakQueues(), SoakSes(self)
        self.table = letters_twin()
        self._inject(self.table)
        services.aws.__dict__.update(
            table=self.table,
            sqs=self.queues,
            sesv2=self.ses,
            secretsmanager=MemorySecrets(),
            queue_url="soak-letters",
            mail_queue_url="soak-mail",
        )
        self.stats: Counter[str] = Counter()

    # --- faults ---------------------------------------------------------------------------------------
    def _fault(self, write: bool) -> None:
        from botocore.exceptions import ClientError

        if not self.faulty:
            return
        roll = self.rng.random()
        if roll < self.plan.dynamo_error:
            self.stats["dynamodb errors"] += 1
            raise ClientError(
                {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "Rate exceeded"}}, "Soak"
            )
        if write and roll < self.plan.dynamo_error + self.plan.crash / 2:
            self.stats["crashes"] += 1
            raise Crash("before a write")

    def _after(self) -> None:
        if self.faulty and self.rng.random() < self.plan.crash / 2:
            self.stats["crashes"] += 1
            raise Crash("after a write")

    def _inject(self, table: Any) -> None:
        soak = self

        def wrap(name: str, write: bool) -> None:
            real = getattr(table, name)

            def call(*args: Any, **kwargs: Any) -> Any:
                soak._fault(write)
                result = real(*args, **kwargs)
                if write:
                    soak._after()
                return result

            setattr(table, name, call)

        for name in ("put_item", "update_item", "delete_item"):
            wrap(name, True)
        for name in ("get_item", "query"):
            wrap(name, False)
        real_client = type(table).meta.fget(table).client

        class Client:
            def transact_write_items(self, **kwargs: Any) -> Any:
                soak._fault(True)
                result = real_client.transact_write_items(**kwargs)
                soak._after()
                return result

            def batch_get_item(self, **kwargs: Any) -> Any:
                soak._fault(False)
                return real_client.batch_get_item(**kwargs)

        class Meta:
            client = Client()

        table.__class__ = type("FaultyTwin", (type(table),), {"meta": property(lambda _: Meta)})

    def _guarded(self, step: Any, *args: Any) -> Any:
        """Run one Lambda invocation or request; a crash or an error is what its caller sees (None)."""
        try:
            return step(*args)
        except Crash:
            return None
        except Exception:  # noqa: BLE001 - the request failed (503) or the Lambda's retry takes over
            return None

    # --- the moving parts ------------------------------------------------------------------------------
    def _deliver(self, queue: list[Message], dlq: list[Message], handler: Any) -> None:
        """One SQS batch, out of order, maybe duplicated; failed records come back, five receives go to the DLQ."""
        from chalicelib.queue_messages import QueueRecord

        if not queue:
            return
        self.rng.shuffle(queue)
        batch = queue[:10]
        del queue[:10]
        for message in batch:
            message.receives += 1
            if self.faulty and self.rng.random() < self.plan.duplicate:
                queue.append(Message(message.body))  # SQS delivers at least once
        records = [QueueRecord(message_id=str(i), body=m.body) for i, m in enumerate(batch)]
        try:
            failed = {int(i) for i in handler(records)}
        except Crash:
            failed = set(range(len(batch)))
        for i in failed:
            (dlq if batch[i].receives >= RECEIVES else queue).append(batch[i])

    def _deliver_dead(self, dlq: list[Message], give_up: Any, deliverer: Any) -> None:
        from chalicelib.queue_messages import QueueRecord

        if not dlq:
            return
        message = dlq.pop(0)
        try:
            if deliverer.deliver_batch([QueueRecord(message_id="0", body=message.body)], give_up):
                dlq.append(message)
        except Crash:
            dlq.append(message)

    def _feedback(self) -> None:
        events = self.ses.events
        if not events:
            return
        event = events.pop(self.rng.randrange(len(events)))  # out of order
        if self.faulty and self.rng.random() < self.plan.duplicate:
            events.append(event)
        try:
            self.services.feedback.handle_sns(event)
        except (Crash, Exception):  # noqa: BLE001 - Lambda retries; then its DLQ, replayed (feedback/replay.py)
            events.append(event)

    def _confirm_some(self) -> None:
        from chalicelib.errors import DemarcheError

        pending = [lid for lid in self.ses.confirmations if lid not in self._confirm_done]
        for letter_id in pending[: self.rng.randint(0, 5)]:
            if self.rng.random() >= self.plan.confirm_share:
                self._confirm_done.add(letter_id)  # this supporter never confirms
                continue
            try:
                self.services.confirmations.confirm(letter_id, self.ses.confirmations[letter_id])
                self._confirm_done.add(letter_id)
            except DemarcheError as exc:  # 410: already confirmed (a cut-off first click), or expired
                if exc.status != 503:
                    self._confirm_done.add(letter_id)
            except (Crash, Exception):  # noqa: BLE001 - the supporter clicks again later
                pass

    def _submit(self, n: int) -> None:
        from chalicelib.front_door.bot_traps import issue_stamp
        from chalicelib.front_door.door import Visitor

        s = self.services
        campaign = s.campaigns.get(SLUG)
        country = self._countries[n % len(self._countries)]
        payload = {
            "country": country,
            "name": f"Supporter {n}",
            "email": f"supporter{n}@example.org",
            "message": "Please support the resolution.",
            "form_token": issue_stamp(s.signer, SLUG, self.clock() - dt.timedelta(seconds=30)),
        }
        receipt = self._guarded(s.front_door.submit, campaign, payload, Visitor(f"10.0.{n >> 8 & 255}.{n & 255}", ""))
        if receipt is not None and receipt.status == "pending_confirmation":
            self.answered.append(receipt.letter_id)

    def _step(self) -> None:
        s = self.services
        self._deliver(self.queues.mail, self.queues.mail_dlq, s.mail_sender.deliver_batch)
        self._deliver(self.queues.letters, self.queues.letters_dlq, s.deliverer.deliver_batch)
        self._deliver_dead(self.queues.letters_dlq, s.deliverer.give_up, s.deliverer)
        self._deliver_dead(self.queues.mail_dlq, s.mail_sender.give_up, s.mail_sender)
        for _ in range(3):
            self._feedback()
        self._confirm_some()

    def _minute(self) -> None:
        self.clock.now = self.clock.now.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
        self._guarded(self.services.schedule.release_due, self.clock(), self.services.queue)
        if self.clock.now.minute % 15 == 0:
            self._guarded(self.services.housekeeping.run)

    @contextmanager
    def _seeded(self) -> Iterator[None]:
        """Random ids (letters, mail, send attempts) drawn from the seed, not from os.urandom: the twin's queries
        return items in key order, so with random ids the order of the work, and with it where each fault falls,
        would change from run to run."""
        with mock.patch.object(uuid, "uuid4", lambda: uuid.UUID(int=self._ids.getrandbits(128), version=4)):
            yield

    # --- the run ------------------------------------------------------------------------------------------
    def run(self) -> "Soak":
        with self._seeded():
            return self._run()

    def _run(self) -> "Soak":
        from chalicelib.directory import default_directory

        self._countries = sorted(c.alpha2 for c in default_directory().countries())
        self._confirm_done: set[str] = set()
        self.faulty = True
        submitted = 0
        while submitted < self.letters:  # ten letters a simulated second, the system working alongside
            for _ in range(10):
                if submitted < self.letters:
                    self._submit(submitted)
                    submitted += 1
            self._step()
            self.clock.advance(seconds=1)
            if self.clock.now.second == 0:
                self._minute()
        for _ in range(self.faulty_minutes):  # the crowd has gone; the faults go on (ten simulated hours)
            self._step()
            self._minute()
        self.faulty = False
        self._settle()
        return self

    def _settle(self) -> None:
        """No more faults: drain, release, reconcile and housekeep until nothing is left to do."""
        s = self.services
        quiet = False  # the clock moved on from a housekeeping run that found nothing to do, and nothing came since
        for _ in range(100_000):
            busy = not self.queues.empty() or self.ses.events
            self._step()
            if busy or any(lid not in self._confirm_done for lid in self.ses.confirmations):
                quiet = False
                continue
            due = s.schedule.next_due()
            if due is not None:
                quiet = False
                self.clock.now = max(self.clock.now, due)
                self._minute()
                continue
            done = self._housekeep_all()
            if not self.queues.empty() or any(k in done for k in ("requeued", "reminded")):
                quiet = False
                continue
            if quiet:  # a second quiet run, 20 minutes after the first: every re-check due by then was seen
                return
            # Past every lease, and past the re-check (QUEUE_CHECK, 20 minutes) of every letter confirmed before this
            # run: only a run after the move can tell that nothing is left, as the every-15-minutes schedule would.
            quiet = True
            self.clock.advance(minutes=20)
        raise AssertionError("the soak did not settle")

    def _housekeep_all(self) -> Counter[str]:
        """Housekeeping until a run is not cut short by its limit (500 items a run), as runs every 15 minutes would."""
        done: Counter[str] = Counter()
        while True:
            run = self.services.housekeeping.run()
            done.update(run)
            if sum(run.values()) < 500:
                return done

    # --- the verdict --------------------------------------------------------------------------------------
    def violations(self) -> list[str]:
        with self._seeded():
            return self._violations()

    def _violations(self) -> list[str]:
        from chalicelib.letters.letter import Letter

        problems = list(self.problems)
        letters = {
            item["letter_id"]: Letter.from_item(item)
            for item in self.table.scan()["Items"]
            if item["sk"] == "LETTER" and item.get("letter_id")
        }
        for letter_id in self.answered:
            if letter_id not in self.ses.confirmations:
                letter = letters.get(letter_id)
                if letter is None or "confirmation link" not in letter.failure_reason:
                    problems.append(f"letter {letter_id} was answered 202 but its confirmation never left")
        for letter_id, letter in letters.items():
            taken = self.ses.letters_taken[letter_id]
            if not letter.confirmed_at:
                if taken:
                    problems.append(f"letter {letter_id} was sent without being confirmed")
                continue
            self.stats[letter.status] += 1
            if taken == 1 and letter.status == "delivered":
                continue
            if taken == 0 and letter.status == "failed" and letter.failure_reason:
                continue
            problems.append(f"confirmed letter {letter_id} ended {letter.status} after {taken} sends")
        return problems + self._outlived()

    def _outlived(self) -> list[str]:
        """Move past every expiry, let housekeeping scrub, and list what personal data is left."""
        items = self.table.scan()["Items"]
        last = max((int(i["expires_at"]) for i in items if "expires_at" in i), default=0)
        self.clock.now = max(self.clock.now, dt.datetime.fromtimestamp(last + 1, dt.timezone.utc))
        self._housekeep_all()
        now = int(self.clock().timestamp())
        left = []
        for item in self.table.scan()["Items"]:
            personal = [k for k in PERSONAL if item.get(k)]
            if personal and ("expires_at" not in item or int(item["expires_at"]) < now):
                left.append(f"{item['pk']} {item['sk']} keeps {personal} past its TTL")
        return left
