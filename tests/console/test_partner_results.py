"""A partner's own results: letters per day and country through its code, by the link organisers hand out; no
personal data, nothing for a wrong key, and the link only for organisers who may act."""

from __future__ import annotations

import io
import json

import pytest
from support.letter_factory import make_letter

from chalicelib.cli.admin import main as admin

A = "hrd-resolution"


@pytest.fixture
def partner_letters(services, clock):
    """pen-kenya: 3 to Kenya on the 25th, 2 to France on the 26th (one sent), 1 forty days ago; others' letters."""

    def write(day, country, partner, n, email):
        clock.now = clock.now.replace(month=11, day=day)
        letter = make_letter(clock, country=country, partner=partner, name="Amina Wanjiru", email=email)
        services.letters.create(letter)
        return letter

    for n in range(3):
        write(25, "KE", "pen-kenya", n, f"k{n}@example.org")
    sent = write(26, "FR", "pen-kenya", 0, "f0@example.org")
    write(26, "FR", "pen-kenya", 1, "f1@example.org")
    write(26, "KE", "other-ngo", 0, "o@example.org")
    from chalicelib.letters.states import Status

    services.letters.move(sent.letter_id, Status.QUEUED, Status.SENDING, clock())
    services.letters.move(sent.letter_id, Status.SENDING, Status.SENT, clock())
    old = make_letter(clock, country="KE", partner="pen-kenya", email="old@example.org")
    old.created_at = "2026-10-17T10:00:00.000Z"
    services.letters.create(old)


def link(services, partner="pen-kenya", slug=A):
    return services.partner_results.link_path(services.campaigns.get(slug), partner)


def test_a_partner_sees_its_letters_per_day_and_country_and_no_personal_data(client, services, partner_letters):
    page = client.http.get(link(services))
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    html = page.body.decode()
    view = services.partner_results.results(A, "pen-kenya", link(services).split("key=")[1])
    assert view["total"] == 5 and view["complete_from"] is None
    assert [(r["name"], r["letters"]) for r in view["by_country"]] == [("Kenya", 3), ("France", 2)]
    days = {r["day"]: (r["letters"], r["sent"]) for r in view["by_day"]}
    assert days["2026-11-25"] == (3, 0) and days["2026-11-26"] == (2, 1) and len(days) == 30
    assert "Kenya" in html and "pen-kenya" in html
    assert "example.org" not in html and "Amina" not in html


@pytest.mark.parametrize(
    "path",
    [
        "/partners/hrd-resolution/pen-kenya?key=nope",
        "/partners/hrd-resolution/pen-kenya",
        "/partners/hrd-resolution/bad%20code?key=x",
    ],
)
def test_a_wrong_or_missing_key_shows_nothing(client, services, partner_letters, path):
    assert client.http.get(path).status_code == 404


def test_one_partners_key_opens_no_other_partner_or_campaign(client, services, partner_letters):
    key = link(services).split("key=")[1]
    assert client.http.get(f"/partners/{A}/other-ngo?key={key}").status_code == 404
    assert client.http.get(f"/partners/whrd-resolution/pen-kenya?key={key}").status_code == 404


def test_the_console_hands_out_the_link_to_editors_not_viewers(client, services, partner_letters):
    def ask(role):
        token = services.organiser_tokens.create(role, [A], role=role)[0]
        return client.http.get(
            f"/admin/campaigns/{A}/partners/pen-kenya/link", headers={"Authorization": f"Bearer {token}"}
        )

    assert ask("viewer").status_code == 403
    answer = ask("editor")
    assert answer.status_code == 200
    url = json.loads(answer.body)["url"]
    assert url.endswith(link(services))
    assert client.http.get(url[url.index("/partners/") :]).status_code == 200


def test_the_cli_prints_the_link(services):
    import app as app_module

    out, err = io.StringIO(), io.StringIO()
    code = admin(
        ["--aws", "partner-link", "--campaign", A, "--partner", "pen-kenya"],
        out=out,
        err=err,
        services=app_module.services(),
    )
    assert code == 0 and out.getvalue().strip().endswith(link(services))
