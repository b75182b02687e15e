"""The in-memory table twin behaves like DynamoDB (moto) for every kind of operation Démarche performs:
the same flow on both gives the same answers, the same refusals and the same items in the end."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from support.clock import Clock
from support.dynamo_twin import letters_twin


class Recorder:
    """A queue stand-in for LetterSchedule: records what was queued."""

    def __init__(self) -> None:
        self.queued: list[str] = []

    def enqueue_many(self, letter_ids: list[str]) -> list[bool]:
        self.queued += letter_ids
        return [True] * len(letter_ids)


def exercise(table: Any) -> list[Any]:
    """Every storage class on `table`, successes and refusals; returns what each call answered."""
    from chalicelib.delivery.pacing import Pacer, target_zone
    from chalicelib.delivery.reputation import ReputationGuard
    from chalicelib.delivery.send_rate import SendRate
    from chalicelib.delivery.suppressions import Suppressions
    from chalicelib.directory.health import TargetHealth
    from chalicelib.letters.letter import Letter
    from chalicelib.letters.log import LetterLog
    from chalicelib.letters.schedule import LetterSchedule
    from chalicelib.letters.states import Status, TransitionRefused

    clock = Clock(dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.timezone.utc))
    out: list[Any] = []

    def attempt(call, *args, **kwargs):
        try:
            out.append(call(*args, **kwargs))
        except TransitionRefused as exc:
            out.append(("refused", exc.current))

    letters = LetterLog(table)
    for n in range(3):
        letters.create(
            Letter(
                letter_id=f"L{n}",
                campaign="c",
                country="KE",
                target_set="foreign-ministry",
                target_name="T",
                target_email="t@example.org",
                language="en",
                subject="S",
                body="B",
                supporter_name="N",
                supporter_email="n@example.org",
                status="queued",
                created_at=f"2026-11-26T10:00:0{n}.000Z",
                updated_at="x",
                status_token_hash="h",
                expires_at=2_000_000_000,
            )
        )
    attempt(letters.move, "L0", Status.QUEUED, Status.SENDING, clock(), attempt_id="a1")
    attempt(
        letters.move, "L0", Status.SENDING, Status.SENT, clock(), expect={"attempt_id": "other"}, ses_message_id="s"
    )
    attempt(letters.move, "L0", Status.QUEUED, Status.SENDING, clock(), attempt_id="a2")
    attempt(letters.move, "gone", Status.QUEUED, Status.SENDING, clock())
    attempt(letters.amend, "L1", Status.QUEUED, clock(), waiting_until="later", waiting_reason="pacing")
    attempt(
        letters.move,
        "L1",
        Status.QUEUED,
        Status.SENDING,
        clock(),
        remove=("waiting_until", "waiting_reason"),
        attempt_id="a3",
        retries=2,
    )
    attempt(letters.move, "L0", Status.SENDING, Status.SENT, clock(), expect={"attempt_id": "a1"}, ses_message_id="s0")
    out.append(letters.find_by_ses_message_id("s0"))
    out.append(letters.find_by_ses_message_id("nothing"))
    letters.move("L2", Status.QUEUED, Status.EXPIRED, clock(), remove=("supporter_name", "supporter_email"))
    out.append([letters.get(f"L{n}") for n in range(3)])

    from boto3.dynamodb.conditions import Key

    out.append(table.query(IndexName="by-campaign", KeyConditionExpression=Key("gsi1pk").eq("CAMPAIGN#c"))["Items"])

    pacer, zone = Pacer(table), target_zone("foreign-ministry", "Africa/Nairobi")
    for minutes, holds in [(0, False), (0, False), (0, False), (2, True), (3, False), (70, False)]:
        clock.now += dt.timedelta(minutes=minutes)
        out.append(pacer.admit("t@example.org", 30, zone, clock(), holds_place=holds))

    queue = Recorder()
    schedule = LetterSchedule(table)
    for n, minutes in enumerate([5, 1, 3]):
        schedule.add(f"W{n}", clock() + dt.timedelta(minutes=minutes), "pacing", 2_000_000_000)
    schedule.park("c", "P1", 2_000_000_000)
    schedule.park("c", "P2", 2_000_000_000)
    schedule.unpark("c", "P2")
    out.append(schedule.next_due())
    out.append(schedule.release_due(clock() + dt.timedelta(minutes=3), queue))  # type: ignore[arg-type]
    out.append(schedule.release_parked("c", queue))  # type: ignore[arg-type]
    out.append(list(queue.queued))

    guard = ReputationGuard(table, clock)
    for what in ("sent", "sent", "sent", "bounced"):
        guard.count("c", what)
    out += [guard.rates("c"), guard.pause("c", "too many"), guard.pause("c", "again"), guard.state("c")]
    guard.resume("c")
    out += [guard.state("c"), guard.rates("c")]

    suppressions = Suppressions(table)
    suppressions.suppress("c", "T@example.org", "abuse", clock())
    out += [suppressions.is_suppressed("c", "t@example.org"), suppressions.is_suppressed("d", "t@example.org")]

    health = TargetHealth(table)
    health.mark_failing("foreign-ministry", "KE", "550", clock())
    clock.now += dt.timedelta(hours=1)
    health.mark_failing("foreign-ministry", "KE", "later", clock())
    out.append(health.failing("foreign-ministry", "KE"))

    rate = SendRate(
        table,
        None,
        clock,
        lambda seconds: setattr(clock, "now", clock.now + dt.timedelta(seconds=seconds)),
        configured=2,
    )
    out.append([rate.acquire() for _ in range(5)])
    out.append(clock())
    return out


def everything(table: Any) -> list[dict[str, Any]]:
    return sorted(table.scan()["Items"], key=lambda item: (item["pk"], item["sk"]))


def test_the_twin_answers_and_stores_exactly_as_dynamodb_does(aws):
    import boto3

    real = boto3.resource("dynamodb").Table("demarche")
    twin = letters_twin()

    assert exercise(twin) == exercise(real)
    assert everything(twin) == everything(real)


def test_the_twin_refuses_what_it_does_not_know(aws):
    twin = letters_twin()
    with pytest.raises(NotImplementedError):
        twin.update_item(
            Key={"pk": "a", "sk": "b"}, UpdateExpression="SET n = n + :one", ExpressionAttributeValues={":one": 1}
        )
    with pytest.raises(NotImplementedError):
        twin.update_item(
            Key={"pk": "a", "sk": "b"}, UpdateExpression="DELETE tags :t", ExpressionAttributeValues={":t": {"x"}}
        )
