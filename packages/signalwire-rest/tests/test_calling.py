"""The 42 call commands of ``POST /api/calling/calls``, checked by the fake against the spec."""

from __future__ import annotations

import inspect
from typing import Any

import httpx
import pytest
from _rest_spec_helpers import _props, example, load, required_fields, resolve

from signalwire.rest import RestClient
from signalwire.rest._generated._index import CALLING_COMMANDS

CALL_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


def command_params(command: str) -> dict[str, Any]:
    """Example values for the spec-required ``params`` of one command."""
    doc = load("signalwire-rest.openapi.yaml")
    ref = doc["components"]["schemas"]["Calling.CallRequest"]["discriminator"]["mapping"][command]
    schema = resolve(doc, {"$ref": ref})
    params = resolve(doc, schema["properties"]["params"])
    variants = params.get("anyOf") or params.get("oneOf")
    if variants:
        params = resolve(doc, variants[0])
    props = _props(doc, params)
    return {name: example(doc, props[name]) for name in required_fields(doc, params)}


@pytest.mark.parametrize(("command", "method"), CALLING_COMMANDS)
async def test_command_is_accepted_by_the_fake(
    asgi_client: Any, fake_rest: Any, command: str, method: str
) -> None:
    func = getattr(asgi_client.calling, method)
    params = command_params(command)
    kwargs = {("from_" if k == "from" else k): v for k, v in params.items()}
    first_positional = next(iter(inspect.signature(func).parameters.values()), None)
    args = [CALL_ID] if first_positional is not None and first_positional.name == "call_id" else []
    if command == "update":
        kwargs.setdefault("id", CALL_ID)
    await func(*args, **kwargs)
    entry = fake_rest.journal.last
    assert entry.status == 200, entry.note
    assert entry.body["command"] == command
    assert isinstance(entry.body["params"], dict)
    if command in ("dial", "update"):
        assert "id" not in entry.body
    else:
        assert entry.body["id"] == CALL_ID


def test_envelopes_match_the_spec() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"id": CALL_ID})

    client = RestClient("p", "t", "example.signalwire.com", transport=httpx.MockTransport(handler))
    client.calling.dial(from_="+15551230000", to="+15551231111", url="https://e.com/swml")
    client.calling.update(id=CALL_ID, status="completed")
    client.calling.disconnect(CALL_ID)
    client.calling.record(CALL_ID, control_id="rec-1", record={"audio": {"format": "mp3"}})
    bodies = [httpx.Response(200, content=r.content).json() for r in seen]
    assert bodies[0] == {
        "command": "dial",
        "params": {"from": "+15551230000", "to": "+15551231111", "url": "https://e.com/swml"},
    }
    assert bodies[1] == {"command": "update", "params": {"id": CALL_ID, "status": "completed"}}
    assert bodies[2] == {"command": "calling.disconnect", "id": CALL_ID, "params": {}}
    assert bodies[3]["params"] == {"control_id": "rec-1", "record": {"audio": {"format": "mp3"}}}
    assert {r.url.path for r in seen} == {"/api/calling/calls"}


def test_control_id_is_optional_to_start_and_required_to_stop() -> None:
    # The platform assigns a control_id when a start command sends none (a documented
    # exception to the spec); the commands acting on a running operation need one.
    client = RestClient("p", "t", "example.signalwire.com")
    for name in ("play", "record", "collect", "detect", "tap", "stream", "transcribe"):
        param = inspect.signature(getattr(client.calling, name)).parameters["control_id"]
        assert param.default is None, name
    for name in ("play_stop", "record_stop", "collect_stop", "detect_stop", "tap_stop"):
        param = inspect.signature(getattr(client.calling, name)).parameters["control_id"]
        assert param.default is inspect.Parameter.empty, name
    client.close()


def test_openrpc_methods_map_to_calling_methods_with_their_params() -> None:
    """calling-commands.openrpc.yaml describes the JSON-RPC twin of eight commands; each
    has a ``client.calling`` method taking its params by name (``from`` as ``from_``)."""
    doc = load("calling-commands.openrpc.yaml")
    methods = {m["name"]: m for m in doc["methods"]}
    assert len(methods) == 8
    client = RestClient("p", "t", "example.signalwire.com")
    # The REST command schema lacks ai_unhold's prompt; it still goes through **kwargs.
    through_kwargs = {("calling.ai_unhold", "prompt")}
    for name, method in methods.items():
        command = (
            name.removeprefix("calling.") if name in ("calling.dial", "calling.update") else name
        )
        attr = dict(CALLING_COMMANDS)[command]
        params = inspect.signature(getattr(client.calling, attr)).parameters
        for p in method["params"]:
            if p["name"] == "id" and command != "update":
                assert "call_id" in params
                continue
            py = "from_" if p["name"] == "from" else p["name"]
            if (name, p["name"]) in through_kwargs:
                assert any(x.kind == x.VAR_KEYWORD for x in params.values())
            else:
                assert py in params, (name, p["name"])
    client.close()


def test_json_rpc_calls_return_the_result(client: RestClient, fake_rest_server: Any) -> None:
    result = client.calling.rpc("calling.end", id=CALL_ID, reason="hangup")
    assert isinstance(result, dict)
    entry = fake_rest_server.journal.last
    assert entry.path == "/api/calling/rpc"
    assert entry.body["jsonrpc"] == "2.0"
    assert entry.body["method"] == "calling.end"
    assert entry.body["params"] == {"id": CALL_ID, "reason": "hangup"}
    dialed = client.calling.rpc(
        "calling.dial", **{"from": "+15551230000", "to": "+15551231111", "url": "https://e.com/s"}
    )
    assert dialed["from"] == "+15551230000"


async def test_json_rpc_errors_raise(asgi_client: Any) -> None:
    from signalwire.rest import SignalWireRestError

    with pytest.raises(SignalWireRestError) as info:
        await asgi_client.calling.rpc("calling.end", id=CALL_ID, bogus=1)
    assert info.value.status_code == 200
    assert info.value.body["code"] == -32602
    assert info.value.body["data"]["attribute"] == "bogus"
    assert (await asgi_client.calling.rpc("calling.ai_unhold", id=CALL_ID, prompt="hi")) is not None
