"""Target health: failing is recorded once with its first diagnostic, and cleared by an organiser."""
from __future__ import annotations

from chalicelib.target_health import TargetHealth


def test_a_target_is_failing_until_cleared(services, clock):
    health = TargetHealth(services.aws.table)
    assert health.failing("foreign-ministry", "KE") is None

    health.mark_failing("foreign-ministry", "KE", "550 5.1.1 user unknown", clock())
    clock.advance(hours=1)
    health.mark_failing("foreign-ministry", "KE", "later bounce", clock())

    failing = health.failing("foreign-ministry", "KE")
    assert failing.diagnostic == "550 5.1.1 user unknown"
    assert failing.since.startswith("2026-11-26T10:00")
    assert health.failing("un-mission-geneva", "KE") is None
    health.clear("foreign-ministry", "KE")
    assert health.failing("foreign-ministry", "KE") is None
