"""Behaviour of the fake REST platform: auth, errors, validation, lists, failures, journal."""

from __future__ import annotations

import asyncio
import base64
import subprocess
import sys
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from signalwire.testing.rest import DEFAULT_PROJECT, FakeRestPlatform, FakeRestServer

CALL_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
AGENT_ID = "0b9f5c2e-8a7d-4c1b-9e3f-2d4c6b8a0f1e"
B = f"/api/laml/2010-04-01/Accounts/{DEFAULT_PROJECT}"


@pytest.fixture
async def client(fake_rest: FakeRestPlatform) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=fake_rest),
        base_url="http://test.signalwire.com",
        auth=fake_rest.auth,
    ) as c:
        yield c


# -- auth ---------------------------------------------------------------------


async def test_missing_auth_is_401_json(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/video/rooms", auth=None)
    assert r.status_code == 401
    assert r.json() == {"error": "Unauthorized"}
    assert r.headers["www-authenticate"].startswith("Basic")


async def test_wrong_token_is_401(client: httpx.AsyncClient, fake_rest: FakeRestPlatform) -> None:
    r = await client.get("/api/video/rooms", auth=(fake_rest.project, "nope"))
    assert r.status_code == 401
    assert fake_rest.journal.last.note == "401: wrong project or token"


async def test_malformed_basic_header_is_401(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/video/rooms", headers={"Authorization": "Basic !!!"}, auth=None)
    assert r.status_code == 401


async def test_basic_header_is_exactly_project_colon_token(fake_rest: FakeRestPlatform) -> None:
    raw = base64.b64decode(fake_rest.basic_auth_header.split(" ", 1)[1]).decode()
    assert raw == f"{fake_rest.project}:{fake_rest.token}"


async def test_compat_account_sid_must_be_the_project(client: httpx.AsyncClient) -> None:
    other = "6d2a3b4c-6e7f-4a8b-9c0d-1e2f3a4b5c6d"
    r = await client.get(f"/api/laml/2010-04-01/Accounts/{other}/Calls")
    assert r.status_code == 401
    body = r.json()
    assert body["code"] == 20003
    assert "AccountSid" in body["message"]
    assert (await client.get(f"{B}/Calls")).status_code == 200


async def test_unauthenticated_and_bearer_operations(
    client: httpx.AsyncClient, fake_rest: FakeRestPlatform
) -> None:
    r = await client.post("/api/fabric/embeds/tokens", json={"token": "t"}, auth=None)
    assert r.status_code == 201 or r.status_code == 200
    issued = fake_rest.issue_subscriber_token()
    r = await client.get(
        "/api/fabric/addresses", headers={"Authorization": f"Bearer {issued}"}, auth=None
    )
    assert r.status_code == 200
    r = await client.get(
        "/api/fabric/addresses", headers={"Authorization": "Bearer made-up"}, auth=None
    )
    assert r.status_code == 401
    assert fake_rest.journal.last.note == "401: unknown subscriber token"
    r = await client.get(
        "/api/video/rooms", headers={"Authorization": f"Bearer {issued}"}, auth=None
    )
    assert r.status_code == 401


async def test_subscriber_tokens_from_the_api_are_accepted(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/fabric/subscribers/tokens", json={"reference": "a@example.com"})
    token = r.json()["token"]
    other = (await client.post("/api/fabric/subscribers/tokens", json={"reference": "b"})).json()
    assert other["token"] != token
    r = await client.post(
        "/api/fabric/subscriber/invites",
        json={"address_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6"},
        headers={"Authorization": f"Bearer {token}"},
        auth=None,
    )
    assert r.status_code in (200, 201), r.text


# -- routing errors -----------------------------------------------------------


async def test_unknown_path_is_404_json(
    client: httpx.AsyncClient, fake_rest: FakeRestPlatform
) -> None:
    r = await client.get("/api/nothing/here")
    assert r.status_code == 404
    assert r.json()["error"] == "Not Found"
    assert fake_rest.journal.last.operation_id is None
    r = await client.get(f"{B}/Nothing")
    assert r.status_code == 404
    assert r.json()["status"] == 404


async def test_trailing_slash_and_suffix_do_not_match(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/video/rooms/")).status_code == 404
    assert (await client.get(f"{B}/Calls.json")).status_code == 404


async def test_wrong_method_is_405_with_allow(client: httpx.AsyncClient) -> None:
    r = await client.delete("/api/video/rooms")
    assert r.status_code == 405
    assert set(r.headers["allow"].split(", ")) == {"GET", "POST"}
    assert "DELETE" in r.json()["message"]


async def test_wrong_method_on_a_literal_path_is_405_not_a_bad_id(
    client: httpx.AsyncClient, fake_rest: FakeRestPlatform
) -> None:
    # DELETE /api/fabric/resources/swml_scripts also fits /api/fabric/resources/{id}.
    r = await client.delete("/api/fabric/resources/swml_scripts")
    assert r.status_code == 405
    assert set(r.headers["allow"].split(", ")) == {"GET", "POST"}
    r = await client.delete(f"/api/fabric/resources/{CALL_ID}")
    assert r.status_code == 204
    assert fake_rest.journal.last.operation_id == "delete_resource"


async def test_literal_segment_beats_parameter(
    client: httpx.AsyncClient, fake_rest: FakeRestPlatform
) -> None:
    await client.get("/api/relay/rest/phone_numbers/search")
    assert fake_rest.journal.last.operation_id == "search_available_phone_numbers"
    await client.get(f"/api/relay/rest/phone_numbers/{CALL_ID}")
    assert fake_rest.journal.last.operation_id == "retrieve_phone_number"
    assert fake_rest.journal.last.path_params == {"id": CALL_ID}


async def test_room_id_and_name_collision_picks_by_schema(
    client: httpx.AsyncClient, fake_rest: FakeRestPlatform
) -> None:
    r = await client.get(f"/api/video/rooms/{CALL_ID}")
    assert r.status_code == 200
    by_id = fake_rest.journal.last.operation_id
    r = await client.get("/api/video/rooms/my-room")
    assert r.status_code == 200
    by_name = fake_rest.journal.last.operation_id
    assert by_id != by_name
    assert fake_rest.journal.last.path_template == "/api/video/rooms/{name}"


async def test_bad_uuid_path_param_is_422_naming_it(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/fabric/resources/ai_agents/not-a-uuid")
    assert r.status_code == 422
    (err,) = r.json()["errors"]
    assert err["attribute"] == "id"
    assert "not-a-uuid" in err["message"]


async def test_percent_encoded_path_segments_are_decoded(
    client: httpx.AsyncClient, fake_rest: FakeRestPlatform
) -> None:
    r = await client.get("/api/video/rooms/my%20room")
    assert r.status_code == 200
    assert fake_rest.journal.last.path_params == {"name": "my room"}


# -- body and query validation ------------------------------------------------


async def test_missing_required_body_field_names_it(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/video/rooms", json={"display_name": "x"})
    assert r.status_code == 422
    (err,) = r.json()["errors"]
    assert err["code"] == "missing_required_parameter"
    assert err["attribute"] == "name"
    assert err["type"] == "validation_error"


async def test_wrong_type_names_the_field(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/video/rooms", json={"name": "r", "max_members": "many"})
    assert r.status_code == 422
    (err,) = r.json()["errors"]
    assert (err["attribute"], err["code"]) == ("max_members", "invalid_parameter_type")


async def test_unknown_body_field_is_rejected(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/video/rooms", json={"name": "r", "nmae": "typo"})
    assert r.status_code == 422
    assert r.json()["errors"][0]["attribute"] == "nmae"


async def test_relay_rest_errors_use_their_own_item_shape(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/relay/rest/phone_numbers", json={})
    assert r.status_code == 422
    (err,) = r.json()["errors"]
    assert err["status"] == "422"
    assert err["attribute"] == "number"
    assert "'number'" in err["detail"]


async def test_invalid_json_is_400(client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/api/video/rooms", content=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 400
    assert "JSON" in r.json()["message"]


async def test_non_standard_json_constants_are_400(client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/api/video/rooms",
        content=b'{"name": "r", "max_members": NaN}',
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 400
    assert "NaN" in r.json()["message"]


async def test_wrong_content_type_is_415(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/video/rooms", data={"name": "r"})
    assert r.status_code == 415
    r = await client.post(f"{B}/Messages", json={"To": "+1", "From": "+2", "Body": "x"})
    assert r.status_code == 415
    assert "x-www-form-urlencoded" in r.json()["message"]


async def test_body_on_bodyless_operation_is_422(client: httpx.AsyncClient) -> None:
    r = await client.request("DELETE", f"/api/video/rooms/{CALL_ID}", json={"x": 1})
    assert r.status_code == 422
    assert r.json()["errors"][0]["code"] == "unexpected_body"
    r = await client.request("DELETE", f"/api/video/rooms/{CALL_ID}", json={})
    assert r.status_code == 204


async def test_unknown_query_param_is_422(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/relay/rest/phone_numbers/search", params={"area_code": "555"})
    assert r.status_code == 422
    assert r.json()["errors"][0]["attribute"] == "area_code"
    r = await client.get("/api/relay/rest/phone_numbers/search", params={"areacode": "555"})
    assert r.status_code == 200


async def test_lenient_query_mode() -> None:
    fake = FakeRestPlatform(strict_query=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=fake), base_url="http://x", auth=fake.auth
    ) as c:
        r = await c.get("/api/relay/rest/phone_numbers/search", params={"area_code": "555"})
    assert r.status_code == 200


async def test_query_values_are_coerced_then_validated(
    client: httpx.AsyncClient, fake_rest: FakeRestPlatform
) -> None:
    ok = await client.get("/api/relay/rest/phone_numbers/search", params={"max_results": "5"})
    assert ok.status_code == 200
    bad = await client.get("/api/relay/rest/phone_numbers/search", params={"max_results": "x"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["attribute"] == "max_results"
    r = await client.get("/api/fabric/resources/ai_agents", params={"page_size": "big"})
    assert r.status_code == 422


async def test_compat_form_body_is_parsed_coerced_and_validated(
    client: httpx.AsyncClient, fake_rest: FakeRestPlatform
) -> None:
    r = await client.post(
        f"{B}/Calls",
        content="To=%2B15551234567&From=%2B15557654321&Url=https%3A%2F%2Fa.b%2Fx"
        "&StatusCallbackEvent=initiated&StatusCallbackEvent=answered&Timeout=30",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 200, r.text  # the spec declares 200 for create_a_call
    entry = fake_rest.journal.last
    assert entry.body["To"] == "+15551234567"
    assert entry.body["StatusCallbackEvent"] == ["initiated", "answered"]
    assert entry.body["Timeout"] == "30"  # the journal keeps what was sent
    assert r.json()["to"] == "+15551234567"  # echoed, PascalCase -> snake_case
    bad = await client.post(f"{B}/Calls", data={"To": "+1", "From": "+2", "Timeout": "soon"})
    assert bad.status_code == 422
    assert "Timeout" in bad.json()["message"]
    missing = await client.post(f"{B}/Calls", data={"From": "+2"})
    assert missing.status_code == 422
    assert missing.json()["message"] == "'To' is required"


async def test_compat_tokens_patch_takes_json(client: httpx.AsyncClient) -> None:
    r = await client.patch(f"{B}/tokens/{CALL_ID}", json={"name": "renamed"})
    assert r.status_code == 200, r.text


# -- calling commands ---------------------------------------------------------


async def test_calling_dial_echoes_params(client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/api/calling/calls",
        json={
            "command": "dial",
            "params": {"from": "+15551112222", "to": "+15553334444", "url": "https://a.b/swml"},
        },
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["from"], body["to"]) == ("+15551112222", "+15553334444")


async def test_calling_unknown_command_is_422_naming_command(client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/api/calling/calls", json={"command": "calling.nope", "id": CALL_ID, "params": {}}
    )
    assert r.status_code == 422
    err = r.json()["errors"][0]
    assert err["attribute"] == "command"
    assert "calling.play" in err["message"]
    r = await client.post("/api/calling/calls", json={"id": CALL_ID, "params": {}})
    assert r.json()["errors"][0]["attribute"] == "command"


async def test_calling_command_params_are_validated(client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/api/calling/calls",
        json={"command": "calling.play.stop", "id": CALL_ID, "params": {}},
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["attribute"] == "params.control_id"
    # Starting a play without a control_id is a documented exception: the platform assigns one.
    r = await client.post(
        "/api/calling/calls",
        json={
            "command": "calling.play",
            "id": CALL_ID,
            "params": {"play": [{"type": "tts", "params": {"text": "hi"}}]},
        },
    )
    assert r.status_code == 200, r.text
    r = await client.post(
        "/api/calling/calls",
        json={"command": "calling.play", "id": CALL_ID, "params": {"control_id": "c1"}},
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["attribute"] == "params.play"
    r = await client.post(
        "/api/calling/calls",
        json={
            "command": "calling.play",
            "id": CALL_ID,
            "params": {"control_id": "c1", "play": [{"type": "tts", "params": {"text": "hi"}}]},
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["id"] == CALL_ID


async def test_json_rpc_calling_endpoint(
    client: httpx.AsyncClient, fake_rest: FakeRestPlatform
) -> None:
    r = await client.post(
        "/api/calling/rpc",
        json={
            "jsonrpc": "2.0",
            "id": 7,
            "method": "calling.dial",
            "params": {"from": "+1", "to": "+2", "url": "https://a.b"},
        },
    )
    assert r.status_code == 200
    body = r.json()
    assert body["id"] == 7
    assert (body["result"]["from"], body["result"]["to"]) == ("+1", "+2")
    assert fake_rest.journal.last.operation_id == "calling.dial"
    assert fake_rest.journal.last.spec == "rpc"


@pytest.mark.parametrize(
    ("payload", "code", "attribute"),
    [
        (
            {"jsonrpc": "2.0", "id": 1, "method": "calling.dial", "params": {"from": "+1"}},
            -32602,
            "to",
        ),
        (
            {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "calling.end",
                "params": {"id": "c", "reason": "nope"},
            },
            -32602,
            "reason",
        ),
        (
            {"jsonrpc": "2.0", "id": 1, "method": "calling.end", "params": {"id": "c", "extra": 1}},
            -32602,
            "extra",
        ),
        (
            {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "calling.ai_hold",
                "params": {"id": "c", "timeout": 301},
            },
            -32602,
            "timeout",
        ),
        ({"jsonrpc": "2.0", "id": 1, "method": "calling.play", "params": {}}, -32601, None),
        ({"id": 1, "method": "calling.end", "params": {"id": "c"}}, -32600, None),
    ],
)
async def test_json_rpc_errors(
    client: httpx.AsyncClient, payload: dict[str, Any], code: int, attribute: str | None
) -> None:
    r = await client.post("/api/calling/rpc", json=payload)
    assert r.status_code == 200
    error = r.json()["error"]
    assert error["code"] == code
    if attribute is not None:
        assert error["data"]["attribute"] == attribute


async def test_json_rpc_auth_and_parse_errors(client: httpx.AsyncClient) -> None:
    assert (await client.post("/api/calling/rpc", json={}, auth=None)).status_code == 401
    r = await client.post(
        "/api/calling/rpc", content=b"{", headers={"Content-Type": "application/json"}
    )
    assert r.json()["error"]["code"] == -32700
    assert (await client.get("/api/calling/rpc")).status_code == 405


# -- responses ----------------------------------------------------------------


async def test_created_resource_reflects_posted_fields(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/video/rooms", json={"name": "standup", "max_members": 7})
    assert r.status_code == 200  # as the spec declares
    assert (r.json()["name"], r.json()["max_members"]) == ("standup", 7)


async def test_fabric_resource_reflects_nested_fields_and_path_id(
    client: httpx.AsyncClient,
) -> None:
    r = await client.patch(f"/api/fabric/resources/ai_agents/{AGENT_ID}", json={"name": "Ava"})
    assert r.status_code == 200, r.text
    assert r.json()["id"] == AGENT_ID
    assert r.json()["ai_agent"]["name"] == "Ava"


async def test_responses_are_deterministic(client: httpx.AsyncClient) -> None:
    a = (await client.get(f"/api/video/rooms/{CALL_ID}")).json()
    b = (await client.get(f"/api/video/rooms/{CALL_ID}")).json()
    assert a == b
    assert a["id"] == CALL_ID


async def test_stub_replaces_the_answer(
    client: httpx.AsyncClient, fake_rest: FakeRestPlatform
) -> None:
    stub = fake_rest.stub("list_rooms", {"custom": True}, status=200, times=1)
    assert (await client.get("/api/video/rooms")).json() == {"custom": True}
    assert "data" in (await client.get("/api/video/rooms")).json()
    assert stub.hits == 1
    fake_rest.stub("list_rooms", raw_body=b"<html>", content_type="text/html")
    r = await client.get("/api/video/rooms")
    assert (r.status_code, r.text, r.headers["content-type"]) == (
        200,
        "<html>",
        "text/html; charset=utf-8",
    )
    # validation still runs before a stub answers
    assert (await client.get("/api/video/rooms", params={"bogus": "1"})).status_code == 422


async def test_is_a_starlette_app_that_can_be_mounted() -> None:
    from starlette.applications import Starlette
    from starlette.routing import Mount

    fake = FakeRestPlatform()
    assert isinstance(fake, Starlette)
    outer = Starlette(routes=[Mount("/platform", app=fake)])
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=outer), base_url="http://x", auth=fake.auth
    ) as c:
        fake.set_list_size(3, page_size=2)
        r = await c.get("/platform/api/video/rooms")
        assert r.status_code == 200, r.text
        assert fake.journal.last.operation_id == "list_rooms"
        assert fake.journal.last.path == "/api/video/rooms"
        nxt = r.json()["links"]["next"]
        assert nxt.startswith("http://x/platform/api/video/rooms?")
        assert len((await c.get(nxt)).json()["data"]) == 1
        r = await c.get(f"/platform{B}/Calls")
        assert r.json()["next_page_uri"].startswith(f"/platform{B}/Calls?")


def test_operation_lookup(fake_rest: FakeRestPlatform) -> None:
    assert (
        fake_rest.operation("compat:list_all_calls").path
        == f"{B.rsplit('/', 1)[0]}/{{AccountSid}}/Calls"
    )
    assert fake_rest.operation("POST /api/pubsub/tokens").operation_id == "create_token"
    with pytest.raises(KeyError):
        fake_rest.operation("create_token")  # two operations share this id
    assert len(fake_rest.operations) == 332


# -- pagination ---------------------------------------------------------------


async def _walk_rest(client: httpx.AsyncClient, path: str, **params: Any) -> list[dict[str, Any]]:
    pages = []
    url: str | None = path
    query: dict[str, Any] | None = params
    while url is not None:
        r = await client.get(url, params=query)
        assert r.status_code == 200, r.text
        pages.append(r.json())
        url, query = r.json()["links"].get("next"), None
        assert len(pages) < 20
    return pages


async def test_rest_pagination_walks_next_links(
    client: httpx.AsyncClient, fake_rest: FakeRestPlatform
) -> None:
    fake_rest.set_list_size(5, page_size=2)
    pages = await _walk_rest(client, "/api/voice/logs")
    assert [len(p["data"]) for p in pages] == [2, 2, 1]
    ids = [item["id"] for p in pages for item in p["data"]]
    assert len(set(ids)) == 5
    nxt = urlsplit(pages[0]["links"]["next"])
    assert (nxt.scheme, nxt.netloc, nxt.path) == ("http", "test.signalwire.com", "/api/voice/logs")
    q = parse_qs(nxt.query)
    assert q["page_token"] and q["page_number"] == ["1"] and q["page_size"] == ["2"]
    assert "next" not in pages[-1]["links"]
    assert "prev" in pages[-1]["links"]


async def test_rest_pagination_honours_request_page_size_and_filters(
    client: httpx.AsyncClient, fake_rest: FakeRestPlatform
) -> None:
    fake_rest.set_list_size(3)
    pages = await _walk_rest(client, "/api/relay/rest/phone_numbers", page_size=1, filter_name="x")
    assert [len(p["data"]) for p in pages] == [1, 1, 1]
    assert parse_qs(urlsplit(pages[0]["links"]["next"]).query)["filter_name"] == ["x"]


async def test_rest_bad_page_token_is_422(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/voice/logs", params={"page_token": "garbage"})
    assert r.status_code == 422
    assert r.json()["errors"][0]["attribute"] == "page_token"


async def test_rest_page_number_needs_a_token(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/voice/logs", params={"page_number": "1"})
    assert r.status_code == 422
    assert r.json()["errors"][0]["attribute"] == "page_token"
    assert (await client.get("/api/voice/logs", params={"page_number": "0"})).status_code == 200


async def test_empty_list(client: httpx.AsyncClient, fake_rest: FakeRestPlatform) -> None:
    fake_rest.set_list_size(0, path_prefix="/api/voice")
    r = await client.get("/api/voice/logs")
    assert r.json()["data"] == []
    assert "next" not in r.json()["links"]
    assert len((await client.get("/api/fax/logs")).json()["data"]) == 2


async def test_compat_pagination_walks_next_page_uri(
    client: httpx.AsyncClient, fake_rest: FakeRestPlatform
) -> None:
    fake_rest.set_list_size(3, page_size=2)
    first = (await client.get(f"{B}/Messages/{CALL_ID}/Media")).json()
    assert len(first["media_list"]) == 2
    assert first["next_page_uri"].startswith(f"{B}/Messages/{CALL_ID}/Media?")
    assert first["page"] == 0 and first["page_size"] == 2
    second = (await client.get(first["next_page_uri"])).json()
    assert len(second["media_list"]) == 1
    assert second["next_page_uri"] is None
    assert second["previous_page_uri"] is not None
    q = parse_qs(urlsplit(first["next_page_uri"]).query)
    assert q["Page"] == ["1"] and q["PageToken"]


async def test_bare_array_list(client: httpx.AsyncClient, fake_rest: FakeRestPlatform) -> None:
    fake_rest.set_list_size(3)
    r = await client.get("/api/fabric/resources/sip_endpoints")
    assert isinstance(r.json(), list) and len(r.json()) == 3


# -- failure injection --------------------------------------------------------


async def test_inject_429_with_retry_after_twice(
    client: httpx.AsyncClient, fake_rest: FakeRestPlatform
) -> None:
    rule = fake_rest.inject_failure(status=429, retry_after=1, times=2)
    first = await client.get("/api/video/rooms")
    second = await client.get("/api/video/rooms")
    third = await client.get("/api/video/rooms")
    assert [first.status_code, second.status_code, third.status_code] == [429, 429, 200]
    assert first.headers["retry-after"] == "1"
    assert first.json() == {"error": "Too Many Requests"}
    assert rule.hits == 2 and rule.remaining == 0
    assert [e.status for e in fake_rest.journal] == [429, 429, 200]
    assert fake_rest.journal[0].operation_id == "list_rooms"


async def test_inject_filters_by_path_method_and_operation(
    client: httpx.AsyncClient, fake_rest: FakeRestPlatform
) -> None:
    fake_rest.inject_failure(
        503,
        retry_after="Wed, 21 Oct 2026 07:28:00 GMT",
        path_prefix="/api/voice",
        method="GET",
        times=None,
    )
    fake_rest.inject_failure(503, operation_id="compat:list_all_calls")
    assert (await client.get("/api/video/rooms")).status_code == 200
    r = await client.get("/api/voice/logs")
    assert (r.status_code, r.headers["retry-after"]) == (503, "Wed, 21 Oct 2026 07:28:00 GMT")
    assert (await client.get("/api/voice/logs")).status_code == 503
    r = await client.get(f"{B}/Calls")
    assert r.status_code == 503
    assert r.json()["status"] == 503
    assert (await client.get(f"{B}/Calls")).status_code == 200


async def test_selectors_disambiguate_the_shared_operation_id(
    client: httpx.AsyncClient, fake_rest: FakeRestPlatform
) -> None:
    fake_rest.inject_failure(503, operation_id="POST /api/pubsub/tokens", times=None)
    fake_rest.stub("POST /api/project/tokens", {"project": True})
    r = await client.post("/api/pubsub/tokens", json={"ttl": 10, "channels": {"c": {"read": True}}})
    assert r.status_code == 503
    r = await client.post("/api/project/tokens", json={"name": "t", "permissions": ["calling"]})
    assert r.json() == {"project": True}


async def test_failure_fires_before_auth(
    client: httpx.AsyncClient, fake_rest: FakeRestPlatform
) -> None:
    fake_rest.inject_failure(503)
    assert (await client.get("/api/video/rooms", auth=None)).status_code == 503


async def test_disconnect_through_asgi_is_a_transport_error(
    client: httpx.AsyncClient, fake_rest: FakeRestPlatform
) -> None:
    fake_rest.inject_failure(disconnect=True)
    with pytest.raises(httpx.TransportError):
        await client.get("/api/video/rooms")
    assert (await client.get("/api/video/rooms")).status_code == 200


async def test_delay_only(client: httpx.AsyncClient, fake_rest: FakeRestPlatform) -> None:
    fake_rest.inject_failure(status=0, delay=0.5)
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(client.get("/api/video/rooms"), 0.1)
    r = await asyncio.wait_for(client.get("/api/video/rooms"), 5)
    assert r.status_code == 200


async def test_reset(client: httpx.AsyncClient, fake_rest: FakeRestPlatform) -> None:
    fake_rest.inject_failure(503, times=None)
    fake_rest.stub("list_rooms", {})
    fake_rest.set_list_size(9)
    assert (await client.get("/api/video/rooms")).status_code == 503
    fake_rest.reset()
    assert len(fake_rest.journal) == 0
    r = await client.get("/api/video/rooms")
    assert r.status_code == 200
    assert len(r.json()["data"]) == 2


# -- journal ------------------------------------------------------------------


async def test_journal_records_everything(
    client: httpx.AsyncClient, fake_rest: FakeRestPlatform
) -> None:
    await client.post(
        "/api/video/rooms?x-ignored=1", json={"name": "r"}, headers={"User-Agent": "probe/1"}
    )
    await client.get(
        "/api/relay/rest/phone_numbers/search", params=[("areacode", "1"), ("areacode", "2")]
    )
    first, second = fake_rest.journal.entries
    assert first.method == "POST" and first.path == "/api/video/rooms"
    assert first.query == {"x-ignored": ["1"]}
    assert first.status == 422  # undeclared query parameter
    assert first.headers["user-agent"] == "probe/1"
    assert first.headers["authorization"] == fake_rest.basic_auth_header
    assert first.body == {"name": "r"}
    assert first.raw_body == b'{"name":"r"}'
    assert first.content_type == "application/json"
    assert second.query == {"areacode": ["1", "2"]}
    assert second.query_value("areacode") == "2"
    assert second.response["data"]
    assert fake_rest.journal.find("search_available_phone_numbers") == [second]
    assert fake_rest.journal.find(method="post", status=422) == [first]
    assert fake_rest.journal.find(path_prefix="/api/relay") == [second]
    fake_rest.journal.clear()
    with pytest.raises(IndexError):
        _ = fake_rest.journal.last


async def test_journal_keeps_the_raw_encoding(
    client: httpx.AsyncClient, fake_rest: FakeRestPlatform
) -> None:
    await client.get("/api/relay/rest/phone_numbers", params={"filter_name": "a b&c+d=é"})
    entry = fake_rest.journal.last
    assert entry.raw_query == "filter_name=a+b%26c%2Bd%3D%C3%A9"
    assert entry.query == {"filter_name": ["a b&c+d=é"]}
    await client.get("/api/video/rooms/a%2Fb")
    assert fake_rest.journal.last.raw_path == "/api/video/rooms/a%2Fb"
    assert fake_rest.journal.last.path_params == {"name": "a/b"}


async def test_on_request_hook_sees_finished_entries() -> None:
    seen: list[tuple[str, int]] = []
    fake = FakeRestPlatform(on_request=lambda e: seen.append((e.operation_id or "", e.status)))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=fake), base_url="http://x", auth=fake.auth
    ) as c:
        await c.get("/api/video/rooms")
        await c.get("/api/video/rooms", auth=None)
    assert seen == [("list_rooms", 200), ("list_rooms", 401)]


async def test_journal_keeps_error_bodies(
    client: httpx.AsyncClient, fake_rest: FakeRestPlatform
) -> None:
    await client.post("/api/video/rooms", json={})
    assert fake_rest.journal.last.response["errors"][0]["attribute"] == "name"


def test_plugin_import_is_cheap() -> None:
    code = (
        "import sys\n"
        "import signalwire.testing.rest.pytest_plugin, signalwire.testing.rest\n"
        "heavy = [m for m in ('starlette', 'yaml', 'jsonschema', 'uvicorn') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_the_fake_never_imports_the_sdk() -> None:
    import ast
    from pathlib import Path

    import signalwire.testing.rest

    # The whole kit, not only the REST fake: it may import itself, never the SDK it checks.
    folder = Path(signalwire.testing.rest.__file__).parent.parent
    imported = set()
    for file in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
    assert "signalwire.testing.rest._app" in imported  # the scan sees imports
    sdk = [
        m
        for m in imported
        if m == "signalwire"
        or (m.startswith("signalwire.") and not m.startswith("signalwire.testing"))
    ]
    # The one exception: the error raised when signalwire-sdk shadows the namespace
    # (signalwire-core's, loaded only then); it builds a message, never a model.
    sdk = [m for m in sdk if m != "signalwire.core._clash"]
    assert not sdk


def test_specs_are_read_from_the_committed_data() -> None:
    from signalwire.testing.rest import _spec
    from signalwire.testing.specs import DATA_DIR, spec_path

    for name, source in _spec.SPEC_FILES.items():
        assert spec_path(source).parent == DATA_DIR
        assert _spec.load_spec(name) is _spec.load_spec(name)  # parsed once
    assert len(_spec.load_spec("rpc")["methods"]) == 8
    with pytest.raises(KeyError, match="unknown spec 'nope'"):
        _spec.load_spec("nope")


# -- real HTTP ----------------------------------------------------------------


def test_server_fixture_serves_real_http(fake_rest_server: FakeRestServer) -> None:
    assert fake_rest_server.base_url.startswith("http://127.0.0.1:")
    assert fake_rest_server.host == fake_rest_server.base_url.removeprefix("http://")
    with httpx.Client(base_url=fake_rest_server.base_url, auth=fake_rest_server.auth) as c:
        r = c.get("/api/fabric/resources/ai_agents")
        assert r.status_code == 200
        links = r.json()["links"]
        assert links["self"].startswith(fake_rest_server.base_url)
        fake_rest_server.inject_failure(429, retry_after=2)
        assert c.get("/api/fabric/resources/ai_agents").headers["retry-after"] == "2"
    assert fake_rest_server.journal.last.status == 429
    assert fake_rest_server.app.journal is fake_rest_server.journal


def test_shared_server_is_reset_between_uses(fake_rest_shared_server: FakeRestServer) -> None:
    assert len(fake_rest_shared_server.journal) == 0
    fake_rest_shared_server.inject_failure(503, times=None)
    with httpx.Client(base_url=fake_rest_shared_server.base_url) as c:
        assert c.get("/api/video/rooms").status_code == 503


def test_shared_server_was_reset(fake_rest_shared_server: FakeRestServer) -> None:
    assert len(fake_rest_shared_server.journal) == 0
    with httpx.Client(
        base_url=fake_rest_shared_server.base_url, auth=fake_rest_shared_server.auth
    ) as c:
        assert c.get("/api/video/rooms").status_code == 200


def test_server_disconnect_is_a_transport_error(fake_rest_server: FakeRestServer) -> None:
    fake_rest_server.inject_failure(disconnect=True)
    with httpx.Client(base_url=fake_rest_server.base_url, auth=fake_rest_server.auth) as c:
        with pytest.raises(httpx.TransportError):
            c.get("/api/video/rooms")
        assert c.get("/api/video/rooms").status_code == 200


def test_server_context_manager_stops_cleanly() -> None:
    with FakeRestServer() as server:
        assert server.running
        assert httpx.get(f"{server.base_url}/api/video/rooms", auth=server.auth).status_code == 200
    assert not server.running


def test_standalone_prints_url_and_credentials() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "signalwire.testing.rest", "--port", "0", "--list-size", "3", "-v"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(4)]  # printed once listening
        assert lines[0].startswith("fake SignalWire REST platform on http://127.0.0.1:")
        url = lines[0].rsplit(" ", 1)[1].strip()
        assert lines[1].strip() == f"SIGNALWIRE_SPACE={url.removeprefix('http://')}"
        assert lines[2].strip() == f"SIGNALWIRE_PROJECT_ID={DEFAULT_PROJECT}"
        token = lines[3].strip().split("=", 1)[1]
        r = httpx.get(f"{url}/api/video/rooms", auth=(DEFAULT_PROJECT, token), timeout=10)
        assert r.status_code == 200
        assert len(r.json()["data"]) == 3
        assert proc.stdout.readline().strip() == "GET /api/video/rooms -> 200 rest:list_rooms"
    finally:
        proc.terminate()
        proc.wait(10)
