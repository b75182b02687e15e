"""The live app (tests' stand-in for API Gateway + Lambda) answers a page's parallel requests while items are
written: in-process moto is not thread-safe, so the conftest serialises its requests the way `make run` does."""

import json
import threading
import urllib.request

import boto3
from support.letter_factory import make_letter

CAMPAIGN = "hrd-resolution"


def test_parallel_reads_while_letters_are_written_all_answer(live_app, services, clock):
    token = services.organiser_tokens.create("Owner", [CAMPAIGN])[0]
    for n in range(30):
        services.letters.create(make_letter(clock, email=f"seed{n}@example.org"))
    answers, stop = [], threading.Event()

    def read() -> None:
        while not stop.is_set() and len(answers) < 400:
            request = urllib.request.Request(
                f"{live_app}/admin/campaigns/{CAMPAIGN}/letters?limit=20",
                headers={"Authorization": f"Bearer {token}"},
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    answers.append((response.status, len(json.loads(response.read())["letters"])))
            except urllib.error.HTTPError as error:
                answers.append((error.code, 0))

    readers = [threading.Thread(target=read) for _ in range(3)]
    for reader in readers:
        reader.start()
    dynamodb, table = boto3.client("dynamodb"), services.settings.table_name
    for batch in range(80):  # new partitions, 25 a call, while the readers' Queries walk the table
        noise = [{"PutRequest": {"Item": {"pk": {"S": f"NOISE#{batch}-{n}"}, "sk": {"S": "noise"}}}} for n in range(25)]
        dynamodb.batch_write_item(RequestItems={table: noise})
    stop.set()
    for reader in readers:
        reader.join(timeout=30)

    assert answers, "no request was answered"
    assert {status for status, _ in answers} == {200}, [a for a in answers if a[0] != 200][:3]
    assert all(count == 20 for _, count in answers)
