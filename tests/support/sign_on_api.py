"""Sign-on letters as an organisation's contact and the organisers use them (the `sign_on` fixture)."""

from __future__ import annotations

import json
import re

SIGN_ON = "ga-defenders-sign-on"
SIGN_CONFIRM = re.compile(r"https?://[^/\s]+(/campaigns/[^/\s]+/signatures/[^/\s]+/confirm/[A-Za-z0-9_-]+)")
WITHDRAW = re.compile(r"https?://[^/\s]+(/campaigns/[^/\s]+/signatures/[^/\s]+/withdraw/[A-Za-z0-9_-]+)")


def organisation(name: str, country: str = "KE", **extra) -> dict:
    slug = re.sub(r"\W+", "", name.lower())[:20] or "org"
    return {
        "organisation": name,
        "country": country,
        "contact_name": f"Contact of {name}",
        "email": f"contact@{slug}.example.org",
        **extra,
    }


class SignOnApi:
    """The sign-on API as an organisation's contact uses it, and the organisers' decisions."""

    def __init__(self, letters_api, services, slug: str = SIGN_ON) -> None:
        self.letters_api, self.services, self.client = letters_api, services, letters_api.client
        self.slug = slug

    def post(self, payload, slug: str = "", headers=None):
        slug = slug or self.slug
        body = {"form_token": self.letters_api.stamp(slug), **payload}
        return self.client.http.post(
            f"/campaigns/{slug}/signatures",
            body=json.dumps(body),
            headers={"Content-Type": "application/json", **(headers or {})},
        )

    def link(self, signatory_id: str, pattern: re.Pattern = SIGN_CONFIRM) -> str:
        found = [p for m in self.letters_api.notices() for p in pattern.findall(m["body"]) if f"/{signatory_id}/" in p]
        assert found, f"no link for signatory {signatory_id}"
        return found[-1]

    def sign(self, payload) -> str:
        """Sign and confirm from the emailed link: the signature waits for the organisers."""
        response = self.post(payload)
        assert response.status_code == 202, response.body
        signatory_id = response.json_body["signatory_id"]
        confirmed = self.client.http.post(
            self.link(signatory_id), body=b"", headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
        assert confirmed.status_code == 200

        return signatory_id

    def decide(self, signatory_id: str, decision: str = "approve"):
        campaign = self.services.campaigns.get(self.slug)
        return self.services.signatures.decide(campaign, signatory_id, decision, actor="test organiser")

    def public(self) -> list[dict]:
        response = self.client.http.get(f"/campaigns/{self.slug}/signatories")
        assert response.status_code == 200
        return response.json_body["signatories"]
