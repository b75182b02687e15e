"""The one conditional-write helper (chalicelib/storage/conditional.py): a failed condition is False, nothing else is."""

from __future__ import annotations

import subprocess
import sys

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError
from support.paths import PROJECT_DIR

from chalicelib.storage.conditional import conditional_write, conditionally, put_once, transacted

KEY = {"pk": "TEST#conditional", "sk": "ONE"}


def failing_with(table, operation: str, code: str):
    """Make every `operation` call on the table's client fail with `code` (botocore hook: the request never runs)."""

    def fail(**_):
        return AWSResponse("", 400, {}, None), {
            "Error": {"Code": code, "Message": "injected"},
            "ResponseMetadata": {"HTTPStatusCode": 400},
        }

    table.meta.client.meta.events.register(f"before-call.dynamodb.{operation}", fail)
    return lambda: table.meta.client.meta.events.unregister(f"before-call.dynamodb.{operation}", fail)


def stored(table):
    return table.get_item(Key=KEY, ConsistentRead=True).get("Item")


def test_a_write_whose_condition_holds_returns_true_and_writes(services):
    table = services.aws.table
    assert conditionally(table.put_item, Item={**KEY, "n": 1}, ConditionExpression="attribute_not_exists(pk)")
    assert stored(table)["n"] == 1
    assert conditionally(
        table.update_item,
        Key=KEY,
        UpdateExpression="SET n = :two",
        ConditionExpression="n = :one",
        ExpressionAttributeValues={":one": 1, ":two": 2},
    )
    assert stored(table)["n"] == 2
    assert conditionally(
        table.delete_item, Key=KEY, ConditionExpression="n = :two", ExpressionAttributeValues={":two": 2}
    )
    assert stored(table) is None


def test_a_failed_condition_returns_false_and_writes_nothing(services):
    table = services.aws.table
    table.put_item(Item={**KEY, "n": 1})
    assert not conditionally(table.put_item, Item={**KEY, "n": 9}, ConditionExpression="attribute_not_exists(pk)")
    assert not conditionally(
        table.update_item,
        Key=KEY,
        UpdateExpression="SET n = :nine",
        ConditionExpression="n = :two",
        ExpressionAttributeValues={":two": 2, ":nine": 9},
    )
    assert not conditionally(
        table.delete_item, Key=KEY, ConditionExpression="n = :two", ExpressionAttributeValues={":two": 2}
    )
    assert stored(table) == {**KEY, "n": 1}


def test_put_once_writes_the_first_item_only(services):
    table = services.aws.table
    assert put_once(table, {**KEY, "n": 1})
    assert not put_once(table, {**KEY, "n": 2})
    assert stored(table)["n"] == 1


def test_conditional_write_gives_the_response_or_none(services):
    table = services.aws.table
    table.put_item(Item={**KEY, "n": 1})
    response = conditional_write(
        table.update_item,
        Key=KEY,
        UpdateExpression="ADD n :one",
        ConditionExpression="attribute_exists(pk)",
        ExpressionAttributeValues={":one": 1},
        ReturnValues="UPDATED_NEW",
    )
    assert response["Attributes"] == {"n": 2}
    missing = conditional_write(
        table.update_item,
        Key={**KEY, "sk": "TWO"},
        UpdateExpression="ADD n :one",
        ConditionExpression="attribute_exists(pk)",
        ExpressionAttributeValues={":one": 1},
        ReturnValues="UPDATED_NEW",
    )
    assert missing is None
    assert table.get_item(Key={**KEY, "sk": "TWO"}).get("Item") is None


@pytest.mark.parametrize(
    "code",
    [
        "ProvisionedThroughputExceededException",
        "ValidationException",
        "AccessDeniedException",
        "TransactionConflictException",
    ],
)
def test_any_other_client_error_propagates(services, code):
    table = services.aws.table
    undo = failing_with(table, "PutItem", code)
    try:
        for helper in (conditionally, conditional_write):
            with pytest.raises(ClientError) as raised:
                helper(table.put_item, Item={**KEY, "n": 1}, ConditionExpression="attribute_not_exists(pk)")
            assert raised.value.response["Error"]["Code"] == code
        with pytest.raises(ClientError):
            put_once(table, {**KEY, "n": 1})
    finally:
        undo()
    assert stored(table) is None


def put_if_absent(table, n: int, sk: str = "ONE") -> dict:
    return {
        "Put": {
            "TableName": table.name,
            "Item": {**KEY, "sk": sk, "n": n},
            "ConditionExpression": "attribute_not_exists(pk)",
        }
    }


def test_a_transaction_is_true_when_it_wrote_and_false_when_cancelled(services):
    table = services.aws.table
    assert transacted(table, [put_if_absent(table, 1), put_if_absent(table, 1, sk="TWO")])
    assert stored(table)["n"] == 1 and table.get_item(Key={**KEY, "sk": "TWO"})["Item"]["n"] == 1

    # one item's condition fails: the whole transaction is cancelled, and nothing of it is written
    assert not transacted(table, [put_if_absent(table, 2, sk="THREE"), put_if_absent(table, 2)])
    assert stored(table)["n"] == 1 and table.get_item(Key={**KEY, "sk": "THREE"}).get("Item") is None


@pytest.mark.parametrize("code", ["ValidationException", "AccessDeniedException", "ConditionalCheckFailedException"])
def test_a_transaction_raises_any_error_but_a_cancellation(services, code):
    table = services.aws.table
    undo = failing_with(table, "TransactWriteItems", code)
    try:
        with pytest.raises(ClientError) as raised:
            transacted(table, [put_if_absent(table, 1)])
        assert raised.value.response["Error"]["Code"] == code
    finally:
        undo()
    assert stored(table) is None


def test_a_plain_exception_is_not_taken_for_a_failed_condition():
    def broken(**_):
        raise RuntimeError("not a ClientError")

    with pytest.raises(RuntimeError):
        conditionally(broken, Key=KEY)


def test_importing_the_helper_loads_no_botocore():
    # cold starts: a handler that never writes conditionally must not pay for botocore's import here
    code = "import sys, chalicelib.storage.conditional; assert 'botocore' not in sys.modules, 'botocore imported'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=PROJECT_DIR)
