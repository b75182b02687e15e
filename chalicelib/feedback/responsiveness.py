"""Per-target responsiveness: of the supporters who told us, how many got a reply (like WriteToThem's league table).

Counters are kept on write, in the same transaction as each follow-up move (chalicelib/feedback/follow_ups.py), one item
per campaign and target, with no personal data and no TTL (numbers outlive the letters):
    pk "RESPONSES#<campaign>"   sk "TARGET#<target set>#<country or all>"
    asked (questions sent), answered (supporters who answered), and yes / no / not_yet (their latest answer).
A rate is shown only once MIN_ANSWERS supporters answered: below that, one answer swings it too far to mean much.
"""

from __future__ import annotations

from typing import Any

from chalicelib.storage.paged_query import query_all

MIN_ANSWERS = 10
ANSWERS = ("yes", "no", "not_yet")


def counter_key(campaign: str, target_set: str, country: str) -> dict[str, str]:
    return {"pk": f"RESPONSES#{campaign}", "sk": f"TARGET#{target_set}#{country or 'all'}"}


def count_entry(table_name: str, key: dict[str, str], target_name: str, **deltas: int) -> dict[str, Any]:
    """A TransactWriteItems `Update` adding `deltas` (asked=1, yes=1, not_yet=-1 ...) to one target's counters."""
    names = {"#name": "target_name"}
    values: dict[str, Any] = {":name": target_name}
    adds = []
    for i, (counter, delta) in enumerate(deltas.items()):
        names[f"#c{i}"], values[f":d{i}"] = counter, delta
        adds.append(f"#c{i} :d{i}")
    return {
        "Update": {
            "TableName": table_name,
            "Key": key,
            "UpdateExpression": "SET #name = :name ADD " + ", ".join(adds),
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
    }


def answer_deltas(previous: str | None, answer: str) -> dict[str, int]:
    """How one supporter's answer (first, or changed from `previous`) moves the counters."""
    if previous is None:
        return {"answered": 1, answer: 1}
    if previous == answer:
        return {}
    return {previous: -1, answer: 1}


def figures(item: dict[str, Any]) -> dict[str, Any]:
    asked, answered, replied = (int(item.get(name, 0)) for name in ("asked", "answered", "yes"))
    target_set, _, country = item["sk"].removeprefix("TARGET#").partition("#")
    return {
        "target_set": target_set,
        "country": "" if country == "all" else country,
        "target_name": item.get("target_name", ""),
        "asked": asked,
        "answered": answered,
        "replied": replied,
        "no_reply": int(item.get("no", 0)),
        "not_yet": int(item.get("not_yet", 0)),
        "rate": round(replied / answered, 3) if answered >= MIN_ANSWERS else None,
    }


def responsiveness(table: Any, campaign: str) -> list[dict[str, Any]]:
    """Every target that was asked about, best answered first: one Query, whatever the number of letters."""
    from boto3.dynamodb.conditions import Key

    rows = [figures(item) for item in query_all(table, KeyConditionExpression=Key("pk").eq(f"RESPONSES#{campaign}"))]
    return sorted(rows, key=lambda r: (r["rate"] is None, -(r["rate"] or 0), -r["answered"], r["target_name"]))
