"""Errors raised by :mod:`signalwire.relay`; all derive from :class:`RelayError`."""

from __future__ import annotations

from signalwire.core import SignalWireError

__all__ = [
    "CallEndedError",
    "RelayAuthError",
    "RelayConnectionError",
    "RelayError",
    "RelayTimeoutError",
]


class RelayError(SignalWireError):
    """The platform or the client refused or could not complete a RELAY operation.

    ``code`` is the platform's status code as an int (``404``, ``409`` ...) or
    a JSON-RPC error code; client-side failures (timeouts, lost connection)
    use ``-1``.
    """

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"RELAY error {code}: {message}")
        #: Status code: platform code, JSON-RPC error code, or -1 for client-side failures.
        self.code = code
        #: Human-readable reason.
        self.message = message


class RelayTimeoutError(RelayError, TimeoutError):
    """A request, dial or wait did not complete within its timeout.

    Also a :class:`TimeoutError` (which ``asyncio.TimeoutError`` is on 3.11+).
    """

    def __init__(self, message: str) -> None:
        super().__init__(-1, message)


class RelayConnectionError(RelayError, ConnectionError):
    """The connection was lost, closed, or the session could not be resumed.

    Raised for requests that were in flight when the socket dropped (the
    platform may or may not have executed them), for waits on a client that
    was closed, and for calls that belonged to a session that was lost.
    """

    def __init__(self, message: str) -> None:
        super().__init__(-1, message)


class RelayAuthError(RelayError):
    """The platform rejected ``signalwire.connect``: the credentials are wrong.

    The message says which credential to check (the API token of the named
    project, or the JWT) and ends with the platform's own reason; ``code`` is
    the platform's code (``-32002`` for a failed authentication). It never
    contains a secret.
    """

    def __init__(self, code: int, message: str, *, credential: str) -> None:
        super().__init__(code, message)
        #: What to check: ``"token"`` (with ``project``) or ``"jwt_token"``.
        self.credential = credential


class CallEndedError(RelayError):
    """The call ended while waiting for an event that can no longer arrive."""

    def __init__(self, message: str) -> None:
        super().__init__(-1, message)
