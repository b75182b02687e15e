"""Faults injected into the services under test."""

from __future__ import annotations


def fail_enqueue_once(services, monkeypatch, at_call: int) -> list[str]:
    """The queue fails once (SQS unreachable), on the call that carries the `at_call`-th letter id, whether it
    queues one letter or a batch; returns every letter id the code tried to queue, in order."""
    queue = services.queue
    real_one, real_many, calls = queue.enqueue, queue.enqueue_many, []

    def tried(letter_ids: list[str]) -> None:
        failing = len(calls) < at_call <= len(calls) + len(letter_ids)
        calls.extend(letter_ids)
        if failing:
            raise RuntimeError("SQS unreachable")

    monkeypatch.setattr(queue, "enqueue", lambda letter_id: (tried([letter_id]), real_one(letter_id))[1])
    monkeypatch.setattr(queue, "enqueue_many", lambda letter_ids: (tried(letter_ids), real_many(letter_ids))[1])
    return calls
