"""Answering one serverless request without an event loop, when nothing needs one.

A serverless function answers one request per invocation. Most of those requests (a
SWML fetch of an agent without async callbacks, a call to a plain ``def`` tool without
a timeout) never wait on anything: the ASGI app's ``receive`` and ``send`` are the
adapter's own and return at once. Importing :mod:`asyncio` and starting a loop for
them is a large part of a cold start, so :func:`run` first drives the request's
coroutine by hand. The places that do need a loop (an ``async def`` handler or
callback, a tool timeout, a file read in a worker thread) call :func:`require_loop`
before they run any user code; in a loop-free run that abandons the attempt, and
the request is answered again from the start on a real loop. Nothing user-visible
has happened by then: the adapter only buffers what the app sends. (One exception: a
plain ``def`` that returns a coroutine, such as a wrapper around an async handler, has
run its own lines once before the coroutine it made is closed and the request starts
over.)

Sync handlers and callbacks run inline in a loop-free run instead of in a worker
thread; with one request per invocation nothing else could have run meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from typing import Any, TypeVar

__all__ = ["NeedsLoop", "active", "require_loop", "run"]

_T = TypeVar("_T")

_ACTIVE: ContextVar[bool] = ContextVar("signalwire_agents_loopless", default=False)


class NeedsLoop(BaseException):
    """Raised by :func:`require_loop` inside a loop-free run.

    A ``BaseException`` so that the ``except Exception`` of error handlers between
    the request's entry and the point that needs a loop cannot turn it into an answer.
    """


def active() -> bool:
    """True inside a loop-free run: sync work may run inline, awaiting must not."""
    return _ACTIVE.get()


def require_loop() -> None:
    """Call before awaiting anything that needs an event loop (or any user coroutine)."""
    if _ACTIVE.get():
        raise NeedsLoop


def run(factory: Callable[[], Coroutine[Any, Any, _T]], on_loop: Callable[[Any], _T]) -> _T:
    """``factory()``'s result, computed without a loop when possible.

    The coroutine is driven by hand; if it calls :func:`require_loop` (or awaits
    anything that suspends), a fresh coroutine from ``factory()`` is handed to
    ``on_loop``, which runs it on a real event loop.
    """
    token = _ACTIVE.set(True)
    coro = factory()
    try:
        coro.send(None)
    except StopIteration as done:
        result: _T = done.value
        return result
    except NeedsLoop:
        pass
    else:
        # It suspended on something (e.g. ``asyncio.sleep(0)``): finish on a loop.
        coro.close()
    finally:
        _ACTIVE.reset(token)
    return on_loop(factory())
