"""Wires the domain objects to AWS for one process; built on first use, replaceable in tests.

Imports of the domain modules happen inside the properties: a cold start pays only for what the
first request uses (see bench/).
"""
from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import TYPE_CHECKING, Callable

from .settings import Settings

if TYPE_CHECKING:  # pragma: no cover
    from .aws import AwsClients
    from .campaigns import Campaigns
    from .delivery import Deliverer
    from .directory import Directory
    from .letter_log import LetterLog
    from .letter_queue import LetterQueue
    from .target_health import TargetHealth


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Services:
    def __init__(self, settings: Settings | None = None, *, clock: Callable[[], dt.datetime] = utc_now) -> None:
        self.settings = settings or Settings.from_env()
        self.clock = clock

    @cached_property
    def aws(self) -> "AwsClients":
        from .aws import AwsClients

        return AwsClients(self.settings)

    @property
    def campaigns(self) -> "Campaigns":
        from .campaigns import default_campaigns

        return default_campaigns()

    @property
    def directory(self) -> "Directory":
        from .directory import default_directory

        return default_directory()

    @cached_property
    def letters(self) -> "LetterLog":
        from .letter_log import LetterLog

        return LetterLog(self.aws.table)

    @cached_property
    def health(self) -> "TargetHealth":
        """Kept for the life of the process, so its snapshot of failing targets spares page views a read."""
        from .target_health import TargetHealth

        return TargetHealth(self.aws.table)

    @cached_property
    def queue(self) -> "LetterQueue":
        from .letter_queue import LetterQueue

        return LetterQueue(self.aws.sqs, self.aws.queue_url)

    @cached_property
    def deliverer(self) -> "Deliverer":
        from .delivery import Deliverer
        from .mailer import Mailer

        mailer = Mailer(self.aws.sesv2, self.settings.configuration_set)
        return Deliverer(self.letters, mailer, self.campaigns, self.clock)
