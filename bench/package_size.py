"""Package size: the deployment zip `make package` builds, in MB."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))


def run() -> list[dict]:
    from infra.package import package

    with tempfile.TemporaryDirectory() as out:
        # The zip is the same for every stage; dev is the one that packages the shipped example values.
        zip_path = package("dev", Path(out) / "dev", warn=lambda line: None)
        size = zip_path.stat().st_size / 1e6
    return [
        {
            "figure": "deployment zip (any stage; built for dev)",
            "value": f"{size:.2f} MB",
            "goal": "<= 5 MB",
            "met": size <= 5,
        }
    ]


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
