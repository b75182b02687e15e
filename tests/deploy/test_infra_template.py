"""The stack Chalice does not create (infra/template.yaml), as it stands in the packaged prod template."""

from __future__ import annotations

import dataclasses
import re

import pytest
from support.paths import PROJECT_DIR

pytestmark = pytest.mark.slow  # reads the session's package


@pytest.fixture(scope="module")
def resources(packaged):
    return packaged.template["Resources"]


def _alarm_metrics(resources) -> dict[str, str]:
    return {
        r["Properties"]["MetricName"]: name for name, r in resources.items() if r["Type"] == "AWS::CloudWatch::Alarm"
    }


def test_letters_expire_by_ttl_on_the_field_the_code_writes(resources):
    from chalicelib.letters.letter import Letter

    table = resources["LettersTable"]["Properties"]
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert "expires_at" in {f.name for f in dataclasses.fields(Letter)}


def test_the_table_has_the_index_the_code_writes_with_no_personal_data(resources):
    from chalicelib.letters.letter import campaign_index_keys

    table = resources["LettersTable"]["Properties"]
    [index] = [i for i in table["GlobalSecondaryIndexes"] if i["IndexName"] == "by-campaign"]
    assert [k["AttributeName"] for k in index["KeySchema"]] == list(campaign_index_keys("c", "t", "l"))
    assert not {"supporter_name", "supporter_email", "body"} & set(index["Projection"]["NonKeyAttributes"])


def test_the_table_is_on_demand_with_a_throughput_cap_and_survives_the_stack(resources):
    table = resources["LettersTable"]
    assert table["Properties"]["BillingMode"] == "PAY_PER_REQUEST"
    cap = {"MaxReadRequestUnits": {"Ref": "TableMaxReadUnits"}, "MaxWriteRequestUnits": {"Ref": "TableMaxWriteUnits"}}
    assert table["Properties"]["OnDemandThroughput"] == cap
    assert all(index["OnDemandThroughput"] == cap for index in table["Properties"]["GlobalSecondaryIndexes"])
    assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"


def test_local_resources_are_built_from_the_same_table_definition(aws, resources):
    import boto3

    described = boto3.client("dynamodb").describe_table(TableName="demarche")["Table"]
    table = resources["LettersTable"]["Properties"]
    assert described["KeySchema"] == table["KeySchema"]
    assert sorted(described["AttributeDefinitions"], key=str) == sorted(table["AttributeDefinitions"], key=str)
    assert [(i["IndexName"], i["KeySchema"], i["Projection"]) for i in described["GlobalSecondaryIndexes"]] == [
        (i["IndexName"], i["KeySchema"], i["Projection"]) for i in table["GlobalSecondaryIndexes"]
    ]
    ttl = boto3.client("dynamodb").describe_time_to_live(TableName="demarche")["TimeToLiveDescription"]
    assert ttl["AttributeName"] == "expires_at"


def test_failed_letters_go_to_the_dead_letter_queue_after_five_tries(resources):
    queue = resources["LetterQueue"]["Properties"]
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": ["LetterDeadLetterQueue", "Arn"]}
    assert queue["RedrivePolicy"]["maxReceiveCount"] >= 5


def test_a_batch_is_invisible_for_at_least_six_worker_timeouts(resources):
    worker_timeout = resources["OnSqsMessage"]["Properties"]["Timeout"]
    assert resources["LetterQueue"]["Properties"]["VisibilityTimeout"] >= 6 * worker_timeout


def test_the_worker_reads_our_queue_with_partial_batch_responses_and_a_concurrency_cap(resources):
    worker = resources["OnSqsMessage"]["Properties"]
    [event] = worker["Events"].values()
    assert event["Type"] == "SQS"
    # The whole value is ours: Chalice's merge must not leave its own Fn::Sub next to it
    assert event["Properties"]["Queue"] == {"Fn::GetAtt": ["LetterQueue", "Arn"]}
    assert event["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert worker["ReservedConcurrentExecutions"] == {"Ref": "WorkerConcurrency"}
    assert event["Properties"]["ScalingConfig"]["MaximumConcurrency"] == {"Ref": "WorkerConcurrency"}


def test_alarms_for_dead_letters_bounces_and_complaints_email_the_organiser(resources):
    alarms = _alarm_metrics(resources)
    assert {"ApproximateNumberOfMessagesVisible", "Reputation.BounceRate", "Reputation.ComplaintRate"} <= set(alarms)
    letters_dlq = [{"Name": "QueueName", "Value": {"Fn::GetAtt": ["LetterDeadLetterQueue", "QueueName"]}}]
    [dlq_alarm] = [
        r["Properties"]
        for r in resources.values()
        if r["Type"] == "AWS::CloudWatch::Alarm" and r["Properties"].get("Dimensions") == letters_dlq
    ]
    assert (dlq_alarm["Threshold"], dlq_alarm["ComparisonOperator"]) == (0, "GreaterThanThreshold")
    assert resources[alarms["Reputation.BounceRate"]]["Properties"]["Threshold"] < 0.05  # before SES reviews us
    assert resources[alarms["Reputation.ComplaintRate"]]["Properties"]["Threshold"] < 0.001
    for resource in resources.values():
        if resource["Type"] == "AWS::CloudWatch::Alarm":
            assert resource["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}]
    assert resources["AlarmTopic"]["Properties"]["Subscription"] == [
        {"Protocol": "email", "Endpoint": {"Ref": "AlarmEmail"}}
    ]


def test_feedback_lambda_could_not_apply_is_kept_in_a_dead_letter_queue_with_an_alarm(resources):
    feedback = resources["OnSesFeedback"]["Properties"]
    assert feedback["DeadLetterQueue"] == {
        "Type": "SQS",
        "TargetArn": {"Fn::GetAtt": ["FeedbackDeadLetterQueue", "Arn"]},
    }
    queue = resources["FeedbackDeadLetterQueue"]["Properties"]
    assert queue["MessageRetentionPeriod"] == 1209600  # 14 days, the maximum: time to replay
    alarmed = [
        r["Properties"]
        for r in resources.values()
        if r["Type"] == "AWS::CloudWatch::Alarm"
        and r["Properties"].get("Dimensions")
        == [{"Name": "QueueName", "Value": {"Fn::GetAtt": ["FeedbackDeadLetterQueue", "QueueName"]}}]
    ]
    assert [a["AlarmActions"] for a in alarmed] == [[{"Ref": "AlarmTopic"}]]
    assert "replay-feedback" in alarmed[0]["AlarmDescription"]


def test_ses_events_of_our_configuration_set_reach_the_events_topic(resources):
    destination = resources["SesEventsDestination"]["Properties"]
    assert destination["ConfigurationSetName"] == {"Ref": "ConfigurationSet"}
    assert destination["EventDestination"]["SnsDestination"] == {"TopicARN": {"Ref": "SesEventsTopic"}}
    assert {"delivery", "bounce", "complaint"} <= set(destination["EventDestination"]["MatchingEventTypes"])
    assert not {"open", "click"} & set(destination["EventDestination"]["MatchingEventTypes"])  # no tracking
    [statement] = resources["SesEventsTopicPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "ses.amazonaws.com"} and statement["Action"] == "sns:Publish"


def test_every_sns_triggered_function_listens_to_a_topic_of_this_stack(packaged, resources):
    for name, resource in resources.items():
        for event_name, event in resource.get("Properties", {}).get("Events", {}).items():
            if event["Type"] == "SNS":
                assert event["Properties"]["Topic"] == {"Ref": "SesEventsTopic"}, (
                    f"{name}'s {event_name} subscribes to {event['Properties']['Topic']}, which this stack does not "
                    f"create: in infra/template.yaml add `{name}: Properties: Events: {event_name}: Properties: "
                    "Topic: !Ref SesEventsTopic`"
                )


def test_every_setting_the_code_reads_is_wired_into_each_function(packaged, resources):
    read = set(re.findall(r'"(DEMARCHE_[A-Z_]+)"', (PROJECT_DIR / "chalicelib" / "settings.py").read_text()))
    # placeholder addresses, CORS origins for a developer's localhost, no pacing, and the token `make run` hands
    # out: must never be on in AWS
    local_only = {
        "DEMARCHE_SANDBOX_RECIPIENTS",
        "DEMARCHE_LOCAL_ORIGINS",
        "DEMARCHE_LOCAL_NO_PACING",
        "DEMARCHE_DEV_ORGANISER_TOKEN",
    }
    by_hand = {"DEMARCHE_SECRET"}  # the secret's value, for a command line run by hand: functions read it by name
    shared = packaged.template["Globals"]["Function"]["Environment"]["Variables"]
    for name, resource in resources.items():
        if resource["Type"] == "AWS::Serverless::Function":
            wired = set(shared) | set(resource["Properties"].get("Environment", {}).get("Variables", {}))
            missing = read - local_only - by_hand - wired
            assert not missing, f"{name} lacks {sorted(missing)}: add to Globals"
            assert not wired & by_hand
            assert not wired & local_only
            assert resource["Properties"]["Environment"]["Variables"]["DEMARCHE_STAGE"] == packaged.stage


def test_no_function_gets_the_secret_in_its_environment_only_where_to_read_it(packaged, resources):
    # The Lambda console and GetFunctionConfiguration show environment variables to anyone who may read the
    # function: the secret's value stays in Secrets Manager, read at run time by the functions allowed to
    shared = packaged.template["Globals"]["Function"]["Environment"]["Variables"]
    assert "DEMARCHE_SECRET" not in shared and shared["DEMARCHE_SECRET_ID"] == {"Ref": "SecretName"}
    assert "resolve:secretsmanager" not in str(packaged.template)
    for resource in resources.values():
        if resource["Type"] == "AWS::Serverless::Function":
            assert "DEMARCHE_SECRET" not in resource["Properties"].get("Environment", {}).get("Variables", {})


def test_the_exports_bucket_refuses_every_request_not_made_over_tls(resources):
    # an export may hold supporters' names and addresses: nothing reads or writes it in clear text
    [policy] = [
        r["Properties"]
        for r in resources.values()
        if r["Type"] == "AWS::S3::BucketPolicy" and r["Properties"]["Bucket"] == {"Ref": "ExportsBucket"}
    ]
    [statement] = [
        s
        for s in policy["PolicyDocument"]["Statement"]
        if s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    ]
    assert statement["Principal"] == "*" and statement["Action"] == "s3:*"
    assert sorted(statement["Resource"], key=str) == sorted(
        [{"Fn::GetAtt": ["ExportsBucket", "Arn"]}, {"Fn::Sub": "${ExportsBucket.Arn}/*"}], key=str
    )


def test_the_ses_events_topic_is_encrypted_with_a_key_ses_of_this_account_may_use(resources):
    # SES events name recipients; the AWS-managed alias/aws/sns key cannot be granted to SES, so the topic has
    # its own key, whose policy lets SES encrypt for this account only
    topic = resources["SesEventsTopic"]["Properties"]
    assert topic["KmsMasterKeyId"] == {"Ref": "SesEventsKey"}
    key = resources["SesEventsKey"]
    assert key["Type"] == "AWS::KMS::Key" and key["Properties"]["EnableKeyRotation"] is True
    statements = key["Properties"]["KeyPolicy"]["Statement"]
    [ses] = [s for s in statements if s["Principal"] == {"Service": "ses.amazonaws.com"}]
    assert ses["Effect"] == "Allow" and sorted(ses["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey*"]
    assert ses["Condition"]["StringEquals"]["aws:SourceAccount"] == {"Ref": "AWS::AccountId"}
    # the account keeps administering its key (else nobody could change or delete it)
    [admin] = [
        s
        for s in statements
        if s["Principal"] == {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}}
    ]
    assert admin["Effect"] == "Allow" and admin["Action"] == "kms:*"
    assert all(s["Effect"] == "Allow" for s in statements) and len(statements) == 2


def test_libyamls_parser_reads_the_template_as_the_pure_python_one_does():
    """load_template uses libyaml's parser where PyYAML has it; the data must not depend on which one ran."""
    import yaml

    from infra import template

    class PurePython(yaml.SafeLoader):
        pass

    PurePython.add_multi_constructor("!", template._intrinsic)
    pure = yaml.load(template.TEMPLATE.read_text(encoding="utf-8"), Loader=PurePython)  # noqa: S506

    assert template.load_template() == pure
    assert pure["Resources"]["LettersTable"]["Properties"]["TableName"] == {"Ref": "TableName"}  # a short form
