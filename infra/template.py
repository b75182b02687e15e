"""The stack template as data: load infra/template.yaml and work out the names and ARNs AWS would give.

localdev creates its table and queues from these definitions (one schema, not two), and the IAM policy
test resolves the policies' `Fn::GetAtt`/`Fn::Sub` to the ARNs the code really touches under moto.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Mapping

import yaml

TEMPLATE = Path(__file__).resolve().with_name("template.yaml")


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """YAML with CloudFormation's short forms (`!Ref X`, `!GetAtt X.Arn`, `!Sub "..."`).

    libyaml's parser where PyYAML was built with it (its wheels are): 8 ms instead of 400 ms for this template,
    which every test's stand-in AWS and every `make run` is built from."""


def _intrinsic(loader: _Loader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = suffix if suffix in ("Ref", "Condition") else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


_Loader.add_multi_constructor("!", _intrinsic)


def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - SafeLoader subclass


class Unresolvable(Exception):
    """The template refers to something this resolver cannot name (say which, so it can be taught)."""


_SUB_NAME = re.compile(r"\$\{([^}!][^}]*)\}")


def _number(value: Any) -> int | float:
    number = float(value)
    return int(number) if number.is_integer() else number


class Stack:
    """One deployment of a template: parameter values and pseudo parameters in, physical names out.

    Unnamed resources get `<stack>-<LogicalId>` where CloudFormation would add a random suffix.
    """

    def __init__(
        self,
        template: Mapping[str, Any],
        parameters: Mapping[str, str],
        *,
        region: str,
        account: str,
        stack_name: str,
        partition: str = "aws",
    ) -> None:
        self.template = template
        self.resources: Mapping[str, Any] = template.get("Resources", {})
        self._pseudo = {
            "AWS::Region": region,
            "AWS::AccountId": account,
            "AWS::StackName": stack_name,
            "AWS::Partition": partition,
            "AWS::URLSuffix": "amazonaws.com",
        }
        self._parameters: dict[str, Any] = {}
        for name, spec in template.get("Parameters", {}).items():
            value = parameters.get(name, spec.get("Default"))
            if value is not None:  # Number parameters resolve to numbers, as the APIs they feed expect
                self._parameters[name] = _number(value) if spec.get("Type") == "Number" else str(value)

    # --- intrinsic functions ---------------------------------------------------------------------------
    def resolve(self, value: Any) -> Any:
        """`value` with every Ref, Fn::GetAtt, Fn::Sub and Fn::Join replaced by what it evaluates to."""
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref":
                return self.ref(arg)
            if key == "Fn::GetAtt":
                logical_id, attribute = arg if isinstance(arg, list) else arg.split(".", 1)
                return self.get_att(logical_id, attribute)
            if key == "Fn::Sub":
                return self._sub(arg)
            if key == "Fn::Join":
                separator, parts = arg
                return separator.join(str(p) for p in self.resolve(parts))
            if key.startswith("Fn::"):
                raise Unresolvable(f"{key} is not supported by infra/template.py")
        return {k: self.resolve(v) for k, v in value.items()}

    def _sub(self, arg: Any) -> str:
        text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], self.resolve(arg[1]))

        def one(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in variables:
                return str(variables[name])
            if "." in name and not name.startswith("AWS::"):
                return str(self.get_att(*name.split(".", 1)))
            return str(self.ref(name))

        return _SUB_NAME.sub(one, text)

    def ref(self, name: str) -> Any:
        if name in self._pseudo:
            return self._pseudo[name]
        if name in self._parameters:
            return self._parameters[name]
        if name in self.template.get("Parameters", {}):
            raise Unresolvable(f"parameter {name} has no value for this stack")
        kind = self._type(name)
        if kind == "AWS::SQS::Queue":
            return (
                f"https://sqs.{self.ref('AWS::Region')}.amazonaws.com/{self.ref('AWS::AccountId')}/"
                f"{self._name(name, 'QueueName')}"
            )
        if kind == "AWS::SNS::Topic":
            return self._arn("sns", self._name(name, "TopicName"))
        names = {
            "AWS::DynamoDB::Table": "TableName",
            "AWS::SES::ConfigurationSet": "Name",
            "AWS::Logs::LogGroup": "LogGroupName",
            "AWS::Serverless::Function": "FunctionName",
            "AWS::Lambda::Function": "FunctionName",
            "AWS::IAM::Role": "RoleName",
            "AWS::S3::Bucket": "BucketName",
        }
        if kind in names:
            return self._name(name, names[kind])
        raise Unresolvable(f"Ref {name} ({kind}): teach infra/template.py how CloudFormation names it")

    def get_att(self, name: str, attribute: str) -> str:
        kind = self._type(name)
        arns = {
            "AWS::DynamoDB::Table": lambda: self._arn("dynamodb", f"table/{self.ref(name)}"),
            "AWS::SQS::Queue": lambda: self._arn("sqs", self._name(name, "QueueName")),
            "AWS::SNS::Topic": lambda: self.ref(name),
            "AWS::Logs::LogGroup": lambda: self._arn("logs", f"log-group:{self.ref(name)}:*"),
            "AWS::Serverless::Function": lambda: self._arn("lambda", f"function:{self.ref(name)}"),
            "AWS::Lambda::Function": lambda: self._arn("lambda", f"function:{self.ref(name)}"),
            "AWS::IAM::Role": lambda: (
                f"arn:{self.ref('AWS::Partition')}:iam::{self.ref('AWS::AccountId')}:role/{self.ref(name)}"
            ),
            "AWS::S3::Bucket": lambda: f"arn:{self.ref('AWS::Partition')}:s3:::{self.ref(name)}",
        }
        if attribute == "Arn" and kind in arns:
            return arns[kind]()
        if kind == "AWS::SQS::Queue" and attribute == "QueueName":
            return self._name(name, "QueueName")
        raise Unresolvable(f"Fn::GetAtt {name}.{attribute} ({kind}): teach infra/template.py this attribute")

    # --- helpers ---------------------------------------------------------------------------------------
    def properties(self, logical_id: str) -> dict[str, Any]:
        """A resource's properties with every intrinsic function resolved."""
        return self.resolve(self.resources[logical_id].get("Properties", {}))

    def _type(self, logical_id: str) -> str:
        if logical_id not in self.resources:
            raise Unresolvable(f"{logical_id} is neither a parameter nor a resource of this template")
        return self.resources[logical_id].get("Type", "")

    def _name(self, logical_id: str, name_property: str) -> str:
        given = self.resources[logical_id].get("Properties", {}).get(name_property)
        return str(self.resolve(given)) if given is not None else f"{self.ref('AWS::StackName')}-{logical_id}"

    def _arn(self, service: str, resource: str) -> str:
        return (
            f"arn:{self.ref('AWS::Partition')}:{service}:{self.ref('AWS::Region')}:"
            f"{self.ref('AWS::AccountId')}:{resource}"
        )
