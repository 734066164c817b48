"""Platform-side state: sessions, calls, actions and messages.

Plain classes with ``__slots__``: thousands of calls must stay cheap.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from signalwire.testing.relay._connection import Connection

__all__ = ["CALL_STATES", "FakeAction", "FakeCall", "FakeMessage", "FakeSession"]

CALL_STATES = ("created", "ringing", "answered", "ending", "ended")


class FakeSession:
    """A RELAY session: survives reconnects that present its protocol string.

    Holds the subscribed contexts, the events buffered while no connection
    is attached, and the events sent but not yet acknowledged.
    """

    __slots__ = (
        "authorization_state",
        "buffer",
        "connection",
        "contexts",
        "discarded",
        "identity",
        "project",
        "protocol",
        "resumes",
        "session_id",
        "unacked",
    )

    def __init__(self, protocol: str, session_id: str, identity: str, project: str) -> None:
        self.protocol = protocol
        self.session_id = session_id
        self.identity = identity
        self.project = project
        self.contexts: set[str] = set()
        self.connection: Connection | None = None
        # Event frames (id, text) waiting for a connection, in order.
        self.buffer: deque[tuple[str, str, dict[str, Any]]] = deque()
        # Event id -> (text, frame) for events written but not acked yet.
        self.unacked: OrderedDict[str, tuple[str, dict[str, Any]]] = OrderedDict()
        self.authorization_state: str | None = None
        self.resumes = 0
        self.discarded = False

    @property
    def connected(self) -> bool:
        """True while a live, authenticated connection is attached."""
        return self.connection is not None and not self.connection.closed

    def __repr__(self) -> str:
        return (
            f"<FakeSession {self.protocol} contexts={sorted(self.contexts)} "
            f"connected={self.connected} buffered={len(self.buffer)} unacked={len(self.unacked)}>"
        )


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
