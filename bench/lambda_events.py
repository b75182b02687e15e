"""Events as AWS hands them to the functions: an API Gateway (REST) request, and the Lambda context."""

from __future__ import annotations

from typing import Any


def api_event(
    method: str,
    resource: str,
    params: dict[str, str] | None = None,
    *,
    query: dict[str, str] | None = None,
    body: str | None = None,
    content_type: str = "application/json",
    ip: str = "203.0.113.9",
    authorizer: dict[str, str] | None = None,
) -> dict[str, Any]:
    path = resource
    for name, value in (params or {}).items():
        path = path.replace("{" + name + "}", value)
    context: dict[str, Any] = {
        "resourcePath": resource,
        "httpMethod": method,
        "path": path,
        "stage": "api",
        "identity": {"sourceIp": ip},
    }
    if authorizer is not None:
        context["authorizer"] = authorizer
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": {"Host": "bench", "Content-Type": content_type},
        "multiValueHeaders": {},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": None,
        "pathParameters": params,
        "stageVariables": None,
        "requestContext": context,
        "body": body,
        "isBase64Encoded": False,
    }


class LambdaContext:
    """What the worker asks of Lambda's context: the time left."""

    def __init__(self, millis: int = 30_000) -> None:
        self._millis = millis

    def get_remaining_time_in_millis(self) -> int:
        return self._millis
