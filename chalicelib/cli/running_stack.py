"""How another process (the CLIs) finds a running `make run` stack: a small state file, removed on exit.

The file holds the environment that points boto3 at the local AWS stand-in (its endpoint, dummy credentials,
table and queue names) and the API's address. It lives in .localdev/ (git-ignored) unless
DEMARCHE_LOCAL_STATE names another path. Nothing here is used in Lambda.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any, TextIO

PROJECT_DIR = Path(__file__).resolve().parents[2]
LOCAL_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"}


def state_path() -> Path:
    return Path(os.environ.get("DEMARCHE_LOCAL_STATE") or PROJECT_DIR / ".localdev" / "state.json")


def write_state(*, api: str, env: dict[str, str]) -> Path:
    path = state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"pid": os.getpid(), "api": api, "env": env}, indent=2), encoding="utf-8")
    return path


def remove_state() -> None:
    path = state_path()
    try:
        if json.loads(path.read_text(encoding="utf-8")).get("pid") == os.getpid():
            path.unlink()
    except (OSError, ValueError):
        pass


def running_stack() -> dict[str, Any] | None:
    """The state of a local stack whose process is still alive, else None."""
    try:
        state = json.loads(state_path().read_text(encoding="utf-8"))
        os.kill(int(state["pid"]), 0)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return state


def add_aws_options(parser: argparse.ArgumentParser) -> None:
    """--endpoint URL or --aws: which AWS a command talks to (default: a running `make run`, else your AWS)."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--endpoint", help="an AWS endpoint URL, e.g. a local stand-in")
    where.add_argument("--aws", action="store_true", help="use your environment's AWS even if `make run` is running")


def connect(args: argparse.Namespace, err: TextIO) -> None:
    """Point boto3 (through the environment) at the AWS this command should use: --endpoint if given; else a
    running `make run` stack unless --aws; else the AWS of your environment (profile, region, credentials)."""
    if args.endpoint:
        os.environ["AWS_ENDPOINT_URL"] = args.endpoint
        for name, value in LOCAL_CREDENTIALS.items():
            os.environ.setdefault(name, value)
        return
    stack = None if args.aws else running_stack()
    if stack:
        os.environ.update(stack["env"])
        print(f"(using the local stack of `make run` at {stack['api']}; --aws to use AWS instead)", file=err)
