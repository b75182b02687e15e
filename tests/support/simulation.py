"""A simulation of the production wiring over an in-memory table twin, queue and SES: fast enough for days of
simulated sending, or hundreds of letters, where moto would take minutes. Everything that decides is production
code (chalicelib.services.Services); only the transport is in memory."""

from __future__ import annotations

import datetime as dt

import pytest

MAIL_QUEUE_URL = "memory-mail"


class MemoryQueue:
    """SQS for the long simulation: the messages the release job and the API send, handed to the worker in batches."""

    def __init__(self) -> None:
        self.bodies: list[str] = []  # the letter queue
        self.mail: list[str] = []  # the supporter-mail queue (its delays are not simulated: sent at the next run)

    def send_message(self, QueueUrl: str, MessageBody: str, DelaySeconds: int = 0) -> dict:  # noqa: N803 - boto3's
        (self.mail if QueueUrl == MAIL_QUEUE_URL else self.bodies).append(MessageBody)
        return {}

    def send_message_batch(self, QueueUrl: str, Entries: list[dict]) -> dict:  # noqa: N803
        self.bodies += [entry["MessageBody"] for entry in Entries]
        return {"Successful": [{"Id": entry["Id"]} for entry in Entries]}


class MemorySes:
    def __init__(self, clock) -> None:
        self.clock, self.sent = clock, []

    def send_email(self, **request) -> dict:
        self.sent.append((self.clock(), request["Destination"]["ToAddresses"][0]))
        return {"MessageId": f"ses-{len(self.sent)}"}


class MemorySecrets:
    """Secrets Manager holding the local stage's secret (as `make run`'s stand-in does)."""

    def get_secret_value(self, SecretId: str) -> dict:  # noqa: N803 - boto3's name
        from chalicelib.settings import LOCAL_SECRET

        return {"SecretString": LOCAL_SECRET.decode()}


@pytest.fixture
def simulation(aws_env, clock):
    """The production wiring (Services) over an in-memory table twin, queue and SES: fast enough for days of
    simulated sending. Everything that decides is production code; only the transport is in memory."""
    from chalicelib.services import Services
    from support.dynamo_twin import letters_twin

    services = Services(clock=clock, sleep=lambda seconds: clock.advance(seconds=seconds))
    services.aws.__dict__.update(
        table=letters_twin(),
        sqs=MemoryQueue(),
        sesv2=MemorySes(clock),
        secretsmanager=MemorySecrets(),
        queue_url="memory",
        mail_queue_url=MAIL_QUEUE_URL,
    )

    def run_worker() -> None:
        from chalicelib.queue_messages import QueueRecord

        bodies = services.aws.sqs.bodies
        while bodies:
            batch, bodies[:10] = bodies[:10], []
            records = [QueueRecord(message_id=str(i), body=body) for i, body in enumerate(batch)]
            assert services.deliverer.deliver_batch(records) == []

    def every_minute_until_done() -> None:
        run_worker()
        while (due := services.schedule.next_due()) is not None:
            tick = due.replace(second=0, microsecond=0) + (
                dt.timedelta(minutes=1) if due.second or due.microsecond else dt.timedelta()
            )
            clock.now = max(clock.now, tick)  # the release job runs at the top of each minute
            services.schedule.release_due(clock(), services.queue)
            run_worker()

    services.run_worker, services.run = run_worker, every_minute_until_done
    return services
