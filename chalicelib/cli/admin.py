"""The organisers' admin CLI: tokens, exports, the reveal audit, resending failed letters, suppressions, feedback.

    python -m chalicelib.cli.admin token create --campaign SLUG [--campaign SLUG2 | --all] --label NAME [--expires 30d]
                                      [--role viewer|editor|owner]
    python -m chalicelib.cli.admin token list
    python -m chalicelib.cli.admin token revoke TOKEN_ID
    python -m chalicelib.cli.admin organiser add EMAIL --campaign SLUG [--campaign SLUG2 | --all] --role ROLE
    python -m chalicelib.cli.admin organiser list
    python -m chalicelib.cli.admin organiser remove EMAIL
    python -m chalicelib.cli.admin partner-link --campaign SLUG --partner CODE
    python -m chalicelib.cli.admin export --campaign SLUG [--country KE] [--status sent] [--partner CODE]
                                      [--from 2026-11-01] [--to 2026-11-30] [--reveal] [--output FILE]
    python -m chalicelib.cli.admin audit --campaign SLUG
    python -m chalicelib.cli.admin resend --campaign SLUG --reason TEXT LETTER_ID [LETTER_ID …]
    python -m chalicelib.cli.admin unsuppress --campaign SLUG EMAIL
    python -m chalicelib.cli.admin replay-feedback
    python -m chalicelib.cli.admin signatories|approve|reject|send|sends|cancel-send|digests|replies --campaign SLUG …
                                      (a campaign's outcomes: see chalicelib/cli/outcomes.py)

Which AWS it talks to: --endpoint URL if given; else a running `make run` stack (found through its state
file, see local_endpoint.py) unless --aws or --stage; else the AWS of your environment (profile, region,
credentials). --stage prod names the table, queues and bucket from infra/stages/prod.json.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import Any, Sequence, TextIO

from chalicelib.cli.outcomes import COMMANDS as OUTCOME_COMMANDS
from chalicelib.cli.outcomes import add_commands as add_outcome_commands
from chalicelib.cli.outcomes import run as run_outcome_command
from chalicelib.cli.running_stack import add_aws_options, connect
from chalicelib.console.roles import ROLES
from chalicelib.errors import DemarcheError, InvalidField


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m chalicelib.cli.admin", description=__doc__.split("\n\n")[0])
    add_aws_options(root)
    commands = root.add_subparsers(dest="command", required=True)

    token = commands.add_parser("token", help="organiser tokens").add_subparsers(dest="action", required=True)
    create = token.add_parser("create", help="create a token and print it (once)")
    create.add_argument("--label", required=True, help="who holds the token, e.g. 'Amina (PEN Kenya)'")
    create.add_argument("--campaign", action="append", default=[], metavar="SLUG", help="a campaign it covers (repeat)")
    create.add_argument("--all", action="store_true", help="cover every campaign, present and future")
    create.add_argument("--expires", help="a date (works until the end of that UTC day) or a duration: 30d, 12h")
    create.add_argument("--role", default="owner", choices=ROLES, help="its role on those campaigns (default: owner)")
    token.add_parser("list", help="every token: id, label, campaigns, role, state")
    revoke = token.add_parser("revoke", help="stop a token working, at once")
    revoke.add_argument("token_id")

    organiser = commands.add_parser("organiser", help="people who sign in to the console with their email")
    members = organiser.add_subparsers(dest="action", required=True)
    add = members.add_parser("add", help="give EMAIL a role on campaigns (they sign in at /admin with it)")
    add.add_argument("email")
    add.add_argument("--campaign", action="append", default=[], metavar="SLUG", help="a campaign (repeat)")
    add.add_argument("--all", action="store_true", help="every campaign, present and future")
    add.add_argument("--role", required=True, choices=ROLES, help="viewer reads, editor acts, owner also reveals")
    members.add_parser("list", help="every organiser and their roles")
    remove = members.add_parser("remove", help="take every role from EMAIL; their sessions stop at once")
    remove.add_argument("email")

    partner = commands.add_parser("partner-link", help="the read-only results page of one partner code")
    partner.add_argument("--campaign", required=True, metavar="SLUG")
    partner.add_argument("--partner", required=True, metavar="CODE")

    export = commands.add_parser("export", help="a campaign's letters as CSV, with a progress bar")
    export.add_argument("--campaign", required=True, metavar="SLUG")
    for name in ("country", "status", "partner", "from", "to"):
        export.add_argument(f"--{name}", dest=f"filter_{name}")
    export.add_argument("--reveal", action="store_true", help="full names and emails (recorded in the audit)")
    export.add_argument("--output", "-o", type=Path, help="the CSV file (default: <campaign>-letters.csv)")

    audit = commands.add_parser("audit", help="who revealed personal data in a campaign, newest first")
    audit.add_argument("--campaign", required=True, metavar="SLUG")

    resend = commands.add_parser("resend", help="queue failed letters again, deliberately (only `failed` ones)")
    resend.add_argument("--campaign", required=True, metavar="SLUG")
    resend.add_argument("--reason", required=True, help="why they may go now, kept on each letter")
    resend.add_argument("letter_ids", nargs="+", metavar="LETTER_ID")
    unsuppress = commands.add_parser(
        "unsuppress", help="let a recipient who complained get the campaign's letters again"
    )
    unsuppress.add_argument("--campaign", required=True, metavar="SLUG")
    unsuppress.add_argument("email", metavar="EMAIL", help="the recipient's address (any case)")
    commands.add_parser(
        "replay-feedback", help="apply the SES events on_ses_feedback could not (its dead-letter queue)"
    )
    add_outcome_commands(commands)  # signatories, approve, send, digests, replies... (chalicelib/cli/outcomes.py)
    return root


class ProgressBar:
    """A one-line bar on a terminal; a line every tenth of the way otherwise (logs, CI)."""

    def __init__(self, total: int, out: TextIO, width: int = 30) -> None:
        self.total, self.out, self.width, self._shown = max(total, 0), out, width, -1

    def update(self, done: int) -> None:
        share = min(done / self.total, 1.0) if self.total else 1.0
        if self.out.isatty():
            filled = int(share * self.width)
            self.out.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {done:,} / ~{self.total:,} letters")
            self.out.flush()
        elif int(share * 10) > self._shown:
            self._shown = int(share * 10)
            print(f"{done:,} / ~{self.total:,} letters", file=self.out)

    def finish(self, done: int) -> None:
        if self.out.isatty():
            self.out.write("\n")
        print(f"{done:,} letters exported.", file=self.out)


def campaigns_named(args: argparse.Namespace, services: Any) -> list[str]:
    """--campaign SLUG (each one known) or --all, never both."""
    from chalicelib.console.tokens import ALL

    if args.all == bool(args.campaign):
        raise InvalidField("campaign", "Give --campaign SLUG (one or more) or --all, not both.")
    for slug in args.campaign:
        services.campaigns.get(slug)  # NotFound names an unknown campaign
    return [ALL] if args.all else args.campaign


def token_command(args: argparse.Namespace, services: Any, out: TextIO, err: TextIO) -> None:
    from chalicelib.console.tokens import parse_expiry

    tokens = services.organiser_tokens
    if args.action == "create":
        campaigns = campaigns_named(args, services)
        expires = parse_expiry(args.expires, services.clock()) if args.expires else None
        token, record = tokens.create(args.label, campaigns, expires, role=args.role)
        print(
            f"Token {record.token_id} for {record.label!r}; campaigns: {', '.join(record.campaigns)}; "
            f"role: {record.role}; expires: {record.expires or 'never'}. It is shown only now: keep it safe.",
            file=err,
        )
        print(token, file=out)
    elif args.action == "list":
        now = services.clock()
        rows = [
            (r.token_id, r.state(now), ",".join(r.campaigns), r.role, r.expires or "-", r.created_at, r.label)
            for r in tokens.list()
        ]
        print("\t".join(("id", "state", "campaigns", "role", "expires", "created", "label")), file=out)
        for row in rows:
            print("\t".join(row), file=out)
    else:
        record = tokens.revoke(args.token_id)
        print(f"Token {record.token_id} ({record.label}) is revoked since {record.revoked_at}.", file=out)


def organiser_command(args: argparse.Namespace, services: Any, out: TextIO) -> None:
    from chalicelib.console.members import roles_label

    members = services.members
    if args.action == "add":
        member = members.grant(args.email, campaigns_named(args, services), args.role)
        print(f"{member.email} can sign in at /admin; roles: {roles_label(member)}.", file=out)
    elif args.action == "list":
        print("email\troles\tadded", file=out)
        for member in members.list():
            print(f"{member.email}\t{roles_label(member)}\t{member.added_at}", file=out)
    else:
        members.remove(args.email)
        print(f"{args.email} is no longer an organiser; their sessions stop at their next request.", file=out)


def export_command(args: argparse.Namespace, services: Any, out: TextIO, err: TextIO) -> None:
    from chalicelib.console.access_audit import AccessAudit
    from chalicelib.console.csv_export import export_rows, write_csv
    from chalicelib.console.letter_queries import LetterQueries, parse_filter
    from chalicelib.console.letter_rows import country_names
    from chalicelib.letters.counters import read_stats

    campaign = services.campaigns.get(args.campaign)
    params = {
        name: value
        for name in ("country", "status", "partner", "from", "to")
        if (value := getattr(args, f"filter_{name}"))
    }
    filters = parse_filter(params, services.directory)
    table = services.aws.table
    if args.reveal:
        AccessAudit(table, services.clock).record(
            campaign.slug, actor=f"cli {getpass.getuser()}", action="reveal_export", filters=filters.as_dict()
        )
    stats = read_stats(table, campaign.slug)
    days = (filters.since or "0000", filters.until or "9999") if (filters.since or filters.until) else None
    bar = ProgressBar(
        stats.upper_bound(status=filters.status, country=filters.country, partner=filters.partner, days=days), err
    )
    path = args.output or Path(f"{campaign.slug}-letters.csv")
    with path.open("w", encoding="utf-8", newline="") as csv_file:
        rows = export_rows(
            LetterQueries(table), campaign.slug, filters, country_names(services.directory), reveal=args.reveal
        )
        count = write_csv(rows, csv_file, progress=bar.update)
    bar.finish(count)
    print(path, file=out)


def audit_command(args: argparse.Namespace, services: Any, out: TextIO) -> None:
    from chalicelib.console.access_audit import AccessAudit

    campaign = services.campaigns.get(args.campaign)
    for record in AccessAudit(services.aws.table, services.clock).recent(campaign.slug):
        print(json.dumps(record, default=str, ensure_ascii=False), file=out)


def resend_command(args: argparse.Namespace, services: Any, out: TextIO, err: TextIO) -> int:
    """Resend each letter named; every refusal is named, the others go. 2 if any was refused."""
    from chalicelib.letters.resend import resend

    campaign = services.campaigns.get(args.campaign)
    refused = 0
    for letter_id in args.letter_ids:
        try:
            resend(services.letters, services.schedule, services.clock, campaign.slug, letter_id, args.reason)
        except DemarcheError as exc:
            print(f"error: {exc.message}", file=err)
            refused += 1
        else:
            print(f"{letter_id} queued again (it goes at the next release, within a minute)", file=out)
    return 2 if refused else 0


def unsuppress_command(args: argparse.Namespace, services: Any, out: TextIO) -> int:
    """Lift one recipient's complaint suppression in one campaign. 1 if there was none to lift."""
    campaign = services.campaigns.get(args.campaign)
    if services.suppressions.lift(campaign.slug, args.email):
        print(f"Suppression lifted: {campaign.slug} may write to that address again.", file=out)
        return 0
    print(f"That address is not suppressed in {campaign.slug}: nothing was lifted.", file=out)
    return 1


def replay_feedback_command(services: Any, out: TextIO, err: TextIO) -> int:
    """Apply each SES event kept in the feedback dead-letter queue, deleting it once applied. 1 if any failed."""
    from chalicelib.feedback.replay import replay_dead_letters

    replayed, failed = replay_dead_letters(
        services.aws.sqs, services.settings.feedback_dead_letter_queue_name, services.feedback
    )
    print(f"{replayed} replayed, {failed} still failing (kept in the queue; try again later)", file=out)
    return 1 if failed else 0


def main(
    argv: Sequence[str] | None = None, out: TextIO = sys.stdout, err: TextIO = sys.stderr, *, services: Any = None
) -> int:
    """Run one admin command; `services` (clock, table, mailer) defaults to the environment's, tests pass theirs."""
    args = parser().parse_args(argv)
    connect(args, err)
    from botocore.exceptions import BotoCoreError, ClientError

    if services is None:
        from chalicelib.services import Services

        services = Services()
    try:
        if args.command == "replay-feedback":
            return replay_feedback_command(services, out, err)
        if args.command == "resend":
            return resend_command(args, services, out, err)
        if args.command == "unsuppress":
            return unsuppress_command(args, services, out)
        if args.command == "token":
            token_command(args, services, out, err)
        elif args.command == "organiser":
            organiser_command(args, services, out)
        elif args.command == "partner-link":
            path = services.partner_results.link_path(services.campaigns.get(args.campaign), args.partner)
            print(services.settings.public_base_url + path, file=out)
        elif args.command == "export":
            export_command(args, services, out, err)
        elif args.command in OUTCOME_COMMANDS:
            run_outcome_command(args, services, out)
        else:
            audit_command(args, services, out)
    except DemarcheError as exc:
        print(f"error: {exc.message}", file=err)
        return 2
    except (BotoCoreError, ClientError) as exc:  # no credentials, wrong region, no table: say so, plainly
        print(f"error: AWS refused or could not be reached: {exc}", file=err)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
