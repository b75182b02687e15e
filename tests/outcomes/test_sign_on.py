"""Coalition sign-on letters: organisations sign and confirm, organisers approve, and at the chosen time one letter
with the numbered, alphabetical list goes to every target in a set, paced and resumable without resending."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from urllib.parse import urlencode

import pytest
from support.letters_api import with_policies
from support.proof_of_work import solved_challenge
from support.sign_on_api import SIGN_ON, WITHDRAW, organisation

from chalicelib.directory.country_names import country_name
from chalicelib.letters.letter import Letter

SLUG = SIGN_ON
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def test_a_signature_is_listed_only_once_confirmed_and_approved(sign_on, services, letters_api):
    # GIVEN an organisation signs
    response = sign_on.post(organisation("Kenya Rights Watch", website="https://krw.example.org"))
    assert response.status_code == 202 and response.json_body["status"] == "pending_confirmation"
    signatory_id = response.json_body["signatory_id"]
    # THEN its contact is asked to confirm, and nothing is public yet
    [mail] = letters_api.notices()
    assert mail["to"].endswith("<contact@kenyarightswatch.example.org>") and "Kenya Rights Watch" in mail["body"]
    assert sign_on.public() == []
    with pytest.raises(Exception, match="not confirmed"):
        sign_on.decide(signatory_id)  # the organisers cannot approve an address nobody confirmed

    # WHEN the contact confirms, THEN it waits for the organisers, still unlisted
    assert letters_api.client.http.get(sign_on.link(signatory_id)).status_code == 200  # a button, nothing more
    assert services.signatures.all(SLUG)[0]["status"] == "pending_confirmation"
    assert letters_api.client.http.post(sign_on.link(signatory_id), body=b"", headers=FORM).status_code == 200
    assert letters_api.client.http.post(sign_on.link(signatory_id), body=b"", headers=FORM).status_code == 410
    assert services.signatures.all(SLUG)[0]["status"] == "awaiting_approval"
    assert sign_on.public() == []

    # WHEN an organiser approves it, THEN the public list shows the organisation and never its contact
    sign_on.decide(signatory_id, "approve")
    assert sign_on.public() == [
        {
            "number": 1,
            "organisation": "Kenya Rights Watch",
            "country": "KE",
            "country_name": "Kenya",
            "website": "https://krw.example.org",
        }
    ]
    organisers_view = services.signatures.all(SLUG)[0]
    assert organisers_view["contact_email"] == "c…@kenyarightswatch.example.org"  # masked unless revealed
    assert services.signatures.all(SLUG, reveal=True)[0]["contact_email"] == "contact@kenyarightswatch.example.org"

    # AND rejecting it later takes it off the list
    sign_on.decide(signatory_id, "reject")
    assert sign_on.public() == []


def test_the_list_is_alphabetical_ignoring_case_accents_and_a_leading_the(sign_on):
    names = ["zeta Defenders", "The Bridge Collective", "Ñandú Network", "amnesty example", "Nandi Voices"]
    for name in names:
        sign_on.decide(sign_on.sign(organisation(name, country="AR")))
    assert [s["organisation"] for s in sign_on.public()] == [
        "amnesty example",
        "The Bridge Collective",
        "Nandi Voices",
        "Ñandú Network",
        "zeta Defenders",
    ]
    assert [s["number"] for s in sign_on.public()] == [1, 2, 3, 4, 5]


def test_one_organisation_signs_once_and_bots_and_wrong_kinds_are_refused(sign_on, letters_api, stored_items):
    sign_on.sign(organisation("Kenya Rights Watch"))
    # The same organisation and country again, written differently, from another address: nothing is kept, and
    # the answer does not tell whether that organisation signed (it is shaped like a new signature's)
    before = len(stored_items())
    again = sign_on.post({**organisation("KENYA rights watch"), "email": "other@example.org"})
    assert again.status_code == 202 and again.json_body["status"] == "pending_confirmation"
    assert len(stored_items()) == before + 2  # only the rate counter of its address and its spent form token
    # A bot (honeypot filled) gets a decoy receipt, and nothing is kept or sent
    before = len(stored_items())
    bot = sign_on.post({**organisation("Spam Org"), "homepage": "http://spam.example"})
    assert bot.status_code == 202 and len(stored_items()) == before and len(letters_api.notices()) == 1
    # A bad field is named
    bad = sign_on.post(organisation("Bad Site", website="javascript:alert(1)"))
    assert bad.status_code == 400 and bad.json_body["error"]["field"] == "website"
    assert sign_on.post({**organisation("X"), "contact_name": "A\r\nBcc: x@example.org"}).status_code == 400
    # A letter to a sign-on campaign, or a signature to a letters campaign, is refused with a pointer
    letter = letters_api.post(SLUG, {"country": "KE", "name": "Amina", "email": "amina@example.org"})
    assert letter.status_code == 409 and "/signatures" in letter.json_body["error"]["message"]
    assert sign_on.post(organisation("Y"), slug="hrd-resolution").status_code == 409


def test_a_signature_confirmation_carries_no_supplied_text_in_its_subject_or_greeting(sign_on, letters_api):
    # GIVEN someone signs with an organisation name and a contact name that advertise a link
    payload = organisation("Claim your prize at https://evil.example", contact_name="Go to https://evil.example")
    assert sign_on.post(payload).status_code == 202
    # WHEN the confirmation goes to the address given
    [mail] = letters_api.notices()
    # THEN its subject holds only our words (the campaign's title), and the greeting no stranger's text
    assert "evil.example" not in mail["subject"] and "prize" not in mail["subject"]
    assert mail["subject"].startswith("Please confirm")
    assert mail["body"].splitlines()[0] == "Hello,"


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("Kenya Rights Watch", "on behalf of Kenya Rights Watch."),
        ("Claim your prize at https://evil.example", "on behalf of your organisation."),
        ("Write to payments@evil.example now", "on behalf of your organisation."),
        ("A very long organisation name that goes on and on for ever", "on behalf of your organisation."),
    ],
)
def test_the_confirmation_body_names_the_organisation_only_if_it_is_short_and_plain(sign_on, letters_api, name, shown):
    # GIVEN anyone may type an organisation's name next to anyone's address
    assert sign_on.post(organisation(name)).status_code == 202
    [mail] = letters_api.notices()
    # THEN the body carries it only under the greeting's rule, so no stranger's text or link goes out from our domain
    assert shown in " ".join(mail["body"].split())
    assert "evil.example" not in mail["body"] and "for ever" not in mail["body"]


def test_a_contact_can_withdraw_the_signature_from_the_emailed_link(sign_on, letters_api):
    signatory_id = sign_on.sign(organisation("Kenya Rights Watch"))
    sign_on.decide(signatory_id)
    link = sign_on.link(signatory_id, WITHDRAW)
    assert "Take our signature back" in letters_api.client.http.get(link).body.decode()
    assert letters_api.client.http.post(link, body=b"", headers=FORM).status_code == 200
    assert sign_on.public() == []
    assert letters_api.client.http.post(link, body=b"", headers=FORM).status_code == 404
    sign_on.sign(organisation("Kenya Rights Watch"))  # and may sign again


def signatories_in(stored_items) -> list[dict]:
    return [i for i in stored_items() if i["sk"].startswith("SIGNATORY#")]


def test_a_sign_on_campaign_with_proof_of_work_takes_only_solved_signatures(
    sign_on, letters_api, services, monkeypatch, stored_items
):
    # GIVEN a sign-on campaign whose [bots] ask for proof of work (cheap puzzles for tests)
    with_policies(services, monkeypatch, SLUG, bots={"proof_of_work": True, "proof_of_work_cost": 1})
    client = letters_api.client

    # WHEN an organisation signs without a solution, THEN the missing puzzle is named and nothing is kept
    missing = sign_on.post(organisation("Kenya Rights Watch"))
    assert missing.status_code == 400 and missing.json_body["error"]["field"] == "altcha"
    # WHEN the solution is garbage, THEN it is told "thanks" (a decoy) and nothing is kept or sent
    forged = sign_on.post({**organisation("Kenya Rights Watch"), "altcha": "bm90IGEgc29sdXRpb24="})
    assert forged.status_code == 202 and forged.json_body["status"] == "pending_confirmation"
    assert signatories_in(stored_items) == [] and letters_api.notices() == []

    # WHEN it signs with a solved challenge, THEN the signature is taken and its contact asked to confirm
    solution = solved_challenge(client, SLUG)
    signed = sign_on.post({**organisation("Kenya Rights Watch"), "altcha": solution})
    assert signed.status_code == 202
    assert [i["signatory_id"] for i in signatories_in(stored_items)] == [signed.json_body["signatory_id"]]
    assert len(letters_api.notices()) == 1
    # AND the same solution cannot be spent twice: a second organisation using it gets a decoy
    replay = sign_on.post({**organisation("Another Org"), "altcha": solution})
    assert replay.status_code == 202 and len(signatories_in(stored_items)) == 1 and len(letters_api.notices()) == 1


def test_a_repeated_signature_with_the_same_idempotency_key_makes_one_signatory(sign_on, letters_api, stored_items):
    # GIVEN an organisation's signature sent with an Idempotency-Key
    key = {"Idempotency-Key": "sign-7f3a"}
    payload = {**organisation("Kenya Rights Watch"), "form_token": letters_api.stamp(SLUG)}

    # WHEN the client retries it (a lost answer), and then reuses the key for another organisation
    first = sign_on.post(payload, headers=key)
    retry = sign_on.post(payload, headers=key)
    other = sign_on.post({**payload, **organisation("Another Org")}, headers=key)

    # THEN the retry gets the first answer, one signatory and one confirmation email exist, and the reuse is refused
    assert first.status_code == retry.status_code == 202
    assert retry.json_body == first.json_body
    assert other.status_code == 422 and other.json_body["error"]["code"] == "idempotency_key_reused"
    assert "different signature" in other.json_body["error"]["message"]
    assert [i["signatory_id"] for i in signatories_in(stored_items)] == [first.json_body["signatory_id"]]
    assert len(letters_api.notices()) == 1


def test_the_sign_on_form_works_without_javascript_and_the_list_embeds(sign_on, letters_api, services):
    client = letters_api.client
    page = client.http.get(f"/campaigns/{SLUG}/form").body.decode()
    assert 'name="organisation"' in page and 'name="contact_name"' in page and "Your Excellency" in page
    stamp = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
    services.clock.now += dt.timedelta(seconds=5)
    fields = {**organisation("Form Org"), "form_token": stamp, "homepage": ""}
    missing = client.http.post(f"/campaigns/{SLUG}/form", body=urlencode({**fields, "organisation": ""}), headers=FORM)
    assert missing.status_code == 400 and 'aria-invalid="true"' in missing.body.decode()
    done = client.http.post(f"/campaigns/{SLUG}/form", body=urlencode(fields), headers=FORM)
    assert done.status_code == 202 and "check your email" in done.body.decode()

    signatory_id = sign_on.sign(organisation("Listed <b>Org</b>"))
    sign_on.decide(signatory_id)
    embed = client.http.get(f"/campaigns/{SLUG}/signatories/embed?embed=1")
    assert embed.status_code == 200 and "frame-ancestors *" in embed.headers["Content-Security-Policy"]
    assert "Listed &lt;b&gt;Org&lt;/b&gt;" in embed.body.decode()  # data, never markup


def test_193_paced_letters_go_once_each_at_the_chosen_time_and_a_cut_short_send_resumes(simulation, clock, monkeypatch):
    """Hundreds of letters: run on the production wiring over an in-memory table, queue and SES (moto would take
    a minute), so that the SES sending rate and the exactly-once sends can be checked over simulated time."""
    from support.faults import fail_enqueue_once

    from chalicelib.front_door.bot_traps import issue_stamp
    from chalicelib.outcomes.signatures import CONFIRM

    services = simulation
    campaign = services.campaigns.get(SLUG)

    def sign(name: str, country: str) -> str:
        stamp = issue_stamp(services.signer, SLUG, clock() - dt.timedelta(seconds=10))
        receipt = services.signatures.sign(
            campaign, {**organisation(name, country), "form_token": stamp}, "192.0.2.1", "https://api.example.org"
        )
        signatory_id = receipt["signatory_id"]
        services.signatures.confirm(campaign, signatory_id, services.signer.token(CONFIRM, signatory_id))
        return signatory_id

    # GIVEN three organisations signed and confirmed; the organisers approved two and rejected one
    for signatory_id in (sign("Zimbabwe Lawyers (example)", "ZW"), sign("Asociación Ejemplo", "PE")):
        services.signatures.decide(campaign, signatory_id, "approve", actor="test organiser")
    services.signatures.decide(campaign, sign("Not Really An NGO", "US"), "reject", actor="test organiser")
    confirmations = len(services.aws.sesv2.sent)

    # WHEN an organiser schedules the letter to every foreign ministry for tomorrow at 09:00 UTC
    send_at = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.timezone.utc)
    send = services.sign_on_sends.schedule(
        campaign,
        "foreign-ministry",
        send_at,
        actor="test organiser",
        confirm_count=services.sign_on_sends.target_count(),
    )
    assert send["status"] == "scheduled"
    with pytest.raises(Exception, match="already scheduled"):  # every target gets this letter once
        services.sign_on_sends.schedule(campaign, "foreign-ministry", send_at, actor="someone else")
    assert "sign_on_dispatched" not in services.housekeeping.run()  # not before its time

    # AND the queue fails on the 50th letter
    calls = fail_enqueue_once(services, monkeypatch, at_call=50)
    clock.now = send_at + dt.timedelta(minutes=1)
    assert services.housekeeping.run().get("failed") == 1
    assert services.sign_on_sends.all(SLUG)[0]["status"] == "dispatching"

    # THEN the next run after the lease resumes from its recorded progress, and the worker sends everything
    clock.now += dt.timedelta(minutes=6)
    assert services.housekeeping.run().get("sign_on_dispatched") == 1
    services.run()

    # AND each of the 193 member states' ministries received exactly one letter, with the same numbered list
    letters = [i for i in services.aws.table.scan()["Items"] if i.get("kind") == "sign-on"]
    assert len(letters) == 193 and {i["status"] for i in letters} == {"sent"}
    sends = services.aws.sesv2.sent[confirmations:]
    assert len(sends) == 193 and len({to for _, to in sends}) == 193
    assert max(Counter(calls).values()) <= 2  # at most a harmless second queue message, never a second send
    # paced: never more in one second than the account's SES rate (14 a second here)
    assert max(Counter(moment.replace(microsecond=0) for moment, _ in sends).values()) <= 14
    for letter in letters:  # in each target's language where the campaign has it, with the list as signed
        peru, zimbabwe = (country_name(code, letter["language"]) for code in ("PE", "ZW"))  # named in that language
        assert Letter.from_item(letter).body.endswith(
            f"\n\n1. Asociación Ejemplo ({peru})\n2. Zimbabwe Lawyers (example) ({zimbabwe})\n"
        )
    assert {Letter.from_item(i).body.split("\n", 1)[0] for i in letters} == {
        "Your Excellency,",
        "Excellence,",
        "Excelencia:",
        "صاحب السعادة،",
        "Ваше превосходительство!",
        "尊敬的阁下：",
    }  # the six UN languages: each state's own where it uses one
    assert {i["supporter_email"] for i in letters} == {"coalition@demarche.example.org"}  # Reply-To: the organisers
    [done] = services.sign_on_sends.all(SLUG)
    assert done["status"] == "dispatched" and done["letters"] == 193 and done["signatories"] == 2
    assert done["unreachable"] == []  # the local stage's sandbox addresses reach every ministry
