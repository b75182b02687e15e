"""How another process (the admin CLI) finds a running `make run` stack: a small state file, removed on exit.

The file holds the environment that points boto3 at the local AWS stand-in (its endpoint, dummy credentials,
table and queue names) and the API's address. It lives in .localdev/ (git-ignored) unless
DEMARCHE_LOCAL_STATE names another path. Nothing here is used in Lambda.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parents[2]


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
