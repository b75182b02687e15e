"""Wires the domain objects to AWS for one process; built on first use, replaceable in tests."""
from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Callable

from .aws import AwsClients
from .campaigns import Campaigns, default_campaigns
from .delivery import Deliverer
from .directory import Directory, default_directory
from .letter_log import LetterLog
from .letter_queue import LetterQueue
from .mailer import Mailer
from .settings import Settings


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Services:
    def __init__(self, settings: Settings | None = None, *, clock: Callable[[], dt.datetime] = utc_now) -> None:
        self.settings = settings or Settings.from_env()
        self.aws = AwsClients(self.settings)
        self.clock = clock

    @property
    def campaigns(self) -> Campaigns:
        return default_campaigns()

    @property
    def directory(self) -> Directory:
        return default_directory()

    @cached_property
    def letters(self) -> LetterLog:
        return LetterLog(self.aws.table)

    @cached_property
    def queue(self) -> LetterQueue:
        return LetterQueue(self.aws.sqs, self.aws.queue_url)

    @cached_property
    def deliverer(self) -> Deliverer:
        mailer = Mailer(self.aws.sesv2, self.settings.configuration_set)
        return Deliverer(self.letters, mailer, self.campaigns, self.clock)
