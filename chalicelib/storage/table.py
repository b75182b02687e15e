"""The DynamoDB table as the code uses it (plain Python values in and out), over a low-level client.

boto3's resource API (`boto3.resource("dynamodb").Table`) gives the same calls, but building it loads the
resource model and makes its classes at every cold start (about 30 ms of CPU, bench/cold_start.py). This is
the part of it the code uses: boto3's own value conversion and condition builder, hooked on the client the
way the resource hooks them, so every call, answer and error is the same.
"""

from __future__ import annotations

from typing import Any


class Table:
    """`put_item`, `get_item`, `update_item`, `delete_item`, `query`, `scan` and `batch_writer` on one table;
    `meta.client` takes Python values too (transactions, batch reads), as the resource's client does."""

    def __init__(self, client: Any, name: str) -> None:
        from boto3.dynamodb.transform import TransformationInjector, copy_dynamodb_params

        injector = TransformationInjector()
        events = client.meta.events
        # the resource's own hooks (boto3/dynamodb/transform.py, DynamoDBHighLevelResource), with its unique ids
        events.register("provide-client-params.dynamodb", copy_dynamodb_params, unique_id="dynamodb-create-params-copy")
        events.register(
            "before-parameter-build.dynamodb",
            injector.inject_condition_expressions,
            unique_id="dynamodb-condition-expression",
        )
        events.register(
            "before-parameter-build.dynamodb",
            injector.inject_attribute_value_input,
            unique_id="dynamodb-attr-value-input",
        )
        events.register(
            "after-call.dynamodb", injector.inject_attribute_value_output, unique_id="dynamodb-attr-value-output"
        )
        self.meta = _Meta(client)
        self.name = self.table_name = name

    def put_item(self, **kwargs: Any) -> dict[str, Any]:
        return self.meta.client.put_item(TableName=self.name, **kwargs)

    def get_item(self, **kwargs: Any) -> dict[str, Any]:
        return self.meta.client.get_item(TableName=self.name, **kwargs)

    def update_item(self, **kwargs: Any) -> dict[str, Any]:
        return self.meta.client.update_item(TableName=self.name, **kwargs)

    def delete_item(self, **kwargs: Any) -> dict[str, Any]:
        return self.meta.client.delete_item(TableName=self.name, **kwargs)

    def query(self, **kwargs: Any) -> dict[str, Any]:
        return self.meta.client.query(TableName=self.name, **kwargs)

    def scan(self, **kwargs: Any) -> dict[str, Any]:
        return self.meta.client.scan(TableName=self.name, **kwargs)

    def batch_writer(self, overwrite_by_pkeys: list[str] | None = None) -> Any:
        from boto3.dynamodb.table import BatchWriter

        return BatchWriter(self.name, self.meta.client, overwrite_by_pkeys=overwrite_by_pkeys)


class _Meta:
    def __init__(self, client: Any) -> None:
        self.client = client
