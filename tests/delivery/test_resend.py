"""An organiser re-sends failed letters deliberately: failed -> queued by a conditional write, with a reason."""

from __future__ import annotations

import io

from support.letter_factory import queued_letter

from chalicelib.letters.states import Status

SLUG = "hrd-resolution"


def failed_letter(services, reason: str = "Not sent: the sender failed on this letter five times") -> str:
    letter_id = queued_letter(services)
    services.letters.move(letter_id, Status.QUEUED, Status.FAILED, services.clock(), failure_reason=reason)
    return letter_id


def admin(services, *argv: str) -> tuple[int, str, str]:
    from chalicelib.cli.admin import main

    out, err = io.StringIO(), io.StringIO()
    code = main(["--aws", *argv], out, err, services=services)
    return code, out.getvalue(), err.getvalue()


def test_an_organiser_resends_failed_letters_with_a_stated_reason(services, clock, drain, outbox):
    import app
    from localdev.drain import scheduled_event

    # GIVEN two letters that failed (say, handed to the dead-letter queue by a bug since fixed)
    first, second = failed_letter(services), failed_letter(services)

    # WHEN an organiser resends them, saying why
    code, out, err = admin(services, "resend", "--campaign", SLUG, "--reason", "worker bug fixed", first, second)

    # THEN both are queued again, with the reason recorded, and go out once each at the next release
    assert code == 0, err
    assert first in out and second in out
    for letter_id in (first, second):
        item = services.aws.table.get_item(Key={"pk": f"LETTER#{letter_id}", "sk": "LETTER"})["Item"]
        assert item["status"] == "queued"
        assert item["resend_reason"] == "worker bug fixed"
        assert "failure_reason" not in item
    clock.advance(seconds=1)
    app.release_waiting_letters(scheduled_event(), None)
    drain()
    assert [services.letters.get(i).status for i in (first, second)] == ["sent", "sent"]
    assert len(outbox()) == 2


def test_only_failed_letters_of_that_campaign_are_resent(services, drain, outbox):
    # GIVEN a letter that was sent, one failed, and an id from nowhere
    sent = queued_letter(services)
    drain()
    failed = failed_letter(services)

    # WHEN an organiser names them all
    code, out, err = admin(services, "resend", "--campaign", SLUG, "--reason", "retry", sent, failed, "no-such-id")

    # THEN the sent letter and the unknown id are refused by name; the failed one is queued
    assert code == 2
    assert f"{sent} is sent, not failed" in err
    assert "no-such-id" in err
    assert services.letters.get(sent).status == "sent"
    assert services.letters.get(failed).status == "queued"
    assert len(outbox()) == 1


def test_a_resend_needs_a_reason(services):
    failed = failed_letter(services)
    try:
        admin(services, "resend", "--campaign", SLUG, failed)
    except SystemExit as exc:  # argparse: --reason is required
        assert exc.code == 2
    assert services.letters.get(failed).status == "failed"


def test_a_letter_of_another_campaign_is_not_resent_from_this_one(services):
    failed = failed_letter(services)
    code, _, err = admin(services, "resend", "--campaign", "whrd-resolution", "--reason", "retry", failed)
    assert code == 2 and failed in err
    assert services.letters.get(failed).status == "failed"
