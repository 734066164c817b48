"""``RequestOptions``: timeout and retry settings, client-wide or per call."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol, TypeVar

__all__ = ["AbortSignal", "RequestOptions", "ResolvedOptions"]

_T = TypeVar("_T")

DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 2
DEFAULT_RETRY_ON_STATUS = frozenset({429, 500, 502, 503, 504})
DEFAULT_RETRY_BACKOFF = 0.5
DEFAULT_MAX_RETRY_DELAY = 30.0


class AbortSignal(Protocol):
    """Anything with ``is_set()``, e.g. :class:`threading.Event` or :class:`asyncio.Event`."""

    def is_set(self) -> bool:
        """True once the caller wants the request abandoned."""
        ...


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
        return ResolvedOptions(
            timeout=DEFAULT_TIMEOUT if self.timeout is None else self.timeout,
            retries=DEFAULT_RETRIES if self.retries is None else max(0, self.retries),
            retry_on_status=frozenset(
                DEFAULT_RETRY_ON_STATUS if self.retry_on_status is None else self.retry_on_status
            ),
            retry_backoff=(
                DEFAULT_RETRY_BACKOFF if self.retry_backoff is None else self.retry_backoff
            ),
            max_retry_delay=(
                DEFAULT_MAX_RETRY_DELAY if self.max_retry_delay is None else self.max_retry_delay
            ),
            abort_signal=self.abort_signal,
        )


@dataclass(frozen=True)
class ResolvedOptions:
    """:class:`RequestOptions` with every default filled in (internal)."""

    timeout: float
    retries: int
    retry_on_status: frozenset[int]
    retry_backoff: float
    max_retry_delay: float
    abort_signal: AbortSignal | None

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before retry number ``attempt`` (1-based)."""
        wait = retry_after if retry_after is not None else self.retry_backoff * 2 ** (attempt - 1)
        return max(0.0, min(wait, self.max_retry_delay))


def _pick(first: _T | None, second: _T | None) -> _T | None:
    return second if first is None else first
