"""Optional proof of work (ALTCHA, per campaign): the browser spends a few seconds of CPU before it may post.

Challenges are HMAC-signed by us (the `altcha` package), bound to one campaign, expire after
CHALLENGE_LIFETIME, and are accepted once: the signature of each solved challenge is recorded until it
expires, so a solution cannot be replayed.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

from chalicelib.campaigns.policies import BotPolicy
from chalicelib.errors import InvalidField
from chalicelib.front_door.bot_traps import PROOF, Verdict
from chalicelib.signing import Signer
from chalicelib.storage.conditional import put_once
from chalicelib.storage.due_index import due_keys

ALGORITHM = "PBKDF2/SHA-256"
CHALLENGE_LIFETIME = dt.timedelta(minutes=20)
USED_SK = "ALTCHA"


def _secret(signer: Signer) -> str:
    return signer.key("altcha").hex()


def new_challenge(signer: Signer, campaign: str, policy: BotPolicy, now: dt.datetime) -> dict[str, Any]:
    """A signed challenge for the ALTCHA widget (its `challengeurl` answer)."""
    from altcha import create_challenge

    expires = int((now + CHALLENGE_LIFETIME).timestamp())
    challenge = create_challenge(
        ALGORITHM,
        policy.proof_of_work_cost,
        hmac_secret=_secret(signer),
        data={"campaign": campaign, "expires": str(expires)},
    )
    return challenge.to_dict()


def _decode(proof: str) -> dict[str, Any] | None:
    try:
        decoded = json.loads(base64.b64decode(proof, validate=True).decode())
        return decoded if isinstance(decoded, dict) else None
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None


def check_proof(proof: str, signer: Signer, table: Any, campaign: str, now: dt.datetime) -> Verdict:
    """PERSON if `proof` solves one of our unexpired challenges for `campaign`, used here for the first time."""
    from altcha import verify_solution

    if not proof:
        raise InvalidField(
            PROOF,
            "This campaign asks your browser to solve a short puzzle first (it needs "
            "JavaScript). Please wait for the check to finish, then send again.",
        )
    decoded = _decode(proof)
    if decoded is None or not verify_solution(proof, _secret(signer)).verified:
        return Verdict.BOT
    challenge = decoded["challenge"]
    data = challenge["parameters"].get("data") or {}
    if data.get("campaign") != campaign or not str(data.get("expires", "")).isdigit():
        return Verdict.BOT
    expires = int(data["expires"])
    if expires <= int(now.timestamp()):
        raise InvalidField(PROOF, "The browser check expired. Please send again; it will run once more.")
    return Verdict.PERSON if _first_use(table, challenge["signature"], expires) else Verdict.BOT


def _first_use(table: Any, signature: str, expires: int) -> bool:
    pk = f"ALTCHA#{signature[:128]}"
    return put_once(table, {"pk": pk, "sk": USED_SK, "expires_at": expires, **due_keys(pk, expires)})
