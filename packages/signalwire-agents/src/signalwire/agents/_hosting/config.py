"""Optional JSON config file (``config_file=``): service and basic-auth settings.

Only an explicitly named file is read (no search of the working directory).
Values may reference the environment as ``${VAR}`` or ``${VAR|default}``.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from signalwire.core import SignalWireConfigError

__all__ = ["config_get", "load_config"]

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:\|([^}]*))?\}")


def _substitute(value: Any, depth: int = 0) -> Any:
    if depth > 10:
        return value
    if isinstance(value, str):
        return _VAR.sub(lambda m: os.environ.get(m.group(1), m.group(2) or ""), value)
    if isinstance(value, dict):
        return {k: _substitute(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, depth + 1) for v in value]
    return value


def load_config(path: str | os.PathLike[str] | None) -> dict[str, Any]:
    """Read and env-substitute a JSON config file; ``{}`` when ``path`` is None."""
    if path is None:
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise SignalWireConfigError(
            f"cannot read config file {str(path)!r}: {exc.strerror}"
        ) from exc
    except ValueError as exc:
        raise SignalWireConfigError(f"config file {str(path)!r} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise SignalWireConfigError(f"config file {str(path)!r} must hold a JSON object")
    result: dict[str, Any] = _substitute(data)
    return result


def config_get(config: dict[str, Any], dotted: str, default: Any = None) -> Any:
    """Look up ``a.b.c`` in nested dicts."""
    node: Any = config
    for key in dotted.split("."):
        if not isinstance(node, dict) or key not in node:
            return default
        node = node[key]
    return node
