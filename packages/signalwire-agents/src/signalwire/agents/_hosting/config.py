"""JSON configuration files: the search order, ``${VAR}`` substitution, dotted lookups.

An explicit ``config_file=`` is read as given (a missing or broken file is an
error). Without one, the first existing file of the documented search order is
used (see :meth:`ConfigLoader.find_config_file`); a broken file found by the
search is logged and ignored, so an unrelated ``config.json`` in the working
directory cannot stop an agent from starting.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Sequence
from typing import Any

from signalwire.core import SignalWireConfigError

__all__ = ["ConfigLoader", "config_get", "load_config", "substitute"]

log = logging.getLogger("signalwire.agents.config")

_VAR = re.compile(r"\$\{([^}|]+)(?:\|([^}]*))?\}")


def _coerce(text: str) -> Any:
    """A substituted string that spells a boolean or a number becomes one."""
    low = text.lower()
    if low in ("true", "false"):
        return low == "true"
    if text.isascii() and text.isdigit():
        return int(text)
    if text.isascii() and text.count(".") == 1 and text.replace(".", "").isdigit():
        return float(text)
    return text


def substitute(value: Any, max_depth: int = 10) -> Any:
    """Replace ``${VAR}``/``${VAR|default}`` in every string, recursing ``max_depth`` levels.

    Only strings that held a reference are coerced (``"${PORT|3000}"`` → 3000);
    literal strings stay strings.
    """
    if max_depth < 0:
        return value
    if isinstance(value, str):
        if "${" not in value:
            return value
        return _coerce(
            _VAR.sub(lambda m: os.environ.get(m.group(1).strip(), m.group(2) or ""), value)
        )
    if isinstance(value, dict):
        return {k: substitute(v, max_depth - 1) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, max_depth - 1) for v in value]
    return value


def _read(path: str | os.PathLike[str]) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as f:
            data = json.loads(f.read())
    except OSError as exc:
        raise SignalWireConfigError(
            f"cannot read config file {str(path)!r}: {exc.strerror}"
        ) from exc
    except ValueError as exc:
        raise SignalWireConfigError(f"config file {str(path)!r} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise SignalWireConfigError(f"config file {str(path)!r} must hold a JSON object")
    return data


def load_config(path: str | os.PathLike[str] | None) -> dict[str, Any]:
    """Read and env-substitute a JSON config file; ``{}`` when ``path`` is None."""
    if path is None:
        return {}
    result: dict[str, Any] = substitute(_read(path))
    return result


def config_get(config: dict[str, Any], dotted: str, default: Any = None) -> Any:
    """Look up ``a.b.c`` in nested dicts."""
    node: Any = config
    for key in dotted.split("."):
        if not isinstance(node, dict) or key not in node:
            return default
        node = node[key]
    return node


def _search_paths(service_name: str | None, additional: Sequence[str] | None) -> list[str]:
    paths: list[str] = []
    if service_name:
        paths += [f"{service_name}_config.json", f".swml/{service_name}_config.json"]
    paths += list(additional or ())
    paths += ["config.json", "agent_config.json", ".swml/config.json"]
    paths.append(os.path.expanduser("~/.swml/config.json"))
    paths.append("/etc/swml/config.json")
    return paths


class ConfigLoader:
    """The first readable JSON file of ``config_paths`` (default: the documented search order).

    Values are returned with ``${VAR}``/``${VAR|default}`` substituted from the
    environment at the time of each call.
    """

    def __init__(self, config_paths: list[str] | None = None) -> None:
        self.config_paths: list[str] = (
            list(config_paths) if config_paths else _search_paths(None, None)
        )
        self._config: dict[str, Any] | None = None
        self._config_file: str | None = None
        for path in self.config_paths:
            if not os.path.isfile(path):
                continue
            try:
                self._config = _read(path)
            except SignalWireConfigError as exc:
                log.warning("ignoring config file: %s", exc)
                continue
            self._config_file = str(path)
            break

    def __repr__(self) -> str:
        return f"ConfigLoader(config_file={self._config_file!r})"

    def has_config(self) -> bool:
        """Whether a config file was found and loaded."""
        return self._config is not None

    def get_config_file(self) -> str | None:
        """The path of the loaded file, or None."""
        return self._config_file

    def get_config(self) -> dict[str, Any]:
        """The raw loaded configuration (``{}`` when none), before substitution."""
        return self._config or {}

    def substitute_vars(self, value: Any, max_depth: int = 10) -> Any:
        """``value`` with environment references replaced (see :func:`substitute`)."""
        return substitute(value, max_depth)

    def get(self, key_path: str, default: Any = None) -> Any:
        """The value at dotted ``key_path`` (``"security.ssl_enabled"``), substituted."""
        marker = object()
        found = config_get(self.get_config(), key_path, marker)
        return default if found is marker else substitute(found)

    def get_section(self, section: str) -> dict[str, Any]:
        """A top-level section, substituted; ``{}`` when absent or not an object."""
        found = self.get_config().get(section)
        return substitute(found) if isinstance(found, dict) else {}

    def merge_with_env(self, env_prefix: str = "SWML_") -> dict[str, Any]:
        """The substituted config plus ``{env_prefix}A_B`` variables as ``a.b`` keys.

        The file wins: an environment variable only fills a key the file does
        not set. ``SWML_SSL_ENABLED`` becomes ``{"ssl": {"enabled": "..."}}``.
        """
        merged: dict[str, Any] = substitute(self.get_config())
        for name, value in os.environ.items():
            if not name.startswith(env_prefix) or len(name) == len(env_prefix):
                continue
            keys = [k for k in name[len(env_prefix) :].lower().split("_") if k]
            if not keys or config_get(merged, ".".join(keys), _MISSING) is not _MISSING:
                continue
            node = merged
            for key in keys[:-1]:
                child = node.get(key)
                if not isinstance(child, dict):
                    if key in node:  # a scalar already sits here: the file wins
                        break
                    child = node[key] = {}
                node = child
            else:
                node[keys[-1]] = value
        return merged

    @staticmethod
    def find_config_file(
        service_name: str | None = None, additional_paths: list[str] | None = None
    ) -> str | None:
        """The first existing file of the search order, or None.

        Order: ``{service_name}_config.json``, ``.swml/{service_name}_config.json``,
        ``additional_paths``, ``config.json``, ``agent_config.json``,
        ``.swml/config.json``, ``~/.swml/config.json``, ``/etc/swml/config.json``.
        """
        for path in _search_paths(service_name, additional_paths):
            if os.path.isfile(path):
                return path
        return None


_MISSING = object()
