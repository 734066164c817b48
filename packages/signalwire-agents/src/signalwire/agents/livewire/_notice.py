"""Say once, at INFO, that a LiveKit option has no SignalWire meaning.

LiveKit code passes options (an STT plugin, a VAD, room recording) that the SignalWire
platform handles itself. They are accepted so the code runs unchanged, and each is
reported once per process on the ``signalwire.agents.livewire`` logger, never
silently changing what the agent does.
"""

from __future__ import annotations

import contextvars
import logging
import threading
from typing import Any

__all__ = ["capture", "current_job", "log", "notice_once", "reset_notices"]

log = logging.getLogger("signalwire.agents.livewire")

_lock = threading.Lock()
_said: set[str] = set()

#: The job ``run_app`` is running; sessions started inside its entrypoint register on it.
current_job: contextvars.ContextVar[Any] = contextvars.ContextVar(
    "signalwire_livewire_job", default=None
)

#: Set while a handed-to agent runs ``on_enter``: ``say``/``generate_reply`` append here.
capture: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "signalwire_livewire_capture", default=None
)


def notice_once(key: str, message: str) -> None:
    """Log ``message`` at INFO the first time ``key`` is seen in this process."""
    with _lock:
        if key in _said:
            return
        _said.add(key)
    log.info("%s", message)


def reset_notices() -> None:
    """Forget what was reported (for tests that check the notices)."""
    with _lock:
        _said.clear()
