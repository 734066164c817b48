"""SIGNALWIRE_LOG_MODE / _LEVEL / _FORMAT: stdlib logging set up when an agent starts serving.

Nothing here runs at import. :func:`configure_logging` is called by the serving
code only, so an application that imports the package and configures logging
itself keeps its own setup.

* ``SIGNALWIRE_LOG_MODE``: ``off`` (silence the ``signalwire`` and ``uvicorn``
  loggers), ``stderr``, ``default`` (stdout) or ``auto`` (the default: off for
  CGI, where stdout is the HTTP response; otherwise stdout unless the
  application already configured the root logger).
* ``SIGNALWIRE_LOG_LEVEL``: ``debug``, ``info`` (default), ``warning``, ``error``,
  ``critical``.
* ``SIGNALWIRE_LOG_FORMAT``: ``console`` (default, one text line per record) or
  ``json`` (one JSON object per line).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections.abc import Mapping
from typing import Any

__all__ = ["JsonFormatter", "LogSettings", "configure_logging", "log_settings"]

ENV_MODE = "SIGNALWIRE_LOG_MODE"
ENV_LEVEL = "SIGNALWIRE_LOG_LEVEL"
ENV_FORMAT = "SIGNALWIRE_LOG_FORMAT"
MODES = ("off", "stderr", "default", "auto")
FORMATS = ("console", "json")
_LEVELS = {"debug": 10, "info": 20, "warning": 30, "warn": 30, "error": 40, "critical": 50}
_OFF = logging.CRITICAL + 10
# Loggers we own the output of while serving: ours and the server's.
_LOGGERS = ("signalwire", "uvicorn")
_MARK = "_signalwire_log_handler"


class LogSettings:
    """The resolved logging settings: mode (never ``auto``), level number and format."""

    __slots__ = ("explicit_level", "format", "level", "mode")

    def __init__(self, mode: str, level: int, fmt: str, explicit_level: bool = True) -> None:
        self.mode = mode
        self.level = level
        self.format = fmt
        #: False when SIGNALWIRE_LOG_LEVEL is unset: an application's own levels then stay.
        self.explicit_level = explicit_level

    def __repr__(self) -> str:
        return f"LogSettings(mode={self.mode!r}, level={self.level}, format={self.format!r})"


def log_settings(environ: Mapping[str, str] | None = None, *, cgi: bool = False) -> LogSettings:
    """Read the three variables; unknown values raise ``ValueError`` naming the variable."""
    env = os.environ if environ is None else environ
    mode = (env.get(ENV_MODE) or "auto").strip().lower()
    if mode not in MODES:
        raise ValueError(f"{ENV_MODE} must be one of {', '.join(MODES)} (got {mode!r})")
    level_name = (env.get(ENV_LEVEL) or "info").strip().lower()
    if level_name not in _LEVELS:
        raise ValueError(
            f"{ENV_LEVEL} must be one of debug, info, warning, error, critical (got {level_name!r})"
        )
    fmt = (env.get(ENV_FORMAT) or "console").strip().lower()
    if fmt not in FORMATS:
        raise ValueError(f"{ENV_FORMAT} must be one of {', '.join(FORMATS)} (got {fmt!r})")
    if mode == "auto":
        if cgi or "GATEWAY_INTERFACE" in env:
            mode = "off"
        elif logging.getLogger().handlers:
            mode = "app"  # the application configured logging: leave its handlers and levels
        else:
            mode = "default"
    return LogSettings(mode, _LEVELS[level_name], fmt, explicit_level=bool(env.get(ENV_LEVEL)))


_STANDARD = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "taskName",
}


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, the exception if any, and any
    ``extra=`` fields (key-value logging puts its fields there)."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in data and not key.startswith("_"):
                data[key] = value
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, default=str)


def configure_logging(settings: LogSettings | None = None) -> LogSettings:
    """Apply ``settings`` (default: from the environment) to the ``signalwire``/``uvicorn`` loggers.

    Idempotent: a handler installed by an earlier call is replaced, not doubled.
    Returns the settings applied.
    """
    chosen = settings or log_settings()
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            if getattr(handler, _MARK, False):
                logger.removeHandler(handler)
        if chosen.mode == "off":
            logger.setLevel(_OFF)
            logger.propagate = False
            continue
        if chosen.mode == "app":
            if chosen.explicit_level:
                logger.setLevel(chosen.level)
            continue
        logger.setLevel(chosen.level)
        handler = logging.StreamHandler(sys.stderr if chosen.mode == "stderr" else sys.stdout)
        setattr(handler, _MARK, True)
        handler.setFormatter(
            JsonFormatter()
            if chosen.format == "json"
            else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
        )
        logger.addHandler(handler)
        logger.propagate = False
    for child in ("uvicorn.error", "uvicorn.access"):
        child_logger = logging.getLogger(child)
        child_logger.handlers.clear()
        child_logger.propagate = True
        child_logger.setLevel(logging.NOTSET)
    return chosen
