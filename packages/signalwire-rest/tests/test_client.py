"""Client construction, credentials, headers, encoding and lifecycle."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from signalwire.core import SignalWireConfigError, SignalWireError
from signalwire.rest import AsyncRestClient, PhoneCallHandler, RestClient

UUID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


def recording() -> tuple[list[httpx.Request], httpx.MockTransport]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"ok": True})

    return seen, httpx.MockTransport(handler)


def test_credentials_come_from_the_environment_when_not_given() -> None:
    env = {
        "SIGNALWIRE_PROJECT_ID": "proj",
        "SIGNALWIRE_API_TOKEN": "secret-token",
        "SIGNALWIRE_SPACE": "example.signalwire.com",
    }
    seen, transport = recording()
    client = RestClient(environ=env, transport=transport)
    assert client.base_url == "https://example.signalwire.com"
    assert client.project_id == "proj"
    client.fabric.ai_agents.list()
    auth = seen[0].headers["authorization"]
    assert auth == "Basic " + base64.b64encode(b"proj:secret-token").decode()


def test_missing_credentials_raise_a_config_error_naming_the_variable() -> None:
    with pytest.raises(SignalWireConfigError, match="SIGNALWIRE_API_TOKEN") as info:
        RestClient("proj", None, "example.signalwire.com", environ={})
    assert isinstance(info.value, ValueError)  # signalwire-sdk raised ValueError
    with pytest.raises(SignalWireConfigError, match="SIGNALWIRE_SPACE"):
        RestClient("proj", "tok", environ={})


def test_empty_argument_falls_back_to_the_environment() -> None:
    env = {"SIGNALWIRE_PROJECT_ID": "envproj"}
    client = RestClient("", "tok", "example.signalwire.com", environ=env)
    assert client.project_id == "envproj"
    client.close()


@pytest.mark.parametrize(
    ("host", "base"),
    [
        ("127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("localhost:9000", "http://localhost:9000"),
        ("example.signalwire.com", "https://example.signalwire.com"),
        ("example", "https://example.signalwire.com"),
        ("https://example.signalwire.com/", "https://example.signalwire.com"),
    ],
)
def test_host_forms(host: str, base: str) -> None:
    with RestClient("p", "t", host) as client:
        assert client.base_url == base


def test_space_is_an_alias_of_host() -> None:
    with RestClient("p", "t", space="example") as client:
        assert client.base_url == "https://example.signalwire.com"


def test_repr_and_errors_never_show_the_token() -> None:
    client = RestClient("proj", "very-secret", "example.signalwire.com")
    assert "very-secret" not in repr(client)
    client.close()


def test_headers_and_json_body() -> None:
    seen, transport = recording()
    client = RestClient("p", "t", "example.signalwire.com", transport=transport)
    client.messages.create(to="+15551230000", from_="+15551231111", body="hi")
    request = seen[-1]
    assert request.headers["accept"] == "application/json"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"].startswith("signalwire-python-rest/")
    assert request.content == b'{"body":"hi","from":"+15551231111","to":"+15551230000"}' or (
        httpx.Response(200, content=request.content).json()
        == {"to": "+15551230000", "from": "+15551231111", "body": "hi"}
    )
    client.fabric.ai_agents.list()
    assert "content-type" not in seen[-1].headers
    assert seen[-1].content == b""


def test_none_is_dropped_extras_and_kwargs_are_merged() -> None:
    seen, transport = recording()
    client = RestClient("p", "t", "example.signalwire.com", transport=transport)
    client.video.rooms.create(
        name="room", display_name=None, extras={"x_extra": 1}, custom_field="c"
    )
    body = httpx.Response(200, content=seen[-1].content).json()
    assert body == {"name": "room", "x_extra": 1, "custom_field": "c"}


def test_query_encoding_round_trips_through_the_fake(
    client: RestClient, fake_rest_server: Any
) -> None:
    tricky = "a b&c+d=e/ü"
    client.phone_numbers.list(filter_name=tricky, page_size=5)
    entry = fake_rest_server.journal.last
    assert entry.query["filter_name"] == [tricky]
    assert entry.query["page_size"] == ["5"]


def test_lists_repeat_the_key_and_booleans_are_lowercase() -> None:
    seen, transport = recording()
    client = RestClient("p", "t", "example.signalwire.com", transport=transport)
    client.logs.voice.list(include_deleted=True, extras={"tags": ["a", "b"]})
    query = seen[-1].url.query.decode()
    assert "include_deleted=true" in query
    assert "tags=a&tags=b" in query


def test_path_segments_are_escaped_but_plus_stays() -> None:
    seen, transport = recording()
    client = RestClient("p", "t", "example.signalwire.com", transport=transport)
    client.lookup.phone_number("+15551234567")
    assert seen[-1].url.raw_path == b"/api/relay/rest/lookup/phone_number/+15551234567"
    client.fabric.ai_agents.get("../x?y#z")
    assert seen[-1].url.raw_path == b"/api/fabric/resources/ai_agents/..%2Fx%3Fy%23z"


def test_compat_paths_use_the_project_as_account_sid_and_form_bodies(
    client: RestClient, fake_rest_server: Any
) -> None:
    result = client.compat.calls.create(
        To="+15551230000",
        From="+15551231111",
        Url="https://example.com/cxml",
        StatusCallbackEvent=["initiated", "completed"],
    )
    entry = fake_rest_server.journal.last
    assert entry.status in (200, 201)
    assert entry.path.startswith(f"/api/laml/2010-04-01/Accounts/{client.project_id}/Calls")
    assert entry.content_type == "application/x-www-form-urlencoded"
    assert b"StatusCallbackEvent=initiated&StatusCallbackEvent=completed" in entry.raw_body
    assert isinstance(result, dict)


def test_compat_token_update_is_json(client: RestClient, fake_rest_server: Any) -> None:
    client.compat.tokens.update(UUID, name="renamed")
    entry = fake_rest_server.journal.last
    assert entry.method == "PATCH"
    assert entry.content_type == "application/json"
    assert entry.status == 200


def test_update_verbs_follow_the_spec(client: RestClient, fake_rest_server: Any) -> None:
    client.fabric.ai_agents.update(UUID, name="n")
    assert fake_rest_server.journal.last.method == "PATCH"
    client.fabric.relay_applications.update(UUID, name="app")
    assert fake_rest_server.journal.last.method == "PUT"
    client.phone_numbers.update(UUID, name="main")
    assert fake_rest_server.journal.last.method == "PUT"
    assert fake_rest_server.journal.last.status == 200


def test_phone_number_helpers_set_the_call_handler(
    client: RestClient, fake_rest_server: Any
) -> None:
    client.phone_numbers.set_swml_webhook(UUID, "https://example.com/swml")
    body = fake_rest_server.journal.last.body
    assert body == {
        "call_handler": "relay_script",
        "call_relay_script_url": "https://example.com/swml",
    }
    assert fake_rest_server.journal.last.status == 200
    client.phone_numbers.set_relay_topic(UUID, "office", status_callback_url="https://e.com/s")
    assert fake_rest_server.journal.last.status == 200
    assert fake_rest_server.journal.last.body["call_relay_topic"] == "office"


def test_ai_agent_and_call_flow_helpers_send_the_sdk_fields() -> None:
    # The spec's phone-number schema lacks call_ai_agent_id / call_flow_id (see README).
    seen, transport = recording()
    client = RestClient("p", "t", "example.signalwire.com", transport=transport)
    client.phone_numbers.set_call_flow(UUID, "flow-1", version="current_deployed")
    body = httpx.Response(200, content=seen[-1].content).json()
    assert body == {
        "call_handler": PhoneCallHandler.CALL_FLOW.value,
        "call_flow_id": "flow-1",
        "call_flow_version": "current_deployed",
    }
    client.phone_numbers.set_ai_agent(UUID, "agent-1")
    body = httpx.Response(200, content=seen[-1].content).json()
    assert body == {"call_handler": "ai_agent", "call_ai_agent_id": "agent-1"}
    assert seen[-1].method == "PUT"
    assert str(PhoneCallHandler.AI_AGENT) == "ai_agent"


def test_raw_request_escape_hatch(client: RestClient, fake_rest_server: Any) -> None:
    result = client.request("get", "/api/fabric/resources/ai_agents", query={"page_size": 1})
    assert "data" in result
    assert fake_rest_server.journal.last.query["page_size"] == ["1"]


async def test_async_client_against_real_http(
    aclient: AsyncRestClient, fake_rest_server: Any
) -> None:
    result = await aclient.fabric.ai_agents.create(
        name="Booking", prompt={"text": "You are helpful"}, agent_id=UUID
    )
    assert isinstance(result, dict)
    entry = fake_rest_server.journal.last
    assert entry.status in (200, 201)
    assert entry.body["name"] == "Booking"


async def test_async_client_through_asgi_transport(
    asgi_client: AsyncRestClient, fake_rest: Any
) -> None:
    page = await asgi_client.video.rooms.list(page_size=1)
    assert "data" in page
    assert fake_rest.journal.last.operation_id == "list_rooms"


def test_errors_derive_from_the_core_base() -> None:
    from signalwire.rest import SignalWireRestError, SignalWireRestTransportError

    assert issubclass(SignalWireRestError, SignalWireError)
    assert issubclass(SignalWireRestTransportError, SignalWireRestError)


def test_namespaces_are_built_once_and_lazily() -> None:
    client = RestClient("p", "t", "example.signalwire.com")
    assert client.fabric is client.fabric
    assert client.fabric.ai_agents is client.fabric.ai_agents
    assert "AiAgents" in repr(client.fabric.ai_agents)
    client.close()


def test_default_clients_write_to_the_pools_and_a_given_transport_is_used() -> None:
    """The default path sends through the keep-alive pools of ._wire (no httpx objects);
    ``transport=`` replaces it with any httpx transport, LeanTransport included."""
    import httpx

    from signalwire.rest import LeanAsyncTransport, LeanTransport
    from signalwire.rest._wire import SyncPool
    from signalwire.rest._wire_async import AsyncPool

    client = RestClient("p", "t", "example.signalwire.com")
    aclient = AsyncRestClient("p", "t", "example.signalwire.com")
    lean = RestClient("p", "t", "example.signalwire.com", transport=LeanTransport())
    alean = AsyncRestClient("p", "t", "example.signalwire.com", transport=LeanAsyncTransport())
    try:
        assert isinstance(client._engine._transport, SyncPool)
        assert isinstance(aclient._engine._transport, AsyncPool)
        assert isinstance(lean._engine._transport, httpx.BaseTransport)
        assert isinstance(alean._engine._transport, httpx.AsyncBaseTransport)
    finally:
        client.close()
        lean.close()
