"""Errors raised by the REST clients.

::

    SignalWireError (signalwire.core)
    └── SignalWireRestError                 the platform answered with an error status
        ├── SignalWireRestAuthError         401 or 403: the credentials were refused
        └── SignalWireRestTransportError    no usable answer: connection, timeout, abort
            └── SignalWireRestTimeoutError  an attempt ran out of time
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from signalwire.core import SignalWireError

__all__ = [
    "SignalWireRestAuthError",
    "SignalWireRestError",
    "SignalWireRestTimeoutError",
    "SignalWireRestTransportError",
    "rest_error",
]

_REQUEST_ID_HEADERS = ("x-request-id", "x-signalwire-request-id", "request-id", "x-amzn-requestid")
_MAX_BODY_IN_MESSAGE = 500


class SignalWireRestError(SignalWireError):
    """The platform answered with an error status (or a 2xx body that is not JSON).

    Constructor arguments follow signalwire-sdk 3.7.5:
    ``(status_code, body, url, method="GET", headers=None)``.

    ``url`` is the full request URL with its query; it never holds credentials
    (they travel in the ``Authorization`` header only).
    """

    def __init__(
        self,
        status_code: int | None,
        body: Any,
        url: str,
        method: str = "GET",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        #: HTTP status, or None when no response arrived.
        self.status_code = status_code
        #: HTTP method, e.g. ``"POST"``.
        self.method = method
        #: Full URL including the query string.
        self.url = url
        #: The parsed JSON error body, or its text when it is not JSON.
        self.body = body
        #: Response headers (lower-case names), or None.
        self.headers = dict(headers) if headers is not None else None
        #: The platform's request id, when the response carried one.
        self.request_id = _request_id(self.headers)
        super().__init__(self._message())

    def _message(self) -> str:
        text = f"{self.method} {self.url} returned {self.status_code}: {_short(self.body)}"
        if self.request_id:
            text += f" (request-id: {self.request_id})"
        return text

    @property
    def errors(self) -> list[Any]:
        """The items of a ``{"errors": [...]}`` body (422 validation errors), else ``[]``."""
        if isinstance(self.body, dict) and isinstance(self.body.get("errors"), list):
            return list(self.body["errors"])
        return []

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.status_code, self.body, self.url, self.method, self.headers))


class SignalWireRestAuthError(SignalWireRestError):
    """The platform refused the request's credentials: 401 (not authenticated) or 403
    (authenticated, but not allowed). The message says which credential to check.

    ``credential`` is ``"project"`` (Basic project id and API token) or
    ``"subscriber"`` (a subscriber's Bearer token).
    """

    def __init__(
        self,
        status_code: int | None,
        body: Any,
        url: str,
        method: str = "GET",
        headers: Mapping[str, str] | None = None,
        credential: str = "project",
    ) -> None:
        #: Which credential the request carried: ``"project"`` or ``"subscriber"``.
        self.credential = credential
        super().__init__(status_code, body, url, method, headers)

    def _message(self) -> str:
        return f"{super()._message()}. {self.hint}"

    @property
    def hint(self) -> str:
        """What to check, in words."""
        if self.credential == "subscriber":
            if self.status_code == 403:
                return "The subscriber token is valid but may not use this resource"
            return "Check the subscriber token (subscriber_token=): it may be wrong or expired"
        if self.status_code == 403:
            return (
                "The API token was accepted but lacks the permission (scope) this "
                "operation needs; check the token's scopes in your space"
            )
        return (
            "Check the project id and API token (project=/token= or SIGNALWIRE_PROJECT_ID/"
            "SIGNALWIRE_API_TOKEN) and that host is the space they belong to"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        args = (self.status_code, self.body, self.url, self.method, self.headers)
        return (type(self), (*args, self.credential))


def rest_error(
    status_code: int,
    body: Any,
    url: str,
    method: str,
    headers: Mapping[str, str] | None,
    credential: str = "project",
) -> SignalWireRestError:
    """The error for an error status: :class:`SignalWireRestAuthError` for 401/403."""
    if status_code in (401, 403):
        return SignalWireRestAuthError(status_code, body, url, method, headers, credential)
    return SignalWireRestError(status_code, body, url, method, headers)


class SignalWireRestTransportError(SignalWireRestError):
    """The request got no usable response: connection refused or reset, DNS or
    TLS failure, timeout, or cancellation through ``abort_signal``.

    ``status_code`` is None and ``body`` is the reason as text.
    """

    def __init__(self, body: Any, url: str, method: str = "GET") -> None:
        super().__init__(None, body, url, method)

    def _message(self) -> str:
        return f"{self.method} {self.url} failed to reach the server: {self.body}"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.body, self.url, self.method))


class SignalWireRestTimeoutError(SignalWireRestTransportError):
    """An attempt did not complete within ``RequestOptions.timeout``."""


def _request_id(headers: Mapping[str, str] | None) -> str | None:
    if not headers:
        return None
    lowered = {k.lower(): v for k, v in headers.items()}
    for name in _REQUEST_ID_HEADERS:
        if lowered.get(name):
            return lowered[name]
    return None


def _short(body: Any) -> str:
    text = body if isinstance(body, str) else repr(body)
    return text if len(text) <= _MAX_BODY_IN_MESSAGE else text[:_MAX_BODY_IN_MESSAGE] + "..."
