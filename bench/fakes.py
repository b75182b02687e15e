"""In-memory stand-ins for the AWS calls, so a benchmark measures our code and not an emulator or the network.

They accept the calls the app makes and answer like the services do on the success path; conditions are
not evaluated (correctness is the test suite's job, not the benchmark's).
"""

from __future__ import annotations

import itertools
from typing import Any


class _FakeTableClient:
    """What `table.meta.client` offers: the transaction call (items are not applied: the bench only counts)."""

    def __init__(self, table: "FakeTable") -> None:
        self._table = table

    def transact_write_items(self, TransactItems: list, **_: Any) -> dict:
        self._table.calls += 1
        for entry in TransactItems:
            if "Put" in entry:
                item = entry["Put"]["Item"]
                self._table.items[(item["pk"], item["sk"])] = dict(item)
        return {}

    def batch_get_item(self, RequestItems: dict, **_: Any) -> dict:
        self._table.calls += 1
        found = {
            name: [
                self._table.items[k]
                for k in (self._table._key(key) for key in request["Keys"])
                if k in self._table.items
            ]
            for name, request in RequestItems.items()
        }
        return {"Responses": found, "UnprocessedKeys": {}}


class _Meta:
    def __init__(self, client: _FakeTableClient) -> None:
        self.client = client


class FakeTable:
    def __init__(self) -> None:
        self.items: dict[tuple[str, str], dict[str, Any]] = {}
        self.calls = 0
        self.meta = _Meta(_FakeTableClient(self))
        self.name = "demarche"

    def _key(self, key: dict[str, Any]) -> tuple[str, str]:
        return key["pk"], key["sk"]

    def put_item(self, Item: dict[str, Any], **_: Any) -> dict:
        self.calls += 1
        self.items[self._key(Item)] = dict(Item)
        return {}

    def get_item(self, Key: dict[str, Any], **_: Any) -> dict:
        self.calls += 1
        item = self.items.get(self._key(Key))
        return {"Item": dict(item)} if item else {}

    def update_item(self, Key: dict[str, Any], **kwargs: Any) -> dict:
        self.calls += 1
        item = self.items.setdefault(self._key(Key), dict(Key))
        values = kwargs.get("ExpressionAttributeValues", {})
        if ":to" in values:
            item["status"] = values[":to"]
        return {"Attributes": dict(item)}

    def delete_item(self, Key: dict[str, Any], **_: Any) -> dict:
        self.calls += 1
        self.items.pop(self._key(Key), None)
        return {}

    def query(self, **_: Any) -> dict:
        self.calls += 1
        return {"Items": [], "Count": 0}


class FakeSQS:
    def __init__(self) -> None:
        self.sent: list[str] = []

    def get_queue_url(self, QueueName: str) -> dict:
        return {"QueueUrl": f"https://sqs.local/{QueueName}"}

    def send_message(self, QueueUrl: str, MessageBody: str, **_: Any) -> dict:
        self.sent.append(MessageBody)
        return {"MessageId": str(len(self.sent))}


class FakeSES:
    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self.sent = 0

    def send_email(self, **_: Any) -> dict:
        self.sent += 1
        return {"MessageId": f"ses-{next(self._ids)}"}

    def get_account(self) -> dict:
        return {"SendQuota": {"Max24HourSend": 1e9, "MaxSendRate": 1e6, "SentLast24Hours": 0}}


class FakeAws:
    """Quacks like chalicelib.aws.AwsClients."""

    def __init__(self) -> None:
        self.table, self.sqs, self.sesv2 = FakeTable(), FakeSQS(), FakeSES()
        self.queue_url = "https://sqs.local/demarche-letters"
        self.mail_queue_url = "https://sqs.local/demarche-letters-mail"
