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
    from chalicelib.campaigns.live import LiveCampaigns
    from chalicelib.campaigns.store import CampaignStore
    from chalicelib.console.campaign_editor import CampaignEditor

    # the organiser side, imported only when an organiser asks
    from chalicelib.console.directory_console import DirectoryConsole
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
    from chalicelib.directory.overrides import StoredOverrides
    from chalicelib.feedback.follow_ups import FollowUps
    from chalicelib.feedback.ses_events import Feedback
    from chalicelib.front_door.decoys import Decoys
    from chalicelib.front_door.door import FrontDoor
    from chalicelib.front_door.screening import Screening
    from chalicelib.housekeeping import Housekeeping
    from chalicelib.letters.confirmation import Confirmations
    from chalicelib.letters.forgetting import Forgetting
    from chalicelib.letters.log import LetterLog
    from chalicelib.letters.public_count import PublicCounts
    from chalicelib.letters.queue import LetterQueue
    from chalicelib.letters.schedule import LetterSchedule
    from chalicelib.letters.stats_rollup import StatsRollup
    from chalicelib.mail.mail_queue import MailQueue
    from chalicelib.mail.mail_sender import MailSender
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
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """`monotonic` times the in-process snapshots (health, overrides): a simulation passes its own clock's."""
        self.settings = settings or Settings.from_env()
        self.clock, self.sleep, self.monotonic = clock, sleep, monotonic

    @cached_property
    def aws(self) -> "AwsClients":
        from chalicelib.aws import AwsClients

        return AwsClients(self.settings)

    @cached_property
    def campaigns(self) -> "LiveCampaigns":
        """The campaign files, overlaid by versions published in the console (read again every 30 s)."""
        from chalicelib.campaigns import catalogue
        from chalicelib.campaigns.live import LiveCampaigns

        return LiveCampaigns(lambda: catalogue.default_campaigns(), self.campaign_store, self.clock)

    @cached_property
    def campaign_store(self) -> "CampaignStore":
        from chalicelib.campaigns.store import CampaignStore

        return CampaignStore(self.aws.table)

    @cached_property
    def campaign_editor(self) -> "CampaignEditor":
        from chalicelib.console.campaign_editor import CampaignEditor

        return CampaignEditor(self.campaign_store, self.campaigns, self.directory, self.mailer, self.clock)

    @cached_property
    def directory(self) -> "Directory":
        """The shared files, with the organisers' stored corrections applied (read once a minute at most)."""
        from chalicelib.directory import default_directory

        return default_directory().with_stored(
            lambda target_set, alpha2: self.stored_overrides.cells(target_set, alpha2)
        )

    @cached_property
    def stored_overrides(self) -> "StoredOverrides":
        """Kept for the life of the process, like `health`: its snapshot spares each letter a read."""
        from chalicelib.directory import default_directory
        from chalicelib.directory.overrides import StoredOverrides

        return StoredOverrides(self.aws.table, self.clock, default_directory(), monotonic=self.monotonic)

    @cached_property
    def signer(self) -> "Signer":
        from chalicelib.signing import Signer

        # read on first use, once per container: a function that never signs or hashes never reads the secret
        return Signer(lambda: self.settings.secret_bytes(lambda secret_id: self.aws.secret_string(secret_id)))

    @cached_property
    def letters(self) -> "LetterLog":
        from chalicelib.letters.log import LetterLog

        return LetterLog(self.aws.table, self.clock)

    @cached_property
    def public_counts(self) -> "PublicCounts":
        """Kept for the life of the process: the counter after confirming costs a read a minute, not one a page."""
        from chalicelib.letters.public_count import PublicCounts

        return PublicCounts(self.aws.table, self.clock)

    @cached_property
    def health(self) -> "TargetHealth":
        """Kept for the life of the process, so its snapshot of failing targets spares page views a read."""
        from chalicelib.directory.health import TargetHealth

        return TargetHealth(self.aws.table, monotonic=self.monotonic)

    @cached_property
    def queue(self) -> "LetterQueue":
        from chalicelib.letters.queue import LetterQueue

        return LetterQueue(self.aws.sqs, self.aws.queue_url)

    @cached_property
    def mailer(self) -> "Mailer":
        """SES itself: letters to targets and organisers' alerts. Supporters' email goes through `mail_queue`."""
        from chalicelib.mail.mailer import Mailer

        return Mailer(self.aws.sesv2, self.settings.configuration_set)

    @cached_property
    def mail_queue(self) -> "MailQueue":
        """Every email to a supporter goes through this queue: the request that asks for one never waits for SES."""
        from chalicelib.mail.mail_queue import MailQueue

        return MailQueue(self.aws.table, self.aws.sqs, lambda: self.aws.mail_queue_url, self.clock)

    @cached_property
    def mail_sender(self) -> "MailSender":
        from chalicelib.mail.mail_sender import MailSender

        return MailSender(
            self.aws.table,
            self.mailer,
            self.send_rate,
            self.mail_queue,
            self.clock,
            on_give_up=lambda letter_id, reason: self.confirmations.undeliverable(letter_id, reason),
        )

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
            digests=lambda: self.digests,  # built only when a letter overflows: the worker's cold start skips it
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
            self.mail_queue,
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

        return FollowUps(self.aws.table, self.letters, self.mail_queue, self.campaigns, self.signer, self.clock)

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
            mailer=self.mail_queue,
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
            decoys=self.decoys,
        )

    @cached_property
    def decoys(self) -> "Decoys":
        from chalicelib.front_door.decoys import Decoys

        return Decoys(self.aws.table, self.clock)

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
            rollup=self.stats_rollup,
            clock=self.clock,
        )

    @cached_property
    def directory_console(self) -> "DirectoryConsole":
        from chalicelib.console.directory_console import DirectoryConsole

        return DirectoryConsole(
            campaigns=self.campaigns,
            directory=self.directory,
            overrides=self.stored_overrides,
            is_failing=self.health.is_failing,
        )

    @cached_property
    def stats_rollup(self) -> "StatsRollup":
        from chalicelib.letters.stats_rollup import StatsRollup

        return StatsRollup(self.aws.table, self.clock, failing=self.health.all_failing)

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
