"""CI's second run: with CLOCK_AHEAD_DAYS set and this folder on PYTHONPATH, every Python process of the suite
(pytest, `make run`'s server, the CLIs and benchmarks it starts) begins that many days in the future, its clock
running on from there. Only the calendar moves (time-machine): monotonic timers and sleeps are untouched.

`.ci/run` uses it to prove that no test depends on today's date. Nothing outside the tests imports it.
"""

import os

_days = os.environ.get("CLOCK_AHEAD_DAYS")
if _days:
    import datetime as _dt

    import time_machine as _time_machine

    _time_machine.travel(_dt.datetime.now(_dt.timezone.utc) + _dt.timedelta(days=int(_days)), tick=True).start()
