"""Least privilege: each Lambda function's IAM policy allows exactly what its code and Lambda itself need.

The two `audit` tests run last and read what the whole session recorded (tests/support/aws_calls.py): every AWS call
made inside a handler, by any test. If you add an AWS call, the first tells you which statement to add to
which .chalice/policy-<function>.json; if you remove one, the second tells you which permission to drop.
"""

from __future__ import annotations

import json

import pytest
from support.aws_calls import ACCOUNT, UNKNOWN, Permission, entry_points, permissions_for
from support.policy_audit import Function, Grant, audit, functions, grants, lambda_needs

TABLE = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/demarche"
QUEUE = f"arn:aws:sqs:us-east-1:{ACCOUNT}:demarche-letters"
MAIL_QUEUE = f"arn:aws:sqs:us-east-1:{ACCOUNT}:demarche-letters-mail"


@pytest.fixture(scope="module")
def deployed(packaged):
    """The packaged prod template, resolved with the local names the tests' resources have."""
    from support.paths import PROJECT_DIR

    from chalicelib.settings import Settings
    from infra.template import Stack
    from localdev.resources import local_parameters

    stack = Stack(
        packaged.template,
        local_parameters(Settings.from_env({"DEMARCHE_STAGE": "local"})),
        region="us-east-1",
        account=ACCOUNT,
        stack_name="demarche-local",
    )
    config = json.loads((PROJECT_DIR / ".chalice" / "config.json").read_text(encoding="utf-8"))
    return packaged.template, stack, {f.name: f for f in functions(packaged.template, config)}


def test_every_handler_is_a_function_with_its_own_role_and_policy_file(deployed):
    from support.paths import PROJECT_DIR

    import app as app_module

    template, _, by_name = deployed
    assert set(entry_points(app_module.app).values()) == set(by_name)
    assert len({f.role for f in by_name.values()}) == len(by_name), "two functions share a role"
    for function in by_name.values():
        assert (PROJECT_DIR / function.policy_file).is_file(), f"{function.name} has no {function.policy_file}"
        document = json.loads((PROJECT_DIR / function.policy_file).read_text(encoding="utf-8"))
        assert template["Resources"][function.role]["Properties"]["Policies"][0]["PolicyDocument"] == document


CONFIG_SET = f"arn:aws:ses:us-east-1:{ACCOUNT}:configuration-set/demarche"


def test_calls_inside_a_handler_are_recorded_for_its_function_and_test_code_calls_are_not(
    aws_calls, letters_api, drain, stored_items
):
    with aws_calls.capture() as seen:
        # WHEN a supporter posts and confirms a letter (its confirmation email sent by the mail sender), the worker
        # sends it, and the test reads the table itself
        letters_api.send("hrd-resolution", {"country": "KE", "name": "Amina", "email": "amina@example.org"})
        assert drain() == 1
        assert stored_items()

    # THEN the API's writes are the API's (it queues the email, never calls SES), the confirmation email is the
    # mail sender's, the sending is the worker's, and the test's Scan is nobody's
    # (a transaction is authorised item by item: its Put is dynamodb:PutItem, its Update dynamodb:UpdateItem)
    def called(function):
        return {(p.action, p.resource, p.leading_key.split("#")[0]) for p in seen[function]}

    assert {
        ("dynamodb:PutItem", TABLE, "LETTER"),
        ("dynamodb:PutItem", TABLE, "FORM"),  # the form stamp it spends, in the letter's transaction
        ("sqs:SendMessage", MAIL_QUEUE, ""),
        ("sqs:SendMessage", QUEUE, ""),
    } <= called("api_handler")
    assert not any(p.action == "ses:SendEmail" for p in seen["api_handler"])
    assert {("ses:SendEmail", CONFIG_SET, ""), ("dynamodb:DeleteItem", TABLE, "MAIL")} <= called("on_supporter_mail")
    assert {
        ("dynamodb:UpdateItem", TABLE, "LETTER"),  # each move and its stats counters, in one write
        ("dynamodb:UpdateItem", TABLE, "STATS"),
        ("ses:SendEmail", CONFIG_SET, ""),
    } <= called("on_sqs_message")
    assert not any(p.action == "dynamodb:TransactWriteItems" for calls in seen.values() for p in calls)
    assert set(seen) == {"api_handler", "on_supporter_mail", "on_sqs_message"}
    assert not any(p.action in ("dynamodb:Scan", "sqs:ReceiveMessage") for calls in seen.values() for p in calls)


def test_calls_are_named_as_iam_sees_them():
    # GIVEN calls as boto3 makes them; THEN the action and resource ARNs are what IAM evaluates
    # (each DynamoDB item by its partition key value: a policy's dynamodb:LeadingKeys condition is judged on it)
    transaction = {
        "TransactItems": [
            {"Put": {"TableName": "demarche", "Item": {"pk": "LETTER#1", "sk": "LETTER"}}},
            {"Update": {"TableName": "demarche", "Key": {"pk": {"S": "STATS#c#07"}, "sk": {"S": "DAY#x"}}}},
            {"ConditionCheck": {"TableName": "demarche", "Key": {"pk": "RATE#c#ip#h#0", "sk": "RATE"}}},
        ]
    }
    assert permissions_for("dynamodb", "TransactWriteItems", transaction, "us-east-1") == sorted(
        [
            Permission("dynamodb:ConditionCheckItem", TABLE, "RATE#c#ip#h#0"),
            Permission("dynamodb:PutItem", TABLE, "LETTER#1"),
            Permission("dynamodb:UpdateItem", TABLE, "STATS#c#07"),
        ]
    )
    from boto3.dynamodb.conditions import Key

    by_index = {"TableName": "demarche", "IndexName": "by-due"}
    assert permissions_for(
        "dynamodb",
        "Query",
        {**by_index, "KeyConditionExpression": Key("due_pk").eq("DUE#3") & Key("due_at").lte(9)},
        "us-east-1",
    ) == [Permission("dynamodb:Query", f"{TABLE}/index/by-due", "DUE#3")]
    as_text = {"KeyConditionExpression": "#p = :p", "ExpressionAttributeNames": {"#p": "pk"}}
    assert permissions_for(
        "dynamodb",
        "Query",
        {"TableName": "demarche", **as_text, "ExpressionAttributeValues": {":p": "AUDIT#c"}},
        "us-east-1",
    ) == [Permission("dynamodb:Query", TABLE, "AUDIT#c")]
    batch = {"RequestItems": {"demarche": {"Keys": [{"pk": "LETTER#1", "sk": "L"}, {"pk": "LETTER#2", "sk": "L"}]}}}
    assert permissions_for("dynamodb", "BatchGetItem", batch, "us-east-1") == [
        Permission("dynamodb:BatchGetItem", TABLE, "LETTER#1"),
        Permission("dynamodb:BatchGetItem", TABLE, "LETTER#2"),
    ]
    assert permissions_for("secretsmanager", "GetSecretValue", {"SecretId": "demarche-prod-secret"}, "us-east-1") == [
        Permission(
            "secretsmanager:GetSecretValue",
            f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:demarche-prod-secret-??????",
        )
    ]
    assert permissions_for(
        "sqs", "SendMessage", {"QueueUrl": f"http://127.0.0.1:5000/{ACCOUNT}/demarche-letters"}, "us-east-1"
    ) == [Permission("sqs:SendMessage", QUEUE)]
    assert permissions_for(
        "ses",
        "SendEmail",
        {"FromEmailAddress": "Org <letters@Demarche.example.org>", "ConfigurationSetName": "demarche"},
        "us-east-1",
    ) == [
        Permission("ses:SendEmail", f"arn:aws:ses:us-east-1:{ACCOUNT}:identity/demarche.example.org"),
        Permission("ses:SendEmail", f"arn:aws:ses:us-east-1:{ACCOUNT}:configuration-set/demarche"),
    ]
    assert permissions_for("kms", "Decrypt", {"CiphertextBlob": b"x"}, "us-east-1") == [
        Permission("kms:Decrypt", UNKNOWN)
    ]
    # SQS authorises its batch calls under the single call's action; SES's account limits have no resource
    assert permissions_for(
        "sqs", "SendMessageBatch", {"QueueUrl": f"http://127.0.0.1:5000/{ACCOUNT}/demarche-letters"}, "us-east-1"
    ) == [Permission("sqs:SendMessage", QUEUE)]
    assert permissions_for("ses", "GetAccount", {}, "us-east-1") == [Permission("ses:GetAccount", "*")]


API = Function("api_handler", "APIHandler", "ApiHandlerRole", ".chalice/policy-api_handler.json")


def _role(*statements: dict) -> dict:
    """A template whose only role is API's, with these statements."""
    return {
        "Resources": {API.role: {"Properties": {"Policies": [{"PolicyDocument": {"Statement": list(statements)}}]}}}
    }


LETTER_LOG = {
    "Sid": "LetterLog",
    "Effect": "Allow",
    "Action": ["dynamodb:PutItem", "dynamodb:DeleteItem"],
    "Resource": {"Fn::GetAtt": ["LettersTable", "Arn"]},
    "Condition": {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["LETTER#*"]}},
}


def test_a_call_the_policy_does_not_allow_is_named_with_the_statement_to_add(deployed):
    _, stack, _ = deployed
    granted, _ = grants(_role(LETTER_LOG), API, stack)
    # WHEN the code starts querying the by-campaign index, and writing audit entries
    needs = {
        Permission("dynamodb:PutItem", TABLE, "LETTER#1"): "t",
        Permission("dynamodb:DeleteItem", TABLE, "LETTER#2"): "t",
        Permission("dynamodb:Query", f"{TABLE}/index/by-campaign", "CAMPAIGN#hrd#07"): "tests/x.py::test_y",
        Permission("dynamodb:PutItem", TABLE, "AUDIT#hrd"): "tests/x.py::test_z",
    }
    # THEN each problem names the function, the call, its key prefix, the policy file and the exact statement to add
    assert audit(API, needs, granted, stack) == [
        f"api_handler needs dynamodb:PutItem on {TABLE} on key AUDIT#* (tests/x.py::test_z) but "
        ".chalice/policy-api_handler.json does not allow it. Add: "
        '{"Effect": "Allow", "Action": ["dynamodb:PutItem"], "Resource": {"Fn::GetAtt": ["LettersTable", "Arn"]}, '
        '"Condition": {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["AUDIT#*"]}}}',
        f"api_handler needs dynamodb:Query on {TABLE}/index/by-campaign on key CAMPAIGN#*#* (tests/x.py::test_y) but "
        ".chalice/policy-api_handler.json does not allow it. Add: "
        '{"Effect": "Allow", "Action": ["dynamodb:Query"], "Resource": {"Fn::Sub": "${LettersTable.Arn}/index/by-campaign"}, '
        '"Condition": {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["CAMPAIGN#*#*"]}}}',
    ]


def test_a_permission_no_flow_uses_is_named(deployed):
    _, stack, _ = deployed
    granted, _ = grants(_role(LETTER_LOG), API, stack)
    # GIVEN flows that write letters but never delete one
    needs = {Permission("dynamodb:PutItem", TABLE, "LETTER#1"): "t"}
    # THEN the DeleteItem grant is reported, and only when unused grants are checked
    assert audit(API, needs, granted, stack) == [
        f".chalice/policy-api_handler.json statement LetterLog grants dynamodb:DeleteItem on {TABLE} for keys "
        "LETTER#*, which no test flow of api_handler uses: remove it, or add the test whose flow needs it"
    ]
    assert audit(API, needs, granted, stack, check_unused=False) == []


def test_wildcards_and_unnameable_calls_are_refused(deployed):
    _, stack, _ = deployed
    granted, problems = grants(
        _role(
            {"Sid": "All", "Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"},
            {
                "Sid": "Cond",
                "Effect": "Allow",
                "Action": "sqs:SendMessage",
                "Resource": QUEUE,
                "Condition": {"Bool": {"aws:SecureTransport": "true"}},
            },
        ),
        API,
        stack,
    )
    assert problems == [
        ".chalice/policy-api_handler.json statement All grants dynamodb:*: name each operation",
        ".chalice/policy-api_handler.json statement All grants dynamodb:* on every item: limit it to the key "
        "prefixes the function owns with a ForAllValues:StringLike dynamodb:LeadingKeys condition",
        ".chalice/policy-api_handler.json statement All grants dynamodb:* on *: name the resource",
        ".chalice/policy-api_handler.json statement Cond: only Allow statements with Action and Resource can be "
        "checked (found [\"only ForAllValues:StringLike on dynamodb:LeadingKeys can be checked (found {'Bool': "
        "{'aws:SecureTransport': 'true'}})\"])",
    ]
    assert granted == [Grant("All", "dynamodb:*", "*")]
    # "*" only for an action IAM knows no resource for
    granted, problems = grants(
        _role(
            {"Sid": "Limits", "Effect": "Allow", "Action": "ses:GetAccount", "Resource": "*"},
            {"Sid": "Send", "Effect": "Allow", "Action": "ses:SendEmail", "Resource": "*"},
        ),
        API,
        stack,
    )
    assert problems == [".chalice/policy-api_handler.json statement Send grants ses:SendEmail on *: name the resource"]
    assert Grant("Limits", "ses:GetAccount", "*").allows(Permission("ses:GetAccount", "*"))
    unnamed = audit(API, {Permission("kms:Decrypt", UNKNOWN): "t"}, [], stack, check_unused=False)
    assert unnamed == [
        "api_handler calls kms:Decrypt (t), whose resource tests/support/aws_calls.py cannot name: add its "
        "service to RESOURCES there"
    ]


def test_lambda_itself_needs_to_poll_the_workers_queue_and_write_logs(deployed):
    template, stack, by_name = deployed
    needs = lambda_needs(template, by_name["on_sqs_message"], stack)
    assert {p.action for p in needs if p.resource == QUEUE} == {
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
    }
    assert {p.action for p in needs if ":log-group:/aws/lambda/demarche-local:log-stream:" in p.resource} == {
        "logs:CreateLogStream",
        "logs:PutLogEvents",
    }


def test_lambda_itself_needs_to_keep_the_feedback_it_could_not_apply(deployed):
    template, stack, by_name = deployed
    needs = lambda_needs(template, by_name["on_ses_feedback"], stack)
    assert Permission("sqs:SendMessage", f"{QUEUE}-feedback-dlq") in needs


WRITES = ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem")


def _allowed(template, stack, function, action: str, leading_key: str, resource: str = TABLE) -> bool:
    granted, _ = grants(template, function, stack)
    return any(grant.allows(Permission(action, resource, leading_key)) for grant in granted)


def test_the_public_api_cannot_forge_organiser_tokens_or_rewrite_the_audit_trail(deployed):
    template, stack, by_name = deployed
    api = by_name["api_handler"]
    # GIVEN the function every visitor's request runs in (the form, the links, the organisers' console)
    # THEN it may not write organiser tokens at all (they are made by the admin command line, with its own
    # credentials), and may only add to the audit trail, never change or delete an entry
    assert not any(_allowed(template, stack, api, action, "ORGANISER_TOKEN") for action in WRITES)
    assert _allowed(template, stack, api, "dynamodb:PutItem", "AUDIT#hrd-resolution")
    assert not any(
        _allowed(template, stack, api, action, "AUDIT#hrd-resolution")
        for action in ("dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem")
    )
    # AND the authorizer only reads tokens, and nothing else of the table
    authorizer = by_name["organiser_token"]
    assert _allowed(template, stack, authorizer, "dynamodb:GetItem", "ORGANISER_TOKEN")
    assert not any(_allowed(template, stack, authorizer, action, "ORGANISER_TOKEN") for action in WRITES)
    assert not _allowed(template, stack, authorizer, "dynamodb:GetItem", "LETTER#some-letter")


def test_only_the_functions_that_own_them_may_write_tokens_the_audit_trail_health_or_suppressions(deployed):
    template, stack, by_name = deployed
    writers = {
        key: {
            name
            for name, function in by_name.items()
            if any(_allowed(template, stack, function, action, key) for action in WRITES)
        }
        for key in ("ORGANISER_TOKEN", "AUDIT#hrd-resolution", "TARGET_HEALTH", "SUPPRESS#hrd-resolution#ab12")
    }
    assert writers == {
        "ORGANISER_TOKEN": set(),  # only the admin command line, with an organiser's own credentials
        "AUDIT#hrd-resolution": {"api_handler"},  # a reveal in the console adds its entry
        "TARGET_HEALTH": {"on_ses_feedback"},  # a hard bounce marks a target failing
        "SUPPRESS#hrd-resolution#ab12": {"on_ses_feedback"},  # a complaint suppresses its recipient
    }


def _session_problems(deployed, aws_calls, *, check_unused: bool) -> list[str]:
    template, stack, by_name = deployed
    problems = [
        f"{name} made AWS calls but is not a function of the packaged template"
        for name in aws_calls.calls
        if name not in by_name
    ]
    for function in by_name.values():
        granted, statement_problems = grants(template, function, stack)
        needs = {**lambda_needs(template, function, stack), **aws_calls.calls.get(function.name, {})}
        problems += statement_problems + audit(function, needs, granted, stack, check_unused=check_unused)
    return problems


@pytest.mark.audit
def test_every_aws_call_a_handler_made_in_this_session_is_allowed(deployed, aws_calls):
    problems = _session_problems(deployed, aws_calls, check_unused=False)
    assert not problems, "\n".join(problems)


@pytest.mark.audit
def test_every_permission_granted_is_used_by_a_flow_of_the_suite(deployed, aws_calls):
    reason = aws_calls.whole_suite_problem()
    if reason:
        pytest.skip(f"unused permissions can be judged only over the whole suite: {reason}")
    assert aws_calls.calls, "no handler made any AWS call: the recorder is not seeing the app's calls"
    problems = _session_problems(deployed, aws_calls, check_unused=True)
    assert not problems, "\n".join(problems)


def test_a_cold_function_that_queues_letters_looks_up_the_queue_itself(
    aws_calls, letters_api, housekeeping, clock, services
):
    """The suite's services resolve the queue URL once, usually inside the API; a fresh Lambda container of the
    scheduled functions resolves it itself, so their policies need sqs:GetQueueUrl too."""
    import app as app_module
    from chalicelib.services import Services
    from localdev.drain import scheduled_event

    # GIVEN a digest due, and a letter waiting in the schedule
    letters_api.send("defenders-digest", {"country": "KE", "name": "Amina", "email": "amina@example.org"})
    services.schedule.add("some-letter", clock(), "retry", int(clock().timestamp()) + 3600)
    clock.advance(days=1)
    with aws_calls.capture() as seen:
        # WHEN each scheduled function runs in a new container (nothing cached)
        for handler in (app_module.housekeeping, app_module.release_waiting_letters):
            app_module.use_services(Services(clock=clock))
            handler(scheduled_event(), None)
    app_module.use_services(services)
    # THEN each looked the queue up itself (the audit tests check their policies allow it)
    assert Permission("sqs:GetQueueUrl", QUEUE) in seen["housekeeping"]
    assert Permission("sqs:GetQueueUrl", QUEUE) in seen["release_waiting_letters"]


def test_a_cold_function_that_signs_reads_the_stage_secret_itself(
    aws_calls, letters_api, housekeeping, clock, services
):
    """The suite's services read the secret once, usually inside the API; a fresh container of the housekeeping job
    (reminders carry signed links) reads it itself, so its policy must allow that too, and no other job's need."""
    import app as app_module
    from chalicelib.services import Services

    # GIVEN an unconfirmed letter whose reminder is due
    letters_api.post("hrd-resolution", {"country": "KE", "name": "Amina", "email": "amina@example.org"})
    clock.advance(days=3)
    with aws_calls.capture() as seen:
        # WHEN the housekeeping job runs in a new container (nothing cached)
        app_module.use_services(Services(clock=clock))
        housekeeping()
    app_module.use_services(services)
    # THEN it read the secret from Secrets Manager (the audit tests check its policy allows it)
    assert any(p.action == "secretsmanager:GetSecretValue" for p in seen["housekeeping"])
