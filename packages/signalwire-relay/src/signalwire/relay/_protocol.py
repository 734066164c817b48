"""Sans-I/O core of the RELAY protocol: JSON-RPC framing, correlation, acks.

Nothing here touches a socket or an event loop. :class:`RelayProtocol` turns
outgoing requests into text frames and incoming text frames into small
records (:class:`Response`, :class:`ServerEvent`, :class:`ServerPing`,
:class:`ServerDisconnect`, :class:`Ignored`) that say what the I/O layer must
do (which ack to send, which waiter to wake). The asyncio client only moves
frames between this object and the WebSocket, so all of the protocol rules
are tested without a server.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from typing import Any, Final

from signalwire.relay import constants as c
from signalwire.relay._errors import RelayError
from signalwire.relay._util import new_uuid

__all__ = [
    "Ignored",
    "RelayProtocol",
    "Response",
    "ServerDisconnect",
    "ServerEvent",
    "ServerPing",
    "ack_frame",
    "backoff_delay",
    "check_result",
]

JSONObject = dict[str, Any]

_JSONRPC: Final = '"jsonrpc":"2.0"'


def _load_json() -> None:
    # json loads with the first frame, not at import; these stubs then replace themselves
    global _dumps, _loads
    import json

    _dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    # the decoder's C scanner (an instance attribute that typeshed does not list)
    _loads = _fast_loads(json.loads, vars(json.JSONDecoder())["scan_once"])


def _fast_loads(
    loads: Callable[[str | bytes], Any], scan: Callable[[str, int], tuple[Any, int]]
) -> Callable[[str | bytes], Any]:
    """``json.loads`` minus its Python-level wrappers for the common case.

    ``json.loads`` goes through ``JSONDecoder.decode`` and ``raw_decode``,
    which match a whitespace regex before and after the document; a frame is
    one JSON document with no surrounding whitespace, so the C scanner is
    called directly. Anything else (bytes, whitespace, bad JSON, extra data)
    takes the full ``json.loads`` path, which parses it or raises exactly as
    before.
    """

    def fast(text: str | bytes) -> Any:
        if type(text) is str:
            try:
                obj, end = scan(text, 0)
            except StopIteration:
                return loads(text)
            if end == len(text):
                return obj
        return loads(text)

    return fast


def _dumps_first(obj: Any) -> str:
    _load_json()
    return _dumps(obj)


def _loads_first(text: str | bytes) -> Any:
    _load_json()
    return _loads(text)


_dumps: Callable[[Any], str] = _dumps_first
_loads: Callable[[str | bytes], Any] = _loads_first

_EVENT: Final = c.METHOD_SIGNALWIRE_EVENT
_AUTHORIZATION_STATE: Final = c.EVENT_AUTHORIZATION_STATE
#: How many given-up request ids are remembered to recognise their late replies.
_GIVEN_UP_WINDOW = 1024


def _json_id(msg_id: Any) -> str:
    # fast path for ordinary ids: printable text needs no escaping unless it has " or \
    if (
        msg_id.__class__ is str
        and msg_id.isprintable()
        and '"' not in msg_id
        and "\\" not in msg_id
    ):
        return f'"{msg_id}"'
    return _dumps(msg_id)


def ack_frame(msg_id: Any) -> str:
    """The empty-result reply that acknowledges a server request."""
    return f'{{{_JSONRPC},"id":{_json_id(msg_id)},"result":{{}}}}'


def check_result(method: str, result: Any) -> JSONObject:
    """Return ``result`` as a dict, or raise :class:`RelayError` for a non-2xx ``code``.

    The platform reports command failures inside a normal result, with
    ``code`` as a string (``"404"``); a result without ``code`` is a success
    and a non-object result is wrapped as ``{"raw": value}``.
    """
    if not isinstance(result, dict):
        return {"raw": result}
    code = result.get("code")
    if code is None:
        return result
    text = str(code)
    if len(text) == 3 and text.startswith("2") and text.isdigit():
        return result
    try:
        num = int(text)
    except ValueError:
        num = -1
    message = result.get("message")
    raise RelayError(num, f"{method} failed: {message if message else 'no message'}")


def backoff_delay(
    attempt: int,
    *,
    min_delay: float = c.RECONNECT_MIN_DELAY,
    max_delay: float = c.RECONNECT_MAX_DELAY,
    factor: float = c.RECONNECT_BACKOFF_FACTOR,
    rand: Callable[[], float] | None = None,
) -> float:
    """Delay before reconnect attempt ``attempt`` (0-based): capped exponential with jitter.

    The step is ``min(max_delay, min_delay * factor**attempt)`` and the delay
    is drawn uniformly from its upper half, so clients that lost the same
    server spread out without ever retrying much faster than the step.
    """
    if rand is None:
        import random  # on the first reconnect, not at import

        rand = random.random
    step = min(max_delay, min_delay * factor ** min(attempt, 64))
    return step / 2 + rand() * step / 2


class _Record:
    """A small immutable-by-convention record (cheaper to build than an attrs class)."""

    __slots__: tuple[str, ...] = ()

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and all(
            getattr(self, k) == getattr(other, k) for k in self.__slots__
        )

    def __hash__(self) -> int:
        return hash(tuple(getattr(self, k) for k in self.__slots__))

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={getattr(self, k)!r}" for k in self.__slots__)
        return f"{type(self).__name__}({fields})"


class Response(_Record):
    """A reply to one of our requests.

    ``error`` is set (and ``result`` None) for a JSON-RPC error object;
    ``method`` is the method of the request it answers.
    """

    __slots__ = ("error", "id", "method", "result")

    def __init__(
        self, id: str, method: str, result: Any = None, error: RelayError | None = None
    ) -> None:
        self.id = id
        self.method = method
        self.result = result
        self.error = error


class ServerEvent(_Record):
    """A ``signalwire.event`` request: send ``ack``, then handle ``payload``.

    ``duplicate`` is True when the same message id was already handled in
    this session (a replay after resume): ack it, do not handle it again.
    """

    __slots__ = ("ack", "duplicate", "payload")

    def __init__(self, ack: str, payload: JSONObject, duplicate: bool = False) -> None:
        self.ack = ack
        self.payload = payload
        self.duplicate = duplicate


class ServerPing(_Record):
    """A ``signalwire.ping`` from the server: send ``ack``."""

    __slots__ = ("ack",)

    def __init__(self, ack: str) -> None:
        self.ack = ack


class ServerDisconnect(_Record):
    """``signalwire.disconnect``: send ``ack``; the server will close the socket.

    ``restart`` True means the session will not survive: reconnect fresh.
    """

    __slots__ = ("ack", "restart")

    def __init__(self, ack: str, restart: bool) -> None:
        self.ack = ack
        self.restart = restart


class Ignored(_Record):
    """A frame that needs no action (logged by the caller).

    ``reply`` is a frame to send back (an ack, or an error for requests we cannot serve).
    ``expected`` is True for a late reply to a request the client gave up on
    (timeout or cancellation): normal after a timeout, so it is logged at DEBUG.
    """

    __slots__ = ("expected", "reason", "reply")

    def __init__(self, reason: str, reply: str | None = None, expected: bool = False) -> None:
        self.reason = reason
        self.reply = reply
        self.expected = expected


Inbound = Response | ServerEvent | ServerPing | ServerDisconnect | Ignored


class RelayProtocol:
    """Framing and correlation for one client, across reconnects.

    It also holds what a session resume needs: the ``protocol`` string from
    the last connect result and the latest ``authorization_state``.
    """

    def __init__(
        self,
        *,
        id_factory: Callable[[], str] | None = None,
        dedupe_window: int = 4096,
    ) -> None:
        self._new_id = id_factory or new_uuid
        #: request id -> method, for requests sent and not yet answered.
        self.pending: dict[str, str] = {}
        #: Session protocol string from the last connect result (resume key).
        self.protocol: str | None = None
        #: Latest ``signalwire.authorization.state`` blob (fast re-auth).
        self.authorization_state: str | None = None
        #: Identity returned by the last connect.
        self.identity: str | None = None
        #: Whether the last successful connect resumed the previous session.
        self.last_resumed = False
        # ids of handled events: a set for lookups, a deque for the window's order
        self._seen: set[Any] = set()
        self._seen_order: deque[Any] = deque()
        self._dedupe_window = dedupe_window
        # ids of requests given up on (id -> method), oldest first, so a late reply is recognised
        self._given_up: dict[str, str] = {}

    # -- outgoing ---------------------------------------------------------

    def request(self, method: str, params: Mapping[str, Any]) -> tuple[str, str]:
        """Register a request and return ``(id, frame)``."""
        msg_id = self._new_id()
        self.pending[msg_id] = method
        frame = _dumps({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
        return msg_id, frame

    def forget(self, msg_id: str) -> None:
        """Stop waiting for a reply (timeout or cancellation); a late reply is ignored."""
        method = self.pending.pop(msg_id, None)
        if method is not None:
            given_up = self._given_up
            given_up[msg_id] = method
            if len(given_up) > _GIVEN_UP_WINDOW:
                del given_up[next(iter(given_up))]

    def connect_params(
        self,
        *,
        authentication: Mapping[str, str],
        contexts: list[str],
        agent: str = c.AGENT_STRING,
    ) -> JSONObject:
        """Params of ``signalwire.connect``, with the resume keys when a session exists."""
        params: JSONObject = {
            "version": dict(c.PROTOCOL_VERSION),
            "agent": agent,
            "event_acks": True,
            "authentication": dict(authentication),
        }
        if contexts:
            params["contexts"] = list(contexts)
        if self.protocol:
            params["protocol"] = self.protocol
            if self.authorization_state:
                params["authorization_state"] = self.authorization_state
        return params

    def connected(self, result: Any) -> bool:
        """Record a connect result; return True when the previous session was resumed."""
        result = result if isinstance(result, dict) else {}
        new_protocol = result.get("protocol")
        resumed = bool(self.protocol) and new_protocol == self.protocol
        self.last_resumed = resumed
        if not resumed:
            self._seen.clear()
            self._seen_order.clear()
            self.authorization_state = None
        self.protocol = new_protocol if isinstance(new_protocol, str) else None
        identity = result.get("identity")
        self.identity = identity if isinstance(identity, str) else None
        return resumed

    def reset_session(self) -> None:
        """Forget the session (``signalwire.disconnect`` with ``restart: true``)."""
        self.protocol = None
        self.authorization_state = None

    def connection_lost(self) -> dict[str, str]:
        """Drop and return every pending request (id -> method): their replies cannot come."""
        pending, self.pending = self.pending, {}
        return pending

    # -- incoming ---------------------------------------------------------

    def receive(self, text: str | bytes) -> Inbound:
        """Classify one frame. Never raises for bad input: returns :class:`Ignored`."""
        try:
            msg = _loads(text)
        except (ValueError, UnicodeDecodeError):
            return Ignored("frame is not valid JSON")
        if msg.__class__ is not dict:
            return Ignored("frame is not a JSON object")
        method = msg.get("method")
        msg_id = msg.get("id")
        if method == _EVENT:  # nearly every frame: checked first
            params = msg.get("params")
            if msg_id is None:
                return Ignored("event without id")
            if msg_id.__class__ is not str and not isinstance(msg_id, int | float):
                return Ignored("event id is not a string or a number")
            if params.__class__ is not dict or params.get("event_type").__class__ is not str:
                return Ignored("event without event_type", ack_frame(msg_id))
            seen = self._seen
            if msg_id in seen:
                return ServerEvent(ack_frame(msg_id), params, duplicate=True)
            seen.add(msg_id)
            order = self._seen_order
            order.append(msg_id)
            if len(order) > self._dedupe_window:
                seen.discard(order.popleft())
            if params["event_type"] == _AUTHORIZATION_STATE:
                inner = params.get("params")
                state = inner.get("authorization_state") if isinstance(inner, dict) else None
                if isinstance(state, str) and state:
                    self.authorization_state = state
            return ServerEvent(ack_frame(msg_id), params)
        if method is None:
            return self._response(msg, msg_id)
        if not isinstance(method, str):
            return Ignored("request method is not a string")
        params = msg.get("params")
        if msg_id is None:
            return Ignored(f"notification {method!r} ignored")
        if method == c.METHOD_SIGNALWIRE_PING:
            return ServerPing(ack_frame(msg_id))
        if method == c.METHOD_SIGNALWIRE_DISCONNECT:
            restart = params.get("restart") if isinstance(params, dict) else None
            return ServerDisconnect(ack_frame(msg_id), restart is True)
        error = _dumps(
            {
                "jsonrpc": "2.0",
                "id": msg_id,
                "error": {"code": -32601, "message": f"method not found: {method}"},
            }
        )
        return Ignored(f"unsupported server request {method!r}", error)

    def _response(self, msg: JSONObject, msg_id: Any) -> Inbound:
        if not isinstance(msg_id, str) or msg_id not in self.pending:
            late = self._given_up.pop(msg_id, None) if isinstance(msg_id, str) else None
            if late is not None:
                return Ignored(f"late reply to {late} {msg_id!r} (already given up)", expected=True)
            return Ignored(f"response to unknown id {msg_id!r}")
        method = self.pending.pop(msg_id)
        if "error" in msg and msg["error"] is not None:
            err = msg["error"]
            if isinstance(err, dict):
                code = err.get("code", -1)
                message = err.get("message") or "no message"
            else:
                code, message = -1, str(err)
            try:
                code = int(code)
            except (TypeError, ValueError):
                code = -1
            return Response(msg_id, method, error=RelayError(code, f"{method} failed: {message}"))
        if "result" not in msg:
            return Response(
                msg_id, method, error=RelayError(-1, f"{method} failed: reply has no result")
            )
        if method == c.METHOD_SIGNALWIRE_CONNECT:
            # recorded here, in frame order: events that follow belong to this session
            self.connected(msg["result"])
        return Response(msg_id, method, result=msg["result"])
