"""Error bodies in the shapes each API uses.

REST: ``{"error": "<reason>"}`` (the fake adds ``message`` when it has more
to say) and 422 ``{"errors": [{type, code, message, attribute, url}]}``;
``/api/relay/rest`` 422 items are ``{detail, status, title, code}`` (plus
``attribute``); compat: ``{"code", "message", "more_info", "status"}``.
"""

from __future__ import annotations

from typing import Any

from signalwire.testing.rest._spec import Operation
from signalwire.testing.rest._validate import Problem

__all__ = ["auth_error", "plain_error", "reason", "status_error", "validation_error"]

ERROR_DOCS = "https://developer.signalwire.com/rest/overview/error-codes"
COMPAT_DOCS = "https://signalwire.com/docs/compatibility-api/reference/errors"
_REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    415: "Unsupported Media Type",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def reason(status: int) -> str:
    """The HTTP reason phrase for ``status``."""
    return _REASONS.get(status, "Error")


def _compat(status: int, code: int, message: str) -> dict[str, Any]:
    return {"code": code, "message": message, "more_info": COMPAT_DOCS, "status": status}


def plain_error(status: int, compat: bool, message: str) -> dict[str, Any]:
    """A 4xx/5xx body the fake makes itself (routing, media type, parse errors)."""
    if compat:
        return _compat(status, 20000 + status, message)
    return {"error": reason(status), "message": message}


def status_error(status: int, compat: bool) -> dict[str, Any]:
    """The spec-shaped body of an injected failure."""
    if compat:
        return _compat(status, 20000 + status, reason(status))
    return {"error": reason(status)}


def auth_error(compat: bool, why: str) -> dict[str, Any]:
    """A 401 body."""
    if compat:
        return _compat(401, 20003, f"Authentication Error - {why}")
    return {"error": "Unauthorized"}


def validation_error(op: Operation, problem: Problem) -> dict[str, Any]:
    """A 422 body naming the field, in the operation's API's shape."""
    if op.spec == "compat":
        code = 21200 if problem.code == "missing_required_parameter" else 21201
        return _compat(422, code, problem.message)
    if op.path.startswith("/api/relay/rest/"):
        item: dict[str, Any] = {
            "detail": problem.message,
            "status": "422",
            "title": "Invalid Parameter",
            "code": problem.code,
            "attribute": problem.attribute,
        }
    else:
        item = {
            "type": "validation_error",
            "code": problem.code,
            "message": problem.message,
            "attribute": problem.attribute,
            "url": f"{ERROR_DOCS}#{problem.code}",
        }
    return {"errors": [item]}
