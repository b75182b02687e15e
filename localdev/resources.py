"""The AWS resources Démarche needs, created against whatever endpoint boto3 is pointed at (moto here).

The table and the queues are built from infra/template.yaml, the stack that is deployed to AWS: one
schema for both. Only the SES identity is local-only (in AWS it is a prerequisite; see README).
"""

from __future__ import annotations

import json
import os
from typing import Any

from chalicelib.settings import LOCAL_SECRET, Settings
from infra.template import Stack, load_template

SENDER_DOMAIN = "demarche.example.org"
LOCAL_SECRET_NAME = "demarche-local-secret"  # .chalice/config.json's local DEMARCHE_SECRET_ID
LOCAL_ACCOUNT = "123456789012"  # moto's account
# CreateTable takes the template's table properties as they are, except these CloudFormation-only ones.
_TABLE_REQUEST_KEYS = (
    "KeySchema",
    "AttributeDefinitions",
    "GlobalSecondaryIndexes",
    "BillingMode",
    "OnDemandThroughput",
    "TableName",
)


def local_parameters(settings: Settings) -> dict[str, str]:
    """The stack parameters that give the local resources the names Settings (and so the code) uses."""
    return {
        "TableName": settings.table_name,
        "QueueName": settings.queue_name,
        "ConfigurationSetName": settings.configuration_set,
        "SenderDomain": SENDER_DOMAIN,
        "AlarmEmail": "organiser@example.org",
        "ExportsBucketName": settings.exports_bucket,
        "SecretName": settings.secret_id or LOCAL_SECRET_NAME,
    }


def local_stack(settings: Settings) -> Stack:
    return Stack(
        load_template(),
        local_parameters(settings),
        account=LOCAL_ACCOUNT,
        stack_name="demarche-local",
        region=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
    )


def create_table_request(table: dict[str, Any]) -> dict[str, Any]:
    return {key: table[key] for key in _TABLE_REQUEST_KEYS if key in table}


def queue_attributes(queue: dict[str, Any]) -> dict[str, str]:
    """CloudFormation queue properties as SQS CreateQueue attributes (all strings; RedrivePolicy as JSON)."""

    def text(value: Any) -> str:
        if isinstance(value, dict):
            return json.dumps(value)
        return str(value).lower() if isinstance(value, bool) else str(value)

    return {key: text(value) for key, value in queue.items() if key != "QueueName"}


def create_resources(settings: Settings) -> dict[str, str]:
    """Create the table (with TTL), the queues and their dead-letter queues, the exports bucket, the SES identity
    and configuration set, and the stage secret."""
    import boto3

    stack = local_stack(settings)
    table = stack.properties("LettersTable")
    dynamodb = boto3.client("dynamodb")
    dynamodb.create_table(**create_table_request(table))
    dynamodb.update_time_to_live(TableName=table["TableName"], TimeToLiveSpecification=table["TimeToLiveSpecification"])
    sqs = boto3.client("sqs")
    urls = {}
    # each dead-letter queue must exist before its queue
    for logical_id in (
        "LetterDeadLetterQueue",
        "LetterQueue",
        "ExportsDeadLetterQueue",
        "ExportsQueue",
        "FeedbackDeadLetterQueue",
        "MailDeadLetterQueue",
        "MailQueue",
    ):
        queue = stack.properties(logical_id)
        urls[logical_id] = sqs.create_queue(QueueName=queue["QueueName"], Attributes=queue_attributes(queue))[
            "QueueUrl"
        ]
    boto3.client("s3").create_bucket(Bucket=stack.properties("ExportsBucket")["BucketName"])
    ses = boto3.client("sesv2")
    ses.create_email_identity(EmailIdentity=SENDER_DOMAIN)
    ses.create_configuration_set(ConfigurationSetName=stack.properties("ConfigurationSet")["Name"])
    # In AWS the stage secret is created before the first deploy (docs/operations-and-deploy.md); here it holds
    # the local stage's public development value, so the functions read it the way they do in AWS.
    boto3.client("secretsmanager").create_secret(
        Name=local_parameters(settings)["SecretName"], SecretString=LOCAL_SECRET.decode()
    )
    return {
        "queue_url": urls["LetterQueue"],
        "dlq_url": urls["LetterDeadLetterQueue"],
        "exports_queue_url": urls["ExportsQueue"],
        "mail_queue_url": urls["MailQueue"],
        "mail_dlq_url": urls["MailDeadLetterQueue"],
    }
