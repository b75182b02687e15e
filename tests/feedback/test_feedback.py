"""SES feedback, in both shapes AWS documents: each event moves the letter it is about, and only that letter."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.letter_factory import queued_letter
from support.ses_events import SHAPES, ses_event, sns_event

# These tests are about a letter after routing: Kenya's ministry letter keeps its local placeholder.
pytestmark = pytest.mark.usefixtures("hrd_without_chain")

KENYA = "foreign-ministry.ke@sandbox.invalid"


def sent_letter(services, drain, slug: str = "hrd-resolution", country: str = "KE"):
    letter_id = queued_letter(services, country, slug)
    drain()
    letter = services.letters.get(letter_id)
    assert letter.status == "sent"
    return letter


def feed(*events: dict) -> None:
    import app

    app.on_ses_feedback(sns_event(*events), None)


@pytest.mark.parametrize("shape", SHAPES)
def test_a_delivery_marks_the_letter_delivered(drain, services, shape):
    letter = sent_letter(services, drain)

    feed(ses_event("Delivery", letter.ses_message_id, [KENYA], shape=shape))

    assert services.letters.get(letter.letter_id).status == "delivered"


@pytest.mark.parametrize("shape", SHAPES)
def test_a_hard_bounce_marks_the_letter_bounced_and_the_target_failing(drain, services, shape):
    letter = sent_letter(services, drain)
    other = sent_letter(services, drain, country="FI")

    feed(ses_event("Bounce", letter.ses_message_id, [KENYA], shape=shape))

    bounced = services.letters.get(letter.letter_id)
    assert bounced.status == "bounced"
    assert "Permanent/General" in bounced.failure_reason and "550 5.1.1" in bounced.failure_reason
    failing = services.health.failing("foreign-ministry", "KE")
    assert failing is not None and "550 5.1.1 user unknown" in failing.diagnostic
    assert services.health.failing("foreign-ministry", "FI") is None
    assert services.letters.get(other.letter_id).status == "sent"


@pytest.mark.parametrize("shape", SHAPES)
def test_a_soft_bounce_marks_the_letter_but_not_the_target(drain, services, shape):
    letter = sent_letter(services, drain)

    feed(ses_event("Bounce", letter.ses_message_id, [KENYA], shape=shape, bounce_type="Transient"))

    assert services.letters.get(letter.letter_id).status == "bounced"
    assert services.health.failing("foreign-ministry", "KE") is None


@pytest.mark.parametrize("shape", SHAPES)
def test_a_complaint_stops_further_mail_to_that_recipient_for_the_campaign(drain, services, outbox, settle, shape):
    letter = sent_letter(services, drain)
    feed(ses_event("Delivery", letter.ses_message_id, [KENYA], shape=shape))

    feed(ses_event("Complaint", letter.ses_message_id, [KENYA], shape=shape))

    assert services.letters.get(letter.letter_id).status == "complained"
    # The next letter from the same campaign to that ministry is not sent; other campaigns are unaffected.
    again = queued_letter(services, "KE")
    elsewhere = queued_letter(services, "KE", "whrd-resolution")
    settle()
    refused = services.letters.get(again)
    assert refused.status == "failed" and "complaint" in refused.failure_reason
    assert services.letters.get(elsewhere).status == "sent"
    assert len(outbox()) == 2


def test_a_delay_is_shown_then_the_delivery_moves_it_on(drain, services):
    letter = sent_letter(services, drain)

    feed(ses_event("DeliveryDelay", letter.ses_message_id, [KENYA]))
    assert services.letters.get(letter.letter_id).status == "delayed"
    feed(ses_event("DeliveryDelay", letter.ses_message_id, [KENYA]))  # SES reports each new delay
    assert services.letters.get(letter.letter_id).status == "delayed"
    feed(ses_event("Delivery", letter.ses_message_id, [KENYA], shape="notification"))

    assert services.letters.get(letter.letter_id).status == "delivered"


def test_a_reject_fails_the_letter_with_the_reason(drain, services):
    letter = sent_letter(services, drain)

    feed(ses_event("Reject", letter.ses_message_id, []))

    rejected = services.letters.get(letter.letter_id)
    assert rejected.status == "failed" and rejected.failure_reason == "Bad content"


def test_an_event_with_several_recipients_applies_to_the_letters_recipient(drain, services):
    letter = sent_letter(services, drain)

    feed(ses_event("Bounce", letter.ses_message_id, ["someone.else@example.org", KENYA.upper()]))

    assert services.letters.get(letter.letter_id).status == "bounced"
    assert services.health.failing("foreign-ministry", "KE") is not None


def test_an_event_about_other_recipients_only_leaves_the_letter_alone(drain, services):
    letter = sent_letter(services, drain)

    feed(ses_event("Bounce", letter.ses_message_id, ["someone.else@example.org"]))

    assert services.letters.get(letter.letter_id).status == "sent"
    assert services.health.failing("foreign-ministry", "KE") is None


def test_events_out_of_order_or_twice_never_move_a_letter_backwards_or_count_twice(drain, services):
    letter = sent_letter(services, drain)
    bounce = ses_event("Bounce", letter.ses_message_id, [KENYA])

    feed(bounce, bounce)  # SNS delivers at least once
    feed(ses_event("Delivery", letter.ses_message_id, [KENYA]))
    feed(ses_event("DeliveryDelay", letter.ses_message_id, [KENYA]))

    assert services.letters.get(letter.letter_id).status == "bounced"
    assert services.reputation.rates("hrd-resolution").bounced == 1


@pytest.mark.parametrize("shape", SHAPES)
def test_a_bounce_after_a_delivery_marks_the_letter_bounced_and_counts_toward_the_guard(drain, services, shape):
    # GIVEN a letter SES reported delivered (the recipient's server accepted it)
    letter = sent_letter(services, drain)
    feed(ses_event("Delivery", letter.ses_message_id, [KENYA], shape=shape))
    # WHEN that server bounces it afterwards (an asynchronous bounce: AWS documents Bounce after Delivery)
    feed(ses_event("Bounce", letter.ses_message_id, [KENYA], shape=shape))
    # THEN the letter is bounced, the target failing, and the guard counts the bounce once
    bounced = services.letters.get(letter.letter_id)
    assert bounced.status == "bounced" and "550 5.1.1" in bounced.failure_reason
    assert services.health.failing("foreign-ministry", "KE") is not None
    assert services.reputation.rates("hrd-resolution").bounced == 1
    # AND a Delivery or the same Bounce again (SNS repeats) never moves it back nor counts twice
    feed(ses_event("Delivery", letter.ses_message_id, [KENYA], shape=shape))
    feed(ses_event("Bounce", letter.ses_message_id, [KENYA], shape=shape))
    assert services.letters.get(letter.letter_id).status == "bounced"
    assert services.reputation.rates("hrd-resolution").bounced == 1


def test_a_complaint_about_a_confirmation_email_counts_toward_the_guard_once(letters_api, services):
    # GIVEN a confirmation email sent to an address someone else typed
    assert (
        letters_api.post("hrd-resolution", {"country": "KE", "name": "A", "email": "x@example.org"}).status_code == 202
    )
    [notice] = letters_api.notices()
    tags = {"campaign": "hrd-resolution", "kind": "notice"}
    # WHEN its recipient marks it as spam (SNS may deliver the event twice)
    complaint = ses_event("Complaint", notice["message_id"], ["x@example.org"], tags=tags)
    feed(complaint, complaint)
    # THEN the campaign's reputation guard counts it, once: SES counts it against our domain too
    assert services.reputation.rates("hrd-resolution").complained == 1


def test_a_fixed_target_bounce_marks_that_campaigns_target_failing(drain, services):
    letter = sent_letter(services, drain, slug="sg-defenders")

    feed(ses_event("Bounce", letter.ses_message_id, [letter.target_email]))

    assert services.health.failing("fixed", "sg-defenders") is not None
    assert services.health.failing("fixed", "KE") is None


def test_letters_to_a_failing_target_wait_until_it_is_cleared(drain, services, clock, outbox):
    letter = sent_letter(services, drain)
    feed(ses_event("Bounce", letter.ses_message_id, [KENYA]))
    waiting = queued_letter(services, "KE")
    drain()
    held = services.letters.get(waiting)
    assert (held.status, held.waiting_reason) == ("queued", "target_failing")

    services.health.clear("foreign-ministry", "KE")  # an organiser fixed the address
    clock.advance(hours=1)
    services.schedule.release_due(clock(), services.queue)
    drain()

    assert services.letters.get(waiting).status == "sent"
    assert len(outbox()) == 2


@pytest.mark.parametrize(
    "message",
    [
        "not json",
        json.dumps({"notificationType": "AmazonSnsSubscriptionSucceeded", "message": "hello"}),
        json.dumps({"eventType": "Open", "mail": {"messageId": "x"}, "open": {}}),
        json.dumps({"eventType": "Delivery", "mail": {}}),
        json.dumps(["a", "list"]),
    ],
)
def test_messages_that_are_not_ses_events_we_use_are_ignored(services, message):
    import app

    event = sns_event({})
    event["Records"][0]["Sns"]["Message"] = message
    assert services.feedback.handle_sns(event) == [None]
    app.on_ses_feedback(event, None)  # and the handler does not raise, so SNS does not retry it


def test_an_event_for_an_unknown_message_is_ignored(services):
    assert services.feedback.handle_sns(sns_event(ses_event("Delivery", "unknown-id", [KENYA]))) == [None]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)
known_keys = st.sampled_from(
    [
        "eventType",
        "notificationType",
        "mail",
        "bounce",
        "complaint",
        "delivery",
        "deliveryDelay",
        "reject",
        "messageId",
        "tags",
        "bouncedRecipients",
        "recipients",
    ]
)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(known_keys, json_values | st.sampled_from(["Bounce", "Delivery", "Complaint"]), max_size=6),
    st.dictionaries(known_keys, json_values, max_size=4),
)
def test_any_shape_of_message_is_parsed_or_ignored_never_a_crash(top, mail):
    from chalicelib.feedback.ses_events import parse

    event = parse(json.dumps({**top, "mail": {**mail, "messageId": "m"}} if "mail" in top else top))
    assert event is None or event.ses_message_id


# --- feedback that could not be applied -------------------------------------------------------------------


def test_feedback_lambda_could_not_apply_is_kept_and_replayed_by_an_organiser(drain, services):
    """A DynamoDB error in on_ses_feedback: Lambda retries an SNS invocation twice, then hands the event to the
    function's dead-letter queue (infra/template.yaml OnSesFeedback DeadLetterQueue), which `admin
    replay-feedback` reads back through the same Feedback code."""
    import io

    from botocore.exceptions import ClientError

    import app
    from chalicelib.cli.admin import main

    letter = sent_letter(services, drain)
    event = sns_event(ses_event("Delivery", letter.ses_message_id, [KENYA]))

    # GIVEN DynamoDB refusing the feedback's reads: the handler fails, as it must (Lambda retries, then keeps it)
    def refuse(**_):
        raise ClientError({"Error": {"Code": "InternalServerError", "Message": "injected"}}, "Query")

    services.aws.table.meta.client.meta.events.register("before-call.dynamodb.Query", refuse, unique_id="down")
    with pytest.raises(ClientError):
        app.on_ses_feedback(event, None)
    services.aws.table.meta.client.meta.events.unregister("before-call.dynamodb.Query", unique_id="down")
    sqs = services.aws.sqs
    dlq_url = sqs.get_queue_url(QueueName=services.settings.feedback_dead_letter_queue_name)["QueueUrl"]
    sqs.send_message(QueueUrl=dlq_url, MessageBody=json.dumps(event))  # what Lambda does after its retries

    # WHEN an organiser replays the kept events, once DynamoDB is back
    out, err = io.StringIO(), io.StringIO()
    assert main(["--aws", "replay-feedback"], out, err, services=services) == 0, err.getvalue()

    # THEN the letter is delivered, and the queue is empty
    assert services.letters.get(letter.letter_id).status == "delivered"
    assert "1 replayed" in out.getvalue()
    attributes = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["All"])["Attributes"]
    assert attributes["ApproximateNumberOfMessages"] == "0"
    assert attributes["ApproximateNumberOfMessagesNotVisible"] == "0"
