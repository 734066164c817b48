"""The fake RELAY platform server.

It accepts connections (:mod:`._connection`), keeps sessions and the calls and
messages of the platform (:mod:`._model`), answers each request through a
:class:`Script` (:mod:`._script`) with the test's handler or the built-in
behaviour (:mod:`._behaviours`), which reads what the test configured from the
server's :class:`Scenario` (:mod:`._scenario`). No module it uses imports it.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import itertools
import json
import logging
import re
import secrets
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from types import TracebackType
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from signalwire.testing.relay import _behaviours
from signalwire.testing.relay._connection import Connection, FakeSession, FastServerConnection
from signalwire.testing.relay._journal import Frame, Journal
from signalwire.testing.relay._model import FakeCall, FakeMessage
from signalwire.testing.relay._scenario import Scenario
from signalwire.testing.relay._script import Handler, Script

__all__ = ["FakeRelayServer"]

logger = logging.getLogger("signalwire.testing.relay")

# An event ack as clients usually write it (any JSON whitespace); others are parsed.
_ACK = re.compile(
    r'\{\s*"jsonrpc"\s*:\s*"2\.0"\s*,\s*"id"\s*:\s*"([A-Za-z0-9_.:-]*)"\s*,'
    r'\s*"result"\s*:\s*\{\s*\}\s*\}\s*\Z'
)

AUTH_ERROR_CODE = -32002
AUTH_ERROR_MESSAGE = "Authentication service failed with status ProtocolError, 401 Unauthorized: {}"


class _DisconnectRule:
    __slots__ = ("abrupt", "method", "received", "reply", "sent")

    def __init__(
        self,
        received: int | None,
        sent: int | None,
        method: str | None,
        reply: bool,
        abrupt: bool,
    ) -> None:
        self.received = received
        self.sent = sent
        self.method = method
        self.reply = reply
        self.abrupt = abrupt


class FakeRelayServer:
    """A fake SignalWire RELAY platform on ``ws://127.0.0.1:<port>``.

    See the package docstring (:mod:`signalwire.testing.relay`) for the tour.
    """

    def __init__(
        self,
        project: str = "test-project",
        token: str = "test-token",
        *,
        jwt_token: str | None = "test-jwt",
        host: str = "127.0.0.1",
        port: int = 0,
        space_id: str = "00000000-0000-4000-8000-000000000001",
        journal: bool = True,
        redeliver_unacked: bool = True,
        send_authorization_state: bool = True,
        ping_interval: float | None = None,
        max_size: int | None = 16 * 1024 * 1024,
        close_timeout: float = 2.0,
    ) -> None:
        self.project = project
        self.token = token
        self.jwt_token = jwt_token
        self.bind_host = host
        self.bind_port = port
        self.space_id = space_id
        self.redeliver_unacked = redeliver_unacked
        self.send_authorization_state = send_authorization_state
        self.ping_interval = ping_interval
        self.max_size = max_size
        self.close_timeout = close_timeout

        self.journal = Journal(enabled=journal)
        self.sessions: dict[str, FakeSession] = {}
        self.connections: list[Connection] = []
        self.calls: dict[str, FakeCall] = {}
        self.messages: dict[str, FakeMessage] = {}
        self.errors: list[BaseException] = []
        self.unexpected_responses: list[dict[str, Any]] = []
        self.connect_count = 0

        #: What the test configured: durations, delays, queued results and plans.
        self.scenario = Scenario()

        self._handlers: dict[str, Handler] = {}
        self._once: dict[str, deque[Handler]] = {}
        self._rules: list[_DisconnectRule] = []
        self._server: Server | None = None
        self._port: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._ids = itertools.count(1)
        self._id_prefix = secrets.token_hex(4)
        self._conn_ids = itertools.count(1)
        self._outstanding = 0
        self._state_waiters: list[tuple[Callable[[], bool], asyncio.Future[None]]] = []
        self._pending_server_requests: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._ping_task: asyncio.Task[None] | None = None
        self._periodic_pings: set[str] = set()
        self._envelopes: dict[tuple[str, str], str] = {}
        self._subscribe_hooks: list[Callable[[FakeSession, list[str]], Any]] = []

    # ======================================================================
    # lifecycle
    # ======================================================================

    async def start(self) -> FakeRelayServer:
        """Start listening (idempotent); returns ``self``."""
        if self._server is not None:
            return self
        self._loop = asyncio.get_running_loop()
        self._server = await serve(
            self._handle,
            self.bind_host,
            self.bind_port,
            compression=None,
            ping_interval=None,
            max_size=self.max_size,
            max_queue=None,
            write_limit=2**20,
            close_timeout=self.close_timeout,
            create_connection=FastServerConnection,
        )
        self._port = int(next(iter(self._server.sockets)).getsockname()[1])
        if self.ping_interval:
            self._ping_task = self.loop.create_task(self._ping_loop(self.ping_interval))
        return self

    async def stop(self) -> None:
        """Close every connection and stop listening."""
        if self._server is None:
            return
        if self._ping_task is not None:
            self._ping_task.cancel()
        self._server.close(close_connections=True)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._server.wait_closed(), 5)
        for conn in list(self.connections):
            await conn.stop_writer()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        self._server = None

    async def __aenter__(self) -> FakeRelayServer:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The event loop the server runs on."""
        if self._loop is None:
            raise RuntimeError("FakeRelayServer is not started")
        return self._loop

    @property
    def port(self) -> int:
        """The bound TCP port."""
        if self._port is None:
            raise RuntimeError("FakeRelayServer is not started")
        return self._port

    @property
    def host(self) -> str:
        """``127.0.0.1:PORT`` (a host value for clients)."""
        return f"{self.bind_host}:{self.port}"

    @property
    def url(self) -> str:
        """``ws://127.0.0.1:PORT``."""
        return f"ws://{self.host}"

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run ``coro`` as a task owned (and cancelled at stop) by the server."""
        task = self.loop.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            exc = task.exception()
            assert exc is not None
            self.errors.append(exc)
            logger.error("fake relay task failed", exc_info=exc)

    # ======================================================================
    # connection handling
    # ======================================================================

    async def _handle(self, ws: ServerConnection) -> None:
        conn = Connection(self, ws, f"conn-{next(self._conn_ids)}")
        self.connections.append(conn)
        self._notify()

        def on_text(text: str) -> None:
            try:
                self._on_text(conn, text)
            except Exception as exc:  # never let a fake bug escape into websockets
                self.errors.append(exc)
                logger.exception("fake relay failed on a frame")

        if isinstance(ws, FastServerConnection):
            early, ws.early = ws.early, []
            for text in early:
                on_text(text)
            ws.text_sink = on_text
        try:
            # Only fragmented or binary messages come this way (see FastServerConnection).
            async for message in ws:
                on_text(message if isinstance(message, str) else message.decode("utf-8", "replace"))
        except ConnectionClosed:
            pass
        finally:
            if isinstance(ws, FastServerConnection):
                ws.text_sink = None
            await self._connection_lost(conn)

    def _on_text(self, conn: Connection, text: str) -> None:
        conn.received += 1
        # Plain acks dominate under load: recognise them without a JSON parse.
        ack = _ACK.match(text)
        if ack is not None:
            data: Any = {"jsonrpc": "2.0", "id": ack.group(1), "result": {}}
        else:
            try:
                data = json.loads(text)
            except ValueError:
                data = None
        journal = self.journal
        if journal.enabled or journal.has_waiters:
            journal.record(
                Frame(
                    "in", conn.connection_id, conn.session_id, data, text if data is None else None
                )
            )
        if conn.frozen or not isinstance(data, dict):
            return
        if conn.closed and "method" in data:
            return  # closing: acks still count, new requests are not served
        try:
            self._dispatch(conn, data)
        except Exception as exc:  # a scripting bug must not kill the server
            self.errors.append(exc)
            logger.exception("fake relay dispatch failed")
        if self._rules:
            self._check_received_rules(conn)

    async def _connection_lost(self, conn: Connection) -> None:
        # Bookkeeping first and synchronously, so waiters see a consistent state.
        conn.closed = True
        conn.cancel_writer()
        session = conn.session
        if session is not None and session.connection is conn:
            session.connection = None
            unsent = conn.take_unsent_events()
            if unsent:
                session.buffer.extendleft(reversed(unsent))
            if session.discarded:
                self.discard_session(session)
            elif not self.redeliver_unacked:
                self._outstanding -= len(session.unacked)
                session.unacked.clear()
        self._notify()
        await conn.stop_writer()

    def _dispatch(self, conn: Connection, data: dict[str, Any]) -> None:
        method = data.get("method")
        if method is None:
            self._on_response(conn, data)
            return
        if not isinstance(method, str):
            self._send(
                conn,
                {
                    "jsonrpc": "2.0",
                    "id": data.get("id"),
                    "error": {"code": -32600, "message": "Invalid request"},
                },
            )
            return
        if method == "signalwire.connect":
            self._on_connect(conn, data)
            return
        if conn.session is None:
            self._send(
                conn,
                {
                    "jsonrpc": "2.0",
                    "id": data.get("id"),
                    "error": {
                        "code": -32000,
                        "message": "Not authenticated: send signalwire.connect first",
                    },
                },
            )
            return
        ctx = Script(self, conn, data)
        rule = self._method_rule(method)
        if rule is not None and not rule.reply:
            ctx.no_reply()
            self.spawn(self.drop_connection(conn, abrupt=rule.abrupt))
            return
        delay = self.scenario.delays.get(method)
        if delay:
            self.spawn(self._delayed(delay, ctx))
        else:
            self._run_handler(ctx)
        if rule is not None:
            self.spawn(self.drop_connection(conn, abrupt=rule.abrupt))

    async def _delayed(self, delay: float, ctx: Script) -> None:
        await asyncio.sleep(delay)
        self._run_handler(ctx)

    def _run_handler(self, ctx: Script) -> None:
        method = ctx.method
        handler: Handler | None = None
        once = self._once.get(method)
        if once:
            handler = once.popleft()
        elif method in self._handlers:
            handler = self._handlers[method]
        try:
            result = (
                handler(ctx.request, ctx) if handler is not None else self.default_behaviour(ctx)
            )
        except Exception as exc:  # noqa: BLE001 (recorded in server.errors, fails the test)
            self._handler_failed(ctx, exc)
            return
        if inspect.isawaitable(result):
            self.spawn(self._finish_async(ctx, result))
        else:
            self._settle(ctx, result)

    async def _finish_async(self, ctx: Script, awaitable: Awaitable[Any]) -> None:
        try:
            result = await awaitable
        except Exception as exc:  # noqa: BLE001 (recorded in server.errors, fails the test)
            self._handler_failed(ctx, exc)
            return
        self._settle(ctx, result)

    def _settle(self, ctx: Script, result: Any) -> None:
        if ctx.settled:
            return
        if isinstance(result, dict):
            ctx.reply(result)
        else:
            ctx.reply()

    def _handler_failed(self, ctx: Script, exc: Exception) -> None:
        self.errors.append(exc)
        logger.exception("fake relay handler for %s failed", ctx.method)
        if not ctx.settled:
            ctx.error(-32603, f"fake handler for {ctx.method} raised {type(exc).__name__}: {exc}")

    def default_behaviour(self, ctx: Script) -> Any:
        """Run the built-in platform behaviour for ``ctx.method``."""
        behaviour = _behaviours.BEHAVIOURS.get(ctx.method)
        if behaviour is None:
            ctx.error(-32601, f"Method not found: {ctx.method}")
            return None
        return behaviour(ctx, self.scenario)

    def success_message(self, method: str) -> str:
        """The usual ``message`` text of a successful result for ``method``."""
        return _behaviours.MESSAGES.get(method, "OK")

    # -- connect -----------------------------------------------------------------

    def _on_connect(self, conn: Connection, data: dict[str, Any]) -> None:
        params = data.get("params")
        params = params if isinstance(params, dict) else {}
        auth = params.get("authentication")
        auth = auth if isinstance(auth, dict) else {}
        ok = False
        if "jwt_token" in auth:
            ok = self.jwt_token is not None and auth.get("jwt_token") == self.jwt_token
        else:
            ok = auth.get("project") == self.project and auth.get("token") == self.token
        if not ok:
            self._send(
                conn,
                {
                    "jsonrpc": "2.0",
                    "id": data.get("id"),
                    "error": {"code": AUTH_ERROR_CODE, "message": AUTH_ERROR_MESSAGE},
                },
            )
            self.spawn(self._close_soon(conn))
            return

        protocol = params.get("protocol")
        session = self.sessions.get(protocol) if isinstance(protocol, str) else None
        restored = session is not None and not session.discarded
        if session is None or session.discarded:
            session = self._new_session()
        else:
            session.resumes += 1
            old = session.connection
            if old is not None and old is not conn:
                # One connection per session: the newer one wins.
                session.connection = None
                for item in old.take_unsent_events():
                    session.buffer.append(item)
                self.spawn(self.drop_connection(old))
        state = params.get("authorization_state")
        if isinstance(state, str) and state:
            session.authorization_state = state
        contexts = params.get("contexts")
        if isinstance(contexts, list):
            session.contexts.update(c for c in contexts if isinstance(c, str))
        if conn.session is not None and conn.session is not session:
            conn.session.connection = None
        conn.session = session
        session.connection = conn
        self.connect_count += 1

        result = {
            "identity": session.identity,
            "protocol": session.protocol,
            "sessionid": session.session_id,
            "nodeid": "fake-node",
            "session_restored": restored,
            "authorization": {
                "project": self.project,
                "space_id": self.space_id,
                "scopes": ["calling", "messaging"],
                "expires_at": int(time.time()) + 3600,
                "signature": secrets.token_hex(16),
                "type": "jwt" if "jwt_token" in auth else "token",
            },
            "ice_servers": [],
        }
        self._send(conn, {"jsonrpc": "2.0", "id": data.get("id"), "result": result})
        if self.send_authorization_state:
            value = f"{secrets.token_urlsafe(24)}:{secrets.token_urlsafe(12)}"
            session.authorization_state = value
            self.emit(session, "signalwire.authorization.state", {"authorization_state": value})
        self._flush_session(session)
        self._notify()
        if isinstance(contexts, list) and contexts:
            self.subscribed(session, [c for c in contexts if isinstance(c, str)])

    def _new_session(self) -> FakeSession:
        protocol = f"signalwire_{uuid.uuid4().hex}"
        session = FakeSession(
            protocol,
            str(uuid.uuid4()),
            f"{uuid.uuid4()}@fake-relay",
            self.project,
        )
        self.sessions[protocol] = session
        return session

    def _flush_session(self, session: FakeSession) -> None:
        conn = session.connection
        if conn is None:
            return
        if self.redeliver_unacked and session.unacked:
            pending = list(session.unacked.items())
            session.unacked.clear()
            for event_id, (text, frame) in pending:
                conn.send_text(text, frame, event_id)
        while session.buffer:
            event_id, text, frame = session.buffer.popleft()
            conn.send_text(text, frame, event_id)

    async def _close_soon(self, conn: Connection) -> None:
        # Give the error frame a moment to be written before the close frame.
        await asyncio.sleep(0.05)
        await self.drop_connection(conn)

    # -- responses (acks) ----------------------------------------------------------

    def _on_response(self, conn: Connection, data: dict[str, Any]) -> None:
        rid = data.get("id")
        session = conn.session
        if session is not None and isinstance(rid, str) and rid in session.unacked:
            del session.unacked[rid]
            self._outstanding -= 1
            if self._outstanding == 0 and self._state_waiters:
                self._notify()
            return
        if isinstance(rid, str):
            if rid in self._periodic_pings:
                self._periodic_pings.discard(rid)
                return
            fut = self._pending_server_requests.pop(rid, None)
            if fut is not None:
                if not fut.done():
                    fut.set_result(data)
                return
        self.unexpected_responses.append(data)

    # ======================================================================
    # sending
    # ======================================================================

    def _send(self, conn: Connection, frame: dict[str, Any]) -> None:
        conn.send_text(json.dumps(frame), frame)

    def next_id(self) -> str:
        """A fresh id for a server-originated request."""
        return f"{self._id_prefix}-{next(self._ids)}"

    def emit(self, session: FakeSession, event_type: str, params: dict[str, Any]) -> str:
        """Send (or buffer) one ``signalwire.event`` to ``session``; returns its id."""
        event_id = f"{self._id_prefix}-{next(self._ids)}"
        timestamp = time.time()
        outer = {
            "event_type": event_type,
            "event_channel": session.protocol,
            "timestamp": timestamp,
            "project_id": self.project,
            "space_id": self.space_id,
            "params": params,
        }
        frame = {"jsonrpc": "2.0", "id": event_id, "method": "signalwire.event", "params": outer}
        # The envelope's constant part is cached; only the payload is encoded.
        key = (session.protocol, event_type)
        middle = self._envelopes.get(key)
        if middle is None:
            middle = (
                '","method":"signalwire.event","params":{"event_type":'
                + json.dumps(event_type)
                + ',"event_channel":'
                + json.dumps(session.protocol)
                + ',"project_id":'
                + json.dumps(self.project)
                + ',"space_id":'
                + json.dumps(self.space_id)
                + ',"timestamp":'
            )
            if len(self._envelopes) < 4096:
                self._envelopes[key] = middle
        text = (
            '{"jsonrpc":"2.0","id":"'
            + event_id
            + middle
            + repr(timestamp)
            + ',"params":'
            + json.dumps(params)
            + "}}"
        )
        self._outstanding += 1
        conn = session.connection
        if conn is not None and not conn.closed:
            conn.send_text(text, frame, event_id)
        else:
            session.buffer.append((event_id, text, frame))
        return event_id

    def _frames_sent(self, conn: Connection, count: int) -> None:
        # called by the connection's writer per batch: nothing to do unless a rule counts
        if self._rules:
            for _ in range(count):
                self._after_sent(conn)

    def _after_sent(self, conn: Connection) -> None:
        if self._rules:
            for rule in list(self._rules):
                if rule.sent is not None:
                    rule.sent -= 1
                    if rule.sent <= 0:
                        self._rules.remove(rule)
                        self.spawn(self.drop_connection(conn, abrupt=rule.abrupt))

    def _check_received_rules(self, conn: Connection) -> None:
        for rule in list(self._rules):
            if rule.received is not None:
                rule.received -= 1
                if rule.received <= 0:
                    self._rules.remove(rule)
                    self.spawn(self.drop_connection(conn, abrupt=rule.abrupt))

    def _method_rule(self, method: str) -> _DisconnectRule | None:
        for rule in self._rules:
            if rule.method == method:
                self._rules.remove(rule)
                return rule
        return None

    # ======================================================================
    # sessions and targets
    # ======================================================================

    @property
    def live_connections(self) -> list[Connection]:
        """Authenticated connections that are still open."""
        return [c for c in self.connections if not c.closed and c.session is not None]

    @property
    def session(self) -> FakeSession:
        """The most recently connected live session (most tests have one client)."""
        for conn in reversed(self.connections):
            if not conn.closed and conn.session is not None:
                return conn.session
        for session in reversed(list(self.sessions.values())):
            if not session.discarded:
                return session
        raise LookupError("no client has connected to the fake relay server")

    def session_for_context(self, context: str) -> FakeSession:
        """The session that receives inbound traffic on ``context``: a live
        subscribed one first (most recent), else a disconnected subscribed one
        (its events are buffered until it resumes)."""
        fallback: FakeSession | None = None
        for session in reversed(list(self.sessions.values())):
            if session.discarded or context not in session.contexts:
                continue
            if session.connected:
                return session
            if fallback is None:
                fallback = session
        if fallback is not None:
            return fallback
        raise LookupError(f"no session is subscribed to context {context!r}")

    def discard_session(self, session: FakeSession) -> None:
        """Forget ``session`` as the platform does when it expires or on
        ``signalwire.disconnect`` with ``restart``: its protocol no longer
        resumes, and its buffered and unacknowledged events are dropped."""
        session.discarded = True
        session.contexts.clear()
        self._outstanding -= len(session.buffer) + len(session.unacked)
        session.buffer.clear()
        session.unacked.clear()
        self._notify()

    # ======================================================================
    # scripting API
    # ======================================================================

    def on(self, method: str, handler: Handler, *, once: bool = False) -> None:
        """Handle ``method`` with ``handler(request, ctx)`` instead of the default.

        ``once=True`` queues a one-shot handler (FIFO) used before any
        persistent one. A handler that neither replies nor calls
        ``ctx.no_reply()`` gets its returned dict (or a plain 200) as result.
        """
        if once:
            self._once.setdefault(method, deque()).append(handler)
        else:
            self._handlers[method] = handler

    def off(self, method: str) -> None:
        """Restore the default behaviour of ``method``."""
        self._handlers.pop(method, None)
        self._once.pop(method, None)

    def on_subscribe(self, hook: Callable[[FakeSession, list[str]], Any]) -> None:
        """Call ``hook(session, contexts)`` whenever a session subscribes to
        contexts (in ``signalwire.connect`` or ``signalwire.receive``), after the
        reply was sent: e.g. offer a call as soon as the client listens."""
        self._subscribe_hooks.append(hook)

    def subscribed(self, session: FakeSession, contexts: list[str]) -> None:
        """Run the subscribe hooks (called by the connect/receive behaviours)."""
        for hook in list(self._subscribe_hooks):
            try:
                hook(session, contexts)
            except Exception as exc:
                self.errors.append(exc)
                logger.exception("fake relay subscribe hook failed")

    def fail_next(
        self,
        method: str,
        code: str | int = "500",
        message: str = "Internal error",
        *,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` ``method`` requests with a failure result code."""
        for _ in range(times):
            self.on(method, lambda _req, ctx: ctx.fail(code, message), once=True)

    def error_next(
        self, method: str, code: int = -32603, message: str = "Internal error", *, times: int = 1
    ) -> None:
        """Answer the next ``times`` ``method`` requests with a JSON-RPC error."""
        for _ in range(times):
            self.on(method, lambda _req, ctx: ctx.error(code, message), once=True)

    def ignore_next(self, method: str, *, times: int = 1) -> None:
        """Never answer the next ``times`` ``method`` requests."""
        for _ in range(times):
            self.on(method, lambda _req, ctx: ctx.no_reply(), once=True)

    def set_delay(self, method: str, seconds: float) -> None:
        """Wait ``seconds`` before handling each ``method`` request (0 clears it)."""
        self.scenario.set_delay(method, seconds)

    def set_duration(self, kind: str, seconds: float | None) -> None:
        """How long operations of ``kind`` run (``play``, ``record``, ``tap``, ...);
        ``None`` = until stopped or the call ends."""
        self.scenario.set_duration(kind, seconds)

    # The scenario's settings, kept readable (and the simple ones settable) on the server,
    # where the scripting API has always had them.

    @property
    def durations(self) -> dict[str, float | None]:
        """How long each operation kind runs (see :meth:`set_duration`)."""
        return self.scenario.durations

    @property
    def delays(self) -> dict[str, float]:
        """Reply delays by method (see :meth:`set_delay`)."""
        return self.scenario.delays

    @property
    def default_digits(self) -> str:
        """Digits a collect or digit detect returns when nothing was queued."""
        return self.scenario.default_digits

    @default_digits.setter
    def default_digits(self, value: str) -> None:
        self.scenario.default_digits = value

    @property
    def default_speech(self) -> str:
        """Text a speech collect returns when nothing was queued."""
        return self.scenario.default_speech

    @default_speech.setter
    def default_speech(self, value: str) -> None:
        self.scenario.default_speech = value

    @property
    def fax_state_field(self) -> bool:
        """True adds a top-level ``state`` to fax events."""
        return self.scenario.fax_state_field

    @fax_state_field.setter
    def fax_state_field(self, value: bool) -> None:
        self.scenario.fax_state_field = value

    @property
    def collect_results(self) -> deque[dict[str, Any]]:
        """Collect results queued for any call."""
        return self.scenario.collect_results

    @property
    def detect_results(self) -> deque[list[str]]:
        """Detect events queued for any call."""
        return self.scenario.detect_results

    @property
    def call_collect_results(self) -> dict[str, deque[dict[str, Any]]]:
        """Collect results queued per call id."""
        return self.scenario.call_collect_results

    @property
    def call_detect_results(self) -> dict[str, deque[list[str]]]:
        """Detect events queued per call id."""
        return self.scenario.call_detect_results

    @property
    def dial_plans(self) -> deque[dict[str, Any]]:
        """Dial plans queued for the next dials."""
        return self.scenario.dial_plans

    @property
    def tag_dial_plans(self) -> dict[str, dict[str, Any]]:
        """Dial plans queued per dial tag."""
        return self.scenario.tag_dial_plans

    @property
    def connect_plans(self) -> deque[dict[str, Any]]:
        """Connect plans queued for the next connects."""
        return self.scenario.connect_plans

    @property
    def message_plans(self) -> deque[dict[str, Any]]:
        """State sequences queued for the next sent messages."""
        return self.scenario.message_plans

    def queue_collect(
        self,
        *,
        digits: str | None = None,
        terminator: str | None = "#",
        speech: str | None = None,
        confidence: float = 0.93,
        result_type: str | None = None,
        result: dict[str, Any] | None = None,
        call_id: str | None = None,
    ) -> None:
        """Script the next collect result (play_and_collect or collect): digits,
        speech, a bare ``result_type`` (``no_input``, ``no_match``, ``error``) or
        a raw ``result`` object; with ``call_id``, only for that call (taken
        before the server-wide queue)."""
        if result is None:
            if digits is not None:
                p: dict[str, Any] = {"digits": digits}
                if terminator is not None:
                    p["terminator"] = terminator
                result = {"type": "digit", "params": p}
            elif speech is not None:
                result = {"type": "speech", "params": {"text": speech, "confidence": confidence}}
            elif result_type is not None:
                result = {"type": result_type}
            else:
                raise ValueError("queue_collect needs digits, speech, result_type or result")
        self.scenario.queue_collect(result, call_id)

    def queue_detect(self, *events: str, call_id: str | None = None) -> None:
        """Script the next detect's results, e.g. ``queue_detect("MACHINE", "READY")``
        (``finished`` is appended automatically); with ``call_id``, only for that call."""
        self.scenario.queue_detect(list(events), call_id)

    def queue_dial(
        self,
        *,
        answer: tuple[int, int] | None = (0, 0),
        reason: str = "noAnswer",
        answer_delay: float = 0.0,
        loser_reason: str = "cancel",
        dial_winner: Any = True,
        tag: str | None = None,
    ) -> None:
        """Script the next ``calling.dial`` (or the one with ``tag``): ``answer`` =
        (group, device) index of the leg that answers (``None``: every leg fails
        with ``reason``); ``answer_delay`` postpones the answer (late answers
        after a client timeout test orphan handling)."""
        plan = {
            "answer": answer,
            "reason": reason,
            "answer_delay": answer_delay,
            "loser_reason": loser_reason,
            "dial_winner": dial_winner,
        }
        self.scenario.queue_dial(plan, tag)

    def queue_connect(
        self, *, answer: tuple[int, int] | None = (0, 0), reason: str = "noAnswer"
    ) -> None:
        """Script the next ``calling.connect`` (like :meth:`queue_dial`)."""
        self.scenario.queue_connect({"answer": answer, "reason": reason})

    def queue_message(self, *states: str, reason: str | None = None) -> None:
        """Script the next ``messaging.send``'s state events, e.g.
        ``queue_message("queued", "failed", reason="Carrier rejected")``."""
        self.scenario.queue_message({"states": list(states), "reason": reason})

    # -- platform-originated traffic ---------------------------------------------------

    def inbound_call(
        self,
        context: str = "default",
        *,
        from_number: str = "+15550001111",
        to_number: str = "+15550002222",
        device: dict[str, Any] | None = None,
        call_id: str | None = None,
        node_id: str | None = None,
        call_state: str = "created",
        tag: str | None = None,
        session: FakeSession | None = None,
        extra: dict[str, Any] | None = None,
    ) -> str:
        """Offer a new inbound call on ``context`` (``calling.call.receive``);
        returns its ``call_id``. Raises ``LookupError`` if nobody subscribed."""
        target = session or self.session_for_context(context)
        call = FakeCall(
            call_id or str(uuid.uuid4()),
            node_id or "fake-node-1",
            target,
            direction="inbound",
            device=device
            or {"type": "phone", "params": {"from_number": from_number, "to_number": to_number}},
            context=context,
            tag=tag,
            state=call_state,
        )
        self.calls[call.call_id] = call
        params = {
            "call_id": call.call_id,
            "node_id": call.node_id,
            "call_state": call_state,
            "context": context,
            "direction": "inbound",
            "device": call.device,
            "project_id": self.project,
        }
        if tag is not None:
            params["tag"] = tag
        if extra:
            params.update(extra)
        self.emit(target, "calling.call.receive", params)
        return call.call_id

    def inbound_message(
        self,
        context: str = "default",
        *,
        body: str | None = "Hello",
        from_number: str = "+15550001111",
        to_number: str = "+15550002222",
        media: list[str] | None = None,
        tags: list[str] | None = None,
        message_id: str | None = None,
        session: FakeSession | None = None,
    ) -> str:
        """Deliver an inbound SMS/MMS (``messaging.receive``); returns its id."""
        target = session or self.session_for_context(context)
        message_id = message_id or str(uuid.uuid4())
        params: dict[str, Any] = {
            "message_id": message_id,
            "context": context,
            "direction": "inbound",
            "from_number": from_number,
            "to_number": to_number,
            "body": body,
            "media": media or [],
            "segments": 1,
            "message_state": "received",
            "tags": tags or [],
        }
        message = FakeMessage(message_id, target, "inbound", params, context)
        message.state = "received"
        self.messages[message_id] = message
        self.emit(target, "messaging.receive", params)
        return message_id

    def hangup(self, call_id: str, reason: str = "hangup") -> None:
        """The far end hangs up ``call_id`` (ending → ended with ``reason``)."""
        call = self._call(call_id)
        session = call.session
        conn = session.connection if session is not None else None
        ctx = Script(self, conn, {}, silent=True, session=session)
        _behaviours.end_call(ctx, self.scenario, call, reason)

    def press_digits(self, call_id: str, digits: str) -> list[str]:
        """The caller presses ``digits`` on ``call_id``: matching ``bind_digit``
        bindings run their bound method (its events reach the client); returns
        the methods that ran."""
        call = self._call(call_id)
        ran = []
        session = call.session
        conn = session.connection if session is not None else None
        for binding in list(call.bindings):
            if binding["digits"] != digits:
                continue
            if binding["left"] is not None:
                binding["left"] -= 1
                if binding["left"] <= 0:
                    call.bindings.remove(binding)
            if conn is None:
                continue
            params = {
                "call_id": call.call_id,
                "node_id": call.node_id,
                "control_id": str(uuid.uuid4()),
                **binding["params"],
            }
            method = binding["bind_method"]
            request = {"jsonrpc": "2.0", "id": None, "method": method, "params": params}
            # as the platform does it: no client request, so nobody is answered
            self.default_behaviour(Script(self, conn, request, silent=True))
            ran.append(method)
        return ran

    def _call(self, call_id: str) -> FakeCall:
        call = self.calls.get(call_id)
        if call is None:
            raise LookupError(f"the fake platform knows no call {call_id!r}")
        return call

    def push_event(
        self, event_type: str, params: dict[str, Any], *, session: FakeSession | None = None
    ) -> str:
        """Send any event (known or not) to a session; returns the event id."""
        return self.emit(session or self.session, event_type, params)

    def push_events(
        self, events: Iterable[tuple[str, dict[str, Any]]], *, session: FakeSession | None = None
    ) -> int:
        """Queue many events at once (bursts for load tests); returns the count."""
        target = session or self.session
        n = 0
        for event_type, params in events:
            self.emit(target, event_type, params)
            n += 1
        return n

    def send_raw(self, text: str, *, connection: Connection | None = None) -> None:
        """Send a text frame verbatim (malformed JSON, odd shapes ...)."""
        conns = [connection] if connection is not None else self.live_connections
        for conn in conns:
            conn.send_text(text, None)  # journaled as raw text

    def send_frame(self, frame: dict[str, Any], *, connection: Connection | None = None) -> None:
        """Send one JSON object verbatim to a connection (default: every live one)."""
        conns = [connection] if connection is not None else self.live_connections
        text = json.dumps(frame)
        for conn in conns:
            conn.send_text(text, frame)

    def send_malformed(self) -> None:
        """Send a frame that is not JSON."""
        self.send_raw('{"jsonrpc": "2.0", "method": "signalwire.event", "params": {')

    def send_unknown_event(self, event_type: str = "calling.call.mystery") -> str:
        """Send an event type no client knows; returns its id."""
        return self.push_event(event_type, {"call_id": "unknown", "surprise": True})

    def send_orphan_response(self) -> None:
        """Send a response whose id matches no client request."""
        self.send_frame({"jsonrpc": "2.0", "id": str(uuid.uuid4()), "result": {"code": "200"}})

    def send_oversized(self, size: int = 11 * 1024 * 1024) -> None:
        """Send a JSON event frame of about ``size`` bytes (clients cap at 10 MiB)."""
        self.push_event("calling.call.play", {"padding": "x" * size})

    # -- server requests ---------------------------------------------------------------

    async def request(
        self, connection: Connection, method: str, params: dict[str, Any], *, timeout: float = 5.0
    ) -> dict[str, Any]:
        """Send a server-to-client request and await the client's response."""
        rid = self.next_id()
        fut: asyncio.Future[dict[str, Any]] = self.loop.create_future()
        self._pending_server_requests[rid] = fut
        self._send(connection, {"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        try:
            return await asyncio.wait_for(fut, timeout)
        except asyncio.TimeoutError:
            raise TimeoutError(f"client did not answer {method} within {timeout} s") from None
        finally:
            self._pending_server_requests.pop(rid, None)

    async def ping(self, *, timeout: float = 5.0) -> list[dict[str, Any]]:
        """Send ``signalwire.ping`` to every live connection; return the responses."""
        conns = self.live_connections
        return list(
            await asyncio.gather(
                *(
                    self.request(c, "signalwire.ping", {"timestamp": time.time()}, timeout=timeout)
                    for c in conns
                )
            )
        )

    async def _ping_loop(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            for conn in self.live_connections:
                ping_id = self.next_id()
                self._periodic_pings.add(ping_id)
                self._send(
                    conn,
                    {
                        "jsonrpc": "2.0",
                        "id": ping_id,
                        "method": "signalwire.ping",
                        "params": {"timestamp": time.time()},
                    },
                )

    async def send_disconnect(
        self, *, restart: bool = False, close: bool = True, timeout: float = 5.0
    ) -> None:
        """Send ``signalwire.disconnect`` to every live connection, await the
        reply, then close the socket. ``restart=True`` also discards the
        sessions, so presenting their protocol later starts fresh."""
        for conn in self.live_connections:
            with contextlib.suppress(TimeoutError):
                await self.request(
                    conn, "signalwire.disconnect", {"restart": restart}, timeout=timeout
                )
            if restart and conn.session is not None:
                self.discard_session(conn.session)
            if close:
                await self.drop_connection(conn)

    # -- forced disconnects ---------------------------------------------------------------

    async def drop_connection(self, conn: Connection, *, abrupt: bool = False) -> None:
        """Close one connection (abruptly: reset the TCP connection, no close frame)."""
        if abrupt:
            conn.abort()
        else:
            with contextlib.suppress(Exception):
                await conn.close(1001, "going away")

    async def drop_connections(self, *, abrupt: bool = False) -> None:
        """Close every live connection now (sessions persist for resume)."""
        await asyncio.gather(
            *(self.drop_connection(c, abrupt=abrupt) for c in self.connections if not c.closed)
        )

    def disconnect_after(
        self,
        *,
        received: int | None = None,
        sent: int | None = None,
        method: str | None = None,
        reply: bool = True,
        abrupt: bool = False,
    ) -> None:
        """Drop the connection at a chosen point, once: after ``received`` more
        client frames, after ``sent`` more server frames, or when a ``method``
        request arrives (after answering it if ``reply``, else leaving it
        unanswered)."""
        if [received, sent, method].count(None) != 2:
            raise ValueError("disconnect_after needs exactly one of received, sent, method")
        self._rules.append(_DisconnectRule(received, sent, method, reply, abrupt))

    def freeze(self, connection: Connection | None = None) -> None:
        """Make the open connections (or one) half-open: client frames are
        journaled and otherwise lost (acks too), server output is held until
        :meth:`unfreeze`. Connections opened later work normally, so a client
        that detects the dead link can reconnect and resume."""
        for conn in [connection] if connection is not None else self.connections:
            if not conn.closed:
                conn.frozen = True

    def unfreeze(self) -> None:
        """Undo :meth:`freeze` (held output is sent)."""
        for conn in self.connections:
            conn.frozen = False
            conn._wakeup.set()

    @property
    def frozen(self) -> bool:
        """True while some open connection is frozen."""
        return any(c.frozen and not c.closed for c in self.connections)

    # ======================================================================
    # awaitable helpers
    # ======================================================================

    def _notify(self) -> None:
        if not self._state_waiters:
            return
        remaining = []
        for check, fut in self._state_waiters:
            if fut.done():
                continue
            if check():
                fut.set_result(None)
            else:
                remaining.append((check, fut))
        self._state_waiters = remaining

    async def _wait_state(self, check: Callable[[], bool], timeout: float, what: str) -> None:
        if check():
            return
        fut: asyncio.Future[None] = self.loop.create_future()
        entry = (check, fut)
        self._state_waiters.append(entry)
        try:
            await asyncio.wait_for(fut, timeout)
        except asyncio.TimeoutError:
            raise TimeoutError(f"{what} within {timeout} s") from None
        finally:
            if entry in self._state_waiters:
                self._state_waiters.remove(entry)

    async def wait_connected(
        self, timeout: float = 5.0, *, count: int | None = None
    ) -> FakeSession:
        """Wait until a client is authenticated (or, with ``count``, until that
        many successful ``signalwire.connect`` handshakes happened in total);
        returns the newest live session."""

        def check() -> bool:
            if count is not None:
                return self.connect_count >= count and bool(self.live_connections)
            return bool(self.live_connections)

        await self._wait_state(
            check, timeout, f"no client connected (connects so far: {self.connect_count})"
        )
        return self.session

    async def wait_disconnected(self, timeout: float = 5.0) -> None:
        """Wait until no authenticated connection is open."""
        await self._wait_state(
            lambda: not self.live_connections, timeout, "a client is still connected"
        )

    async def wait_all_acked(self, timeout: float = 5.0) -> None:
        """Wait until every event emitted so far has been acknowledged."""
        await self._wait_state(
            lambda: self._outstanding <= 0,
            timeout,
            f"{self._outstanding} events still unacknowledged",
        )

    @property
    def outstanding_events(self) -> int:
        """Events emitted (sent or buffered) and not acknowledged yet."""
        return self._outstanding

    async def wait_for_request(
        self,
        method: str,
        *,
        timeout: float = 5.0,
        predicate: Callable[[dict[str, Any]], bool] | None = None,
    ) -> dict[str, Any]:
        """Return the oldest ``method`` request not returned by an earlier call
        (already received or arriving within ``timeout``), as the raw object."""
        frame = await self.journal.claim_request(method, predicate, timeout=timeout)
        data: dict[str, Any] = frame.data
        return data

    async def wait_for_response(self, request_id: str, *, timeout: float = 5.0) -> dict[str, Any]:
        """Wait for the client's response to a server request or event id."""

        def match(frame: Frame) -> bool:
            return frame.direction == "in" and frame.is_response and frame.id == request_id

        frame = await self.journal.wait_for(match, timeout=timeout)
        data: dict[str, Any] = frame.data
        return data

    async def wait_for_event(
        self,
        event_type: str,
        *,
        timeout: float = 5.0,
        predicate: Callable[[dict[str, Any]], bool] | None = None,
    ) -> dict[str, Any]:
        """Wait until the server has sent an event of ``event_type`` (whose inner
        params satisfy ``predicate``); returns the inner params."""

        def match(frame: Frame) -> bool:
            return (
                frame.direction == "out"
                and frame.event_type == event_type
                and (predicate is None or predicate(frame.event_params))
            )

        frame = await self.journal.wait_for(match, timeout=timeout)
        return frame.event_params

    async def wait_call_state(self, call_id: str, state: str, *, timeout: float = 5.0) -> None:
        """Wait until the platform has reported ``call_id`` in ``state``."""
        await self.wait_for_event(
            "calling.call.state",
            timeout=timeout,
            predicate=lambda p: p.get("call_id") == call_id and p.get("call_state") == state,
        )
