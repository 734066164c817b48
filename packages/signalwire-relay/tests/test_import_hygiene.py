"""Importing signalwire.relay reads no environment, opens nothing, configures no logging
and loads none of the libraries this namespace does not need; websockets waits for the
first connect."""

from __future__ import annotations

import json
import subprocess
import sys

import signalwire.relay
from signalwire_fakes.hygiene import assert_clean_import


def test_import_is_side_effect_free() -> None:
    assert_clean_import("signalwire.relay")


# Everything an application does before connect(): import, build a client, register
# handlers, read its properties. Then one connect to a closed port must load websockets.
_BEFORE_CONNECT = r"""
import asyncio, json, sys
from signalwire.relay import RelayClient, Call, RelayError, CallStateEvent, EVENT_CALL_STATE
client = RelayClient("p", "t", host="ws://127.0.0.1:9", contexts=["office"], environ={},
                     request_timeout=2)
client.on_call(lambda call: None)
client.on_message(lambda message: None)
(client.url, client.state, client.calls, repr(client))
before = sorted(m for m in sys.modules if m.split(".")[0] in ("websockets", "httpx", "starlette", "uvicorn"))
async def main():
    try:
        await client.connect()
    except RelayError:
        pass
asyncio.run(main())
after = sorted(m for m in sys.modules if m.split(".")[0] == "websockets")
print(json.dumps({"before": before, "after": after}))
"""


def test_websockets_loads_on_first_connect_only() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _BEFORE_CONNECT],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["before"] == []
    assert "websockets.client" in result["after"]  # the probe can see it once loaded


def test_dir_shows_only_the_public_api() -> None:
    names = dir(signalwire.relay)
    assert names == sorted(signalwire.relay.__all__)
    for leaked in ("Any", "TYPE_CHECKING", "importlib", "annotations"):
        assert leaked not in names
    assert "RelayClient" in names and "RelayAuthError" in names
