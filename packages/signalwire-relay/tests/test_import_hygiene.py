"""Importing signalwire.relay reads no environment, opens nothing, configures no logging
and loads none of the libraries this namespace does not need; websockets waits for the
first connect."""

from __future__ import annotations

import json
import subprocess
import sys

import signalwire.relay
from signalwire_devtools.hygiene import assert_clean_import


def test_import_is_side_effect_free() -> None:
    assert_clean_import("signalwire.relay")


# Everything an application does before connect(): import, build a client, register
# handlers, read its properties. Then one connect to a closed port must load websockets.
_BEFORE_CONNECT = r"""
import asyncio, json, sys
from signalwire.relay import RelayClient, Call, RelayError, EVENT_CALL_STATE
client = RelayClient("p", "t", host="ws://127.0.0.1:9", contexts=["office"], environ={},
                     request_timeout=2)
client.on_call(lambda call: None)
client.on_message(lambda message: None)
(client.url, client.state, client.calls, repr(client))
LATE = ("websockets", "httpx", "starlette", "uvicorn", "attrs", "cattrs")
before = sorted(m for m in sys.modules if m.split(".")[0] in LATE or m == "signalwire.relay.event")
async def main():
    try:
        await client.connect()
    except RelayError:
        pass
asyncio.run(main())
after = sorted(m for m in sys.modules if m.split(".")[0] in ("websockets", "cattrs")
               or m == "signalwire.relay.event")
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
    # the probe can see them once loaded: the transport, but not yet the event models,
    # which load once the client is connected (see the next test)
    assert "websockets.client" in result["after"]
    assert "signalwire.relay.event" not in result["after"]
    assert "cattrs" not in result["after"]


_AFTER_CONNECT = r"""
import asyncio, json, sys
from signalwire.testing.relay import FakeRelayServer
from signalwire.relay import RelayClient

def models():
    return "signalwire.relay.event" in sys.modules or "cattrs" in sys.modules

async def main():
    server = FakeRelayServer(project="p", token="t")
    await server.start()
    client = RelayClient("p", "t", host=server.url, contexts=["office"], environ={},
                         ping_interval=0)
    try:
        await client.connect()
        connected = models()
        for _ in range(3):  # the load is scheduled right after connect() returns
            await asyncio.sleep(0)
        return {"fakes_load_models": False, "at_connected": connected, "soon_after": models()}
    finally:
        await client.disconnect()
        await server.stop()

before = models()
result = asyncio.run(main())
result["fakes_load_models"] = before
print(json.dumps(result))
"""


def test_event_models_load_right_after_connecting() -> None:
    """A cold start reaches "connected" without the event models (attrs and cattrs); they
    load on the next turn of the loop, before any event is likely to arrive."""
    out = subprocess.run(
        [sys.executable, "-c", _AFTER_CONNECT],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"fakes_load_models": False, "at_connected": False, "soon_after": True}


def test_dir_shows_only_the_public_api() -> None:
    names = dir(signalwire.relay)
    assert names == sorted(signalwire.relay.__all__)
    for leaked in ("Any", "TYPE_CHECKING", "importlib", "annotations"):
        assert leaked not in names
    assert "RelayClient" in names and "RelayAuthError" in names


_CLIENT_IMPORT = r"""
import asyncio, json, ssl, sys
before = set(sys.modules)
from signalwire.relay import RelayClient
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def test_relay_client_import_loads_only_the_client() -> None:
    """Beyond asyncio and ssl (which any RELAY app needs), the client import is our own code.

    Calls, actions, messages, events, the transport, websockets, cattrs and uuid load on
    first use.
    """
    out = subprocess.run(
        [sys.executable, "-c", _CLIENT_IMPORT],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    added = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert {m for m in added if not m.startswith("signalwire")} <= {"__future__"}, sorted(added)
    assert {m for m in added if m.startswith("signalwire.relay.")} == {
        "signalwire.relay._client",
        "signalwire.relay._errors",
        "signalwire.relay._otel",  # the one-lookup OpenTelemetry check; imports no opentelemetry
        "signalwire.relay._protocol",
        "signalwire.relay._util",
        "signalwire.relay._version",
        "signalwire.relay.constants",
    }
