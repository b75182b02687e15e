"""The dashboard's charts as SVG, drawn on the server: no chart library, nothing fetched from elsewhere.

This module does the arithmetic (scales, bars, ticks); templates/admin/*.svg do the markup, autoescaped.
Every bar carries data-* attributes and a <title>, so people (tooltips, screen readers) and tests can read
the exact numbers.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from chalicelib.rendering import render

# Stacking order, bottom up, and colours (Okabe-Ito, readable with colour blindness; problems warm, progress cool).
STATUS_COLOURS = {
    "delivered": "#00573f",
    "delayed": "#f0e442",
    "sent": "#009e73",
    "sending": "#0072b2",
    "queued": "#56b4e9",
    "pending_confirmation": "#b0b0b0",
    "expired": "#6b6b6b",
    "complained": "#cc79a7",
    "bounced": "#e69f00",
    "failed": "#d55e00",
    "awaiting_digest": "#a6cee3",
    "in_digest": "#3f8f7f",
    "delivered_by_hand": "#1b7837",
}
WIDTH = 400
DAILY_PLOT = (34, 10, 392, 170)  # left, top, right, bottom of the plot area
MAX_DAYS = 90
TOP_COUNTRIES = 15
BAR_ROW = 22


@dataclass(frozen=True)
class Segment:
    x: float
    y: float
    width: float
    height: float
    day: str
    status: str
    count: int
    colour: str


def nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5 x 10^k at or above value (an axis maximum people can read)."""
    if value <= 1:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    return next(step * magnitude for step in (1, 2, 5, 10) if step * magnitude >= value)


def day_range(days: list[str]) -> list[str]:
    """Every day from the first to the last with letters, at most the last MAX_DAYS."""
    if not days:
        return []
    first, last = dt.date.fromisoformat(min(days)), dt.date.fromisoformat(max(days))
    first = max(first, last - dt.timedelta(days=MAX_DAYS - 1))
    return [(first + dt.timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]


def daily_chart(by_day: dict[str, dict[str, int]]) -> str:
    """Stacked bars: letters written each day, by their status now."""
    days = day_range(list(by_day))
    left, top, right, bottom = DAILY_PLOT
    peak = nice_ceiling(max((sum(by_day.get(d, {}).values()) for d in days), default=0))
    slot = (right - left) / max(len(days), 1)
    scale = (bottom - top) / peak
    segments = []
    for i, day in enumerate(days):
        y = float(bottom)
        for status, colour in STATUS_COLOURS.items():
            count = by_day.get(day, {}).get(status, 0)
            if count:
                height = count * scale
                y -= height
                segments.append(
                    Segment(
                        round(left + i * slot + slot * 0.1, 2),
                        round(y, 2),
                        round(slot * 0.8, 2),
                        round(height, 2),
                        day,
                        status,
                        count,
                        colour,
                    )
                )
    every = max(1, math.ceil(len(days) / 6))
    x_ticks = [(round(left + (i + 0.5) * slot, 2), day[5:]) for i, day in enumerate(days) if i % every == 0]
    y_ticks = [
        (round(bottom - (bottom - top) * f, 2), round(peak * f)) for f in (0, 0.5, 1) if peak * f == int(peak * f)
    ]  # no half-letter ticks
    present = [s for s in STATUS_COLOURS if any(seg.status == s for seg in segments)]
    legend = [(16 + (n % 3) * 128, 200 + (n // 3) * 18, s, STATUS_COLOURS[s]) for n, s in enumerate(present)]
    height = 200 + math.ceil(len(present) / 3) * 18 + 4
    return render(
        "admin/daily_chart.svg",
        width=WIDTH,
        height=height,
        plot=DAILY_PLOT,
        segments=segments,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        legend=legend,
        days=days,
    )


def country_chart(by_country: list[dict[str, Any]]) -> str:
    """Horizontal bars of the countries with most letters (`by_country` sorted, each with name and total)."""
    top = by_country[:TOP_COUNTRIES]
    peak = max((c["total"] for c in top), default=0)
    label_width, bar_left, bar_right = 134, 140, WIDTH - 44
    bars = [
        {
            "y": 6 + n * BAR_ROW,
            "label": _shorten(c["name"], 20),
            "name": c["name"],
            "country": c["country"],
            "total": c["total"],
            "width": round((bar_right - bar_left) * c["total"] / peak, 2) if peak else 0,
        }
        for n, c in enumerate(top)
    ]
    return render(
        "admin/country_chart.svg",
        width=WIDTH,
        height=12 + len(bars) * BAR_ROW,
        bars=bars,
        label_width=label_width,
        bar_left=bar_left,
        shown=len(bars),
        of=len(by_country),
    )


def _shorten(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"
