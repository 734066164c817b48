"""The fake's documented-API exceptions accept exactly what they list, nothing more."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signalwire.testing.rest import FakeRestPlatform, platform_exceptions

CALL_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
ROOM = "/api/fabric/resources/conference_rooms/" + CALL_ID


@pytest.fixture
async def client(fake_rest: FakeRestPlatform) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=fake_rest),
        base_url="http://test.signalwire.com",
        auth=fake_rest.auth,
    ) as c:
        yield c


def test_every_exception_names_an_operation_a_field_and_a_reason() -> None:
    data = platform_exceptions()
    assert set(data) == {"relaxed", "undeclared"}
    entries = data["relaxed"] + data["undeclared"]
    assert entries, "no exceptions loaded"
    for entry in entries:
        assert set(entry) == {"operation", "field", "reason"}
        assert entry["operation"].startswith(("calling.", "GET ", "POST ", "PUT ", "PATCH "))
        assert len(entry["reason"]) > 20, entry
    pairs = [(e["operation"], e["field"]) for e in entries]
    assert len(pairs) == len(set(pairs)), "an exception is listed twice"


async def test_a_relaxed_field_may_be_omitted(client: httpx.AsyncClient) -> None:
    # The spec requires agent_id on create; the platform assigns it.
    r = await client.post(
        "/api/fabric/resources/ai_agents", json={"name": "A", "prompt": {"text": "hi"}}
    )
    assert r.status_code in (200, 201), r.text
    # A partial update sent as PUT.
    r = await client.put(ROOM, json={"name": "room"})
    assert r.status_code == 200, r.text


async def test_other_required_fields_are_still_required(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/fabric/resources/ai_agents", json={"prompt": {"text": "hi"}})
    assert r.status_code == 422
    assert r.json()["errors"][0]["attribute"] == "name"


async def test_a_relaxed_field_is_still_type_checked(client: httpx.AsyncClient) -> None:
    r = await client.put(ROOM, json={"sync_audio_video": "yes"})
    assert r.status_code == 422
    assert r.json()["errors"][0]["attribute"] == "sync_audio_video"


async def test_an_undeclared_documented_field_is_accepted(client: httpx.AsyncClient) -> None:
    r = await client.put("/api/relay/rest/sip_profile", json={"username": "alice"})
    assert 200 <= r.status_code < 300, r.text


async def test_other_undeclared_fields_are_still_rejected(client: httpx.AsyncClient) -> None:
    r = await client.put("/api/relay/rest/sip_profile", json={"password": "secret"})
    assert r.status_code == 422
    err = r.json()["errors"][0]
    assert (err["attribute"], err["code"]) == ("password", "unknown_parameter")


async def test_calling_exceptions_apply_to_their_command_only(client: httpx.AsyncClient) -> None:
    # update may omit url (a status change); its undeclared metadata is accepted.
    r = await client.post(
        "/api/calling/calls",
        json={
            "command": "update",
            "params": {"id": CALL_ID, "status": "completed", "metadata": {"k": 1}},
        },
    )
    assert r.status_code == 200, r.text
    # metadata is not an exception for another command.
    r = await client.post(
        "/api/calling/calls",
        json={"command": "calling.end", "id": CALL_ID, "params": {"metadata": {"k": 1}}},
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["attribute"] == "params.metadata"


_SIP_PROFILE_FIELDS = {
    "domain_identifier",
    "default_codecs",
    "default_ciphers",
    "default_encryption",
    "default_send_as",
    "username",  # the documented exception
}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.text(
        alphabet=st.characters(categories=["Ll", "Nd"], include_characters="_"),
        min_size=1,
        max_size=16,
    )
)
def test_any_other_undeclared_field_is_a_422_naming_it(
    fake_rest: FakeRestPlatform, name: str
) -> None:
    # Fuzz: the documented exception lets one field through, never another.
    import asyncio

    async def put() -> httpx.Response:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=fake_rest),
            base_url="http://test.signalwire.com",
            auth=fake_rest.auth,
        ) as c:
            return await c.put("/api/relay/rest/sip_profile", json={name: "x"})

    r = asyncio.run(put())
    if name in _SIP_PROFILE_FIELDS:
        assert r.status_code != 500
        return
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["attribute"] == name
