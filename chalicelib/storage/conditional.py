"""The one home of "write only if the condition holds": a failed ConditionExpression is an answer, not an error.

    if not conditionally(table.update_item, Key=key, UpdateExpression=..., ConditionExpression=...):
        return False  # someone else got there first

`conditionally` says whether the write happened; `conditional_write` gives the response too (for ReturnValues).
Every other ClientError (throttling, a bad expression, missing permissions) is raised as it came.

`transacted` is the same for a TransactWriteItems whose callers need only "written or not": a cancelled
transaction (a condition failed, or a conflicting write) is False.

Not here, on purpose: writes that need the item as it was when the condition failed
(ReturnValuesOnConditionCheckFailure, see state_machines.move and letters/log.py) and transactions whose
per-item cancellation reasons the caller reads its own way (letters/log.py, front_door/admission.py). Their
handlers stay beside the reasons they read.

botocore is imported inside the functions: a module that only imports this one pays nothing at cold start.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

CONDITION_FAILED = "ConditionalCheckFailedException"
TRANSACTION_CANCELLED = "TransactionCanceledException"


def conditionally(write: Callable[..., Any], *args: Any, **request: Any) -> bool:
    """True if `write(*args, **request)` wrote, False if its condition failed; other errors propagate."""
    return _attempt(write, args, request)[0]


def conditional_write(write: Callable[..., Any], *args: Any, **request: Any) -> Any | None:
    """`write(*args, **request)`'s response (e.g. its Attributes), or None if its condition failed."""
    written, response = _attempt(write, args, request)
    return response if written else None


def transacted(table: Any, items: Sequence[Mapping[str, Any]]) -> bool:
    """True if the transaction of `items` (on `table`'s client) wrote them all, False if it was cancelled."""
    return _attempt(table.meta.client.transact_write_items, (), {"TransactItems": list(items)}, TRANSACTION_CANCELLED)[
        0
    ]


def _attempt(
    write: Callable[..., Any], args: tuple[Any, ...], request: dict[str, Any], refusal: str = CONDITION_FAILED
) -> tuple[bool, Any]:
    from botocore.exceptions import ClientError

    try:
        return True, write(*args, **request)
    except ClientError as exc:
        if exc.response["Error"]["Code"] != refusal:
            raise
        return False, None


def put_once(table: Any, item: Mapping[str, Any]) -> bool:
    """Write `item` unless one with its key exists; True if this call wrote it (the idempotent create)."""
    return conditionally(table.put_item, Item=dict(item), ConditionExpression="attribute_not_exists(pk)")
