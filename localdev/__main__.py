"""`make run`: an embedded AWS stand-in on loopback, the API on http://127.0.0.1:$PORT, and the queue drained."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def _moment(text: str):
    from chalicelib.clock import parse_moment

    try:
        return parse_moment(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m localdev", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument(
        "--now",
        metavar="MOMENT",
        type=_moment,
        help="run as if it were this UTC moment (e.g. 2026-11-26T10:00:00Z), the clock running on "
        "from there; default: the real time. Tests use it so they never depend on today's date",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    for chatty in ("werkzeug", "botocore"):  # the AWS stand-in logs every poll of the queues: keep the token readable
        logging.getLogger(chatty).setLevel(logging.WARNING)

    from chalicelib.clock import running_from, utc_now

    from .local_stack import LOCAL_ORGANISER, LocalStack

    stack = LocalStack(PROJECT_DIR, clock=running_from(args.now) if args.now else utc_now)
    stack.start()
    server = stack.api_server(args.host, args.port)
    print(f"Démarche is running on http://{args.host}:{args.port}  (AWS stand-in: {stack.endpoint})", flush=True)
    print(f"  form:   http://{args.host}:{args.port}/campaigns/hrd-resolution/form", flush=True)
    print(f"  outbox: http://{args.host}:{args.port}/dev/outbox", flush=True)
    print(
        f"  organisers: http://{args.host}:{args.port}/admin  with the token (every campaign; also at "
        f"/dev/organiser-token):",
        flush=True,
    )
    print(f"    {stack.organiser_token}", flush=True)
    print(f"    or sign in as {LOCAL_ORGANISER}: the link arrives in the outbox", flush=True)
    print(
        "  admin CLI (uses this stack while it runs): .venv/bin/python -m chalicelib.cli.admin token list", flush=True
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
