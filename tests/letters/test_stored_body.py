"""A letter's body is stored compressed (letters/letter.py): every move rewrites the whole item, at a write unit per
KB. What a supporter, a worker or an organiser reads is the text as written, for letters stored before too."""

from __future__ import annotations

import dataclasses

from support.letter_factory import make_letter

from chalicelib.letters.letter import letter_key
from chalicelib.letters.states import Status

BODY = "Dear Minister,\n\nI write to ask for your support of the resolution. " * 20 + "\n\nAmina Wanjiru"


def stored_body(services, letter_id):
    return services.aws.table.get_item(Key=letter_key(letter_id))["Item"]["body"]


def test_a_letter_is_stored_with_its_body_packed_and_read_back_as_written(services, clock):
    # GIVEN a letter logged
    letter = dataclasses.replace(make_letter(clock), body=BODY)
    services.letters.create(letter)

    # THEN the item holds its body compressed, not the text, in well under half the bytes
    body = stored_body(services, letter.letter_id)
    assert not isinstance(body, str) and b"Amina" not in bytes(body) and len(bytes(body)) < len(BODY) / 2
    # and every reader gets the text as written
    assert services.letters.get(letter.letter_id).body == BODY

    # WHEN its text is rewritten while queued (a digest losing a supporter), THEN the new text is packed too
    services.letters.revise(services.letters.get(letter.letter_id), clock(), body=BODY.replace("Amina", "Awa"))
    assert not isinstance(stored_body(services, letter.letter_id), str)
    assert services.letters.get(letter.letter_id).body.endswith("Awa Wanjiru")


def test_a_letter_stored_before_packing_reads_and_moves_as_before(services, clock):
    # GIVEN a letter whose body was stored as text (before packing)
    letter = dataclasses.replace(make_letter(clock), body=BODY)
    services.letters.create(letter)
    services.aws.table.update_item(
        Key=letter_key(letter.letter_id), UpdateExpression="SET body = :t", ExpressionAttributeValues={":t": BODY}
    )

    # WHEN it moves, THEN it reads back as written
    services.letters.move(letter.letter_id, Status.QUEUED, Status.SENDING, clock())
    assert services.letters.get(letter.letter_id).body == BODY
