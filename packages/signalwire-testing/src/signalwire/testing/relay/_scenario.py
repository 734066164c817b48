"""What a test configured the fake RELAY platform to do: the :class:`Scenario`.

Durations of long-running operations, reply delays, collect and detect
results, dial, connect and message plans. The server's scripting methods
(``set_duration``, ``queue_collect``, ``queue_dial``, ...) fill it in; the
built-in behaviours read it (and only it, besides the request's ``Script``).
Plain data: it imports nothing else of the fake platform.
"""

from __future__ import annotations

from collections import deque
from typing import Any

__all__ = ["DEFAULT_DURATIONS", "Scenario"]

# How long each long-running operation lasts by default (seconds); ``None``
# means "until stopped or until the call ends".
DEFAULT_DURATIONS: dict[str, float | None] = {
    "play": 0.0,
    "record": 0.0,
    "collect": 0.0,
    "detect": 0.0,
    "fax": 0.0,
    "send_digits": 0.0,
    "pay": 0.0,
    "tap": None,
    "stream": None,
    "transcribe": None,
    "ai": None,
    "echo": None,
    "dial_step": 0.0,
    "connect": 0.0,
    "message_step": 0.0,
}


class Scenario:
    """The scripted outcomes of one fake platform (all per server).

    Results queued for one call (``call_id=``) are taken before the
    server-wide FIFO; when both are empty the behaviours use their defaults.
    """

    def __init__(self) -> None:
        #: Seconds each operation kind runs (``None``: until stopped or the call ends).
        self.durations: dict[str, float | None] = dict(DEFAULT_DURATIONS)
        #: Seconds to wait before handling each method's requests.
        self.delays: dict[str, float] = {}
        #: Digits a collect or digit detect returns when nothing was queued.
        self.default_digits = "1"
        #: Text a speech collect returns when nothing was queued.
        self.default_speech = "yes"
        #: Add a top-level ``state`` to fax events (the documented shape has none).
        self.fax_state_field = False
        self.collect_results: deque[dict[str, Any]] = deque()
        self.detect_results: deque[list[str]] = deque()
        self.call_collect_results: dict[str, deque[dict[str, Any]]] = {}
        self.call_detect_results: dict[str, deque[list[str]]] = {}
        self.dial_plans: deque[dict[str, Any]] = deque()
        self.tag_dial_plans: dict[str, dict[str, Any]] = {}
        self.connect_plans: deque[dict[str, Any]] = deque()
        self.message_plans: deque[dict[str, Any]] = deque()

    # -- configuring ----------------------------------------------------------------

    def set_duration(self, kind: str, seconds: float | None) -> None:
        """How long operations of ``kind`` run; ``None`` = until stopped or the call ends."""
        if kind not in self.durations:
            raise KeyError(f"unknown duration kind {kind!r}; known: {sorted(self.durations)}")
        self.durations[kind] = seconds

    def set_delay(self, method: str, seconds: float) -> None:
        """Wait ``seconds`` before handling each ``method`` request (0 clears it)."""
        if seconds:
            self.delays[method] = seconds
        else:
            self.delays.pop(method, None)

    def queue_collect(self, result: dict[str, Any], call_id: str | None = None) -> None:
        """The next collect result (for ``call_id`` only, or server-wide)."""
        if call_id is None:
            self.collect_results.append(result)
        else:
            self.call_collect_results.setdefault(call_id, deque()).append(result)

    def queue_detect(self, events: list[str], call_id: str | None = None) -> None:
        """The next detect's events (for ``call_id`` only, or server-wide)."""
        if call_id is None:
            self.detect_results.append(events)
        else:
            self.call_detect_results.setdefault(call_id, deque()).append(events)

    def queue_dial(self, plan: dict[str, Any], tag: str | None = None) -> None:
        """The plan of the next ``calling.dial`` (or of the one with ``tag``)."""
        if tag is None:
            self.dial_plans.append(plan)
        else:
            self.tag_dial_plans[tag] = plan

    def queue_connect(self, plan: dict[str, Any]) -> None:
        """The plan of the next ``calling.connect``."""
        self.connect_plans.append(plan)

    def queue_message(self, plan: dict[str, Any]) -> None:
        """The state events of the next ``messaging.send``."""
        self.message_plans.append(plan)

    # -- taking (the behaviours) ------------------------------------------------------

    def next_collect(self, call_id: str) -> dict[str, Any] | None:
        """The queued collect result for ``call_id`` (its own first), or None."""
        per_call = self.call_collect_results.get(call_id)
        if per_call:
            return per_call.popleft()
        if self.collect_results:
            return self.collect_results.popleft()
        return None

    def next_detect(self, call_id: str) -> list[str] | None:
        """The queued detect events for ``call_id`` (its own first), or None."""
        per_call = self.call_detect_results.get(call_id)
        if per_call:
            return per_call.popleft()
        if self.detect_results:
            return self.detect_results.popleft()
        return None

    def next_dial_plan(self, tag: str) -> dict[str, Any]:
        """The plan for the dial with ``tag`` (its own first; ``{}``: the default)."""
        plan = self.tag_dial_plans.pop(tag, None)
        if plan is None:
            plan = self.dial_plans.popleft() if self.dial_plans else {}
        return plan

    def next_connect_plan(self) -> dict[str, Any]:
        """The plan for the next connect (``{}``: the default)."""
        return self.connect_plans.popleft() if self.connect_plans else {}

    def next_message_plan(self) -> dict[str, Any]:
        """The plan for the next sent message (``{}``: the default)."""
        return self.message_plans.popleft() if self.message_plans else {}
