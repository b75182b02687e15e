"""`Idempotency-Key`: a retried POST gets the first response instead of writing a second letter (or
signature).

The first request with a key claims a record (a conditional put); later ones with the same key and the same
body get the first response back; a different body with the same key is refused (422); while the first is
still running, they are asked to retry (409). Records live 24 hours. The key and body are stored only as
keyed hashes, and the response only as the letter's id and status, with no token: the status link is
derived again from the id (chalicelib/signing.py).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from chalicelib.errors import IdempotencyKeyReused, InvalidField, RequestInProgress
from chalicelib.signing import Signer
from chalicelib.storage.conditional import conditionally
from chalicelib.storage.due_index import due_keys

IDEMPOTENCY_SK = "IDEMPOTENCY"
LIFETIME = dt.timedelta(hours=24)
IN_PROGRESS_LEASE = dt.timedelta(minutes=2)  # a claim whose request died is free again after this
KEY_RE = re.compile(r"^[\x21-\x7e]{1,255}$")


@dataclass(frozen=True)
class Claim:
    key: dict[str, str]
    replay: dict[str, Any] | None  # the first response, if there is one


class Idempotency:
    def __init__(self, table: Any, signer: Signer) -> None:
        self._table, self._signer = table, signer

    def begin(self, campaign: str, header: str, payload: Any, now: dt.datetime, what: str = "letter") -> Claim:
        """Claim `header` for this request, or return the first response to replay (`what`: letter, signature)."""
        if not KEY_RE.match(header):
            raise InvalidField("Idempotency-Key", "An Idempotency-Key is 1 to 255 visible ASCII characters.")
        pk = "IDEMPOTENCY#" + self._signer.keyed_hash("idempotency-key", f"{campaign}\n{header}")
        key = {"pk": pk, "sk": IDEMPOTENCY_SK}
        fingerprint = self._signer.keyed_hash("idempotency-body", json.dumps(payload, sort_keys=True))
        now_epoch = int(now.timestamp())
        expires = int((now + LIFETIME).timestamp())
        if conditionally(
            self._table.put_item,
            Item={
                **key,
                "fingerprint": fingerprint,
                "state": "running",
                "lease_until": int((now + IN_PROGRESS_LEASE).timestamp()),
                "expires_at": expires,
                **due_keys(pk, expires),
            },
            ConditionExpression="attribute_not_exists(pk) OR expires_at <= :now "
            "OR (#state = :running AND lease_until <= :now)",
            ExpressionAttributeNames={"#state": "state"},
            ExpressionAttributeValues={":now": now_epoch, ":running": "running"},
        ):
            return Claim(key, None)
        first = self._table.get_item(Key=key, ConsistentRead=True).get("Item") or {}
        if first.get("fingerprint") != fingerprint:
            raise IdempotencyKeyReused(
                f"This Idempotency-Key was already used for a different {what}; use a new key for each new {what}."
            )
        if first.get("state") != "done":
            raise RequestInProgress(
                "Your first request with this Idempotency-Key is still being handled. Please retry in a moment."
            )
        return Claim(key, json.loads(first["response"]))

    def finish(self, claim: Claim, response: dict[str, Any]) -> None:
        """Keep the first response (a dict with no secrets in it) for replays."""
        self._table.update_item(
            Key=claim.key,
            UpdateExpression="SET #state = :done, #response = :response",
            ExpressionAttributeNames={"#state": "state", "#response": "response"},
            ExpressionAttributeValues={":done": "done", ":response": json.dumps(response)},
        )

    def abandon(self, claim: Claim) -> None:
        """Free the key after an error, so that a retry runs again (and gets the same answer if it was ours)."""
        self._table.delete_item(Key=claim.key)
