"""Wires the domain objects to AWS for one process; built on first use, replaceable in tests.

Imports of the domain modules happen inside the properties: a cold start pays only for what the
first request uses (see bench/).
"""

from __future__ import annotations

import datetime as dt
import time
from functools import cached_property
from typing import TYPE_CHECKING, Callable

from chalicelib.clock import utc_now
from chalicelib.settings import Settings

if TYPE_CHECKING:  # pragma: no cover
    from chalicelib.aws import AwsClients
    from chalicelib.campaigns.catalogue import Campaigns

    # the organiser side, imported only when an organiser asks
    from chalicelib.console.export_jobs import ExportJobs
    from chalicelib.console.letters_console import OrganiserConsole
    from chalicelib.console.members import Members
    from chalicelib.console.outcomes_console import OutcomesConsole
    from chalicelib.console.partner_results import PartnerResults
    from chalicelib.console.sessions import Sessions
    from chalicelib.console.sign_in import SignInLinks
    from chalicelib.console.tokens import Organiser, OrganiserTokens
    from chalicelib.delivery.reputation import ReputationGuard
    from chalicelib.delivery.send_rate import SendRate
    from chalicelib.delivery.suppressions import Suppressions
    from chalicelib.delivery.worker import Deliverer
    from chalicelib.directory import Directory
    from chalicelib.directory.health import TargetHealth
    from chalicelib.feedback.follow_ups import FollowUps
    from chalicelib.feedback.ses_events import Feedback
    from chalicelib.front_door.door import FrontDoor
    from chalicelib.front_door.screening import Screening
    from chalicelib.housekeeping import Housekeeping
    from chalicelib.letters.confirmation import Confirmations
    from chalicelib.letters.forgetting import Forgetting
    from chalicelib.letters.log import LetterLog
    from chalicelib.letters.queue import LetterQueue
    from chalicelib.letters.schedule import LetterSchedule
    from chalicelib.mail.mailer import Mailer
    from chalicelib.outcomes.digests import Digests
    from chalicelib.outcomes.group_letters import GroupSender
    from chalicelib.outcomes.hand_deliveries import HandDeliveries
    from chalicelib.outcomes.sign_on_document import SignOnDocuments
    from chalicelib.outcomes.sign_on_sends import SignOnSends
    from chalicelib.outcomes.signatures import Signatures
    from chalicelib.signing import Signer


class Services:
    def __init__(
        self,
        settings: Settings | None = None,
        *,
        clock: Callable[[], dt.datetime] = utc_now,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings or Settings.from_env()
        self.clock, self.sleep = clock, sleep

    @cached_property
    def aws(self) -> "AwsClients":
        from chalicelib.aws import AwsClients

        return AwsClients(self.settings)

    @property
    def campaigns(self) -> "Campaigns":
        from chalicelib.campaigns.catalogue import default_campaigns

        return default_campaigns()

    @property
    def directory(self) -> "Directory":
        from chalicelib.directory import default_directory

        return default_directory()

    @cached_property
    def signer(self) -> "Signer":
        from chalicelib.signing import Signer

        return Signer(self.settings.secret_bytes())

    @cached_property
    def letters(self) -> "LetterLog":
        from chalicelib.letters.log import LetterLog

        return LetterLog(self.aws.table, self.clock)

    @cached_property
    def health(self) -> "TargetHealth":
        """Kept for the life of the process, so its snapshot of failing targets spares page views a read."""
        from chalicelib.directory.health import TargetHealth

        return TargetHealth(self.aws.table)

    @cached_property
    def queue(self) -> "LetterQueue":
        from chalicelib.letters.queue import LetterQueue

        return LetterQueue(self.aws.sqs, self.aws.queue_url)

    @cached_property
    def mailer(self) -> "Mailer":
        from chalicelib.mail.mailer import Mailer

        return Mailer(self.aws.sesv2, self.settings.configuration_set)

    @cached_property
    def schedule(self) -> "LetterSchedule":
        from chalicelib.letters.schedule import LetterSchedule

        return LetterSchedule(self.aws.table)

    @cached_property
    def suppressions(self) -> "Suppressions":
        from chalicelib.delivery.suppressions import Suppressions

        return Suppressions(self.aws.table)

    @cached_property
    def reputation(self) -> "ReputationGuard":
        from chalicelib.delivery.reputation import ReputationGuard, tell_organisers

        return ReputationGuard(
            self.aws.table,
            self.clock,
            lambda slug, reason, rates: tell_organisers(self.campaigns.get(slug), reason, rates, self.mailer),
        )

    @cached_property
    def send_rate(self) -> "SendRate":
        from chalicelib.delivery.send_rate import SendRate

        return SendRate(self.aws.table, self.aws.sesv2, self.clock, self.sleep, self.settings.max_send_rate)

    @cached_property
    def deliverer(self) -> "Deliverer":
        from chalicelib.delivery.gates import Gates
        from chalicelib.delivery.pacing import Pacer
        from chalicelib.delivery.worker import Deliverer

        gates = Gates(
            guard=self.reputation,
            suppressions=self.suppressions,
            health=self.health,
            pacer=Pacer(self.aws.table) if self.settings.paces_targets else None,
            send_rate=self.send_rate,
            directory=self.directory,
        )
        return Deliverer(
            self.letters,
            self.mailer,
            self.campaigns,
            self.clock,
            gates=gates,
            schedule=self.schedule,
            guard=self.reputation,
        )

    @cached_property
    def feedback(self) -> "Feedback":
        from chalicelib.feedback.ses_events import Feedback

        return Feedback(self.letters, self.health, self.suppressions, self.reputation, self.clock)

    @cached_property
    def confirmations(self) -> "Confirmations":
        from chalicelib.letters.confirmation import Confirmations

        return Confirmations(
            self.letters,
            self.queue,
            self.mailer,
            self.campaigns,
            self.signer,
            self.aws.table,
            self.clock,
            digests=self.digests,
            follow_ups=self.follow_ups,
        )

    @cached_property
    def group_sender(self) -> "GroupSender":
        from chalicelib.outcomes.group_letters import GroupSender

        return GroupSender(self.letters, self.queue, self.clock)

    @cached_property
    def digests(self) -> "Digests":
        from chalicelib.outcomes.digests import Digests

        return Digests(self.aws.table, self.letters, self.group_sender, self.campaigns, self.directory, self.clock)

    @cached_property
    def follow_ups(self) -> "FollowUps":
        from chalicelib.feedback.follow_ups import FollowUps

        return FollowUps(self.aws.table, self.letters, self.mailer, self.campaigns, self.signer, self.clock)

    @cached_property
    def screening(self) -> "Screening":
        """The one front door's checks, for letters and signatures alike."""
        from chalicelib.front_door.admission import Admissions
        from chalicelib.front_door.idempotency import Idempotency
        from chalicelib.front_door.screening import Screening

        return Screening(
            admissions=Admissions(self.aws.table),
            idempotency=Idempotency(self.aws.table, self.signer),
            signer=self.signer,
            table=self.aws.table,
        )

    @cached_property
    def signatures(self) -> "Signatures":
        from chalicelib.outcomes.signatures import Signatures

        return Signatures(
            table=self.aws.table,
            screening=self.screening,
            mailer=self.mailer,
            directory=self.directory,
            signer=self.signer,
            clock=self.clock,
        )

    @cached_property
    def sign_on_sends(self) -> "SignOnSends":
        from chalicelib.outcomes.sign_on_sends import SignOnSends

        return SignOnSends(
            table=self.aws.table,
            signatures=self.signatures,
            sender=self.group_sender,
            campaigns=self.campaigns,
            directory=self.directory,
            clock=self.clock,
            is_failing=self.health.is_failing,
            sandbox=self.settings.sandbox_recipients,
        )

    @cached_property
    def sign_on_documents(self) -> "SignOnDocuments":
        from chalicelib.outcomes.sign_on_document import SignOnDocuments

        return SignOnDocuments(
            table=self.aws.table, signatures=self.signatures, sends=self.sign_on_sends, clock=self.clock
        )

    @cached_property
    def hand_deliveries(self) -> "HandDeliveries":
        from chalicelib.outcomes.hand_deliveries import HandDeliveries

        return HandDeliveries(
            letters=self.letters, sends=self.sign_on_sends, directory=self.directory, clock=self.clock
        )

    @cached_property
    def front_door(self) -> "FrontDoor":
        from chalicelib.front_door.door import FrontDoor

        return FrontDoor(
            directory=self.directory,
            letters=self.letters,
            queue=self.queue,
            health=self.health,
            screening=self.screening,
            confirmations=self.confirmations,
            signer=self.signer,
            clock=self.clock,
            sandbox_recipients=self.settings.sandbox_recipients,
        )

    @cached_property
    def forgetting(self) -> "Forgetting":
        from chalicelib.letters.forgetting import Forgetting

        return Forgetting(self.letters, self.aws.table, self.clock, follow_ups=self.follow_ups, digests=self.digests)

    @cached_property
    def housekeeping(self) -> "Housekeeping":
        from chalicelib.housekeeping import Housekeeping

        return Housekeeping(
            self.aws.table,
            self.letters,
            self.confirmations,
            self.clock,
            digests=self.digests,
            sends=self.sign_on_sends,
            follow_ups=self.follow_ups,
        )

    @cached_property
    def organiser_tokens(self) -> "OrganiserTokens":
        from chalicelib.console.tokens import OrganiserTokens

        return OrganiserTokens(self.aws.table, self.clock)

    @cached_property
    def members(self) -> "Members":
        from chalicelib.console.members import Members

        return Members(self.aws.table, self.clock)

    @cached_property
    def sessions(self) -> "Sessions":
        from chalicelib.console.sessions import Sessions

        return Sessions(self.aws.table, self.members, self.clock)

    @cached_property
    def sign_in(self) -> "SignInLinks":
        from chalicelib.console.sign_in import SignInLinks

        return SignInLinks(
            table=self.aws.table,
            members=self.members,
            sessions=self.sessions,
            campaigns=self.campaigns,
            mailer=self.mailer,
            signer=self.signer,
            clock=self.clock,
        )

    def organiser(self, bearer: str) -> "Organiser":
        """Who holds this bearer token: a signed-in organiser's session, or an organiser token (API, CLI)."""
        from chalicelib.console.sessions import is_session_token

        return (self.sessions if is_session_token(bearer) else self.organiser_tokens).verify(bearer)

    @cached_property
    def exports(self) -> "ExportJobs":
        from chalicelib.console.export_jobs import ExportJobs
        from chalicelib.console.letter_queries import LetterQueries
        from chalicelib.console.letter_rows import country_names

        return ExportJobs(
            table=self.aws.table,
            s3=self.aws.s3,
            bucket=self.settings.exports_bucket,
            sqs=self.aws.sqs,
            queue_url=lambda: self.aws.exports_queue_url,
            queries=LetterQueries(self.aws.table),
            country_name=country_names(self.directory),
            clock=self.clock,
        )

    @cached_property
    def console(self) -> "OrganiserConsole":
        from chalicelib.console.access_audit import AccessAudit
        from chalicelib.console.letter_queries import LetterQueries
        from chalicelib.console.letters_console import OrganiserConsole

        return OrganiserConsole(
            table=self.aws.table,
            campaigns=self.campaigns,
            directory=self.directory,
            queries=LetterQueries(self.aws.table),
            audit=AccessAudit(self.aws.table, self.clock),
            health=self.health,
            exports=self.exports,
            clock=self.clock,
        )

    @cached_property
    def partner_results(self) -> "PartnerResults":
        from chalicelib.console.letter_queries import LetterQueries
        from chalicelib.console.letter_rows import country_names
        from chalicelib.console.partner_results import PartnerResults

        return PartnerResults(
            queries=LetterQueries(self.aws.table),
            campaigns=self.campaigns,
            country_name=country_names(self.directory),
            signer=self.signer,
            clock=self.clock,
        )

    @cached_property
    def outcomes(self) -> "OutcomesConsole":
        from chalicelib.console.access_audit import AccessAudit
        from chalicelib.console.outcomes_console import OutcomesConsole

        return OutcomesConsole(
            table=self.aws.table,
            campaigns=self.campaigns,
            signatures=self.signatures,
            sends=self.sign_on_sends,
            documents=self.sign_on_documents,
            hand_deliveries=self.hand_deliveries,
            digests=self.digests,
            follow_ups=self.follow_ups,
            audit=AccessAudit(self.aws.table, self.clock),
            clock=self.clock,
        )


_services: Services | None = None


def services() -> Services:
    """The process's services, built on first use (never at import: cheap cold starts, moto-friendly tests)."""
    global _services
    if _services is None:
        _services = Services()
    return _services


def use_services(replacement: Services | None) -> None:
    """Swap the services (tests); None rebuilds them from the environment on next use."""
    global _services
    _services = replacement
