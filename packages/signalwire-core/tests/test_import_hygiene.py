"""Importing a namespace does no I/O, reads no environment and loads only what it needs."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

PROBE = r"""
import json, os, sys, logging
reads = []
class Env(dict):
    def __getitem__(self, k): reads.append(k); return super().__getitem__(k)
    def get(self, k, d=None): reads.append(k); return super().get(k, d)
os.environ = Env(os.environ)
real_getenv = os.getenv
os.getenv = lambda k, d=None: (reads.append(k), real_getenv(k, d))[1]
import socket
opened = []
orig = socket.socket.__init__
def spy(self, *a, **k):
    opened.append(1); orig(self, *a, **k)
socket.socket.__init__ = spy
handlers_before = len(logging.getLogger().handlers)
import {module}
sw_reads = [k for k in reads if k.startswith(("SIGNALWIRE", "SWML"))]
print(json.dumps({{
    "modules": sorted(sys.modules),
    "env_reads": sw_reads,
    "sockets": len(opened),
    "root_handlers": len(logging.getLogger().handlers) - handlers_before,
    "sw_handlers": [n for n, l in logging.Logger.manager.loggerDict.items()
                    if n.startswith("signalwire") and getattr(l, "handlers", None)],
}}))
"""

FORBIDDEN = {
    "signalwire.core": {"httpx", "starlette", "uvicorn", "websockets"},
    "signalwire.relay": {"httpx", "starlette", "uvicorn"},
    "signalwire.rest": {"websockets", "starlette", "uvicorn"},
    "signalwire.agents": {"websockets", "uvicorn"},
}


def probe(module: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(module=module)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("module", sorted(FORBIDDEN))
def test_import_is_side_effect_free(module: str) -> None:
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed in this environment")
    result = probe(module)
    loaded = {m.split(".")[0] for m in result["modules"]}  # type: ignore[union-attr]
    assert not (FORBIDDEN[module] & loaded), f"{module} loaded {FORBIDDEN[module] & loaded}"
    assert result["env_reads"] == [], f"{module} read env vars at import: {result['env_reads']}"
    assert result["sockets"] == 0
    assert result["root_handlers"] == 0
    assert result["sw_handlers"] == []


def test_signalwire_is_a_pep420_namespace() -> None:
    import signalwire

    assert getattr(signalwire, "__file__", None) is None
    assert signalwire.__spec__ is not None
    assert signalwire.__spec__.origin in (None, "namespace")


def test_core_public_api_is_exact() -> None:
    import signalwire.core as core

    assert sorted(core.__all__) == sorted(set(core.__all__))
    for name in core.__all__:
        obj = getattr(core, name)
        if callable(obj) and not name.startswith("_"):
            assert obj.__doc__, f"{name} has no docstring"
