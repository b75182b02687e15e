"""AWS clients, created on first use so that importing the app stays cheap and moto can patch them."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from chalicelib.settings import Settings


class AwsClients:
    """The services Démarche talks to; each built lazily, region and endpoint from the environment."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @staticmethod
    def _client(name: str, config: Any = None) -> Any:
        import boto3  # heavy: imported on first use only

        return boto3.client(name, config=config)

    @cached_property
    def table(self) -> Any:
        """The DynamoDB table: plain Python values in and out, as boto3's resource API (storage/table.py)."""
        from chalicelib.storage.table import Table

        return Table(self._client("dynamodb"), self.settings.table_name)

    @cached_property
    def sqs(self) -> Any:
        return self._client("sqs")

    @cached_property
    def sesv2(self) -> Any:
        """SES v2 without botocore's own retries: a retried SendEmail whose first answer was lost could send
        twice, and throttling must wait in our schedule (with backoff), not inside one Lambda call."""
        from botocore.config import Config

        return self._client(
            "sesv2", Config(retries={"total_max_attempts": 1, "mode": "standard"}, connect_timeout=3, read_timeout=10)
        )

    @cached_property
    def s3(self) -> Any:
        """S3 with Signature V4, which presigned download links need."""
        import boto3
        from botocore.config import Config

        return boto3.client("s3", config=Config(signature_version="s3v4"))

    @cached_property
    def secretsmanager(self) -> Any:
        return self._client("secretsmanager")

    def secret_string(self, secret_id: str) -> str:
        """The current value of a Secrets Manager secret (the stage secret: chalicelib/signing.py)."""
        return self.secretsmanager.get_secret_value(SecretId=secret_id)["SecretString"]

    @cached_property
    def exports_queue_url(self) -> str:
        return self.sqs.get_queue_url(QueueName=self.settings.exports_queue_name)["QueueUrl"]

    @cached_property
    def queue_url(self) -> str:
        return self.sqs.get_queue_url(QueueName=self.settings.queue_name)["QueueUrl"]

    @cached_property
    def mail_queue_url(self) -> str:
        return self.sqs.get_queue_url(QueueName=self.settings.mail_queue_name)["QueueUrl"]
