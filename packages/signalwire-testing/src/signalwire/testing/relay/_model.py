"""Platform-side state: calls, actions and messages.

Plain classes with ``__slots__``: thousands of calls must stay cheap. The
session a call belongs to (:class:`FakeSession`) lives with the connections,
in :mod:`._connection`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from signalwire.testing.relay._connection import FakeSession

__all__ = ["CALL_STATES", "FakeAction", "FakeCall", "FakeMessage"]

CALL_STATES = ("created", "ringing", "answered", "ending", "ended")


class FakeAction:
    """A long-running operation on a call (play, record, collect, tap ...)."""

    __slots__ = ("call", "control_id", "kind", "params", "state", "timer")

    def __init__(self, call: FakeCall, kind: str, control_id: str, params: dict[str, Any]) -> None:
        self.call = call
        self.kind = kind
        self.control_id = control_id
        self.params = params
        self.state = "started"
        # The pending asyncio.TimerHandle that would finish it, if any.
        self.timer: Any = None

    @property
    def done(self) -> bool:
        """True once the action reached a terminal state."""
        return self.state in ("finished", "error", "no_input", "done")

    def __repr__(self) -> str:
        return f"<FakeAction {self.kind} {self.control_id} {self.state}>"


class FakeCall:
    """A call leg the platform knows about."""

    __slots__ = (
        "actions",
        "bindings",
        "call_id",
        "context",
        "device",
        "direction",
        "end_reason",
        "node_id",
        "peer",
        "session",
        "state",
        "tag",
    )

    def __init__(
        self,
        call_id: str,
        node_id: str,
        session: FakeSession | None,
        *,
        direction: str,
        device: dict[str, Any],
        context: str | None = None,
        tag: str | None = None,
        state: str = "created",
    ) -> None:
        self.call_id = call_id
        self.node_id = node_id
        self.session = session
        self.direction = direction
        self.device = device
        self.context = context
        self.tag = tag
        self.state = state
        self.end_reason: str | None = None
        self.peer: FakeCall | None = None
        self.actions: dict[str, FakeAction] = {}
        # calling.bind_digit registrations: {digits, bind_method, params, realm, left}.
        self.bindings: list[dict[str, Any]] = []

    @property
    def ended(self) -> bool:
        """True once the call reached ``ended``."""
        return self.state == "ended"

    def state_params(self, **extra: Any) -> dict[str, Any]:
        """The inner params of a ``calling.call.state`` event for this leg."""
        params: dict[str, Any] = {
            "call_id": self.call_id,
            "node_id": self.node_id,
            "call_state": self.state,
            "direction": self.direction,
            "device": self.device,
        }
        if self.tag is not None:
            params["tag"] = self.tag
        if self.peer is not None:
            params["peer"] = {"call_id": self.peer.call_id, "node_id": self.peer.node_id}
        if self.state == "ended" and self.end_reason is not None:
            params["end_reason"] = self.end_reason
        params.update(extra)
        return params

    def __repr__(self) -> str:
        return f"<FakeCall {self.call_id} {self.direction} {self.state}>"


class FakeMessage:
    """An SMS/MMS the platform accepted or delivered."""

    __slots__ = ("context", "direction", "message_id", "params", "session", "state")

    def __init__(
        self,
        message_id: str,
        session: FakeSession | None,
        direction: str,
        params: dict[str, Any],
        context: str | None,
    ) -> None:
        self.message_id = message_id
        self.session = session
        self.direction = direction
        self.params = params
        self.context = context
        self.state = "queued"

    def __repr__(self) -> str:
        return f"<FakeMessage {self.message_id} {self.direction} {self.state}>"
