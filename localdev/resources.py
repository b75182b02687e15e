"""The AWS resources Démarche needs, created against whatever endpoint boto3 is pointed at (moto here)."""
from __future__ import annotations

from typing import Any

from chalicelib.settings import Settings

SENDER_DOMAIN = "demarche.example.org"

TABLE_SPEC: dict[str, Any] = {
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    "AttributeDefinitions": [
        {"AttributeName": "pk", "AttributeType": "S"},
        {"AttributeName": "sk", "AttributeType": "S"},
        {"AttributeName": "gsi1pk", "AttributeType": "S"},
        {"AttributeName": "gsi1sk", "AttributeType": "S"},
        {"AttributeName": "due_pk", "AttributeType": "S"},
        {"AttributeName": "due_at", "AttributeType": "N"},
    ],
    "GlobalSecondaryIndexes": [{
        "IndexName": "by-campaign",
        "KeySchema": [{"AttributeName": "gsi1pk", "KeyType": "HASH"}, {"AttributeName": "gsi1sk", "KeyType": "RANGE"}],
        # No personal data in any index: only what the organiser log filters on.
        "Projection": {"ProjectionType": "INCLUDE",
                       "NonKeyAttributes": ["letter_id", "status", "country", "partner", "created_at"]},
    }, {
        # What the housekeeping job must do next, and when (chalicelib/due_index.py): keys only.
        "IndexName": "by-due",
        "KeySchema": [{"AttributeName": "due_pk", "KeyType": "HASH"}, {"AttributeName": "due_at", "KeyType": "RANGE"}],
        "Projection": {"ProjectionType": "KEYS_ONLY"},
    }],
    "BillingMode": "PAY_PER_REQUEST",
}


def create_resources(settings: Settings) -> dict[str, str]:
    """Create the table (with TTL), the queue and its dead-letter queue, and the verified SES identity."""
    import boto3

    dynamodb = boto3.client("dynamodb")
    dynamodb.create_table(TableName=settings.table_name, **TABLE_SPEC)
    dynamodb.update_time_to_live(TableName=settings.table_name,
                                 TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"})
    sqs = boto3.client("sqs")
    dlq_url = sqs.create_queue(QueueName=f"{settings.queue_name}-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    queue_url = sqs.create_queue(QueueName=settings.queue_name, Attributes={
        "VisibilityTimeout": "60",
        "RedrivePolicy": f'{{"deadLetterTargetArn": "{dlq_arn}", "maxReceiveCount": "5"}}',
    })["QueueUrl"]
    ses = boto3.client("sesv2")
    ses.create_email_identity(EmailIdentity=SENDER_DOMAIN)
    ses.create_configuration_set(ConfigurationSetName=settings.configuration_set)
    return {"queue_url": queue_url, "dlq_url": dlq_url}
