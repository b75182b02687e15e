"""`python -m chalicelib.cli.reputation status|resume SLUG`: a campaign's reputation guard, for organisers.

`status` shows the last 24 hours' sends, hard bounces and complaints; `resume` lifts a pause and queues the
waiting letters again (see chalicelib/delivery/reputation.py).
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from chalicelib.cli.running_stack import add_aws_options, connect
from chalicelib.delivery.reputation import resume_sending


def main(argv: list[str] | None = None, *, services: Any = None) -> int:
    """Run the command; `services` (clock, table, queue) defaults to the environment's, tests pass theirs."""
    parser = argparse.ArgumentParser(prog="python -m chalicelib.cli.reputation", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=("status", "resume"))
    parser.add_argument("campaign")
    add_aws_options(parser)
    args = parser.parse_args(argv)
    connect(args, sys.stderr)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("botocore").setLevel(logging.WARNING)  # not "Found credentials in environment variables"
    from chalicelib.errors import DemarcheError

    if services is None:
        from chalicelib.services import Services

        services = Services()
    try:
        services.campaigns.get(args.campaign)
    except DemarcheError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    guard = services.reputation
    if args.command == "resume":
        released = resume_sending(args.campaign, guard, services.schedule, services.queue)
        print(f"{args.campaign}: sending resumed; {released} waiting letters queued again")
    state, rates = guard.state(args.campaign), guard.rates(args.campaign)
    print(
        f"{args.campaign}: {'PAUSED since ' + state.since + ' — ' + state.reason if state.paused else 'sending'}; "
        f"last 24 h: {rates.sent} sent, {rates.bounced} hard bounces, {rates.complained} complaints"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
