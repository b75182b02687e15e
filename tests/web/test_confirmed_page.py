"""The moment after confirming: thanks that do not claim too much, the campaign's counter, the organisers' next
step and share links carrying the partner code; and the social preview of every campaign form."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, unquote, urlsplit

from chalicelib.letters.counters import CampaignStats
from chalicelib.letters.public_count import PublicCount, PublicCounts, public_count

LETTER = {"country": "KE", "name": "Amina Wanjiru", "email": "amina@example.org", "partner": "pen-kenya"}


def links(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'<a class="button-link" href="([^"]+)"', page)]


def test_the_page_after_confirming_counts_suggests_and_shares(letters_api, client, clock):
    # GIVEN two confirmed letters (Kenya, Senegal) and one never confirmed
    letters_api.send("hrd-resolution", {**LETTER, "ui_language": "fr"})
    letters_api.post("hrd-resolution", {**LETTER, "email": "other@example.org", "country": "SN"})
    last = letters_api.post(
        "hrd-resolution", {**LETTER, "email": "third@example.org", "country": "SN", "ui_language": "en"}
    )

    # WHEN the third confirms, a minute on (the counter is cached that long)
    clock.advance(seconds=60)
    page = letters_api.confirm(last.json_body["letter_id"]).body.decode()

    # THEN the thanks say where the letter is, not that it was accepted; the counter counts confirmed letters only
    assert "Thank you: your letter is confirmed" in page and "accepted" not in page
    assert "Letters so far: 2 · Countries: 2" in page
    # AND the organisers' next step, then share links to the form with the partner code who brought them
    assert "Now ask one friend to write too" in page
    shared = "http://localhost/campaigns/hrd-resolution/form?partner=pen-kenya&lang=en"
    assert f'value="{html.escape(shared)}"' in page  # the link to copy
    found = links(page)
    assert [urlsplit(u).netloc or "mailto" for u in found] == [
        "wa.me",
        "t.me",
        "x.com",
        "www.facebook.com",
        "mailto",
    ]
    for url in found:
        assert shared in unquote(url), url
    assert parse_qs(urlsplit(found[1]).query)["url"] == [shared]
    assert 'data-share data-share-url="' in page and "hidden" in page  # Web Share: shown by the script only


def test_the_counter_is_one_read_of_the_stats_rollup_a_minute_at_most(services, clock, letters_api):
    # GIVEN two confirmed letters (Kenya, Senegal), rolled up by the minute job
    letters_api.send("hrd-resolution", LETTER)
    letters_api.send("hrd-resolution", {**LETTER, "email": "other@example.org", "country": "SN"})
    services.stats_rollup.refresh_active(services.campaigns.all())
    calls = []
    events = services.aws.table.meta.client.meta.events
    count = lambda model, **_: calls.append(model.name)  # noqa: E731
    events.register("before-call.dynamodb", count)
    try:
        cache = PublicCounts(services.aws.table, clock)

        # WHEN the page after confirming asks for the counter: one GetItem (the rollup), not the counter shards
        assert cache.get("hrd-resolution") == PublicCount(letters=2, countries=2)
        assert calls == ["GetItem"]
        # AND again within the minute: nothing read
        assert cache.get("hrd-resolution") == PublicCount(letters=2, countries=2)
        assert calls == ["GetItem"]

        # WHEN a third letter is confirmed: the figure follows once the rollup and the cache have both moved on
        events.unregister("before-call.dynamodb", count)
        letters_api.send("hrd-resolution", {**LETTER, "email": "third@example.org", "country": "FR"})
        events.register("before-call.dynamodb", count)
        calls.clear()
        clock.advance(seconds=61)
        assert cache.get("hrd-resolution") == PublicCount(letters=2, countries=2)  # the rollup is a minute behind
        services.stats_rollup.refresh_active(services.campaigns.all())
        calls.clear()
        clock.advance(seconds=61)
        assert cache.get("hrd-resolution") == PublicCount(letters=3, countries=3)
        assert calls == ["GetItem"]
    finally:
        events.unregister("before-call.dynamodb", count)


def test_a_campaign_not_rolled_up_yet_is_counted_from_its_counters(services, clock, letters_api):
    letters_api.send("hrd-resolution", LETTER)
    assert PublicCounts(services.aws.table, clock).get("hrd-resolution") == PublicCount(letters=1, countries=1)


def test_the_counter_leaves_out_unconfirmed_and_deleted_letters_and_empty_countries():
    stats = CampaignStats(
        by_day={"2026-11-26": {"queued": 2, "sent": 1, "pending_confirmation": 5, "expired": 3}},
        by_country={"KE": {"sent": 1, "queued": 1}, "SN": {"queued": 1}, "FR": {"pending_confirmation": 5}},
    )
    assert public_count(stats) == PublicCount(letters=3, countries=2)


def test_every_campaign_form_has_a_social_preview_in_the_pages_language(client):
    page = client.http.get("/campaigns/hrd-resolution/form?lang=es").body.decode()
    meta = dict(re.findall(r'<meta (?:property|name)="((?:og|twitter):\w+)" content="([^"]*)"', page))
    assert meta["og:title"] == "Apoyar a las personas defensoras en la Asamblea General de la ONU"
    assert meta["og:description"].startswith("Pida a su ministerio")
    assert meta["og:url"] == "http://localhost/campaigns/hrd-resolution/form"
    assert meta["og:locale"] == "es_ES" and meta["og:type"] == "website"
    assert meta["twitter:card"] == "summary" and meta["twitter:title"] == meta["og:title"]
