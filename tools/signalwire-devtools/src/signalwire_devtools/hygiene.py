"""Import-hygiene probe: import a module in a fresh interpreter and report its side effects.

Used by every package's ``test_import_hygiene.py``: importing a namespace must
read no ``SIGNALWIRE_*``/``SWML_*`` environment variable, open no socket,
configure no logging and load none of the libraries it does not need.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

__all__ = ["FORBIDDEN_MODULES", "assert_clean_import", "probe_import"]

#: Top-level modules each namespace must not load at import time.
FORBIDDEN_MODULES: dict[str, frozenset[str]] = {
    "signalwire.core": frozenset({"httpx", "starlette", "uvicorn", "websockets"}),
    "signalwire.relay": frozenset({"httpx", "starlette", "uvicorn"}),
    "signalwire.rest": frozenset({"websockets", "starlette", "uvicorn"}),
    "signalwire.agents": frozenset({"websockets", "uvicorn"}),
}

_PROBE = r"""
import json, logging, os, socket, sys
reads = []
class _Env(dict):
    def __getitem__(self, k):
        reads.append(k); return super().__getitem__(k)
    def get(self, k, d=None):
        reads.append(k); return super().get(k, d)
os.environ = _Env(os.environ)
_getenv = os.getenv
os.getenv = lambda k, d=None: (reads.append(k), _getenv(k, d))[1]
opened = []
_init = socket.socket.__init__
def _spy(self, *a, **k):
    opened.append(1); _init(self, *a, **k)
socket.socket.__init__ = _spy
root_before = len(logging.getLogger().handlers)
import importlib
importlib.import_module(sys.argv[1])
print(json.dumps({
    "modules": sorted(sys.modules),
    "env_reads": [k for k in reads if k.startswith(("SIGNALWIRE", "SWML"))],
    "sockets": len(opened),
    "root_handlers": len(logging.getLogger().handlers) - root_before,
    "sw_handlers": [n for n, lg in logging.Logger.manager.loggerDict.items()
                    if n.startswith("signalwire") and getattr(lg, "handlers", None)],
}))
"""


def probe_import(module: str) -> dict[str, Any]:
    """Import ``module`` in a fresh interpreter and return what the import did."""
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, module],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    if out.returncode != 0:
        raise AssertionError(f"importing {module} failed:\n{out.stderr}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    result["top_level"] = sorted({m.split(".")[0] for m in result["modules"]})
    return result


def assert_clean_import(module: str) -> dict[str, Any]:
    """Assert the import-hygiene rules for ``module``; return the probe result."""
    result = probe_import(module)
    forbidden = FORBIDDEN_MODULES.get(module, frozenset()) & set(result["top_level"])
    assert not forbidden, f"importing {module} loaded {sorted(forbidden)}"
    assert result["env_reads"] == [], f"importing {module} read {result['env_reads']}"
    assert result["sockets"] == 0, f"importing {module} opened a socket"
    assert result["root_handlers"] == 0, f"importing {module} configured the root logger"
    assert result["sw_handlers"] == [], f"importing {module} added handlers {result['sw_handlers']}"
    return result
