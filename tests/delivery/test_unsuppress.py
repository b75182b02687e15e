"""An organiser lifts a complaint suppression from the command line: `admin unsuppress --campaign SLUG EMAIL`."""

from __future__ import annotations

import io

SLUG = "hrd-resolution"


def admin(services, *argv: str) -> tuple[int, str, str]:
    from chalicelib.cli.admin import main

    out, err = io.StringIO(), io.StringIO()
    code = main(["--aws", *argv], out, err, services=services)
    return code, out.getvalue(), err.getvalue()


def test_an_organiser_lifts_a_suppression_given_the_address_as_typed(services, clock):
    # GIVEN a recipient who complained about the campaign (stored hashed, lower-cased)
    services.suppressions.suppress(SLUG, "minister@example.org", "complaint", clock())
    services.suppressions.suppress("whrd-resolution", "minister@example.org", "complaint", clock())

    # WHEN an organiser lifts it, typing the address with other case and spaces
    code, out, err = admin(services, "unsuppress", "--campaign", SLUG, " Minister@Example.ORG ")

    # THEN it is lifted, and said so; the other campaign's suppression stays
    assert code == 0, err
    assert "lifted" in out and SLUG in out
    assert not services.suppressions.is_suppressed(SLUG, "minister@example.org")
    assert services.suppressions.is_suppressed("whrd-resolution", "minister@example.org")


def test_lifting_an_address_that_was_not_suppressed_says_nothing_was_lifted(services):
    code, out, err = admin(services, "unsuppress", "--campaign", SLUG, "nobody@example.org")

    assert code == 1
    assert "not suppressed" in out and "nothing was lifted" in out


def test_an_unknown_campaign_is_refused_by_name(services, clock):
    services.suppressions.suppress(SLUG, "minister@example.org", "complaint", clock())

    code, out, err = admin(services, "unsuppress", "--campaign", "no-such-campaign", "minister@example.org")

    assert code == 2 and "no-such-campaign" in err and out == ""
    assert services.suppressions.is_suppressed(SLUG, "minister@example.org")
