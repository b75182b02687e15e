"""The dashboard's server-drawn SVG charts: well-formed, escaped, and carrying the exact numbers."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from chalicelib.console.charts import (
    DAILY_PLOT,
    MAX_DAYS,
    TOP_COUNTRIES,
    country_chart,
    daily_chart,
    day_range,
    nice_ceiling,
)

SVG = "{http://www.w3.org/2000/svg}"


def test_axis_maxima_are_round_numbers_at_or_above_the_peak():
    assert [nice_ceiling(n) for n in (0, 1, 3, 7, 10, 11, 180, 999, 1001)] == [1, 1, 5, 10, 10, 20, 200, 1000, 2000]


def test_the_day_axis_fills_gaps_and_shows_at_most_the_last_90_days():
    assert day_range(["2026-11-24", "2026-11-21"]) == ["2026-11-21", "2026-11-22", "2026-11-23", "2026-11-24"]
    long = day_range(["2026-01-01", "2026-11-26"])
    assert len(long) == MAX_DAYS and long[-1] == "2026-11-26"
    assert day_range([]) == []


def test_the_daily_chart_has_one_bar_segment_per_day_and_status_with_its_count():
    by_day = {"2026-11-24": {"sent": 3, "failed": 1}, "2026-11-26": {"delivered": 5}}
    root = ET.fromstring(daily_chart(by_day))
    segments = {
        (r.get("data-day"), r.get("data-status")): int(r.get("data-count"))
        for r in root.iter(f"{SVG}rect")
        if r.get("data-day")
    }
    assert segments == {("2026-11-24", "sent"): 3, ("2026-11-24", "failed"): 1, ("2026-11-26", "delivered"): 5}
    # the taller day's bar reaches the top of the plot (axis maximum 5), the other is 4/5 of it; the gap day is empty
    heights: dict[str, float] = {}
    for rect in root.iter(f"{SVG}rect"):
        if rect.get("data-day"):
            heights[rect.get("data-day")] = heights.get(rect.get("data-day"), 0) + float(rect.get("height"))
    _, top, _, bottom = DAILY_PLOT
    assert heights["2026-11-26"] == bottom - top and heights["2026-11-24"] == (bottom - top) * 4 / 5
    assert "2026-11-25" not in heights
    assert root.find(f"{SVG}title").text == "Letters per day, by status"


def test_an_empty_campaign_draws_an_empty_chart():
    root = ET.fromstring(daily_chart({}))
    assert root.find(f"{SVG}desc").text == "No letters yet."


def test_the_country_chart_shows_the_top_countries_and_escapes_names():
    countries = [
        {"country": f"C{n}", "name": "A & <B>" if n == 0 else f"Country {n}", "total": 100 - n} for n in range(20)
    ]
    svg = country_chart(countries)
    root = ET.fromstring(svg)  # parses: the name was escaped
    bars = [(g.get("data-country"), int(g.get("data-count"))) for g in root.iter(f"{SVG}g")]
    assert bars == [(f"C{n}", 100 - n) for n in range(TOP_COUNTRIES)]
    assert "A &amp; &lt;B&gt;" in svg and "of 20" in root.find(f"{SVG}title").text


def test_every_status_has_a_colour_so_no_letter_is_left_out_of_the_chart():
    from chalicelib.console.charts import STATUS_COLOURS
    from chalicelib.letters.states import Status

    assert set(STATUS_COLOURS) == {s.value for s in Status}
