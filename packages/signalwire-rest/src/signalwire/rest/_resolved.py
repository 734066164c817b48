"""Resolved request settings: every default filled in (internal).

Kept apart from :mod:`._options` (whose public ``RequestOptions`` is a dataclass) so a
client built without options never imports :mod:`dataclasses`, and with it
:mod:`inspect`: a measurable part of a script's cold start.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

__all__ = ["DEFAULTS", "AbortSignal", "OptionFields", "ResolvedOptions", "resolve"]

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


class OptionFields(Protocol):
    """The fields of :class:`~signalwire.rest.RequestOptions` that resolving reads."""

    @property
    def timeout(self) -> float | None: ...
    @property
    def retries(self) -> int | None: ...
    @property
    def retry_on_status(self) -> Collection[int] | None: ...
    @property
    def retry_backoff(self) -> float | None: ...
    @property
    def max_retry_delay(self) -> float | None: ...
    @property
    def abort_signal(self) -> AbortSignal | None: ...


class ResolvedOptions:
    """Request settings with every default filled in (internal, immutable by convention)."""

    __slots__ = (
        "abort_signal",
        "max_retry_delay",
        "retries",
        "retry_backoff",
        "retry_on_status",
        "timeout",
    )

    def __init__(
        self,
        timeout: float,
        retries: int,
        retry_on_status: frozenset[int],
        retry_backoff: float,
        max_retry_delay: float,
        abort_signal: AbortSignal | None,
    ) -> None:
        self.timeout = timeout
        self.retries = retries
        self.retry_on_status = retry_on_status
        self.retry_backoff = retry_backoff
        self.max_retry_delay = max_retry_delay
        self.abort_signal = abort_signal

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before retry number ``attempt`` (1-based)."""
        wait = retry_after if retry_after is not None else self.retry_backoff * 2 ** (attempt - 1)
        return max(0.0, min(wait, self.max_retry_delay))

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in sorted(self.__slots__))
        return f"ResolvedOptions({fields})"


def resolve(options: OptionFields | None) -> ResolvedOptions:
    """``options`` with the unset fields filled with the built-in defaults."""
    if options is None:
        return DEFAULTS
    return ResolvedOptions(
        timeout=DEFAULT_TIMEOUT if options.timeout is None else options.timeout,
        retries=DEFAULT_RETRIES if options.retries is None else max(0, options.retries),
        retry_on_status=frozenset(
            DEFAULT_RETRY_ON_STATUS if options.retry_on_status is None else options.retry_on_status
        ),
        retry_backoff=(
            DEFAULT_RETRY_BACKOFF if options.retry_backoff is None else options.retry_backoff
        ),
        max_retry_delay=(
            DEFAULT_MAX_RETRY_DELAY if options.max_retry_delay is None else options.max_retry_delay
        ),
        abort_signal=options.abort_signal,
    )


#: The built-in settings.
DEFAULTS = ResolvedOptions(
    DEFAULT_TIMEOUT,
    DEFAULT_RETRIES,
    DEFAULT_RETRY_ON_STATUS,
    DEFAULT_RETRY_BACKOFF,
    DEFAULT_MAX_RETRY_DELAY,
    None,
)
