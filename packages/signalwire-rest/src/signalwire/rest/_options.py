"""``RequestOptions``: timeout and retry settings, client-wide or per call."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import TypeVar

# The built-in values live with the resolver; named here too for readers of this module.
from signalwire.rest._resolved import (
    DEFAULT_MAX_RETRY_DELAY,
    DEFAULT_RETRIES,
    DEFAULT_RETRY_BACKOFF,
    DEFAULT_RETRY_ON_STATUS,
    DEFAULT_TIMEOUT,
    AbortSignal,
    ResolvedOptions,
    resolve,
)

__all__ = [
    "DEFAULT_MAX_RETRY_DELAY",
    "DEFAULT_RETRIES",
    "DEFAULT_RETRY_BACKOFF",
    "DEFAULT_RETRY_ON_STATUS",
    "DEFAULT_TIMEOUT",
    "AbortSignal",
    "RequestOptions",
    "ResolvedOptions",
]

_T = TypeVar("_T")


@dataclass(frozen=True)
class RequestOptions:
    """Timeout and retry settings. Every field defaults to ``None``: inherit.

    Pass one to the client (``RestClient(request_options=...)``) for defaults,
    or to any method (``request_options=...``) for that call. A per-call value
    wins over the client's, which wins over the built-in default.

    Retry policy: a 429 or 503 response is retried for every method (the
    platform did not act on the request), honouring ``Retry-After``. Other
    statuses in ``retry_on_status`` and connection failures are retried only
    for idempotent methods (GET, PUT, DELETE, HEAD, OPTIONS), so a POST never
    buys a number or places a call twice.
    """

    timeout: float | None = None
    """Seconds per attempt (connect, each read, each write). Built-in: 30."""
    retries: int | None = None
    """Extra attempts after the first. Built-in: 2. ``0`` disables retries."""
    retry_on_status: Collection[int] | None = None
    """Statuses that may be retried. Built-in: 429, 500, 502, 503, 504."""
    retry_backoff: float | None = None
    """Base delay: attempt *n* waits ``retry_backoff * 2 ** (n - 1)`` seconds. Built-in: 0.5."""
    abort_signal: AbortSignal | None = None
    """Checked before each attempt and each wait; when set the call raises
    :class:`SignalWireRestTransportError`."""
    max_retry_delay: float | None = None
    """Cap on any single wait, including a server's ``Retry-After``. Built-in: 30.
    (Not in signalwire-sdk 3.7.5; last, so positional use of the others still works.)"""

    def merge(self, override: RequestOptions | None) -> RequestOptions:
        """Return these options with every field ``override`` sets replaced."""
        if override is None:
            return self
        return RequestOptions(
            timeout=_pick(override.timeout, self.timeout),
            retries=_pick(override.retries, self.retries),
            retry_on_status=_pick(override.retry_on_status, self.retry_on_status),
            retry_backoff=_pick(override.retry_backoff, self.retry_backoff),
            max_retry_delay=_pick(override.max_retry_delay, self.max_retry_delay),
            abort_signal=_pick(override.abort_signal, self.abort_signal),
        )

    def resolve(self) -> ResolvedOptions:
        """Fill the unset fields with the built-in defaults."""
        return resolve(self)


def _pick(first: _T | None, second: _T | None) -> _T | None:
    return second if first is None else first
