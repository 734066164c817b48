"""AgentServer, JobContext and run_app: the process entry of a LiveWire application.

``run_app(server)`` runs the registered entrypoint once, at start-up, builds an
``AgentBase`` from the session it started and serves it; the platform then fetches
that agent's SWML for every call.
"""

from __future__ import annotations

import contextvars
import inspect
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from signalwire.agents.livewire._model import AgentSession
from signalwire.agents.livewire._notice import current_job, log, notice_once

if TYPE_CHECKING:
    from signalwire.agents._agent_base import AgentBase

__all__ = ["BANNER", "TIPS", "AgentServer", "JobContext", "JobProcess", "Room", "build", "run_app"]

BANNER = r"""
  _    _          __      ___
 | |  (_)_ _____  \ \    / (_)_ _ ___
 | |__| \ V / -_)  \ \/\/ /| | '_/ -_)
 |____|_|\_/\___|   \_/\_/ |_|_| \___|   on SignalWire
"""
"""Printed to stderr when ``run_app`` starts."""

TIPS = (
    "Speech recognition, voices and turn detection run on the SignalWire platform.",
    "Tools declared with @function_tool are served at /swaig/ like any agent tool.",
    "A tool that returns another Agent hands the call over to it.",
    "AgentSession.say() sets the opening greeting; generate_reply() guides the first turn.",
    "Set PORT to choose the port the agent listens on (default 3000).",
    "ctx.userdata in a tool is the session's userdata.",
    "Options SignalWire does not need are logged once at INFO on signalwire.agents.livewire.",
    "signalwire.agents.AgentBase gives you the full SWML feature set when you need it.",
)
"""One is printed to stderr after the agent is built."""


class Room:
    """A stand-in for a LiveKit room (SignalWire has calls, not rooms)."""

    name = "livewire-room"


class JobProcess:
    """The worker process; ``userdata`` is filled by the server's ``setup_fnc``."""

    def __init__(self) -> None:
        self.userdata: dict[str, Any] = {}


class JobContext:
    """What the entrypoint receives: ``room``, ``proc`` and no-op ``connect``.

    Setting ``ctx.agent`` (or the LiveWire-compatible ``ctx._agent``) to an ``AgentBase``
    serves that agent instead of one built from the session.
    """

    def __init__(self, proc: JobProcess | None = None) -> None:
        self.room = Room()
        self.proc = proc if proc is not None else JobProcess()
        self._agent: AgentBase | None = None
        self._session: AgentSession | None = None

    @property
    def agent(self) -> AgentBase | None:
        """An ``AgentBase`` to serve instead of building one from the session."""
        return self._agent

    @agent.setter
    def agent(self, value: AgentBase | None) -> None:
        self._agent = value

    async def connect(self) -> None:
        """The platform connects the call; accepted and reported once."""
        notice_once(
            "JobContext.connect", "LiveWire: JobContext.connect() is not needed on SignalWire"
        )

    async def wait_for_participant(self, *, identity: str | None = None) -> None:
        """The caller is already there when the agent runs; accepted and reported once."""
        notice_once(
            "JobContext.wait_for_participant",
            "LiveWire: JobContext.wait_for_participant() returns at once on SignalWire",
        )


class AgentServer:
    """Holds the entrypoint (``@server.rtc_session()``) and an optional ``setup_fnc``."""

    def __init__(self, **kwargs: Any) -> None:
        self.setup_fnc: Callable[[JobProcess], Any] | None = kwargs.pop("setup_fnc", None)
        self._entrypoint: Callable[[JobContext], Any] | None = None
        self._agent_name = ""
        for option in sorted(kwargs):
            notice_once(
                f"AgentServer.{option}",
                f"LiveWire: AgentServer({option}=...) is accepted and ignored on SignalWire",
            )

    def rtc_session(
        self,
        func: Callable[[JobContext], Any] | None = None,
        *,
        agent_name: str = "",
        type: str = "room",
        on_request: Callable[..., Any] | None = None,
        on_session_end: Callable[..., Any] | None = None,
    ) -> Any:
        """Register the entrypoint; works bare or with arguments."""
        if type != "room":
            notice_once(
                f"rtc_session.type.{type}",
                f"LiveWire: rtc_session(type={type!r}) is served like 'room'",
            )
        if on_request is not None or on_session_end is not None:
            notice_once(
                "rtc_session.callbacks",
                "LiveWire: rtc_session(on_request=, on_session_end=) are not called on SignalWire",
            )

        def register(f: Callable[[JobContext], Any]) -> Callable[[JobContext], Any]:
            self._entrypoint = f
            self._agent_name = agent_name
            return f

        return register(func) if func is not None else register


def build(server: AgentServer, **agent_kwargs: Any) -> AgentBase:
    """Run the entrypoint once and return the ``AgentBase`` ``run_app`` would serve.

    ``agent_kwargs`` go to ``AgentBase`` (for example ``basic_auth``). Raises
    ``ValueError`` when no entrypoint is registered or it started no session.
    """
    from signalwire.agents.livewire._build import build_agent

    if server._entrypoint is None:
        raise ValueError("no entrypoint: decorate one with @server.rtc_session()")
    proc = JobProcess()
    if server.setup_fnc is not None:
        server.setup_fnc(proc)
    ctx = JobContext(proc)
    token = current_job.set(ctx)
    try:
        outcome = server._entrypoint(ctx)
        if inspect.isawaitable(outcome):
            _run_to_completion(outcome)
    finally:
        current_job.reset(token)
    if ctx._agent is not None:
        return ctx._agent
    if ctx._session is None:
        raise ValueError("the entrypoint started no session: call `await session.start(agent)`")
    return build_agent(ctx._session, **agent_kwargs)


async def _wait(awaitable: Any) -> Any:
    return await awaitable


def _run_to_completion(awaitable: Any) -> None:
    """Run the entrypoint coroutine to its end, also when called from inside a loop."""
    import asyncio  # on use: importing LiveWire stays cheap

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(_wait(awaitable))
        return
    # Called from async code (a test, a notebook): run it on a loop of its own in a
    # thread, with this context, so the sessions it starts still register on the job.
    context = contextvars.copy_context()
    failure: list[BaseException] = []

    def target() -> None:
        try:
            context.run(asyncio.run, _wait(awaitable))
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            failure.append(exc)

    worker = threading.Thread(target=target, name="livewire-entrypoint")
    worker.start()
    worker.join()
    if failure:
        raise failure[0]


def run_app(server: AgentServer) -> None:
    """Run the entrypoint, build the agent and serve it (blocks; port from ``PORT``)."""
    stream = sys.stderr
    colour = stream.isatty()
    stream.write(f"\033[36m{BANNER}\033[0m\n" if colour else f"{BANNER}\n")
    try:
        agent = build(server)
    except ValueError as exc:
        log.error("LiveWire: %s", exc)
        raise SystemExit(1) from None
    import random

    stream.write(f"Did you know? {random.choice(TIPS)}\n")
    agent.run()
