"""The gateway's configuration file: JSON with ``${VAR}`` / ``${VAR|default}`` substitution."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

__all__ = ["DEFAULTS", "ConfigError", "load_config", "substitute"]

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:\|([^}]*))?\}")
_INT = re.compile(r"^-?[0-9]+$")
_FLOAT = re.compile(r"^-?[0-9]+\.[0-9]+$")

#: The vendor's defaults; a host of 0.0.0.0 with the password "changeme" binds loopback only.
DEFAULTS: dict[str, Any] = {
    "server": {
        "host": "0.0.0.0",  # noqa: S104 (a service agents reach over the network)
        "port": 8080,
        "auth_user": "admin",
        "auth_password": None,
    },
    "services": {},
    "session": {
        "default_timeout": 300,
        "max_sessions_per_service": 100,
        "max_total_sessions": 500,
        "cleanup_interval": 60,
        "sandbox_dir": "./sandbox",
        "call_timeout": 30,
        "max_output_bytes": 1024 * 1024,
    },
    "rate_limiting": {
        "tools_limit": "30 per minute",
        "call_limit": "10 per minute",
        "session_delete_limit": "20 per minute",
    },
    "logging": {"level": "INFO"},
}


class ConfigError(ValueError):
    """The configuration file is missing, unreadable or has a wrong value (the message says which)."""


def _coerce(text: str) -> Any:
    low = text.lower()
    if low in {"true", "false"}:
        return low == "true"
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    return text


def substitute(value: Any, env: dict[str, str] | None = None) -> Any:
    """Replace ``${VAR}`` and ``${VAR|default}`` in every string of ``value``.

    A string that was a substitution becomes a bool/int/float when it reads as one; text
    written literally in the file keeps its JSON type (a password of digits stays a string).
    """
    env = os.environ if env is None else env  # type: ignore[assignment]
    if isinstance(value, dict):
        return {k: substitute(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, env) for v in value]
    if isinstance(value, str) and "${" in value:
        out = _VAR.sub(lambda m: env.get(m.group(1), m.group(2) or ""), value)  # type: ignore[union-attr]
        whole = _VAR.fullmatch(value) is not None
        # Passwords and tokens stay text whatever they look like.
        return _coerce(out) if whole else out
    return value


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict) and key != "services":
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _check(config: dict[str, Any]) -> dict[str, Any]:
    server = config["server"]
    port = server.get("port")
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise ConfigError(f"server.port must be a number from 1 to 65535, not {port!r}")
    for key in ("auth_user", "auth_password", "auth_token"):
        if server.get(key) is not None:
            server[key] = str(server[key])
    if not server.get("auth_password") and not server.get("auth_token"):
        raise ConfigError("server.auth_password (or server.auth_token) must be set")
    services = config["services"]
    if not isinstance(services, dict):
        raise ConfigError("services must be an object of name -> {command: [...]}")
    for name, svc in services.items():
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", name):
            raise ConfigError(f"service name {name!r} must be 1-64 of A-Z a-z 0-9 _ -")
        command = svc.get("command") if isinstance(svc, dict) else None
        if (
            not isinstance(command, list)
            or not command
            or not all(isinstance(a, str) for a in command)
        ):
            raise ConfigError(f"services.{name}.command must be a non-empty list of strings")
    session = config["session"]
    for key in ("default_timeout", "max_sessions_per_service", "max_total_sessions"):
        value = session.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise ConfigError(f"session.{key} must be a positive number, not {value!r}")
    return config


def load_config(
    path: str | Path | None = None, *, data: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Read, substitute, default and check a configuration (``data`` instead of a file)."""
    if data is None:
        if path is None:
            raise ConfigError("no configuration file given")
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError(f"configuration file {path} not found") from None
        except OSError as exc:
            raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ConfigError(f"{path} is not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise ConfigError("the configuration must be a JSON object")
    return _check(_merge(DEFAULTS, substitute(data)))
