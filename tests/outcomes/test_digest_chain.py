"""defenders-digest follows its chain: where the ministry publishes no address, the day's digest goes to the
country's New York mission, at 9:00 New York time, greeting the ambassador in the letter's language; a ministry
with an address gets its own, greeting the minister."""

from __future__ import annotations

import datetime as dt

SLUG = "defenders-digest"
UTC = dt.timezone.utc


def test_a_digest_goes_down_the_chain_to_the_mission_and_greets_each_recipient(
    letters_api, housekeeping, drain, clock, services
):
    assert services.campaigns.get(SLUG).target_chain == ("foreign-ministry", "un-mission-new-york")
    # GIVEN supporters in Senegal (its ministry publishes no address) and Cuba (its ministry does) write on Thursday
    for payload in (
        {"country": "SN", "name": "Awa Diop", "email": "awa@example.org"},
        {"country": "CU", "name": "Ana Pérez", "email": "ana@example.org"},
    ):
        letters_api.send(SLUG, payload)
        clock.advance(minutes=1)
    letters = {i["country"]: i for i in services.aws.table.scan()["Items"] if i.get("sk") == "LETTER"}
    assert letters["SN"]["target_set"] == "un-mission-new-york" and letters["CU"]["target_set"] == "foreign-ministry"
    assert letters["SN"]["address_origin"] == letters["CU"]["address_origin"] == "sourced"
    # WHEN it is 9:00 in New York and in Havana (14:00 UTC) that Thursday
    clock.now = dt.datetime(2026, 11, 26, 13, 59, tzinfo=UTC)
    housekeeping()
    assert drain() == 0
    clock.now = dt.datetime(2026, 11, 26, 14, 1, tzinfo=UTC)
    housekeeping()
    drain()
    # THEN Senegal's mission gets the day's digest in French, greeting the ambassador; Cuba's ministry in Spanish
    sent = {m["to"].rpartition("<")[2].rstrip(">"): m["body"] for m in letters_api.letters_sent()}
    assert set(sent) == {"senegal.mission@yahoo.fr", "cubaminrex@minrex.gob.cu"}
    assert sent["senegal.mission@yahoo.fr"].startswith("Madame l'Ambassadrice, Monsieur l'Ambassadeur,")
    assert "Awa Diop" in sent["senegal.mission@yahoo.fr"]
    assert sent["cubaminrex@minrex.gob.cu"].startswith("Excelentísimo/a Sr./Sra. Ministro/a:")
