"""One letter per supporter per target per campaign: a guard item, keyed by a hash of who writes to whom.

The guard's key is a keyed hash of campaign, target and the supporter's mailbox (chalicelib/mail/addresses.py
folds case, and dots and +tags where the provider ignores them); the item holds only the letter's id. A
conditional put of the guard decides, exactly, which of many concurrent identical submissions wins.
"""

from __future__ import annotations

from typing import Any

from chalicelib.mail.addresses import mailbox_identity
from chalicelib.signing import Signer
from chalicelib.storage.conditional import conditionally
from chalicelib.storage.due_index import due_keys

GUARD_SK = "GUARD"


def mailbox_hash(signer: Signer, email: str) -> str:
    return signer.keyed_hash("mailbox", mailbox_identity(email))


def guard_key(campaign: str, target: str, mailbox: str) -> dict[str, str]:
    """`target` is the target's public identity (set and country), `mailbox` a `mailbox_hash`."""
    return {"pk": f"GUARD#{campaign}#{target}#{mailbox}", "sk": GUARD_SK}


def target_of(guard_pk: str) -> str:
    """The target identity a guard's key names (what `guard_key` was given)."""
    return guard_pk.split("#")[2]


def claim(table_name: str, key: dict[str, str], letter_id: str, expires_at: int, now_epoch: int) -> dict[str, Any]:
    """A transaction item that takes the guard iff nobody holds it (a guard past its expiry counts as free)."""
    return {
        "Put": {
            "TableName": table_name,
            "Item": {**key, "letter_id": letter_id, "expires_at": expires_at, **due_keys(key["pk"], expires_at)},
            "ConditionExpression": "attribute_not_exists(pk) OR expires_at <= :now",
            "ExpressionAttributeValues": {":now": now_epoch},
        }
    }


def release(table_name: str, key: dict[str, str], letter_id: str) -> dict[str, Any]:
    """A transaction item that frees the guard iff `letter_id` still holds it."""
    return {
        "Delete": {
            "TableName": table_name,
            "Key": key,
            "ConditionExpression": "letter_id = :id",
            "ExpressionAttributeValues": {":id": letter_id},
        }
    }


def holder(table: Any, key: dict[str, str], now_epoch: int) -> str | None:
    """The id of the letter holding the guard, or None."""
    item = table.get_item(Key=key, ConsistentRead=True).get("Item")
    if not item or int(item["expires_at"]) <= now_epoch:
        return None
    return str(item["letter_id"])


def extend(table: Any, guard_pk: str, letter_id: str, until: int) -> None:
    """Keep the guard as long as its letter (a confirmed letter is kept for the campaign's retention)."""
    conditionally(
        table.update_item,
        Key={"pk": guard_pk, "sk": GUARD_SK},  # another letter's guard: not ours
        UpdateExpression="SET expires_at = :until, due_at = :until",
        ConditionExpression="letter_id = :id",
        ExpressionAttributeValues={":until": until, ":id": letter_id},
    )


def free(table: Any, guard_pk: str, letter_id: str) -> None:
    """Release the guard outside a transaction (letter expired unconfirmed, or its data deleted)."""
    if not guard_pk:
        return
    key = {"pk": guard_pk, "sk": GUARD_SK}
    delete = release(table.name, key, letter_id)["Delete"]
    conditionally(
        table.delete_item,
        Key=key,
        ConditionExpression=delete["ConditionExpression"],
        ExpressionAttributeValues=delete["ExpressionAttributeValues"],
    )
