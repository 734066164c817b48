"""Loggers that take key-value fields: ``log.info("started", port=port, route=route)``.

Code written for the vendor SDK logs events with keyword fields. These
adapters accept them on top of stdlib :mod:`logging` (no structlog): the
fields are appended to the message (``started port=3000 route=/``) and
attached to the record, as ``record.fields`` (a dict) and as one attribute per
field whose name does not clash with a :class:`logging.LogRecord` attribute,
so handlers and JSON formatters can read them.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, MutableMapping
from typing import Any

__all__ = ["KVLogger", "get_logger"]

#: Keyword arguments the stdlib logging calls understand; everything else is a field.
_STDLIB_KWARGS = frozenset({"exc_info", "stack_info", "stacklevel", "extra"})
#: Attributes a LogRecord already has (``extra`` may not overwrite them).
_RECORD_ATTRS = frozenset(vars(logging.LogRecord("n", logging.INFO, "p", 1, "m", None, None))) | {
    "message",
    "asctime",
    "fields",
}


def _format_value(value: Any) -> str:
    text = str(value)
    if isinstance(value, str) and (not text or any(c.isspace() or c in "='\"" for c in text)):
        return repr(value)
    return text


class KVLogger:
    """A wrapper of a stdlib :class:`logging.Logger` whose calls also take ``key=value`` fields.

    ``log.info("event", port=3000)`` logs ``"event port=3000"``; ``%``-style
    arguments, ``exc_info``, ``stack_info``, ``stacklevel`` and ``extra`` work
    as usual. :meth:`bind` returns a logger that adds fields to every call.
    """

    def __init__(self, logger: logging.Logger, fields: Mapping[str, Any] | None = None) -> None:
        self.logger = logger
        self._fields: dict[str, Any] = dict(fields or {})

    def isEnabledFor(self, level: int) -> bool:
        """Whether a record at ``level`` would be processed."""
        return self.logger.isEnabledFor(level)

    def getEffectiveLevel(self) -> int:
        """The underlying logger's effective level."""
        return self.logger.getEffectiveLevel()

    def setLevel(self, level: int | str) -> None:
        """Set the underlying logger's level."""
        self.logger.setLevel(level)

    @property
    def name(self) -> str:
        """The underlying logger's name."""
        return self.logger.name

    def bind(self, **fields: Any) -> KVLogger:
        """A logger for the same name that adds ``fields`` to every message."""
        return KVLogger(self.logger, {**self._fields, **fields})

    # The level methods take msg (and level) positional-only, so ``msg=``/``level=`` can be fields.
    def log(self, level: int, msg: Any, /, *args: Any, **kwargs: Any) -> None:
        """Log ``msg`` at ``level`` with optional ``key=value`` fields."""
        self._emit(level, msg, args, kwargs)

    def _emit(self, level: int, msg: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        # Always two frames below the caller (method, _emit), so stacklevel names its line.
        if self.logger.isEnabledFor(level):
            msg, std = self.process(msg, kwargs, bool(args))
            std["stacklevel"] = std.get("stacklevel", 1) + 2  # the caller's line, not ours
            self.logger.log(level, msg, *args, **std)

    def debug(self, msg: Any, /, *args: Any, **kwargs: Any) -> None:
        """Log at DEBUG."""
        self._emit(logging.DEBUG, msg, args, kwargs)

    def info(self, msg: Any, /, *args: Any, **kwargs: Any) -> None:
        """Log at INFO."""
        self._emit(logging.INFO, msg, args, kwargs)

    def warning(self, msg: Any, /, *args: Any, **kwargs: Any) -> None:
        """Log at WARNING."""
        self._emit(logging.WARNING, msg, args, kwargs)

    def warn(self, msg: Any, /, *args: Any, **kwargs: Any) -> None:
        """Deprecated alias of :meth:`warning` (structlog-style code uses it)."""
        self._emit(logging.WARNING, msg, args, kwargs)

    def error(self, msg: Any, /, *args: Any, **kwargs: Any) -> None:
        """Log at ERROR."""
        self._emit(logging.ERROR, msg, args, kwargs)

    def exception(self, msg: Any, /, *args: Any, exc_info: Any = True, **kwargs: Any) -> None:
        """Log at ERROR with the current exception's traceback."""
        self._emit(logging.ERROR, msg, args, {"exc_info": exc_info, **kwargs})

    def critical(self, msg: Any, /, *args: Any, **kwargs: Any) -> None:
        """Log at CRITICAL."""
        self._emit(logging.CRITICAL, msg, args, kwargs)

    fatal = critical

    def process(
        self, msg: Any, kwargs: MutableMapping[str, Any], has_args: bool = False
    ) -> tuple[Any, MutableMapping[str, Any]]:
        """Move the keyword fields into the message and the record's ``extra``."""
        fields = dict(self._fields)
        for key in [k for k in kwargs if k not in _STDLIB_KWARGS]:
            fields[key] = kwargs.pop(key)
        if not fields:
            return msg, kwargs
        suffix = " ".join(f"{k}={_format_value(v)}" for k, v in fields.items())
        if has_args:  # the message will be %-formatted: a literal % in a value must survive
            suffix = suffix.replace("%", "%%")
        if isinstance(msg, str):
            msg = f"{msg} {suffix}" if msg else suffix
        extra = dict(kwargs.get("extra") or {})
        extra.setdefault("fields", fields)
        for key, value in fields.items():
            if key not in _RECORD_ATTRS:
                extra.setdefault(key, value)
        kwargs["extra"] = extra
        return msg, kwargs

    def __repr__(self) -> str:
        return f"<KVLogger {self.logger.name} ({logging.getLevelName(self.getEffectiveLevel())})>"


def get_logger(name: str) -> KVLogger:
    """A logger for ``name`` whose methods accept ``key=value`` fields.

    ``get_logger("my_agent").info("order_placed", order_id=id)``. Nothing is
    configured: records go to the stdlib :mod:`logging` handlers you set up
    (``serve()`` adds a basic one when the root logger has none).
    """
    return KVLogger(logging.getLogger(name))
