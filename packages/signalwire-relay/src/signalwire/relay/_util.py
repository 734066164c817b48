"""Small helpers shared by the client, calls, actions and messages."""

from __future__ import annotations

import asyncio
import inspect
import logging
import os
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

__all__ = [
    "Spawn",
    "TaskGroupLite",
    "bounded",
    "call_handler",
    "drop_none",
    "fail_future",
    "new_uuid",
    "wait_future",
]

T = TypeVar("T")

#: Starts a coroutine as a task; the string names it in logs (``TaskGroupLite.spawn``).
Spawn = Callable[[Coroutine[Any, Any, Any], str], "asyncio.Task[Any]"]

logger = logging.getLogger("signalwire.relay")


def new_uuid() -> str:
    """A random (version 4) UUID string, as ``str(uuid.uuid4())`` gives.

    Built from :func:`os.urandom` directly: importing :mod:`uuid` loads
    :mod:`platform` and costs more than the rest of the client's import.
    """
    n = int.from_bytes(os.urandom(16), "big")
    n = (n & _UUID_CLEAR) | _UUID_SET  # version 4, RFC 4122 variant
    h = f"{n:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


_UUID_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID_SET = (0x4000 << 64) | (0x8000 << 48)


def drop_none(params: dict[str, Any]) -> dict[str, Any]:
    """Remove keys whose value is None: optional parameters are omitted from the wire."""
    return {k: v for k, v in params.items() if v is not None}


def fail_future(fut: asyncio.Future[Any], exc: BaseException) -> None:
    """Fail ``fut`` (if still pending) and mark its exception retrieved.

    The waiter may be cancelled in the same loop turn (shutdown cancels
    handler tasks right after failing their waits); without this asyncio logs
    "Future exception was never retrieved" when the future is collected.
    """
    if not fut.done():
        fut.set_exception(exc)
        fut.exception()


class TaskGroupLite:
    """Keeps strong references to fire-and-forget tasks and logs their failures.

    Unlike :class:`asyncio.TaskGroup`, one failing handler never cancels the
    others; :meth:`cancel_all` stops whatever is left at shutdown.
    """

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Coroutine[Any, Any, Any], what: str) -> asyncio.Task[Any]:
        """Run ``coro`` as a task; ``what`` names it in logs."""
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(lambda t: self._done(t, what))
        return task

    def _done(self, task: asyncio.Task[Any], what: str) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            logger.error("%s raised %s", what, type(exc).__name__, exc_info=exc)

    def __len__(self) -> int:
        return len(self._tasks)

    async def cancel_all(self, grace: float = 0.0) -> None:
        """Give running tasks ``grace`` seconds, then cancel the rest and wait for them."""
        current = asyncio.current_task()
        tasks = [t for t in self._tasks if t is not current]
        if not tasks:
            return
        if grace > 0:
            await asyncio.wait(tasks, timeout=grace)
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def call_handler(
    handler: Callable[..., Any], args: tuple[Any, ...], spawn: Spawn, what: str
) -> None:
    """Call a sync handler inline or start an async one with ``spawn``; log what it raises."""
    try:
        result = handler(*args)
    except Exception:
        logger.exception("%s raised", what)
        return
    if result is not None and inspect.isawaitable(result):
        spawn(_await(result), what)


async def _await(aw: Any) -> Any:
    return await aw


async def wait_future(fut: asyncio.Future[T], timeout: float | None) -> T:
    """Wait for ``fut`` at most ``timeout`` seconds, without cancelling it.

    Unlike :func:`asyncio.wait_for` on Python < 3.12, a cancellation of the
    waiting task always propagates, even when ``fut`` completes at the same
    moment. Raises :class:`TimeoutError` when the time is up.
    """
    if not fut.done():
        await asyncio.wait((fut,), timeout=timeout)
        if not fut.done():
            raise TimeoutError
    return fut.result()


async def bounded(aw: Coroutine[Any, Any, T], timeout: float | None) -> T:
    """Run ``aw`` for at most ``timeout`` seconds; raise :class:`TimeoutError` after that.

    A stand-in for :func:`asyncio.wait_for` that never swallows a cancellation:
    on Python < 3.12 ``wait_for`` returns the inner result when the waiting task
    is cancelled in the same loop turn the inner work finishes, so a cancelled
    reconnect could go on with a fresh socket nobody closes.
    """
    task = asyncio.ensure_future(aw)
    try:
        await asyncio.wait((task,), timeout=timeout)
    except BaseException:  # cancelled: stop the work too, then propagate
        task.cancel()
        await asyncio.wait((task,))
        if not task.cancelled():
            task.exception()  # retrieved; the caller is being cancelled anyway
        raise
    if not task.done():
        task.cancel()
        await asyncio.wait((task,))
        if not task.cancelled() and task.exception() is None:
            return task.result()  # finished while being stopped: keep its result
        raise TimeoutError
    return task.result()
