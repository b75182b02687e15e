"""Démarche's table of contents: the Chalice app, its HTTP blueprints (chalicelib/http/), and the event handlers.

Event handlers stay here: one declared in a blueprint gets a handler path into the blueprint's module, which skips
this file (aws/chalice#1566). Their names are the Lambda functions' names in .chalice/ and infra/template.yaml.
"""

from __future__ import annotations

from typing import Any, Callable

from chalice import Chalice, Rate

from chalicelib.http import (
    campaign_editor,
    dev,
    follow_ups,
    organisers,
    partners,
    public_api,
    request,
    sign_on,
    supporter_pages,
)
from chalicelib.services import services, use_services

__all__ = ["app", "services", "use_services"]  # tests swap the services through this module

app = Chalice(app_name="demarche")
app.register_blueprint(request.blueprint)  # no routes: lets the HTTP helpers reach the current request
app.register_blueprint(public_api.blueprint)  # partners' pages: campaigns, targets, letters as JSON
app.register_blueprint(supporter_pages.blueprint)  # the HTML form, then the confirm, status and delete links
app.register_blueprint(sign_on.blueprint)  # organisations sign a letter; the public list
app.register_blueprint(follow_ups.blueprint)  # "did they reply?"
app.register_blueprint(organisers.blueprint)  # the console and its authorizer (organiser_token)
app.register_blueprint(campaign_editor.blueprint)  # the console's campaign editor: campaigns without a deploy
app.register_blueprint(partners.blueprint)  # a partner's own results, by the link organisers hand out
app.register_blueprint(dev.blueprint)  # the local stage's outbox and token


# --- housekeeping ----------------------------------------------------------------------------------


@app.schedule(Rate(15, unit=Rate.MINUTES))
def housekeeping(event: Any) -> dict[str, int]:
    """Reminders, expiry, digests and sign-on sends at their time, "did they reply?" questions, and the scrub."""
    return services().housekeeping.run()


# --- the sender ------------------------------------------------------------------------------------


def _records(event: Any) -> list:
    from chalicelib.queue_messages import QueueRecord

    return [QueueRecord(message_id=r.to_dict()["messageId"], body=r.body) for r in event]


def _time_left(event: Any) -> Callable[[], int] | None:
    context = getattr(event, "context", None)
    return getattr(context, "get_remaining_time_in_millis", None)


def _partial_batch(failed: list[str]) -> dict[str, list[dict[str, str]]]:
    """SQS's partial batch response: only these messages come back to the queue."""
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failed]}


@app.on_sqs_message(queue="demarche-letters", batch_size=10)
def on_sqs_message(event: Any) -> dict[str, list[dict[str, str]]]:
    """Send each queued letter; report only the failed records back to SQS (partial batch response)."""
    failed = services().deliverer.deliver_batch(_records(event), time_left_ms=_time_left(event))
    return _partial_batch(failed)


@app.on_sqs_message(queue="demarche-letters-dlq", batch_size=10)
def on_dead_letter(event: Any) -> dict[str, list[dict[str, str]]]:
    """A letter whose message failed five times: mark it failed, so organisers and the supporter see it."""
    deliverer = services().deliverer
    failed = deliverer.deliver_batch(_records(event), deliverer.give_up)
    return _partial_batch(failed)


# --- email to supporters (confirmations, reminders, questions): queued by the API, sent here at the SES rate ----


@app.on_sqs_message(queue="demarche-letters-mail", batch_size=10)  # infra/template.yaml: MailQueue
def on_supporter_mail(event: Any) -> dict[str, list[dict[str, str]]]:
    """Send each queued supporter email once, paced and retried (chalicelib/mail/mail_sender.py)."""
    failed = services().mail_sender.deliver_batch(_records(event), time_left_ms=_time_left(event))
    return _partial_batch(failed)


@app.on_sqs_message(queue="demarche-letters-mail-dlq", batch_size=10)
def on_supporter_mail_dead_letter(event: Any) -> dict[str, list[dict[str, str]]]:
    """An email whose message failed five times: give it up, saying why (a confirmation's letter ends expired)."""
    sender = services().mail_sender
    failed = sender.deliver_batch(_records(event), sender.dead_letter)
    return _partial_batch(failed)


@app.schedule(Rate(1, unit=Rate.MINUTES))
def release_waiting_letters(event: Any) -> None:
    """Hand letters whose wait is over (pacing, backoff, reconciliation) back to the queue."""
    s = services()
    s.schedule.release_due(s.clock(), s.queue)


@app.schedule(Rate(1, unit=Rate.MINUTES))
def roll_up_stats(event: Any) -> int:
    """Rebuild each active campaign's stats rollup from its counters: a dashboard view then costs one read."""
    s = services()
    return s.stats_rollup.refresh_active(s.campaigns.all())


@app.on_sns_message(topic="demarche-ses-feedback")
def on_ses_feedback(event: Any) -> None:
    """SES events (delivery, bounce, complaint, delay, reject) update the letters they are about."""
    services().feedback.handle_sns(event.to_dict())


# --- organisers' exports ---------------------------------------------------------------------------


@app.on_sqs_message(queue="demarche-letters-exports", batch_size=1)  # infra/template.yaml: ExportsQueue
def on_export_message(event: Any) -> None:
    """Write one export to S3. A crash returns the message to the queue; the job counts its attempts."""
    from chalicelib.console.export_jobs import export_id_of

    for record in event:
        try:
            export_id = export_id_of(record.body)
        except ValueError:
            continue  # not ours: dropping it is all we can do
        services().exports.run(export_id)
