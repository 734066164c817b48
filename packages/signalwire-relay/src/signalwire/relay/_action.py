"""Action handles for long-running call operations (play, record, collect, ...).

An action completes on its terminal event (matched by ``control_id``), when
its call ends (``result`` is then the call's ``ended`` state event), or
immediately when the platform says the call is already gone. If the client
closes or the session is lost first, :meth:`Action.wait` raises
:class:`~signalwire.relay.RelayConnectionError`. So no ``wait()`` hangs.

An action sees its call only through :class:`ActionHost` (the call imports
this module, never the other way round).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from signalwire.relay import constants as c
from signalwire.relay._errors import RelayTimeoutError
from signalwire.relay._util import wait_future

if TYPE_CHECKING:
    from signalwire.relay.event import RelayEvent

__all__ = [
    "AIAction",
    "Action",
    "ActionHost",
    "CollectAction",
    "DetectAction",
    "FaxAction",
    "PayAction",
    "PlayAction",
    "RecordAction",
    "StandaloneCollectAction",
    "StreamAction",
    "TapAction",
    "TranscribeAction",
]

_FINISHED_OR_ERROR = frozenset(("finished", "error"))


class ActionHost(Protocol):
    """What an action needs from the call it runs on (a :class:`~signalwire.relay.Call`)."""

    @property
    def call_id(self) -> str:
        """Platform id of the call."""
        ...

    async def _command(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """Send a per-call command (``node_id``/``call_id`` added); call gone returns ``{}``."""
        ...

    def _forget_action(self, control_id: str) -> None:
        """Stop routing events to the action with ``control_id`` (it finished)."""
        ...

    def _run_handler(self, handler: Callable[..., Any], args: tuple[Any, ...], what: str) -> None:
        """Run a user callback: sync inline, async as a task of the client; failures logged."""
        ...


class Action:
    """Handle on a long-running operation of a call.

    ``result`` is the terminal event once :attr:`completed`; ``await wait()``
    returns it. A ``wait(timeout)`` that times out raises
    :class:`~signalwire.relay.RelayTimeoutError` (a :class:`TimeoutError`)
    and leaves the action running; wait again later if you like.
    """

    #: Event type that can complete this action.
    event_type: ClassVar[str] = ""
    #: Wire method prefix of the sub-commands (``calling.play`` -> ``calling.play.stop``).
    method: ClassVar[str] = ""
    #: Values of ``state`` that complete the action.
    terminal_states: ClassVar[frozenset[str]] = _FINISHED_OR_ERROR

    __slots__ = ("_error", "_future", "_on_completed", "call", "completed", "control_id", "result")

    def __init__(
        self,
        call: ActionHost,
        control_id: str,
        on_completed: Callable[[RelayEvent], Any] | None = None,
    ) -> None:
        #: The call this action runs on (a :class:`~signalwire.relay.Call`).
        self.call = call
        #: Correlates the action's events and sub-commands.
        self.control_id = control_id
        #: The terminal event, once completed.
        self.result: RelayEvent | None = None
        #: True once the action finished (by event, call end or call gone).
        self.completed = False
        self._on_completed = on_completed
        self._future: asyncio.Future[RelayEvent] | None = None
        self._error: BaseException | None = None

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(control_id={self.control_id!r}, "
            f"call_id={self.call.call_id!r}, completed={self.completed})"
        )

    @property
    def is_done(self) -> bool:
        """True once the action completed or failed."""
        return self.completed or self._error is not None

    def is_terminal(self, event: RelayEvent) -> bool:
        """Whether ``event`` (of :attr:`event_type`, same control id) completes the action."""
        return event.params.get("state") in self.terminal_states

    async def wait(self, timeout: float | None = None) -> RelayEvent:
        """Wait for the terminal event and return it.

        Raises :class:`~signalwire.relay.RelayTimeoutError` after ``timeout``
        seconds and :class:`~signalwire.relay.RelayConnectionError` if the
        client closed or the session was lost before completion.
        """
        if self.completed:
            assert self.result is not None
            return self.result
        if self._error is not None:
            raise self._error
        if self._future is None:
            self._future = asyncio.get_running_loop().create_future()
        try:
            return await wait_future(self._future, timeout)
        except TimeoutError:
            if self._future.done():
                return self._future.result()
            raise RelayTimeoutError(
                f"{type(self).__name__} {self.control_id} did not complete within {timeout}s"
            ) from None

    # -- driven by the call -------------------------------------------------

    def _handle(self, event: RelayEvent) -> None:
        if not self.is_done and event.event_type == self.event_type and self.is_terminal(event):
            self._complete(event)

    def _complete(self, event: RelayEvent) -> None:
        if self.is_done:
            return
        self.result = event
        self.completed = True
        self.call._forget_action(self.control_id)
        if self._future is not None and not self._future.done():
            self._future.set_result(event)
        if self._on_completed is not None:
            self.call._run_handler(
                self._on_completed, (event,), f"on_completed of {type(self).__name__}"
            )

    def _fail(self, exc: BaseException) -> None:
        if self.is_done:
            return
        self._error = exc
        self.call._forget_action(self.control_id)
        if self._future is not None and not self._future.done():
            self._future.set_exception(exc)
            self._future.exception()  # mark retrieved: nobody may be waiting

    async def _sub(self, op: str, **params: Any) -> dict[str, Any]:
        return await self.call._command(
            f"{self.method}.{op}", {"control_id": self.control_id, **params}
        )


class _Stoppable(Action):
    __slots__ = ()

    async def stop(self) -> dict[str, Any]:
        """Stop the operation; its terminal event follows."""
        return await self._sub("stop")


class PlayAction(_Stoppable):
    """A ``play``: completes on play ``finished`` or ``error``."""

    event_type = c.EVENT_CALL_PLAY
    method = "calling.play"
    __slots__ = ()

    async def pause(self, behavior: str | None = None) -> dict[str, Any]:
        """Pause playback (``behavior`` is passed through when given)."""
        if behavior is None:
            return await self._sub("pause")
        return await self._sub("pause", behavior=behavior)

    async def resume(self) -> dict[str, Any]:
        """Resume paused playback."""
        return await self._sub("resume")

    async def volume(self, volume: float) -> dict[str, Any]:
        """Change the volume, in dB (-40 to 40)."""
        return await self._sub("volume", volume=volume)


class RecordAction(_Stoppable):
    """A ``record``: completes on ``finished``, ``no_input`` or ``error``.

    The result's ``url``, ``duration`` and ``size`` describe the recording.
    """

    event_type = c.EVENT_CALL_RECORD
    method = "calling.record"
    terminal_states = frozenset(("finished", "no_input", "error"))
    __slots__ = ()

    async def pause(self, behavior: str | None = None) -> dict[str, Any]:
        """Pause recording; ``behavior`` is ``skip`` or ``silence``."""
        if behavior is None:
            return await self._sub("pause")
        return await self._sub("pause", behavior=behavior)

    async def resume(self) -> dict[str, Any]:
        """Resume a paused recording."""
        return await self._sub("resume")


_NON_FINAL_RESULTS = frozenset(("start_of_input", ""))
_COLLECT_TERMINAL = frozenset(("finished", "error", "no_input", "no_match"))


def _collect_done(event: RelayEvent) -> bool:
    params = event.params
    if params.get("state") in _COLLECT_TERMINAL:
        return True
    result = params.get("result")
    if not isinstance(result, dict) or result.get("type", "") in _NON_FINAL_RESULTS:
        return False
    return params.get("final") is not False


class CollectAction(_Stoppable):
    """A ``play_and_collect``: completes on the collect result, never on the prompt's play events."""

    event_type = c.EVENT_CALL_COLLECT
    method = "calling.play_and_collect"
    __slots__ = ()

    def is_terminal(self, event: RelayEvent) -> bool:
        """A final, non start-of-input result, or a terminal ``state``."""
        return _collect_done(event)

    async def volume(self, volume: float) -> dict[str, Any]:
        """Change the prompt volume, in dB."""
        return await self._sub("volume", volume=volume)

    async def start_input_timers(self) -> dict[str, Any]:
        """Start the initial-timeout timer now (with ``start_input_timers: false``)."""
        return await self.call._command(
            "calling.collect.start_input_timers", {"control_id": self.control_id}
        )


class StandaloneCollectAction(CollectAction):
    """A ``collect`` without a prompt."""

    method = "calling.collect"
    __slots__ = ()


_DETECT_NOT_A_RESULT = frozenset(("", "NOT_READY"))


class DetectAction(_Stoppable):
    """A ``detect``: completes on the first result (HUMAN, MACHINE, CED, a digit ...) or finished/error.

    Later detector events still reach ``call.on(EVENT_CALL_DETECT, ...)`` listeners.
    """

    event_type = c.EVENT_CALL_DETECT
    method = "calling.detect"
    __slots__ = ()

    def is_terminal(self, event: RelayEvent) -> bool:
        """First meaningful ``detect.params.event``."""
        detect = event.params.get("detect")
        if isinstance(detect, dict):
            inner = detect.get("params")
            value = inner.get("event", "") if isinstance(inner, dict) else ""
            if value not in _DETECT_NOT_A_RESULT:
                return True
        return event.params.get("state") in _FINISHED_OR_ERROR


class FaxAction(_Stoppable):
    """A ``send_fax`` or ``receive_fax``: completes when ``fax.type`` is finished or error.

    ``result.fax["params"]["success"]`` tells whether the fax went through.
    """

    event_type = c.EVENT_CALL_FAX
    __slots__ = ("_method",)

    def __init__(
        self,
        call: ActionHost,
        control_id: str,
        on_completed: Callable[[RelayEvent], Any] | None = None,
        method: str = "calling.send_fax",
    ) -> None:
        super().__init__(call, control_id, on_completed)
        self._method = method

    def is_terminal(self, event: RelayEvent) -> bool:
        """``fax.type`` (the platform's real signal) or a top-level ``state``."""
        fax = event.params.get("fax")
        if isinstance(fax, dict) and fax.get("type") in _FINISHED_OR_ERROR:
            return True
        return event.params.get("state") in _FINISHED_OR_ERROR

    async def stop(self) -> dict[str, Any]:
        """Stop sending or receiving (``calling.send_fax.stop`` / ``calling.receive_fax.stop``)."""
        return await self.call._command(f"{self._method}.stop", {"control_id": self.control_id})


class TapAction(_Stoppable):
    """A ``tap``: completes on ``finished``."""

    event_type = c.EVENT_CALL_TAP
    method = "calling.tap"
    __slots__ = ()


class StreamAction(_Stoppable):
    """A ``stream``: completes on ``finished``."""

    event_type = c.EVENT_CALL_STREAM
    method = "calling.stream"
    __slots__ = ()


class TranscribeAction(_Stoppable):
    """A ``transcribe``: completes on ``finished``."""

    event_type = c.EVENT_CALL_TRANSCRIBE
    method = "calling.transcribe"
    __slots__ = ()


class PayAction(_Stoppable):
    """A ``pay``: completes on ``finished`` or ``error``."""

    event_type = c.EVENT_CALL_PAY
    method = "calling.pay"
    __slots__ = ()


class AIAction(_Stoppable):
    """An ``ai`` session: completes on ``calling.call.ai`` finished/error, on stop, or when the call ends."""

    event_type = c.EVENT_CALL_AI
    method = "calling.ai"
    __slots__ = ()
