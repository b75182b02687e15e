"""Worker throughput: letters per second one worker sends, with AWS faked in memory (our code's cost only)."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def run(letters: int = 2000) -> list[dict]:
    from dataclasses import replace

    from warm_requests import build_app, event, submit_body

    import app as app_module

    app, services = build_app()
    campaign = services.campaigns.get("hrd-resolution")
    policies = campaign.policies
    direct = replace(campaign, policies=replace(policies, confirmation=replace(policies.confirmation,
                                                                              required=False)))
    services.campaigns._by_slug["hrd-resolution"] = direct  # letters go straight to the queue for this run
    for i in range(letters):
        response = app(event("POST", "/campaigns/{slug}/letters", "/campaigns/hrd-resolution/letters",
                             {"slug": "hrd-resolution"}, body=submit_body(i, services)), None)
        assert response["statusCode"] == 202, response
    bodies = services.aws.sqs.sent
    records = [{"messageId": str(i), "receiptHandle": "r", "body": b, "attributes": {}, "messageAttributes": {},
                "md5OfBody": "", "eventSource": "aws:sqs", "awsRegion": "us-east-1",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:demarche-letters"}
               for i, b in enumerate(bodies)]
    start = time.perf_counter()
    for i in range(0, len(records), 10):
        result = app_module.on_sqs_message({"Records": records[i:i + 10]}, None)
        assert not result["batchItemFailures"], result
    elapsed = time.perf_counter() - start
    sent = services.aws.sesv2.sent
    assert sent == letters, f"{sent} sends for {letters} letters"
    return [{"figure": "worker throughput (SES and DynamoDB faked)", "value": f"{letters / elapsed:.0f} letters/s",
             "goal": "(informational)", "met": None}]


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
