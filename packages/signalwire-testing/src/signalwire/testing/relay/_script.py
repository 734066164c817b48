"""The scripting context handed to method handlers.

A handler is ``handler(request, ctx)`` (plain or ``async``): ``request`` is the
raw JSON-RPC request object as received, ``ctx`` a :class:`Script` that
replies, emits events, delays, fails or drops the connection. The built-in
behaviours are written against the same :class:`Script`. A script sees the
server only through :class:`ScriptHost`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from signalwire.testing.relay._connection import Connection, FakeSession
    from signalwire.testing.relay._model import FakeCall, FakeMessage

__all__ = ["Handler", "Script", "ScriptHost"]

Handler = Callable[[dict[str, Any], "Script"], "dict[str, Any] | Awaitable[Any] | None"]


class ScriptHost(Protocol):
    """What a script needs from the fake platform (a :class:`FakeRelayServer`)."""

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The loop timed steps run on."""
        ...

    @property
    def calls(self) -> dict[str, FakeCall]:
        """Every call the platform knows, by id."""
        ...

    @property
    def messages(self) -> dict[str, FakeMessage]:
        """Every message the platform knows, by id."""
        ...

    @property
    def sessions(self) -> Mapping[str, FakeSession]:
        """Every session, oldest first, by protocol string."""
        ...

    def emit(self, session: FakeSession, event_type: str, params: dict[str, Any]) -> str:
        """Send (or buffer) one event to ``session``."""
        ...

    def subscribed(self, session: FakeSession, contexts: list[str]) -> None:
        """``session`` subscribed to ``contexts``: run the subscribe hooks."""
        ...

    def success_message(self, method: str) -> str:
        """The usual ``message`` of a successful result for ``method``."""
        ...

    def default_behaviour(self, ctx: Script) -> Any:
        """Run the built-in behaviour of ``ctx.method``."""
        ...

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run ``coro`` as a task of the server."""
        ...

    async def drop_connection(self, conn: Connection, *, abrupt: bool = False) -> None:
        """Close one connection."""
        ...


class Script:
    """What a method handler can do while answering one request.

    Attributes: ``server``, ``connection``, ``session``, ``request`` (the raw
    object), ``method``, ``params`` and ``call`` (the :class:`FakeCall` named
    by ``params.call_id``, or ``None``). Scripts the platform runs on its own
    (a hang-up, a pressed digit's binding) are ``silent``: they answer nobody,
    and ``connection`` is None when the session has no connection.
    """

    __slots__ = (
        "_no_reply",
        "call",
        "connection",
        "method",
        "params",
        "replied",
        "request",
        "server",
        "session",
        "silent",
    )

    def __init__(
        self,
        server: ScriptHost,
        connection: Connection | None,
        request: dict[str, Any],
        *,
        silent: bool = False,
        session: FakeSession | None = None,
    ) -> None:
        self.server = server
        # Silent scripts run platform-internal commands (digit bindings, hang-ups): no reply.
        self.silent = silent
        self.connection = connection
        if session is None and connection is not None:
            session = connection.session
        self.session: FakeSession | None = session
        self.request = request
        self.method: str = request.get("method", "")
        params = request.get("params")
        self.params: dict[str, Any] = params if isinstance(params, dict) else {}
        call_id = self.params.get("call_id")
        self.call: FakeCall | None = server.calls.get(call_id) if isinstance(call_id, str) else None
        self.replied = False
        self._no_reply = False

    @property
    def id(self) -> Any:
        """The request id."""
        return self.request.get("id")

    @property
    def control_id(self) -> str | None:
        """``params.control_id`` when present."""
        value = self.params.get("control_id")
        return value if isinstance(value, str) else None

    # -- answering -----------------------------------------------------------------

    def reply(self, result: dict[str, Any] | None = None, **fields: Any) -> None:
        """Send the JSON-RPC result. Without arguments: ``{"code": "200",
        "message": <the usual text>}`` (plus ``control_id`` when the request had
        one); ``fields`` are merged in."""
        if result is None:
            result = {"code": "200", "message": self.server.success_message(self.method)}
            if self.control_id is not None:
                result["control_id"] = self.control_id
        if fields:
            result = {**result, **fields}
        self._respond({"jsonrpc": "2.0", "id": self.id, "result": result})

    def fail(self, code: str | int = "500", message: str = "Internal error", **fields: Any) -> None:
        """Reply with a RELAY failure: a normal result whose ``code`` is not 2xx."""
        self._respond(
            {
                "jsonrpc": "2.0",
                "id": self.id,
                "result": {"code": str(code), "message": message, **fields},
            }
        )

    def error(self, code: int = -32603, message: str = "Internal error", data: Any = None) -> None:
        """Reply with a JSON-RPC ``error`` object (transport-level failure)."""
        err: dict[str, Any] = {"code": code, "message": message}
        if data is not None:
            err["data"] = data
        self._respond({"jsonrpc": "2.0", "id": self.id, "error": err})

    def no_reply(self) -> None:
        """Never answer this request (the client's timeout must fire)."""
        self._no_reply = True

    def _respond(self, frame: dict[str, Any]) -> None:
        if self.replied:
            raise RuntimeError(f"{self.method} request {self.id!r} was already answered")
        self.replied = True
        if not self.silent and self.connection is not None:
            self.connection.send_text(json.dumps(frame), frame)

    @property
    def settled(self) -> bool:
        """True once the request was answered or deliberately left unanswered."""
        return self.replied or self._no_reply

    # -- events -------------------------------------------------------------------

    def emit(
        self,
        event_type: str,
        params: dict[str, Any],
        *,
        delay: float = 0.0,
        session: FakeSession | None = None,
    ) -> None:
        """Send a ``signalwire.event`` to this request's session (now or after
        ``delay`` seconds). Buffered if the session is disconnected."""
        target = session or self.session
        if target is None:
            raise RuntimeError("no session to emit to")
        if delay > 0:
            self.server.loop.call_later(delay, self.server.emit, target, event_type, params)
        else:
            self.server.emit(target, event_type, params)

    def emit_call(
        self,
        event_type: str,
        call: FakeCall | None = None,
        *,
        delay: float = 0.0,
        **params: Any,
    ) -> None:
        """Emit a call event carrying ``call_id``/``node_id`` (and the request's
        ``control_id`` unless given) plus ``params``."""
        call = call or self.call
        if call is None:
            raise RuntimeError(f"{self.method}: no call for this event")
        inner = {"call_id": call.call_id, "node_id": call.node_id}
        if self.control_id is not None:
            inner["control_id"] = self.control_id
        inner.update(params)
        self.emit(event_type, inner, delay=delay, session=call.session or self.session)

    def later(self, delay: float, fn: Callable[[], Any]) -> asyncio.TimerHandle:
        """Run ``fn()`` after ``delay`` seconds (returns the cancellable handle)."""
        return self.server.loop.call_later(delay, fn)

    # -- platform state ----------------------------------------------------------------

    def track_call(self, call: FakeCall) -> None:
        """Make ``call`` known to the platform (commands and ``server.calls`` find it)."""
        self.server.calls[call.call_id] = call

    def track_message(self, message: FakeMessage) -> None:
        """Make ``message`` known to the platform (``server.messages``)."""
        self.server.messages[message.message_id] = message

    def subscribers(self, context: str) -> list[FakeSession]:
        """Sessions subscribed to ``context`` (discarded ones left out), oldest first."""
        return [
            s for s in self.server.sessions.values() if not s.discarded and context in s.contexts
        ]

    def subscribed(self, contexts: list[str]) -> None:
        """This request's session now receives ``contexts``: run the server's subscribe hooks."""
        if self.session is not None:
            self.server.subscribed(self.session, contexts)

    async def sleep(self, seconds: float) -> None:
        """Pause an ``async`` handler."""
        await asyncio.sleep(seconds)

    # -- defaults and connection control -------------------------------------------------

    def default(self) -> Any:
        """Run the platform's default behaviour for this method (reply + events)."""
        return self.server.default_behaviour(self)

    def drop(self, *, abrupt: bool = False) -> None:
        """Close this request's connection (abruptly: no close frame); an
        unanswered request stays unanswered."""
        self._no_reply = True
        if self.connection is not None:
            self.server.spawn(self.server.drop_connection(self.connection, abrupt=abrupt))
