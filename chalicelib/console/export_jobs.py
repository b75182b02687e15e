"""Exports as jobs: the API asks, a worker streams the CSV to S3 in parts, the organiser downloads it by a
short-lived link. Nothing passes through an API response, so Lambda's 6 MB limit never applies.

Job item: pk "EXPORT#<id>", sk "EXPORT" (campaign, filters, reveal, actor, status running|done|failed, rows,
attempts), deleted by TTL after JOB_RETENTION; the CSV's S3 key is "exports/<campaign>/<id>.csv".
The queue message holds only the job id. A redelivered message for a finished job does nothing; a job
that crashed MAX_ATTEMPTS times is marked failed, so a poison export never loops.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from typing import Any, Callable

from chalicelib.clock import iso
from chalicelib.console.csv_export import export_rows, write_csv
from chalicelib.console.letter_queries import LetterFilter, LetterQueries
from chalicelib.errors import NotFound
from chalicelib.storage.conditional import conditional_write
from chalicelib.storage.s3_sink import S3Sink

log = logging.getLogger(__name__)

JOB_RETENTION = dt.timedelta(days=7)
LINK_SECONDS = 15 * 60
MAX_ATTEMPTS = 3
PROGRESS_WRITES_EVERY = 5_000  # rows between progress updates on the job item


def job_key(export_id: str) -> dict[str, str]:
    return {"pk": f"EXPORT#{export_id}", "sk": "EXPORT"}


class ExportJobs:
    def __init__(
        self,
        *,
        table: Any,
        s3: Any,
        bucket: str,
        sqs: Any,
        queue_url: Callable[[], str],
        queries: LetterQueries,
        country_name: Callable[[str], str],
        clock: Callable[[], dt.datetime],
    ) -> None:
        self._table, self._s3, self._bucket, self._sqs, self._queue_url = table, s3, bucket, sqs, queue_url
        self._queries, self._country_name, self._clock = queries, country_name, clock

    def request(self, campaign: str, filters: LetterFilter, *, reveal: bool, actor: str) -> dict[str, Any]:
        """Record the job and queue it; the job is `running` until the worker finishes it."""
        now = self._clock()
        export_id = str(uuid.uuid4())
        job = {
            **job_key(export_id),
            "export_id": export_id,
            "campaign": campaign,
            "filters": filters.as_dict(),
            "reveal": reveal,
            "actor": actor,
            "status": "running",
            "rows": 0,
            "attempts": 0,
            "created_at": iso(now),
            "expires_at": int((now + JOB_RETENTION).timestamp()),
        }
        self._table.put_item(Item=job)
        try:
            self._sqs.send_message(QueueUrl=self._queue_url(), MessageBody=json.dumps({"export_id": export_id}))
        except Exception:
            self._table.delete_item(Key=job_key(export_id))  # never leave a job nobody will run
            raise
        return job

    def get(self, campaign: str, export_id: str) -> dict[str, Any]:
        """The job, if it belongs to `campaign` (an id from another campaign is simply not found)."""
        item = self._table.get_item(Key=job_key(export_id), ConsistentRead=True).get("Item")
        if not item or item["campaign"] != campaign:
            raise NotFound("No export with this id in this campaign.")
        return item

    def download_url(self, job: dict[str, Any]) -> str:
        filename = f"{job['campaign']}-letters-{job['created_at'][:10]}.csv"
        return self._s3.generate_presigned_url(
            "get_object",
            ExpiresIn=LINK_SECONDS,
            Params={
                "Bucket": self._bucket,
                "Key": csv_key(job),
                "ResponseContentDisposition": f'attachment; filename="{filename}"',
            },
        )

    def run(self, export_id: str) -> None:
        """The worker: stream every matching letter to S3, then mark the job done (or failed, finally)."""
        attempts = self._start(export_id)
        if attempts is None:
            return
        job = self._table.get_item(Key=job_key(export_id), ConsistentRead=True)["Item"]
        if attempts > MAX_ATTEMPTS:
            self._finish(export_id, "failed", error="The export failed repeatedly; please try again later.")
            return
        sink = S3Sink(self._s3, self._bucket, csv_key(job))
        rows = export_rows(
            self._queries,
            job["campaign"],
            LetterFilter(**job["filters"]),
            self._country_name,
            reveal=bool(job["reveal"]),
        )
        try:
            count = write_csv(rows, sink, progress=lambda n: self._progress(export_id, n))
            sink.finish()
        except Exception:
            sink.abort()
            raise  # the message returns to the queue: another attempt
        self._finish(export_id, "done", rows=count)

    def _start(self, export_id: str) -> int | None:
        """Count an attempt on a running job; None if the job is gone or finished (a duplicate message)."""
        item = conditional_write(
            self._table.update_item,
            Key=job_key(export_id),
            UpdateExpression="ADD attempts :one",
            ConditionExpression="#status = :running",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={":one": 1, ":running": "running"},
            ReturnValues="UPDATED_NEW",
        )
        if item is None:
            log.info("export %s is finished or gone; nothing to do", export_id)
            return None
        return int(item["Attributes"]["attempts"])

    def _progress(self, export_id: str, rows: int) -> None:
        if rows % PROGRESS_WRITES_EVERY == 0:
            self._table.update_item(
                Key=job_key(export_id),
                UpdateExpression="SET #rows = :rows",
                ExpressionAttributeNames={"#rows": "rows"},
                ExpressionAttributeValues={":rows": rows},
            )

    def _finish(self, export_id: str, status: str, **fields: Any) -> None:
        names, values = {"#status": "status"}, {":status": status, ":now": iso(self._clock())}
        sets = ["#status = :status", "finished_at = :now"]
        for name, value in fields.items():
            names[f"#{name}"], values[f":{name}"] = name, value
            sets.append(f"#{name} = :{name}")
        self._table.update_item(
            Key=job_key(export_id),
            UpdateExpression="SET " + ", ".join(sets),
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
        )


def csv_key(job: dict[str, Any]) -> str:
    return f"exports/{job['campaign']}/{job['export_id']}.csv"


def job_view(job: dict[str, Any]) -> dict[str, Any]:
    keep = ("export_id", "campaign", "status", "filters", "reveal", "created_at", "finished_at", "error")
    return {**{k: job.get(k) for k in keep}, "rows": int(job.get("rows", 0))}


def export_id_of(body: str) -> str:
    """The job id in a queue message; ValueError if the message is not an export message."""
    try:
        export_id = json.loads(body)["export_id"]
        return str(uuid.UUID(export_id))
    except (ValueError, KeyError, TypeError, AttributeError):
        raise ValueError("not an export message") from None
