"""The organiser's log: newest first, cursor pages that return each letter exactly once, filters on index keys,
emails masked unless revealed (and every reveal audited), and never a Scan."""

from __future__ import annotations

import json

import pytest
from support.letter_factory import make_letter, newest_first, seed

from chalicelib.console import letter_queries
from chalicelib.console.letter_queries import LetterFilter, LetterQueries
from chalicelib.letters.letter import LOG_SK
from chalicelib.letters.states import Status

CAMPAIGN = "hrd-resolution"


@pytest.fixture
def token(services):
    return services.organiser_tokens.create("Tester", [CAMPAIGN])[0]


@pytest.fixture
def get(client, token):
    def get(path, **params):
        from urllib.parse import urlencode

        query = urlencode(params)
        response = client.http.get(
            f"/admin/campaigns/{CAMPAIGN}/letters?{query}", headers={"Authorization": f"Bearer {token}"}
        )
        return response.status_code, json.loads(response.body)

    return get


@pytest.fixture
def no_scans(services):
    """Fail any test that makes the app Scan the table."""
    scans = []
    events = services.aws.table.meta.client.meta.events
    handler = lambda **_: scans.append(1)  # noqa: E731
    events.register("before-call.dynamodb.Scan", handler)
    yield scans
    events.unregister("before-call.dynamodb.Scan", handler)


def test_paging_through_1000_letters_returns_each_exactly_once_newest_first(services, clock, no_scans):
    # GIVEN 1,000 letters, some written in the same millisecond, and one letter of another campaign
    letters = []
    for n in range(1000):
        if n % 10:
            clock.advance(seconds=1)
        letters.append(make_letter(clock, country=["KE", "FR", "BR"][n % 3]))
    seed(services.aws.table, letters + [make_letter(clock, campaign="sg-defenders")])
    queries = LetterQueries(services.aws.table)  # the engine behind the API's pages (the API adds rows: below)

    # WHEN an organiser follows the cursor with pages of 100, while new letters keep arriving
    seen, cursor, pages = [], None, 0
    while True:
        page = queries.page(CAMPAIGN, LetterFilter(), limit=100, cursor=letter_queries.decode_cursor(cursor))
        seen += [entry["letter_id"] for entry in page.entries]
        pages += 1
        clock.advance(seconds=1)
        seed(services.aws.table, [make_letter(clock)])  # newer than every cursor: never in this walk
        cursor = page.next_cursor
        if cursor is None:
            break

    # THEN every letter came exactly once, in order, in 10 full pages, and nothing was scanned
    assert seen == newest_first(letters)
    assert pages == 10
    assert no_scans == []


def test_filters_select_exactly_the_matching_letters(services, clock, get, no_scans):
    # GIVEN letters over three days, three countries, two statuses and a partner
    letters = []
    for n in range(60):
        clock.now = clock.now.replace(day=24 + n % 3, hour=n % 20)
        status = Status.SENT if n % 4 else Status.FAILED
        letters.append(
            make_letter(
                clock,
                country=["KE", "FR", "BR"][n % 3 if n % 5 else 0],
                status=status,
                partner="pen-kenya" if n % 2 else "",
            )
        )
    seed(services.aws.table, letters)

    cases = {
        (("country", "KE"),): lambda x: x.country == "KE",
        (("country", "Kenya"), ("status", "failed")): lambda x: x.country == "KE" and x.status == "failed",
        (("status", "sent"), ("partner", "pen-kenya")): lambda x: x.status == "sent" and x.partner == "pen-kenya",
        (("from", "2026-11-25"),): lambda x: x.created_at >= "2026-11-25",
        (("from", "2026-11-25"), ("to", "2026-11-25")): lambda x: x.created_at[:10] == "2026-11-25",
        (("to", "2026-11-24"), ("country", "FR")): lambda x: x.created_at[:10] <= "2026-11-24" and x.country == "FR",
        (("country", "JP"),): lambda x: False,
    }
    for params, matches in cases.items():
        # WHEN the log is read with these filters, in pages of 7
        seen, cursor = [], None
        while True:
            status, body = get("", limit=7, **dict(params), **({"cursor": cursor} if cursor else {}))
            assert status == 200, (params, body)
            seen += [row["letter_id"] for row in body["letters"]]
            cursor = body["next_cursor"]
            if not cursor:
                break
        # THEN exactly the matching letters come, newest first
        assert seen == newest_first([x for x in letters if matches(x)]), params
    assert no_scans == []


def test_a_country_filter_reads_only_that_countrys_index_partitions(services, clock):
    seed(services.aws.table, [make_letter(clock, country=c) for c in ["KE", "FR", "FR", "BR"]])
    calls = []
    events = services.aws.table.meta.client.meta.events
    record = lambda params, **_: calls.append(params)  # noqa: E731
    events.register("provide-client-params.dynamodb.Query", record)
    try:
        page = LetterQueries(services.aws.table).page(CAMPAIGN, LetterFilter(country="FR"), limit=10)
    finally:
        events.unregister("provide-client-params.dynamodb.Query", record)
    assert [e["country"] for e in page.entries] == ["FR", "FR"]
    assert {c["IndexName"] for c in calls} == {"by-campaign-country"}
    assert all("COUNTRY#FR#" in c["ExpressionAttributeValues"][":pk"] for c in calls)


def test_a_selective_filter_answers_in_bounded_reads_and_the_cursor_still_finds_everything(
    services, clock, monkeypatch
):
    # GIVEN 80 letters of which 3 failed, and a read budget of 2 small reads per shard and request
    monkeypatch.setattr(letter_queries, "FILTERED_CHUNK", 2)
    monkeypatch.setattr(letter_queries, "READ_BUDGET", 4)
    letters = []
    for n in range(80):
        clock.advance(seconds=1)
        letters.append(make_letter(clock, status=Status.FAILED if n in (5, 40, 79) else Status.SENT))
    seed(services.aws.table, letters)
    queries = LetterQueries(services.aws.table)

    # WHEN the failed letters are asked for, page after page
    seen, pages, cursor = [], [], None
    while True:
        page = queries.page(
            CAMPAIGN, LetterFilter(status="failed"), limit=100, cursor=letter_queries.decode_cursor(cursor)
        )
        pages.append(len(page.entries))
        seen += [e["letter_id"] for e in page.entries]
        cursor = page.next_cursor
        if not cursor:
            break

    # THEN some pages came back short or empty with a cursor, and all three were found once, newest first
    assert len(pages) > 1 and min(pages) < 3
    assert seen == newest_first([x for x in letters if x.status == "failed"])


BAD_PARAMS = [
    ({"country": "Atlantis"}, "country"),
    ({"status": "lost"}, "status"),
    ({"partner": "a b"}, "partner"),
    ({"from": "26/11/2026"}, "from"),
    ({"to": "2026-02-30"}, "to"),
    ({"from": "2026-11-27", "to": "2026-11-26"}, "from"),
    ({"limit": "101"}, "limit"),
    ({"limit": "0"}, "limit"),
    ({"cursor": "not-ours"}, "cursor"),
]


def test_a_bad_filter_is_a_400_naming_the_field(get):
    for params, field in BAD_PARAMS:
        status, body = get("", **params)
        assert status == 400, params
        assert body["error"]["field"] == field and body["error"]["message"], params


def test_emails_are_masked_unless_revealed_and_every_reveal_is_audited(services, clock, get, client, token):
    # GIVEN two letters
    seed(
        services.aws.table,
        [
            make_letter(clock, name="Jean Dupont", email="jean.dupont@example.org"),
            make_letter(clock, name="Amina Wanjiru", email="amina@example.org"),
        ],
    )

    # WHEN the log is read plainly
    _, plain = get("")
    # THEN names and emails are masked, and no audit record was written
    assert {(r["supporter_name"], r["supporter_email"]) for r in plain["letters"]} == {
        ("Jean D.", "j***@example.org"),
        ("Amina W.", "a***@example.org"),
    }

    def audit():
        return json.loads(
            client.http.get(
                f"/admin/campaigns/{CAMPAIGN}/audit",
                headers={"Authorization": f"Bearer {token}"},
            ).body
        )["records"]

    assert audit() == []

    # WHEN the organiser reveals them
    _, revealed = get("", reveal=1, country="KE", reason="Amina asked for a copy")
    # THEN they see them, and the audit names the token, the reason, the filters and the letters
    assert {r["supporter_email"] for r in revealed["letters"]} == {"jean.dupont@example.org", "amina@example.org"}
    [record] = audit()
    assert record["action"] == "reveal_letters" and "Tester" in record["actor"]
    assert record["reason"] == "Amina asked for a copy"
    assert record["filters"] == {"country": "KE"}
    assert sorted(record["letter_ids"]) == sorted(r["letter_id"] for r in revealed["letters"])


def test_the_index_entries_hold_no_personal_data(services, clock):
    seed(services.aws.table, [make_letter(clock, name="Jean Dupont", email="jean@example.org")])
    page = LetterQueries(services.aws.table).page(CAMPAIGN, LetterFilter(), limit=10)
    assert set(page.entries[0]) <= {
        "letter_id",
        "status",
        "country",
        "partner",
        "created_at",
        LOG_SK,
        "gsi1pk",
        "gsi_country_pk",
        "pk",
        "sk",
    }


def test_a_supporter_who_deleted_their_details_shows_as_nobody(services, clock, get):
    # GIVEN a letter whose supporter used the "delete my data" link (name and email removed)
    from chalicelib.letters.letter import PERSONAL_FIELDS

    [letter] = seed(services.aws.table, [make_letter(clock)])
    services.letters.amend(letter.letter_id, Status.QUEUED, clock(), remove=PERSONAL_FIELDS)

    # WHEN the log is read, even revealed
    _, plain = get("")
    _, revealed = get("", reveal=1, reason="checking the deletion")

    # THEN no name or address appears, masked or not
    for body in (plain, revealed):
        [row] = body["letters"]
        assert (row["supporter_name"], row["supporter_email"]) == ("", "")


# --- one letter: its timeline and what SES said -------------------------------------------------------------------


def letter_view(client, token, letter_id, **params):
    from urllib.parse import urlencode

    response = client.http.get(
        f"/admin/campaigns/{CAMPAIGN}/letters/{letter_id}?{urlencode(params)}",
        headers={"Authorization": f"Bearer {token}"},
    )
    return response.status_code, json.loads(response.body)


def test_a_letters_view_shows_each_move_in_order_with_what_ses_said(client, services, clock, token):
    # GIVEN a letter confirmed, sent, then bounced by the recipient's server
    [letter] = seed(services.aws.table, [make_letter(clock, name="Amina Wanjiru", email="amina@example.org")])
    for source, target, changes in [
        (Status.QUEUED, Status.SENDING, {}),
        (Status.SENDING, Status.SENT, {"ses_message_id": "ses-123"}),
        (Status.SENT, Status.BOUNCED, {"failure_reason": "550 5.1.1 mailbox unknown"}),
    ]:
        clock.advance(minutes=5)
        services.letters.move(letter.letter_id, source, target, clock(), **changes)
    # WHEN an organiser opens it
    status, view = letter_view(client, token, letter.letter_id)
    # THEN its timeline lists every move, oldest first, with SES's diagnostic; the supporter is masked
    assert status == 200
    assert [(s.get("from"), s["to"]) for s in view["timeline"]] == [
        (None, "written"),
        ("queued", "sending"),
        ("sending", "sent"),
        ("sent", "bounced"),
    ]
    assert view["timeline"][-1]["why"] == "550 5.1.1 mailbox unknown"
    assert view["ses"]["message_id"] == "ses-123"
    assert (view["letter"]["supporter_name"], view["letter"]["supporter_email"]) == ("Amina W.", "a***@example.org")
    assert json.dumps(view).count("amina@example.org") == 0


def test_revealing_one_letter_needs_a_reason_and_is_audited(client, services, clock, token):
    [letter] = seed(services.aws.table, [make_letter(clock, name="Amina Wanjiru", email="amina@example.org")])
    # WHEN an owner reveals without saying why, it is refused, naming the field, and nothing is audited
    status, body = letter_view(client, token, letter.letter_id, reveal=1)
    assert status == 400 and body["error"]["field"] == "reason"
    assert services.console.audit(organiser_of(token, services), CAMPAIGN)["records"] == []
    # WHEN they say why
    status, body = letter_view(client, token, letter.letter_id, reveal=1, reason="She asked us to check")
    # THEN the letter is shown in full and the audit keeps who, why and which letter
    assert status == 200 and body["letter"]["supporter_email"] == "amina@example.org"
    [record] = services.console.audit(organiser_of(token, services), CAMPAIGN)["records"]
    assert (record["action"], record["reason"], record["letter_ids"]) == (
        "reveal_letter",
        "She asked us to check",
        [letter.letter_id],
    )


def test_another_campaigns_letter_or_a_made_up_id_is_not_found(client, services, clock, token):
    [other] = seed(services.aws.table, [make_letter(clock, campaign="sg-defenders")])
    assert letter_view(client, token, other.letter_id)[0] == 404
    assert letter_view(client, token, "x" * 3000)[0] == 404


def organiser_of(token, services):
    return services.organiser(token)
