"""The public letter API as a supporter's browser uses it (the `letters_api` fixture), and campaigns run with
changed policies."""

from __future__ import annotations

import datetime as dt
import json
import re

CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/letters/[^/\s]+/confirm/[A-Za-z0-9_-]+)")
DELETE_LINK = re.compile(r"https?://[^/\s]+(/letters/[^/\s]+/delete/[A-Za-z0-9_-]+)")


class LettersApi:
    """The public letter API as a supporter's browser uses it: a stamped form, then the emailed link."""

    def __init__(self, client, services, outbox) -> None:
        self.client, self.services, self.outbox = client, services, outbox

    def stamp(self, slug: str, age_seconds: float = 10) -> str:
        from chalicelib.front_door.bot_traps import issue_stamp

        issued = self.services.clock() - dt.timedelta(seconds=age_seconds)
        return issue_stamp(self.services.signer, slug, issued)

    def post(self, slug: str, payload, headers=None, *, stamped: bool = True):
        body = {"form_token": self.stamp(slug), **payload} if stamped and isinstance(payload, dict) else payload
        return self.client.http.post(
            f"/campaigns/{slug}/letters",
            body=json.dumps(body),
            headers={"Content-Type": "application/json", **(headers or {})},
        )

    def notices(self) -> list[dict]:
        """Emails to supporters (confirmations, reminders): they have no Reply-To."""
        return [m for m in self.outbox() if not m["reply_to"]]

    def letters_sent(self) -> list[dict]:
        """Letters to targets: Reply-To is the supporter."""
        return [m for m in self.outbox() if m["reply_to"]]

    def link(self, letter_id: str, pattern: re.Pattern = CONFIRM_LINK) -> str:
        paths = [p for m in self.notices() for p in pattern.findall(m["body"]) if f"/letters/{letter_id}/" in p]
        assert paths, f"no link for letter {letter_id} in the outbox"
        return paths[-1]

    def confirm(self, letter_id: str):
        return self.client.http.post(
            self.link(letter_id), body=b"", headers={"Content-Type": "application/x-www-form-urlencoded"}
        )

    def send(self, slug: str, payload, headers=None):
        """Post and confirm: the letter is queued for its target."""
        response = self.post(slug, payload, headers)
        assert response.status_code == 202, response.body
        confirmed = self.confirm(response.json_body["letter_id"])
        assert confirmed.status_code == 200, confirmed.body
        return response


def with_policies(services, monkeypatch, slug: str, **changes):
    """Run `slug` with changed policies (campaign.toml stays as it is)."""
    from dataclasses import replace

    campaigns = services.campaigns
    original = campaigns.get(slug)
    policies = original.policies
    updated = replace(
        original,
        policies=replace(
            policies,
            **{
                name: (replace(getattr(policies, name), **value) if isinstance(value, dict) else value)
                for name, value in changes.items()
            },
        ),
    )
    real_get = type(campaigns).get
    monkeypatch.setattr(
        type(campaigns), "get", lambda self, wanted: updated if wanted == slug else real_get(self, wanted)
    )
    return updated
