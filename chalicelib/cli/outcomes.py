"""The admin CLI's commands for a campaign's outcomes (they run as `python -m chalicelib.cli.admin COMMAND`):

    signatories --campaign SLUG [--reveal]            who signed a sign-on letter, and their state
    approve | reject --campaign SLUG SIGNATORY_ID...  decide on confirmed signatories
    send --campaign SLUG --set SET [--at TIME] --yes-send-to N
                                                      schedule the sign-on letter (TIME: ISO 8601 with a zone; default
                                                      now); N, the number of targets, confirms a send to more than 10;
                                                      SET "fixed" is the campaign's fixed target (one letter)
    signed-letter --campaign SLUG [--lang L] [--html FILE] [--pdf FILE] [--publish | --unpublish]
                                                      the signed letter as a print-ready page and a PDF (Chromium)
    hand-delivery --campaign SLUG [--set SET --country CC] --method by_hand|by_post|contact_form --date YYYY-MM-DD
                  [--note TEXT]                       record a letter delivered another way (no email address)
    sends --campaign SLUG                             the sign-on sends and their progress
    cancel-send --campaign SLUG SEND_ID               cancel a send that has not started
    digests --campaign SLUG [--now]                   a digest campaign's latest digests; --now sends the coming ones
    replies --campaign SLUG                           "did they reply?": per-target figures and pasted replies

The CLI acts for every campaign (it holds AWS credentials, not a token); decisions and reveals name the user.
"""

from __future__ import annotations

import argparse
import getpass
import json
from pathlib import Path
from typing import Any, TextIO

from chalicelib.directory import DIRECTORY_SETS

COMMANDS = (
    "signatories",
    "approve",
    "reject",
    "send",
    "sends",
    "cancel-send",
    "digests",
    "replies",
    "signed-letter",
    "hand-delivery",
)


def add_commands(commands: Any) -> None:
    """Add the outcome commands to the admin CLI's subparsers."""

    def command(name: str, text: str) -> argparse.ArgumentParser:
        parser = commands.add_parser(name, help=text)
        parser.add_argument("--campaign", required=True, metavar="SLUG")
        return parser

    command("signatories", "a sign-on letter's signatories").add_argument(
        "--reveal", action="store_true", help="contact names and emails (recorded in the audit)"
    )
    for name in ("approve", "reject"):
        command(name, f"{name} confirmed signatories").add_argument("signatory_id", nargs="+")
    send = command("send", "schedule the sign-on letter to every target in a set")
    send.add_argument("--set", dest="target_set", required=True, choices=(*DIRECTORY_SETS, "fixed"))
    send.add_argument("--at", default="now", help="ISO 8601 with a zone, e.g. 2026-12-01T09:00:00Z (default: now)")
    send.add_argument(
        "--yes-send-to", type=int, metavar="N", help="the number of targets, to confirm a send to more than 10"
    )
    command("sends", "the sign-on sends and their progress")
    command("cancel-send", "cancel a scheduled send").add_argument("send_id")
    command("digests", "the latest digests").add_argument(
        "--now", action="store_true", help="send the coming digests now"
    )
    command("replies", "per-target responsiveness and the replies supporters pasted")
    letter = command("signed-letter", "the signed letter as a print-ready page (--html) and a PDF (--pdf)")
    letter.add_argument("--lang", default="", help="one of the campaign's languages (default: its first)")
    letter.add_argument("--html", type=Path, metavar="FILE", help="write the page there")
    letter.add_argument("--pdf", type=Path, metavar="FILE", help="print it to a PDF there (needs Chromium)")
    letter.add_argument("--chromium", metavar="PATH", help="the Chromium to print with (default: found on PATH)")
    shown = letter.add_mutually_exclusive_group()
    shown.add_argument("--publish", action="store_true", help="show it at /campaigns/SLUG/signed-letter")
    shown.add_argument("--unpublish", action="store_true", help="take it down from there")
    hand = command("hand-delivery", "record that the letter reached a target another way")
    hand.add_argument("--set", dest="target_set", default="", help="the target set (default: the fixed target)")
    hand.add_argument("--country", default="", help="the target's country, for a target set (e.g. KE)")
    hand.add_argument("--method", required=True, help="by_hand, by_post or contact_form")
    hand.add_argument("--date", required=True, help="the day it was delivered, YYYY-MM-DD (not in the future)")
    hand.add_argument("--note", default="", help="who received it, a reference…")


def run(args: argparse.Namespace, services: Any, out: TextIO) -> None:
    from chalicelib.console.tokens import ALL, Organiser

    console, slug = services.outcomes, args.campaign
    organiser = Organiser(token_id="cli", label=f"cli {getpass.getuser()}", campaigns=(ALL,))
    if args.command == "signatories":
        rows = console.signatories(organiser, slug, {"reveal": "1" if args.reveal else ""})["signatories"]
        _table(
            out,
            ("id", "status", "organisation", "country", "contact", "signed"),
            [
                (
                    s["signatory_id"],
                    s["status"],
                    s["organisation"],
                    s["country"],
                    f"{s['contact_name']} <{s['contact_email']}>",
                    s["signed_at"],
                )
                for s in rows
            ],
        )
    elif args.command in ("approve", "reject"):
        for signatory_id in args.signatory_id:
            decided = console.decide(organiser, slug, signatory_id, args.command)
            print(f"{decided['organisation']} ({decided['country']}): {decided['status']}", file=out)
    elif args.command == "send":
        from chalicelib.errors import CountNotConfirmed

        body = {"target_set": args.target_set, "send_at": args.at, "confirm_count": args.yes_send_to}
        try:
            scheduled = console.schedule_send(organiser, slug, body)
        except CountNotConfirmed as unconfirmed:
            raise CountNotConfirmed(
                f"This sends the letter to {unconfirmed.count} targets ({args.target_set}): "
                f"add --yes-send-to {unconfirmed.count} to confirm.",
                count=unconfirmed.count,
            ) from None
        print(json.dumps(scheduled, ensure_ascii=False), file=out)
    elif args.command == "signed-letter":
        signed_letter_command(args, console, organiser, out)
    elif args.command == "hand-delivery":
        body = {
            "target_set": args.target_set,
            "country": args.country,
            "method": args.method,
            "date": args.date,
            "note": args.note,
        }
        print(json.dumps(console.record_hand_delivery(organiser, slug, body), ensure_ascii=False), file=out)
    elif args.command == "sends":
        for send in console.outcomes(organiser, slug).get("sends", []):
            print(json.dumps(send, ensure_ascii=False), file=out)
    elif args.command == "cancel-send":
        print(json.dumps(console.cancel_send(organiser, slug, args.send_id), ensure_ascii=False), file=out)
    elif args.command == "digests":
        if args.now:
            print(
                f"{console.send_digests_now(organiser, slug)['brought_forward']} digest(s) will go at the next "
                "housekeeping run.",
                file=out,
            )
        for digest in console.outcomes(organiser, slug).get("digests", []):
            print(json.dumps(digest, ensure_ascii=False), file=out)
    else:
        view = console.outcomes(organiser, slug)
        _table(
            out,
            ("target", "asked", "answered", "replied", "no reply", "not yet", "rate"),
            [
                (
                    r["target_name"],
                    r["asked"],
                    r["answered"],
                    r["replied"],
                    r["no_reply"],
                    r["not_yet"],
                    "-" if r["rate"] is None else f"{r['rate']:.0%}",
                )
                for r in view.get("responsiveness", [])
            ],
        )
        for reply in view.get("replies", []):
            print(json.dumps(reply, ensure_ascii=False), file=out)


def signed_letter_command(args: argparse.Namespace, console: Any, organiser: Any, out: TextIO) -> None:
    from chalicelib.web.sign_on_pages import signed_letter_page

    if args.publish or args.unpublish:
        shown = console.publish_letter(organiser, args.campaign, {"published": bool(args.publish)})
        print(f"published: {str(shown['published']).lower()}", file=out)
    document = console.signed_letter(organiser, args.campaign, args.lang)
    page = signed_letter_page(document)
    state = f"sent {document.date}" if document.sent else f"draft of {document.date}"
    print(f"{document.language}: {len(document.signatories)} signatories, {state}", file=out)
    if args.html:
        args.html.write_text(page, encoding="utf-8")
        print(f"page: {args.html}", file=out)
    if args.pdf:
        from chalicelib.cli.pdf_printing import print_pdf

        print(f"pdf: {print_pdf(page, args.pdf, chromium=args.chromium)}", file=out)


def _table(out: TextIO, header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    print("\t".join(header), file=out)
    for row in rows:
        print("\t".join(str(value) for value in row), file=out)
