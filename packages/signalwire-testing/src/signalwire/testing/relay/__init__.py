"""A fake SignalWire RELAY platform (raw JSON over WebSocket; never imports ``signalwire``).

Start one and point a client at ``server.url``::

    from signalwire.testing.relay import FakeRelayServer

    async with FakeRelayServer(project="test-project", token="test-token") as server:
        server.url      # "ws://127.0.0.1:PORT"   (accepts the upgrade on any path)
        server.host     # "127.0.0.1:PORT"
        ...

In tests use the ``fake_relay`` fixture (a started server per test; see
:mod:`signalwire.testing.relay.pytest_plugin`). Standalone, for the examples::

    python -m signalwire.testing.relay --port 8765 [--inbound-call office] [--inbound-message office]
        [--call-every S] [--digits 1] [--burst N] [-v]

(``--burst N``: after each ``calling.answer`` the call gets N events and then ends;
the server prints how long the acks took, for dispatch benchmarks.)

Constructor keywords: ``project``, ``token`` (accepted credentials), ``jwt_token``
(accepted JWT, default ``"test-jwt"``; ``None`` refuses JWTs), ``port`` (0 = free),
``journal`` (False for benchmarks), ``redeliver_unacked`` (default True),
``send_authorization_state`` (default True), ``ping_interval`` (server pings, off by
default), ``max_size`` (largest accepted client frame), ``close_timeout`` (how long a graceful
drop waits for the client's close frame, default 2 s).

Handshake and sessions
    ``signalwire.connect`` is checked against project+token or the JWT; a bad one gets
    the platform's JSON-RPC error ``-32002`` and the socket is closed. The result carries
    ``identity``, ``protocol`` (``signalwire_<hex>``), ``sessionid``, ``nodeid``,
    ``authorization`` and ``session_restored``; then a ``signalwire.authorization.state``
    event follows. Contexts in the connect frame subscribe the session. A reconnect
    presenting a known ``protocol`` resumes the session: subscriptions, calls and
    actions persist; events emitted while disconnected are buffered and delivered after
    the resume (after re-sending, with the same ids, events that were written but never
    acknowledged, unless ``redeliver_unacked=False``: clients should de-duplicate by
    event id). An unknown protocol gets a fresh session. ``signalwire.disconnect`` with
    ``restart=True`` discards the session (as does ``discard_session(session)``, to
    simulate expiry: its buffered events are dropped). Every event waits for its ack:
    ``server.outstanding_events``, ``await server.wait_all_acked()``.

Default behaviour
    Every RELAY calling and messaging method answers ``{"code": "200", "message": ...}``
    (with ``control_id`` echoed for actions) and then emits its event sequence: answer →
    ``answered``; end → ``ending``, terminal events of running actions, ``ended`` with
    ``end_reason``; play → ``playing``/``finished`` (bad media → ``error``), pause/resume/
    stop/volume; record → ``recording``/``finished`` with top-level ``url``/``duration``/
    ``size``; play_and_collect → play events then a ``calling.call.collect`` result;
    collect (start_of_input and partial results when asked); detect (machine → HUMAN,
    fax → the tone, digit → a digit, then ``finished``); send/receive fax with the real
    ``fax: {type: page|finished, params: {...}}`` shape (``fax_state_field = True`` adds a
    top-level ``state``); tap/stream/transcribe/ai (run until stopped or the call ends);
    send_digits, pay, refer, hold/unhold, denoise, echo, queue enter/leave, conference
    join/leave, connect/disconnect (a peer leg is created and bridged), dial (the dial
    dance: per-leg tagged ``calling.call.state`` then ``calling.call.dial``), and
    ``messaging.send`` (``queued → initiated → sent → delivered``, sent right after the
    result unless ``set_duration("message_step", s)``: clients must route state events
    that arrive before they have seen the ``message_id``). Unknown call → ``404``,
    ended call → ``410``, unknown control id → ``404``, missing required params → ``400``;
    an unknown method gets JSON-RPC ``-32601``.

Choices the platform's documentation leaves open (clients must treat these as open strings)
    refer → ``calling.call.refer`` ``inProgress`` then ``success`` (with SIP codes); hold →
    ``calling.call.hold`` ``hold``/``unhold``; echo → ``calling.call.echo`` ``echoing``
    (``finished`` after ``timeout``); queue → ``calling.call.queue`` status ``enqueue``/
    ``leave``; conference → ``calling.conference`` status ``participant-join``/
    ``participant-leave``; pay → ``calling.call.pay`` ``finished`` (``error`` when
    stopped); ai → ``calling.call.ai`` ``finished`` on stop or hangup; transfer → result
    only; a stopped collect → ``result: {type: no_input}``; a call's running actions get
    their terminal event between ``ending`` and ``ended``.

Tuning the script (all per server)
    ``set_duration(kind, seconds | None)`` how long play/record/collect/detect/fax/tap/
    stream/transcribe/ai/echo/dial_step/connect/message_step take (``None`` = until stopped);
    ``set_delay(method, seconds)`` delays the reply; ``queue_collect(digits=..., speech=...,
    result_type=..., call_id=None)``; ``queue_detect("MACHINE", "READY", call_id=None)``
    (per-call scripts win over the server-wide FIFO); ``queue_dial(answer=(group,
    index) | None, reason=..., answer_delay=..., tag=None)``; ``queue_connect(...)``;
    ``queue_message("queued", "failed", reason=...)``; ``default_digits``; ``default_speech``.

Overriding a method
    ``server.on(method, handler, once=False)`` where ``handler(request, ctx)`` (plain or
    ``async``) gets the raw request and a :class:`Script`: ``ctx.reply(result=None,
    **fields)``, ``ctx.fail(code, message)`` (non-2xx result), ``ctx.error(code, message)``
    (JSON-RPC error), ``ctx.no_reply()``, ``ctx.emit(event_type, params, delay=0)``,
    ``ctx.emit_call(event_type, **params)`` (adds call_id/node_id/control_id),
    ``ctx.default()`` (the built-in behaviour), ``await ctx.sleep(s)``, ``ctx.drop()``,
    ``ctx.track_call(call)`` (a :class:`FakeCall` the handler created becomes known to the
    platform); ``ctx.call`` is the :class:`FakeCall`. What the test configured is
    ``server.scenario`` (a ``Scenario``), the only thing the built-in behaviours read
    besides the ``Script``. A handler that does not answer gets its
    returned dict, or a plain 200, as the result. Shortcuts: ``fail_next``,
    ``error_next``, ``ignore_next``, ``off``.

Platform-originated traffic and faults
    ``inbound_call(context, from_number=, to_number=, ...) -> call_id``,
    ``inbound_message(context, body=, ...) -> message_id``, ``hangup(call_id, reason)``,
    ``press_digits(call_id, digits)`` (runs matching ``bind_digit`` bindings' methods),
    ``push_event(type, params) -> event id``, ``push_events(iterable)`` (bursts),
    ``send_raw(text)``, ``send_frame(obj)``, ``send_malformed()``, ``send_unknown_event()``,
    ``send_orphan_response()``, ``send_oversized(size)``, ``await ping()``,
    ``await send_disconnect(restart=False)``, ``await drop_connections(abrupt=False)``,
    ``disconnect_after(received=N | sent=N | method=..., reply=True, abrupt=False)``,
    ``freeze(connection=None)``/``unfreeze()`` (half-open: on the connections open at that
    moment, client frames, acks included, are journaled and otherwise lost and output is
    held; new connections work, so a client that notices can reconnect and resume),
    ``on_subscribe(hook(session, contexts))`` (run after a connect or receive that
    subscribes, e.g. to offer a call the moment a client listens).

Awaiting (never sleep in tests)
    ``await wait_connected(timeout, count=None) -> FakeSession``,
    ``await wait_disconnected(timeout)``, ``await wait_for_request(method, timeout=,
    predicate=) -> dict`` (each request handed out once, oldest first),
    ``await wait_for_event(event_type, predicate=)`` (an event the server sent; returns
    inner params), ``await wait_for_response(id)``, ``await wait_call_state(call_id,
    state)``, ``await wait_all_acked()``.

Inspecting
    ``journal`` (:class:`Journal` of :class:`Frame`: ``direction``, ``connection_id``,
    ``session_id``, ``data``, ``raw``, ``timestamp``; ``journal.requests(method)``, ``journal.commands(method)`` (their params),
    ``journal.events(type)``, ``journal.methods()``, ``journal.dump(path)`` as JSON lines), ``sessions``, ``session`` (newest
    live), ``connections``, ``calls``, ``messages``, ``errors`` (handler exceptions),
    ``unexpected_responses``, ``connect_count``. ``journal.observers`` get every frame
    even with ``journal=False``.

A bare reference client, :class:`RawRelayClient` (plain ``websockets``: handshake,
acks, ping/disconnect replies, ``call(method, params)``, ``next_event(type, **match)``
(oldest unconsumed match; others stay queued);
``record=False`` keeps only ``event_count``),
drives the fake in its own tests and serves as the benchmarks' baseline.
"""

from signalwire.testing._lazy import lazy_exports

# A plain flag (not typing.TYPE_CHECKING), deleted below so dir() shows only the API.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from signalwire.testing.relay._connection import Connection, FakeSession
    from signalwire.testing.relay._journal import Frame, Journal
    from signalwire.testing.relay._model import FakeAction, FakeCall, FakeMessage
    from signalwire.testing.relay._rawclient import RawRelayClient
    from signalwire.testing.relay._script import Handler, Script
    from signalwire.testing.relay._server import FakeRelayServer

__all__ = [
    "Connection",
    "FakeAction",
    "FakeCall",
    "FakeMessage",
    "FakeRelayServer",
    "FakeSession",
    "Frame",
    "Handler",
    "Journal",
    "RawRelayClient",
    "Script",
]

# Imported on first use: the pytest plugin lives in this package and must not
# pull websockets into every test session that merely loads it.
__getattr__, __dir__ = lazy_exports(
    globals(),
    {
        "._connection": ("Connection", "FakeSession"),
        "._model": ("FakeAction", "FakeCall", "FakeMessage"),
        "._server": ("FakeRelayServer",),
        "._journal": ("Frame", "Journal"),
        "._script": ("Handler", "Script"),
        "._rawclient": ("RawRelayClient",),
    },
)

del TYPE_CHECKING, lazy_exports
