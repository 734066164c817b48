"""An SMS/MMS message sent or received over RELAY."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from signalwire.relay import constants as c
from signalwire.relay._errors import RelayTimeoutError
from signalwire.relay._util import call_handler, wait_future

if TYPE_CHECKING:
    from signalwire.relay._util import Spawn
    from signalwire.relay.event import RelayEvent

__all__ = ["Message"]

_TERMINAL = frozenset(c.MESSAGE_TERMINAL_STATES)


class Message:
    """A message and its delivery state.

    Outbound messages (from :meth:`RelayClient.send_message`) start ``queued``
    and follow ``messaging.state`` events until delivered, undelivered or
    failed; ``await wait()`` returns that terminal event. Inbound messages
    (``on_message``) arrive complete with state ``received``.
    """

    __slots__ = (
        "_error",
        "_future",
        "_listeners",
        "_on_completed",
        "_spawn",
        "body",
        "context",
        "direction",
        "from_number",
        "media",
        "message_id",
        "reason",
        "result",
        "segments",
        "state",
        "tags",
        "to_number",
    )

    def __init__(
        self,
        *,
        message_id: str = "",
        context: str = "",
        direction: str = "",
        from_number: str = "",
        to_number: str = "",
        body: str = "",
        media: list[str] | None = None,
        segments: int = 0,
        state: str = "",
        reason: str = "",
        tags: list[str] | None = None,
    ) -> None:
        #: Platform id of the message.
        self.message_id = message_id
        #: Context it was sent or received on.
        self.context = context
        #: ``inbound`` or ``outbound``.
        self.direction = direction
        #: Sender number.
        self.from_number = from_number
        #: Recipient number.
        self.to_number = to_number
        #: Text.
        self.body = body
        #: Media URLs.
        self.media: list[str] = list(media or [])
        #: Number of segments.
        self.segments = segments
        #: Current state (queued, initiated, sent, delivered, undelivered, failed, received).
        self.state = state
        #: Why delivery failed, when it did.
        self.reason = reason
        #: Tags.
        self.tags: list[str] = list(tags or [])
        #: The terminal state event, once there is one.
        self.result: RelayEvent | None = None
        self._listeners: list[Callable[[RelayEvent], Any]] = []
        self._on_completed: Callable[[RelayEvent], Any] | None = None
        self._future: asyncio.Future[RelayEvent] | None = None
        self._error: BaseException | None = None
        # set by whoever tracks the message: runs async listeners as the client's tasks
        self._spawn: Spawn | None = None

    def __repr__(self) -> str:
        return f"Message(message_id={self.message_id!r}, state={self.state!r})"

    @property
    def is_done(self) -> bool:
        """True once the message reached a terminal state."""
        return self.state in _TERMINAL

    def on(self, handler: Callable[[RelayEvent], Any]) -> None:
        """Call ``handler(event)`` for every state event of this message."""
        self._listeners.append(handler)

    async def wait(self, timeout: float | None = None) -> RelayEvent:
        """Wait for a terminal state (delivered, undelivered or failed) and return its event.

        Raises :class:`~signalwire.relay.RelayTimeoutError` after ``timeout``
        and :class:`~signalwire.relay.RelayConnectionError` if the client closes first.
        """
        if self.result is not None:
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
                f"message {self.message_id} reached no final state within {timeout}s "
                f"(last state {self.state!r})"
            ) from None

    def _handle(self, event: RelayEvent) -> bool:
        """Apply a state event; return True when it was terminal."""
        p = event.params
        state = p.get("message_state")
        if isinstance(state, str) and state:
            self.state = state
        reason = p.get("reason")
        if isinstance(reason, str) and reason:
            self.reason = reason
        segments = p.get("segments")
        if isinstance(segments, int):
            self.segments = segments
        spawn = self._spawn
        if spawn is not None:
            for h in tuple(self._listeners):
                call_handler(h, (event,), spawn, "message state handler")
        if self.state in _TERMINAL and self.result is None:
            self.result = event
            if self._future is not None and not self._future.done():
                self._future.set_result(event)
            if self._on_completed is not None and spawn is not None:
                call_handler(self._on_completed, (event,), spawn, "message on_completed")
            return True
        return False

    def _fail(self, exc: BaseException) -> None:
        if self.result is not None or self._error is not None:
            return
        self._error = exc
        if self._future is not None and not self._future.done():
            self._future.set_exception(exc)
            self._future.exception()
