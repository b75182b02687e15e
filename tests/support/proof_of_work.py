"""ALTCHA challenges solved as the browser widget would, for campaigns that turn on proof of work."""

from __future__ import annotations


def solved_challenge(client, slug: str) -> str:
    """A fresh ALTCHA challenge for `slug` (GET /campaigns/{slug}/challenge), solved as the browser widget would."""
    from altcha import Challenge, Payload, solve_challenge

    challenge = Challenge.from_dict(client.http.get(f"/campaigns/{slug}/challenge").json_body)
    return Payload(challenge, solve_challenge(challenge)).to_base64()
