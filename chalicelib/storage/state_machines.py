"""The small state machines beside the letter's (chalicelib/letters/states.py), and their one conditional write.

signatory     pending_confirmation -> awaiting_approval -> approved <-> rejected
              pending_confirmation -> expired (not confirmed in time; personal data removed)
sign-on send  scheduled -> dispatching -> dispatched        scheduled -> cancelled
digest        collecting -> closing -> handed_over           closing -> empty (nobody left to list)
follow-up     scheduled -> asked -> answered (-> answered: a supporter may change their answer)
              scheduled | asked -> cancelled (not delivered, or the supporter opted out)

As with letters, every move is one conditional write: it happens only if the item is in the state the move
starts from, so two runs of a job, or a job racing a click, can never both make it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from chalicelib.clock import iso
from chalicelib.storage.conditional import put_once  # noqa: F401  (its home now; callers import it from here too)


@dataclass(frozen=True)
class Machine:
    name: str
    allowed: Mapping[str, frozenset[str]]

    def check(self, item: str, source: str, target: str) -> None:
        if target not in self.allowed.get(source, frozenset()):
            raise MoveRefused(self.name, item, target, source)


def _machine(name: str, **moves: str) -> Machine:
    return Machine(name, {source: frozenset(targets.split()) for source, targets in moves.items()})


SIGNATORY = _machine(
    "signatory",
    pending_confirmation="awaiting_approval expired",
    awaiting_approval="approved rejected",
    approved="rejected",
    rejected="approved",
)
SIGN_ON_SEND = _machine("sign-on send", scheduled="dispatching cancelled", dispatching="dispatched")
DIGEST = _machine("digest", collecting="closing", closing="handed_over empty")
FOLLOW_UP = _machine("follow-up", scheduled="asked cancelled", asked="answered cancelled", answered="answered")


class MoveRefused(Exception):
    """The item was not in the state the move starts from (someone moved it first), or the move is not allowed."""

    def __init__(self, machine: str, item: str, wanted: str, current: str | None) -> None:
        super().__init__(f"{machine} {item}: cannot move to {wanted} from {current}")
        self.machine, self.item, self.wanted, self.current = machine, item, wanted, current


def move_entry(
    table_name: str,
    key: Mapping[str, str],
    source: str,
    target: str,
    now: dt.datetime,
    *,
    changes: Mapping[str, Any] | None = None,
    remove: Iterable[str] = (),
    expect: Mapping[str, Any] | None = None,
    condition: str = "",
    values: Mapping[str, Any] | None = None,
    append: Mapping[str, list[Any]] | None = None,
) -> dict[str, Any]:
    """A TransactWriteItems `Update` moving the item at `key` from `source` to `target` (status, updated_at),
    setting `changes`, adding `append`'s entries at the end of those lists and removing `remove`, iff it is in
    `source` and its fields equal `expect`. A raw `condition` (with its `values`) is ANDed too. Letters
    (letter_log.py) and the small machines both use it."""
    names = {"#status": "status", "#updated": "updated_at"}
    vals: dict[str, Any] = {":from": source, ":to": target, ":now": iso(now), **(values or {})}
    sets = ["#status = :to", "#updated = :now"]
    checks = ["attribute_exists(pk)", "#status = :from"]
    for i, (name, value) in enumerate((changes or {}).items()):
        names[f"#f{i}"], vals[f":v{i}"] = name, value
        sets.append(f"#f{i} = :v{i}")
    for i, (name, entries) in enumerate((append or {}).items()):
        names[f"#a{i}"], vals[f":a{i}"], vals[":none"] = name, list(entries), []
        sets.append(f"#a{i} = list_append(if_not_exists(#a{i}, :none), :a{i})")
    for i, (name, value) in enumerate((expect or {}).items()):
        names[f"#e{i}"], vals[f":e{i}"] = name, value
        checks.append(f"#e{i} = :e{i}")
    removes = []
    for i, name in enumerate(remove):
        names[f"#r{i}"] = name
        removes.append(f"#r{i}")
    expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
    check = " AND ".join(checks) + (f" AND ({condition})" if condition else "")
    return {
        "Update": {
            "TableName": table_name,
            "Key": dict(key),
            "UpdateExpression": expression,
            "ConditionExpression": check,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": vals,
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
    }


def move(
    table: Any,
    machine: Machine,
    key: Mapping[str, str],
    source: str,
    target: str,
    now: dt.datetime,
    *,
    also: Iterable[Mapping[str, Any]] = (),
    **kwargs: Any,
) -> None:
    """Move one item (see `move_entry`); `also` are transaction entries written with it (counters), all or none.
    Raises MoveRefused when the item was not in `source` (or the extra condition failed)."""
    from botocore.exceptions import ClientError

    if source != target:
        machine.check(key["pk"], source, target)
    entry = move_entry(table.name, key, source, target, now, **kwargs)
    also = list(also)
    try:
        if also:
            table.meta.client.transact_write_items(TransactItems=[entry, *also])
        else:
            update = dict(entry["Update"])
            del update["TableName"]
            table.update_item(**update)
    except ClientError as exc:
        code = exc.response["Error"]["Code"]
        if code == "ConditionalCheckFailedException":
            current = exc.response.get("Item", {}).get("status", {}).get("S")
        elif code == "TransactionCanceledException":
            reasons = exc.response.get("CancellationReasons") or [{}]
            if reasons[0].get("Code") != "ConditionalCheckFailed":
                raise
            current = reasons[0].get("Item", {}).get("status", {}).get("S")
        else:
            raise
        raise MoveRefused(machine.name, key["pk"], target, current) from None
