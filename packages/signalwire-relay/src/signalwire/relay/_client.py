"""RelayClient: one WebSocket session to SignalWire RELAY, kept alive across drops.

The socket loop only moves frames and runs what the sans-I/O parts decide:
everything the protocol says (framing, correlation, acks, resume keys) lives
in :mod:`._protocol`, and which call, dial or message an event belongs to in
:mod:`._session`. The client is the host of its calls
(:class:`~signalwire.relay._call.CallHost`): calls send their commands
through :meth:`RelayClient.execute` and run handler tasks in its task group.

Lifecycle rules (also in the package README):

* **Reconnect.** After :meth:`RelayClient.connect` succeeds, a supervisor
  keeps the session alive: when the socket drops (or a ping goes
  unanswered), it reconnects with capped exponential back-off and jitter and
  resumes the session with the saved ``protocol`` string, re-subscribing
  every context. Calls, actions, dials and messages survive a resume.
* **Commands while disconnected** wait (queued) until the session is back,
  within their own timeout; if it is not back in time they fail with
  :class:`RelayTimeoutError` and are never sent. A command already sent when
  the socket drops fails with :class:`RelayConnectionError` (the platform may
  or may not have run it, so it is not resent).
* **Session lost** (the platform did not resume it, or sent
  ``signalwire.disconnect`` with ``restart: true``): calls of the old session
  are dropped and everything waiting on them raises ``RelayConnectionError``.
* **Close.** :meth:`RelayClient.disconnect` fails every pending request,
  action, dial and message wait with ``RelayConnectionError``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import ssl as ssl_module
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from signalwire.core import (
    SignalWireConfigError,
    env,
    mask_secret,
    normalize_space,
    resolve_credentials,
)
from signalwire.relay import constants as c
from signalwire.relay._errors import (
    RelayAuthError,
    RelayConnectionError,
    RelayError,
    RelayTimeoutError,
)
from signalwire.relay._otel import telemetry
from signalwire.relay._protocol import (
    Ignored,
    RelayProtocol,
    Response,
    ServerDisconnect,
    ServerEvent,
    ServerPing,
    backoff_delay,
    check_result,
)
from signalwire.relay._util import (
    Spawn,
    TaskGroupLite,
    bounded,
    call_handler,
    drop_none,
    fail_future,
    new_uuid,
    wait_future,
)

if TYPE_CHECKING:
    from signalwire.relay._call import Call
    from signalwire.relay._message import Message
    from signalwire.relay._session import Decisions, PendingDial, RelaySession
    from signalwire.relay._transport import WSConnection
    from signalwire.relay.event import RelayEvent

# The session (with calls and messages) and the WebSocket transport are imported where they are
# first needed (a connect, a dial, a send), so ``from signalwire.relay import RelayClient`` stays
# small.

__all__ = ["ClientState", "RelayClient"]

logger = logging.getLogger("signalwire.relay.client")

JSONObject = dict[str, Any]
H = TypeVar("H", bound=Callable[..., Any])
ClientState = Literal["disconnected", "connecting", "connected", "reconnecting", "closed"]

#: Inbound frame size limit (the platform's events are far smaller).
DEFAULT_MAX_SIZE = 10 * 1024 * 1024
#: Env var: max tracked calls (inbound calls beyond it are refused).
ENV_MAX_ACTIVE_CALLS = "RELAY_MAX_ACTIVE_CALLS"
#: Env var: PEM bundle of extra CAs to trust for wss://.
ENV_CA_FILE = "SIGNALWIRE_RELAY_CA_FILE"
#: Socket-level cap: a frame above it cannot even be read, so it closes the connection.
_HARD_MAX_SIZE = 64 * 1024 * 1024
_parse_event: Callable[[JSONObject], RelayEvent] | None = None


class _NotLoaded:
    """Stands for the Call class until the first session loads it (see _routing)."""


# the most frequent decision is a call to hand the event to: its class is compared on every
# event, so it is a global (no import per event)
_Call: type[Any] = _NotLoaded


class _NotSent(RelayConnectionError):
    """The socket closed before the request left: safe to send again."""


class _AuthFailed(Exception):
    def __init__(self, error: RelayError) -> None:
        super().__init__(str(error))
        self.error = error


class RelayClient:
    """An asyncio client for SignalWire RELAY (calls and messages over one WebSocket).

    Arguments left as None come from the environment: ``SIGNALWIRE_PROJECT_ID``,
    ``SIGNALWIRE_API_TOKEN``, ``SIGNALWIRE_JWT_TOKEN``, ``SIGNALWIRE_SPACE``
    (the host; default ``relay.signalwire.com``) and ``RELAY_MAX_ACTIVE_CALLS``
    (default 1000). ``host`` may be a bare host (``example.signalwire.com``),
    a space name, ``host:port``, or a URL: ``ws://127.0.0.1:8765`` for a local
    server (a loopback host without scheme also means plain ``ws://``).

    Keyword-only tuning: ``request_timeout`` (per command, seconds),
    ``dial_timeout``, ``ping_interval``/``ping_timeout`` (half-open
    detection), ``reconnect_min_delay``/``reconnect_max_delay`` (back-off),
    ``max_auth_failures`` (consecutive credential rejections before
    :meth:`run` gives up), ``over_limit`` (``"busy"`` or ``"pass"``: what
    happens to an inbound call beyond ``max_active_calls``), ``on_dial_orphan``
    (receives calls answered after their dial was abandoned; by default they are
    hung up), ``max_size`` (inbound frame limit), ``ssl`` (an
    :class:`ssl.SSLContext` for wss) and ``environ`` (mapping read instead of
    :data:`os.environ`).
    """

    def __init__(
        self,
        project: str | None = None,
        token: str | None = None,
        jwt_token: str | None = None,
        host: str | None = None,
        contexts: list[str] | None = None,
        max_active_calls: int | None = None,
        *,
        request_timeout: float = 10.0,
        dial_timeout: float = 120.0,
        ping_interval: float = 30.0,
        ping_timeout: float = 10.0,
        reconnect_min_delay: float = c.RECONNECT_MIN_DELAY,
        reconnect_max_delay: float = c.RECONNECT_MAX_DELAY,
        max_auth_failures: int = 3,
        over_limit: Literal["busy", "pass"] = "busy",
        on_dial_orphan: Callable[[Call], Any] | None = None,
        max_size: int | None = DEFAULT_MAX_SIZE,
        ssl: ssl_module.SSLContext | None = None,
        agent: str = c.AGENT_STRING,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        environ = os.environ if environ is None else environ
        creds = resolve_credentials(
            project,
            token,
            jwt_token=jwt_token,
            environ={k: v for k, v in environ.items() if k != env.SIGNALWIRE_SPACE},
            require_space=False,
        )
        host_value = (host or "").strip() or environ.get(env.SIGNALWIRE_SPACE, "").strip()
        space = normalize_space(host_value or c.DEFAULT_RELAY_HOST, argument="host")
        if max_active_calls is None:
            raw = environ.get(ENV_MAX_ACTIVE_CALLS, "").strip()
            try:
                max_active_calls = int(raw) if raw else 1000
            except ValueError:
                raise SignalWireConfigError(
                    f"{ENV_MAX_ACTIVE_CALLS} must be an integer, got {raw!r}",
                    argument="max_active_calls",
                    env_var=ENV_MAX_ACTIVE_CALLS,
                ) from None
        if max_active_calls < 1:
            raise SignalWireConfigError(
                f"max_active_calls must be at least 1, got {max_active_calls}",
                argument="max_active_calls",
                env_var=ENV_MAX_ACTIVE_CALLS,
            )
        if over_limit not in ("busy", "pass"):
            raise SignalWireConfigError(
                f"over_limit must be 'busy' or 'pass', got {over_limit!r}", argument="over_limit"
            )
        for name, value in (("request_timeout", request_timeout), ("dial_timeout", dial_timeout)):
            if value <= 0:
                raise SignalWireConfigError(f"{name} must be positive, got {value}", argument=name)
        #: Project id (from the argument, the environment or the JWT).
        self.project = creds.project_id
        #: API token (secret; never logged).
        self.token = creds.api_token
        #: JWT used instead of project and token.
        self.jwt_token = creds.jwt_token
        #: Host (``host[:port]``) of the RELAY endpoint.
        self.host = space.netloc
        #: Contexts the session receives inbound calls and messages on.
        self.contexts: list[str] = list(contexts or [])
        #: Maximum calls tracked at once; inbound calls beyond it are refused.
        self.max_active_calls = max_active_calls
        self.request_timeout = request_timeout
        self.dial_timeout = dial_timeout
        self.ping_interval = ping_interval
        self.ping_timeout = ping_timeout
        self.reconnect_min_delay = reconnect_min_delay
        self.reconnect_max_delay = reconnect_max_delay
        self.max_auth_failures = max_auth_failures
        self.over_limit = over_limit
        self.on_dial_orphan = on_dial_orphan
        self._url = space.ws_url
        self._secure = space.secure
        self._ssl = ssl
        self._ca_file = environ.get(ENV_CA_FILE) or None
        self._max_size = max_size
        self._agent = agent

        self._proto = RelayProtocol()
        self._state: ClientState = "disconnected"
        self._ws: WSConnection | None = None
        self._futures: dict[str, asyncio.Future[Any]] = {}
        self._ready_waiters: list[asyncio.Future[None]] = []
        self._supervisor: asyncio.Task[None] | None = None
        self._closed: asyncio.Future[None] | None = None
        self._tasks = TaskGroupLite()
        #: Runs handler coroutines as the client's tasks (CallHost): the task group's bound
        #: method, kept so calls look it up per event without binding it again.
        self._spawn: Spawn = self._tasks.spawn
        self._routes: RelaySession | None = None
        # the session's route(), bound once it exists (see _routing): one call per event
        self._route: Callable[[RelayEvent], Decisions] = self._route_first
        self._dial_waits: dict[PendingDial, asyncio.Future[Call]] = {}
        self._call_handler: Callable[[Call], Any] | None = None
        self._message_handler: Callable[[Message], Any] | None = None
        self._event_handler: Callable[[RelayEvent], Any] | None = None
        self._hooks: dict[str, list[Callable[..., Any]]] = {}
        self._restart_requested = False
        self._probe_task: asyncio.Task[None] | None = None
        self._first: asyncio.Future[None] | None = None
        self._ever_connected = False

    def __repr__(self) -> str:
        who = f"project={self.project!r}, token={mask_secret(self.token)!r}"
        if self.jwt_token:
            who += f", jwt_token={mask_secret(self.jwt_token)!r}"
        return f"RelayClient(host={self.host!r}, {who}, state={self._state!r})"

    # -- properties ---------------------------------------------------------

    @property
    def relay_protocol(self) -> str | None:
        """The session's protocol string (the resume key), once connected."""
        return self._proto.protocol

    @property
    def state(self) -> ClientState:
        """disconnected, connecting, connected, reconnecting or closed."""
        return self._state

    @property
    def url(self) -> str:
        """The WebSocket URL the client connects to."""
        return self._url

    @property
    def calls(self) -> Mapping[str, Call]:
        """Calls being tracked, by call id (read-only view)."""
        return self._routing().calls

    def _routing(self) -> RelaySession:
        """The session's routing state, made on first use (loads calls and messages)."""
        session = self._routes
        if session is None:
            global _Call
            from signalwire.relay._call import Call
            from signalwire.relay._session import RelaySession

            _Call = Call
            session = self._routes = RelaySession(self)
            self._route = session.route
        return session

    def _route_first(self, event: RelayEvent) -> Decisions:
        return self._routing().route(event)

    # -- what calls need from their host (CallHost) ------------------------------

    def _forget_call(self, call: Call) -> None:
        if self._routes is not None:
            self._routes.forget_call(call)

    # -- handler registration -------------------------------------------------

    def on_call(self, handler: H) -> H:
        """Decorator: ``handler(call)`` runs (as a task) for each inbound call."""
        self._call_handler = handler
        return handler

    def on_message(self, handler: H) -> H:
        """Decorator: ``handler(message)`` runs (as a task) for each inbound message."""
        self._message_handler = handler
        return handler

    def on_event(self, handler: H) -> H:
        """Decorator: ``handler(event)`` sees every event, typed or generic, before routing."""
        self._event_handler = handler
        return handler

    def _hook(self, name: str, handler: H) -> H:
        self._hooks.setdefault(name, []).append(handler)
        return handler

    def on_connected(self, handler: H) -> H:
        """Decorator: ``handler()`` after the first successful connect."""
        return self._hook("connected", handler)

    def on_disconnected(self, handler: H) -> H:
        """Decorator: ``handler(error)`` when the socket drops (``error`` is None on a clean close)."""
        return self._hook("disconnected", handler)

    def on_reconnecting(self, handler: H) -> H:
        """Decorator: ``handler(attempt, delay)`` before each reconnect attempt."""
        return self._hook("reconnecting", handler)

    def on_reconnected(self, handler: H) -> H:
        """Decorator: ``handler(resumed)`` after a reconnect; ``resumed`` tells if the session survived."""
        return self._hook("reconnected", handler)

    def on_session_lost(self, handler: H) -> H:
        """Decorator: ``handler()`` when the platform did not resume the session."""
        return self._hook("session_lost", handler)

    def _fire(self, name: str, *args: Any) -> None:
        otel = telemetry()
        if otel is not None:
            otel.connection(self, name, args, self._url)
        for h in tuple(self._hooks.get(name, ())):
            call_handler(h, args, self._tasks.spawn, f"{name} hook")

    # -- connection lifecycle -------------------------------------------------

    async def __aenter__(self) -> RelayClient:
        await self.connect()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.disconnect()

    async def connect(self) -> None:
        """Open the socket and authenticate; then keep the session alive in the background.

        Raises :class:`RelayError` if the platform rejects the credentials and
        :class:`RelayConnectionError` if the server cannot be reached.
        """
        await self._start(retry_initial=False)

    async def _start(self, *, retry_initial: bool) -> None:
        if self._supervisor is not None and not self._supervisor.done():
            await self.wait_ready()
            return
        self._routing()
        loop = asyncio.get_running_loop()
        self._closed = loop.create_future()
        first: asyncio.Future[None] = loop.create_future()
        self._first = first
        self._state = "connecting"
        self._supervisor = loop.create_task(self._supervise(first, retry_initial))
        try:
            await asyncio.shield(first)
        except BaseException:
            await self._shutdown(RelayConnectionError("connect failed"))
            raise
        if _parse_event is None:
            # Connected first, then the event models load while the platform has nothing
            # to say yet: a cold start reaches "connected" without paying for them, and
            # the first event rarely waits (it loads them itself if it comes sooner).
            loop.call_soon(_load_event_models)

    async def wait_ready(self, timeout: float | None = None) -> None:
        """Wait until the session is connected (immediately if it is).

        Raises :class:`RelayTimeoutError` after ``timeout`` and
        :class:`RelayConnectionError` if the client is closed or never started.
        """
        if self._state == "connected":
            return
        if self._state == "closed" or self._supervisor is None:
            raise RelayConnectionError(f"client is {self._state}: call connect() or run() first")
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._ready_waiters.append(fut)
        try:
            await wait_future(fut, timeout)
        except TimeoutError:
            raise RelayTimeoutError(
                f"not connected within {timeout}s (state {self._state})"
            ) from None
        finally:
            with contextlib.suppress(ValueError):
                self._ready_waiters.remove(fut)

    def _set_ready(self) -> None:
        if self._state == "closed":
            return
        self._state = "connected"
        waiters, self._ready_waiters = self._ready_waiters, []
        for f in waiters:
            if not f.done():
                f.set_result(None)

    async def disconnect(self) -> None:
        """Close the session: fail everything pending with :class:`RelayConnectionError`."""
        await self._shutdown(RelayConnectionError("client closed"))

    async def _shutdown(self, error: RelayConnectionError) -> None:
        if self._state == "closed" and self._supervisor is None:
            return
        self._state = "closed"
        otel = telemetry()
        if otel is not None:
            otel.connection_closed(self)
        sup, self._supervisor = self._supervisor, None
        ws = self._ws
        try:
            if ws is not None:
                with contextlib.suppress(Exception):
                    await ws.close()
            if sup is not None and sup is not asyncio.current_task():
                sup.cancel()
                # asyncio.wait, not ``await sup``: the supervisor's own end is not raised here,
                # while a cancellation of this disconnect() still is
                await asyncio.wait((sup,))
                if not sup.cancelled():
                    sup.exception()
        finally:
            # even when disconnect() itself is cancelled, nothing is left waiting
            if ws is not None and ws.transport is not None and not ws.closed.done():
                ws.abort()
            self._ws = None
            self._fail_everything(error)
            if self._first is not None and not self._first.done():
                self._first.set_exception(error)
                self._first.exception()
            if self._closed is not None and not self._closed.done():
                self._closed.set_result(None)
        await self._tasks.cancel_all(grace=0.0)

    def _fail_everything(self, error: RelayConnectionError) -> None:
        self._fail_in_flight(error)
        for f in self._ready_waiters:
            if not f.done():
                f.set_exception(error)
                f.exception()
        self._ready_waiters = []
        self._drop_session_objects(error)

    def _drop_session_objects(self, error: RelayConnectionError) -> None:
        if self._routes is None:
            return
        calls, dials, msgs = self._routes.drop()
        for call in calls:
            call._abort(error)
        for d in dials:
            fut = self._dial_waits.get(d)
            if fut is not None:
                fail_future(fut, error)
        for m in msgs:
            m._fail(error)

    def _fail_in_flight(self, error: RelayError) -> None:
        pending = self._proto.connection_lost()
        futures, self._futures = self._futures, {}
        for msg_id, fut in futures.items():
            if not fut.done():
                method = pending.get(msg_id, "request")
                fut.set_exception(
                    RelayConnectionError(f"{method}: {error.message} before the reply arrived")
                )
                fut.exception()

    def run(self) -> None:
        """Connect and serve until interrupted (blocking; Ctrl-C or SIGTERM stops it cleanly).

        Unreachable servers are retried forever with back-off; credentials
        rejected ``max_auth_failures`` times in a row before any successful
        login raise :class:`RelayError`. Do not call from a running event loop.
        """
        restore = _console_logging()
        try:
            with contextlib.suppress(KeyboardInterrupt):
                asyncio.run(self._run())
        finally:
            if restore is not None:
                restore()

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        stopping: list[asyncio.Task[None]] = []

        def stop() -> None:
            if not stopping:
                logger.info("stopping RELAY client")
                stopping.append(loop.create_task(self.disconnect()))

        for sig in (signal.SIGINT, signal.SIGTERM):
            # a graceful stop instead of cancelling whatever happens to be running
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(sig, stop)
        try:
            await self._start(retry_initial=True)
            assert self._closed is not None
            await asyncio.shield(self._closed)
        except RelayConnectionError:
            if not stopping:  # stopped by a signal while connecting: not an error
                raise
        finally:
            await self.disconnect()
            if stopping:
                await stopping[0]
            logger.info("RELAY client stopped")

    def _ssl_context(self) -> ssl_module.SSLContext | None:
        if not self._secure:
            return None
        if self._ssl is None:
            # built once per client: creating a default context loads the CA bundle (~20 ms)
            self._ssl = ssl_module.create_default_context(cafile=self._ca_file)
        return self._ssl

    async def _open(self) -> WSConnection:
        from signalwire.relay._transport import WSConnection

        # no permessage-deflate, no WebSocket-level pings: signalwire.ping does liveness
        return await WSConnection.open(
            self._url,
            self._on_frame,
            ssl=self._ssl_context(),
            # hard cap for the socket; frames between max_size and this are acked and dropped
            max_size=None if self._max_size is None else max(self._max_size * 4, _HARD_MAX_SIZE),
            open_timeout=self.request_timeout,
            user_agent=self._agent,
            close_timeout=0.5,
        )

    async def _supervise(self, first: asyncio.Future[None], retry_initial: bool) -> None:
        attempt = 0
        auth_failures = 0
        while True:
            error: BaseException | None = None
            try:
                ws = await self._open()
            except Exception as exc:  # noqa: BLE001 - any transport failure means retry
                error = exc
                if not first.done() and not retry_initial:
                    fail_future(
                        first,
                        RelayConnectionError(f"cannot connect to {self._url}: {_describe(exc)}"),
                    )
                    return
                logger.warning("cannot connect to %s: %s", self._url, _describe(exc))
            else:
                if self._state == "closed":
                    # closed while the socket opened (a cancellation can be lost on the way)
                    ws.abort()
                    return
                attempt = 0
                try:
                    error = await self._session(ws, first)
                except _AuthFailed as exc:
                    error = exc.error
                    if not self._ever_connected:
                        auth_failures += 1
                        if not retry_initial or auth_failures >= self.max_auth_failures:
                            fail_future(first, exc.error)
                            return
                    logger.warning("RELAY login failed: %s", exc.error)
            if self._state == "closed":
                return
            delay = backoff_delay(
                attempt, min_delay=self.reconnect_min_delay, max_delay=self.reconnect_max_delay
            )
            attempt += 1
            self._state = "reconnecting" if self._ever_connected else "connecting"
            self._fire("reconnecting", attempt, delay)
            logger.info("reconnecting in %.2fs (attempt %d, %s)", delay, attempt, _describe(error))
            await asyncio.sleep(delay)

    async def _session(self, ws: WSConnection, first: asyncio.Future[None]) -> BaseException | None:
        """Run one connected socket until it closes; return why it closed."""
        self._ws = ws
        self._restart_requested = False
        ws.closed.add_done_callback(lambda _f: self._connection_gone(ws))
        pinger: asyncio.Task[None] | None = None
        try:
            had_session = self._proto.protocol is not None
            params = self._proto.connect_params(
                authentication=self._authentication(), contexts=self.contexts, agent=self._agent
            )
            try:
                result = await self._request(
                    ws, c.METHOD_SIGNALWIRE_CONNECT, params, self.request_timeout
                )
            except RelayConnectionError as exc:
                return exc
            except RelayTimeoutError as exc:
                return exc
            except RelayError as exc:
                raise _AuthFailed(self._auth_error(exc)) from None
            del result  # recorded by the protocol as the reply arrived
            if self._state == "closed":
                return None  # disconnect() ran meanwhile; the finally closes the socket
            resumed = self._proto.last_resumed
            was_connected = self._ever_connected
            self._ever_connected = True
            if had_session and not resumed:
                logger.warning("RELAY session was not resumed: calls of the old session are lost")
                self._drop_session_objects(
                    RelayConnectionError("session lost: the platform did not resume it")
                )
                self._fire("session_lost")
            self._set_ready()
            if not first.done():
                first.set_result(None)
            if was_connected:
                logger.info("reconnected (session %s)", "resumed" if resumed else "new")
                self._fire("reconnected", resumed)
            else:
                logger.info(
                    "connected to %s (project %s, contexts %s)",
                    self._url,
                    self.project or "from the JWT",
                    ", ".join(self.contexts) or "none",
                )
                self._fire("connected")
            if self.ping_interval > 0:
                pinger = asyncio.get_running_loop().create_task(self._ping_loop(ws))
            return await asyncio.shield(ws.closed)
        finally:
            if pinger is not None:
                pinger.cancel()
            self._connection_gone(ws)
            self._ws = None
            if self._state != "closed":
                self._state = "reconnecting" if self._ever_connected else "connecting"
            self._fail_in_flight(RelayConnectionError("connection lost"))
            if self._restart_requested and self._state != "closed":
                logger.warning("server asked for a fresh session (restart: true): calls are lost")
                self._proto.reset_session()
                self._drop_session_objects(
                    RelayConnectionError("session lost: the server restarted it")
                )
                self._fire("session_lost")
            if self._ever_connected and self._state != "closed":
                self._fire("disconnected", None)
            with contextlib.suppress(Exception):
                await ws.close()

    def _auth_error(self, exc: RelayError) -> RelayAuthError:
        """Turn the platform's rejection into an error that says what to check."""
        reason = exc.message.removeprefix(f"{c.METHOD_SIGNALWIRE_CONNECT} failed: ")
        if self.jwt_token:
            what = (
                "the JWT was rejected: check jwt_token= (or SIGNALWIRE_JWT_TOKEN) is a current, "
                "unexpired RELAY token"
            )
            credential = "jwt_token"
        else:
            what = (
                f"login rejected for project {self.project!r}: check token= (or "
                "SIGNALWIRE_API_TOKEN) is an API token of that project, and project= (or "
                "SIGNALWIRE_PROJECT_ID)"
            )
            credential = "token"
        return RelayAuthError(
            exc.code, f"{what}; the platform said: {reason}", credential=credential
        )

    def _authentication(self) -> dict[str, str]:
        if self.jwt_token:
            return {"jwt_token": self.jwt_token}
        return {"project": self.project or "", "token": self.token or ""}

    def _connection_gone(self, ws: WSConnection) -> None:
        """The socket stopped being usable: no new request may pick it, in-flight ones fail now."""
        if self._ws is ws:
            self._ws = None
            if self._state == "connected":
                self._state = "reconnecting"
        # replies can no longer come: wake their waiters now, not at their timeout
        self._fail_in_flight(RelayConnectionError("connection lost"))

    def _on_frame(self, ws: WSConnection, frame: str) -> None:
        """Handle one text frame (called from the socket's read callback, in order)."""
        out = self._proto.receive(frame)
        limit = self._max_size
        if limit is not None and len(frame) > limit:
            out = self._oversized(out, len(frame))
        if type(out) is ServerEvent:
            # ack first, then handle; acks queued during one read go out in one write. If the
            # ack cannot go out (socket closing) the event is still handled: it is marked seen,
            # so the platform's redelivery after the resume is skipped.
            ws.queue_text(out.ack)
            if out.duplicate:
                logger.debug("duplicate event ignored")
            else:
                try:
                    self._dispatch(out.payload)
                except Exception:
                    logger.exception("event dispatch failed")
        elif type(out) is Response:
            fut = self._futures.pop(out.id, None)
            if fut is not None and not fut.done():
                if out.error is not None:
                    fail_future(fut, out.error)
                else:
                    fut.set_result(out.result)
        elif type(out) is ServerPing:
            ws.queue_text(out.ack)
        elif type(out) is ServerDisconnect:
            ws.queue_text(out.ack)
            self._restart_requested = out.restart
            logger.info("server announced disconnect (restart=%s)", out.restart)
        else:
            assert isinstance(out, Ignored)
            if out.expected:
                logger.debug("ignored frame: %s", out.reason)
            else:
                logger.warning("ignored frame: %s", out.reason)
            if out.reply is not None:
                ws.queue_text(out.reply)

    def _oversized(self, out: Any, size: int) -> Any:
        """A frame above ``max_size``: ack it (so it is not redelivered) but do not use it."""
        logger.warning("frame of %d bytes exceeds max_size=%s: dropped", size, self._max_size)
        if isinstance(out, ServerEvent):
            return Ignored("oversized event", out.ack)
        if isinstance(out, Response):
            return Response(
                out.id, out.method, error=RelayError(-1, f"{out.method}: reply exceeds max_size")
            )
        return out

    async def _request(
        self, ws: WSConnection, method: str, params: Mapping[str, Any], timeout: float
    ) -> Any:
        msg_id, frame = self._proto.request(method, params)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        fut: asyncio.Future[Any] = loop.create_future()
        self._futures[msg_id] = fut
        try:
            # the write itself can block when the peer stops reading: bound it too
            await bounded(ws.send(frame), timeout)
        except _transport_closed():
            self._futures.pop(msg_id, None)
            self._proto.forget(msg_id)
            raise _NotSent(f"{method}: connection lost before sending") from None
        except (TimeoutError, asyncio.TimeoutError):  # distinct classes on 3.10
            self._futures.pop(msg_id, None)
            self._proto.forget(msg_id)
            self._probe(ws)
            raise RelayTimeoutError(f"{method}: could not write within {timeout}s") from None
        except BaseException:  # cancelled, or params that cannot be sent: nothing waits for it
            self._futures.pop(msg_id, None)
            self._proto.pending.pop(msg_id, None)
            raise
        try:
            return await wait_future(fut, max(0.0, deadline - loop.time()))
        except asyncio.CancelledError:
            self._futures.pop(msg_id, None)
            self._proto.forget(msg_id)
            raise
        except TimeoutError:
            self._futures.pop(msg_id, None)
            self._proto.forget(msg_id)
            if method not in (c.METHOD_SIGNALWIRE_CONNECT, c.METHOD_SIGNALWIRE_PING):
                self._probe(ws)
            raise RelayTimeoutError(f"no reply to {method} within {timeout}s") from None

    async def _ping_loop(self, ws: WSConnection) -> None:
        while True:
            await asyncio.sleep(self.ping_interval)
            if not await self._ping(ws):
                return

    async def _ping(self, ws: WSConnection) -> bool:
        try:
            await self._request(ws, c.METHOD_SIGNALWIRE_PING, {}, self.ping_timeout)
        except RelayTimeoutError:
            logger.warning(
                "no reply to ping within %ss: dropping the connection", self.ping_timeout
            )
            ws.abort()
            return False
        except RelayConnectionError:
            return False
        except RelayError:
            pass  # any reply proves the peer alive
        return True

    def _probe(self, ws: WSConnection) -> None:
        """A request timed out: check the link with a ping, now."""
        if self._probe_task is None or self._probe_task.done():
            self._probe_task = self._tasks.spawn(self._ping(ws), "liveness probe")

    # -- requests ---------------------------------------------------------------

    async def execute(
        self, method: str, params: Mapping[str, Any], *, timeout: float | None = None
    ) -> JSONObject:
        """Send a raw JSON-RPC request and return its checked result.

        While disconnected the request waits for the session to come back,
        within ``timeout`` (default ``request_timeout``). Raises
        :class:`RelayError` for a non-2xx ``code`` or an error reply,
        :class:`RelayTimeoutError` when no reply (or no connection) came in
        time, and :class:`RelayConnectionError` when the socket dropped after
        the request was sent.
        """
        otel = telemetry()
        if otel is None:
            return await self._execute(method, params, timeout)
        return await otel.command(method, params, lambda: self._execute(method, params, timeout))

    async def _execute(
        self, method: str, params: Mapping[str, Any], timeout: float | None
    ) -> JSONObject:
        if timeout is None:
            timeout = self.request_timeout
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            ws = self._ws
            if self._state != "connected" or ws is None:
                if self._state == "closed" or self._supervisor is None:
                    raise RelayConnectionError(
                        f"{method} not sent: client is {self._state} (call connect() or run())"
                    )
                try:
                    await self.wait_ready(max(0.0, deadline - loop.time()))
                except RelayTimeoutError:
                    raise RelayTimeoutError(
                        f"{method} not sent: not connected within {timeout}s"
                    ) from None
                continue
            try:
                result = await self._request(ws, method, params, max(0.0, deadline - loop.time()))
            except _NotSent:
                if loop.time() < deadline:
                    # never left: wait until this socket is gone, then queue it for the next
                    if self._ws is ws:
                        await asyncio.wait({ws.closed}, timeout=max(0.0, deadline - loop.time()))
                    continue
                raise RelayTimeoutError(
                    f"{method} not sent: not connected within {timeout}s"
                ) from None
            except RelayTimeoutError:
                raise RelayTimeoutError(f"no reply to {method} within {timeout}s") from None
            return check_result(method, result)

    async def receive(self, contexts: list[str]) -> None:
        """Start receiving calls and messages on more ``contexts`` (kept across reconnects)."""
        if not contexts:
            return
        await self.execute(c.METHOD_SIGNALWIRE_RECEIVE, {"contexts": list(contexts)})
        for ctx in contexts:
            if ctx not in self.contexts:
                self.contexts.append(ctx)

    async def unreceive(self, contexts: list[str]) -> None:
        """Stop receiving on ``contexts``."""
        if not contexts:
            return
        await self.execute(c.METHOD_SIGNALWIRE_UNRECEIVE, {"contexts": list(contexts)})
        self.contexts = [ctx for ctx in self.contexts if ctx not in contexts]

    # -- dial ---------------------------------------------------------------

    async def dial(
        self,
        devices: list[list[JSONObject]],
        *,
        tag: str | None = None,
        max_duration: int | None = None,
        dial_timeout: float | None = None,
        **kwargs: Any,
    ) -> Call:
        """Place an outbound call and return it once a device answers.

        ``devices`` is a serial list of parallel groups: ``[[a, b], [c]]`` rings
        a and b together, then c. Raises :class:`RelayError` when the dial
        fails and :class:`RelayTimeoutError` after ``dial_timeout`` (default
        ``self.dial_timeout``). After a timeout or cancellation, any leg that
        answers later is hung up, or handed to ``on_dial_orphan`` if set.
        """
        _check_devices(devices)
        tag = tag or new_uuid()
        timeout = self.dial_timeout if dial_timeout is None else dial_timeout
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Call] = loop.create_future()
        session = self._routing()
        pending = session.open_dial(tag)
        self._dial_waits[pending] = future
        params = drop_none({"tag": tag, "devices": devices, "max_duration": max_duration})
        params.update(kwargs)
        ok = False
        try:
            await self.execute("calling.dial", params)
            try:
                call = await wait_future(future, timeout)
            except TimeoutError:
                if future.done():
                    call = future.result()
                else:
                    raise RelayTimeoutError(
                        f"dial timed out after {timeout}s (tag={tag}); "
                        "a leg answering later will be hung up"
                    ) from None
            ok = True
            return call
        finally:
            del self._dial_waits[pending]
            if not ok and not future.done():
                future.cancel()
            self._run_decisions(
                session.close_dial(pending, abandoned=not ok, now=loop.time()), None
            )

    def _orphan(self, call: Call) -> None:
        """Hand over or hang up ``call``, answered after its dial was abandoned."""
        if self.on_dial_orphan is not None:
            logger.warning(
                "call %s answered after its dial was abandoned: handing it over", call.call_id
            )
            call_handler(self.on_dial_orphan, (call,), self._tasks.spawn, "on_dial_orphan")
        else:
            logger.warning(
                "call %s answered after its dial was abandoned: hanging up", call.call_id
            )
            self._tasks.spawn(self._end_quietly(call, c.END_REASON_HANGUP), "hang up orphan")

    async def _end_quietly(self, call: Call, reason: str) -> None:
        try:
            await call.hangup(reason)
        except RelayError as exc:
            logger.warning("could not end call %s: %s", call.call_id, exc)

    # -- messaging ------------------------------------------------------------

    async def send_message(
        self,
        *,
        to_number: str,
        from_number: str,
        context: str | None = None,
        body: str | None = None,
        media: list[str] | None = None,
        tags: list[str] | None = None,
        region: str | None = None,
        on_completed: Callable[[RelayEvent], Any] | None = None,
    ) -> Message:
        """Send an SMS/MMS (``messaging.send``) and return the tracked :class:`Message`.

        Needs ``body`` or ``media``. ``context`` defaults to the session's
        protocol string, so state events come back to this client.
        """
        if not body and not media:
            raise SignalWireConfigError("send_message needs body or media", argument="body")
        ctx = context or self._proto.protocol or "default"
        params = drop_none(
            {
                "context": ctx,
                "to_number": to_number,
                "from_number": from_number,
                "body": body,
                "media": media,
                "tags": tags,
                "region": region,
            }
        )
        result = await self.execute("messaging.send", params)
        message_id = result.get("message_id")
        if not isinstance(message_id, str) or not message_id:
            raise RelayError(-1, "messaging.send reply has no message_id")
        from signalwire.relay._message import Message

        msg = Message(
            message_id=message_id,
            context=ctx,
            direction="outbound",
            from_number=from_number,
            to_number=to_number,
            body=body or "",
            media=media,
            tags=tags,
            state=c.MESSAGE_STATE_QUEUED,
        )
        msg._spawn = self._tasks.spawn
        msg._on_completed = on_completed
        session = self._routing()
        for ev in session.add_message(msg):
            if msg._handle(ev):
                session.forget_message(msg)
        return msg

    # -- event routing: the session decides, the client runs its decisions ---------

    def _dispatch(self, payload: JSONObject) -> None:
        parse = _parse_event
        if parse is None:
            if (
                payload.get("event_type") == c.EVENT_AUTHORIZATION_STATE
                and self._event_handler is None
            ):
                # The platform's first event after every connect: the protocol layer
                # has kept its state already, and no call is concerned, so a client
                # that has not loaded the event models yet need not load them for it.
                return
            parse = _load_event_models()
        event = parse(payload)
        if self._event_handler is not None:
            call_handler(self._event_handler, (event,), self._tasks.spawn, "on_event handler")
        decided = self._route(event)
        if type(decided) is _Call:  # most events: straight to their call
            decided._handle(event)  # type: ignore[union-attr]  # a Call, by its type
        elif decided is not None:
            self._run_decisions(decided, event)

    def _run_decisions(self, decided: Decisions, event: RelayEvent | None) -> None:
        """Carry out the session's decisions for ``event`` (None: not from an event)."""
        from signalwire.relay import _session as s
        from signalwire.relay._call import Call

        if decided is None:
            return
        if isinstance(decided, Call):
            decided = (s.Deliver(decided),)
        for d in decided if isinstance(decided, tuple) else (decided,):
            if isinstance(d, s.Deliver):
                assert event is not None
                d.call._handle(event)
            elif isinstance(d, s.NewCall):
                assert self._call_handler is not None
                call_handler(self._call_handler, (d.call,), self._tasks.spawn, "on_call handler")
            elif isinstance(d, s.Refuse):
                logger.warning(
                    "refusing inbound call %s: %s; sending %s",
                    d.call.call_id,
                    d.why,
                    "calling.pass" if d.how == "pass" else "calling.end busy",
                )
                if d.how == "pass":
                    self._tasks.spawn(d.call.pass_(), "refuse call (pass)")
                else:
                    self._tasks.spawn(
                        self._end_quietly(d.call, c.END_REASON_BUSY), "refuse call (busy)"
                    )
            elif isinstance(d, s.HangUp):
                self._tasks.spawn(self._end_quietly(d.call, d.reason), "cancel dial leg")
            elif isinstance(d, s.Orphan):
                self._orphan(d.call)
            elif isinstance(d, s.DialSettled):
                fut = self._dial_waits.get(d.dial)
                if fut is not None and not fut.done():
                    if d.dial.error is not None:
                        fail_future(fut, d.dial.error)
                    elif d.dial.call is not None:
                        fut.set_result(d.dial.call)
            elif isinstance(d, s.DeliverMessage):
                assert event is not None
                if d.message._handle(event):
                    assert self._routes is not None
                    self._routes.forget_message(d.message)
            elif isinstance(d, s.NewMessage):
                if self._message_handler is None:
                    logger.warning(
                        "inbound message %s but no on_message handler", d.message.message_id
                    )
                else:
                    call_handler(
                        self._message_handler, (d.message,), self._tasks.spawn, "on_message handler"
                    )


def _load_event_models() -> Callable[[JSONObject], RelayEvent]:
    """Import the event models (attrs) and build their cattrs converter, once; return the parser.

    Scheduled right after the client connects, rather than at import (it is most
    of the package's import cost) or before connecting (a cold start would wait for
    it); the first event loads them itself if it arrives sooner.
    """
    global _parse_event
    if _parse_event is None:
        from signalwire.relay.event import _get_converter, parse_event

        _get_converter()
        _parse_event = parse_event
    return _parse_event


_package_logger = logging.getLogger("signalwire.relay")


def _console_logging() -> Callable[[], None] | None:
    """If the application configured no logging, show this package's INFO lines on stderr.

    ``run()`` is an application's entry point: without this its "connected"
    line (and reconnect warnings' context) would go nowhere. Nothing is
    changed when any handler is already reachable from the package logger.
    Returns a function that undoes it (called when ``run()`` returns).
    """
    if _package_logger.hasHandlers():
        return None
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    _package_logger.addHandler(handler)
    level = _package_logger.level
    if level == logging.NOTSET:
        _package_logger.setLevel(logging.INFO)

    def restore() -> None:
        _package_logger.removeHandler(handler)
        _package_logger.setLevel(level)

    return restore


def _transport_closed() -> type[Exception]:
    from signalwire.relay._transport import TransportClosed

    return TransportClosed


def _check_devices(devices: Any) -> None:
    if (
        not isinstance(devices, list)
        or not devices
        or not all(
            isinstance(g, list) and g and all(isinstance(d, dict) for d in g) for g in devices
        )
    ):
        raise SignalWireConfigError(
            "devices must be a non-empty list of non-empty lists of device dicts "
            "(serial groups of parallel devices), e.g. [[{'type': 'phone', 'params': {...}}]]",
            argument="devices",
        )


def _describe(exc: BaseException | None) -> str:
    if exc is None:
        return "closed"
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
