"""What one letter's journey writes, in DynamoDB write units, flow by flow: counted, not timed.

bench/letter_cost.py takes one letter through the app in moto (submit, the confirmation email's send, confirm, the
worker's send, SES's Delivery event, and what housekeeping does for it later) and counts each write's units from
the item before and after it, as DynamoDB bills them. Write units are most of the non-SES cost per letter
(bench/NOTES.md), so a change that adds some must change these figures on purpose, and NOTES with them.
`python bench/letter_cost.py --writes` lists every write.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]

# Before issue 18's cuts (measured the same way): submit 30, confirmation email 7, confirm 23, deliver 34,
# SES Delivery event 16, housekeeping later 71 (its question and reminder sent): 181.
WRITE_UNITS = {
    "submit": 24,
    "confirmation email": 4,
    "confirm": 18,
    "deliver": 30,
    "SES Delivery event": 12,
    "housekeeping, later": 38,
}


def test_one_letters_journey_writes_no_more_units_than_measured():
    done = subprocess.run(
        [sys.executable, str(PROJECT_DIR / "bench" / "letter_cost.py")],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    journey = json.loads(done.stdout)[0]["data"]
    assert journey["write_units"] == WRITE_UNITS
