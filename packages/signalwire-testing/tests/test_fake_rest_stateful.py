"""Stateful resources, in-process transports (sync and async) and failures, with the SDK's clients."""

from __future__ import annotations

import httpx
import pytest

from signalwire.rest import AsyncRestClient, RestClient, SignalWireRestError
from signalwire.testing.rest import FakeRestPlatform, FakeRestServer

HOST = "test.signalwire.com"


@pytest.fixture
def fake() -> FakeRestPlatform:
    return FakeRestPlatform()


def test_create_get_list_update_delete_in_process(fake: FakeRestPlatform) -> None:
    with RestClient(fake.project, fake.token, HOST, transport=fake.transport()) as client:
        created = client.fabric.ai_agents.create(name="Bot", prompt={"text": "hi"})
        rid = created["id"]
        assert client.fabric.ai_agents.get(rid)["id"] == rid
        other = client.fabric.ai_agents.create(name="Bot 2", prompt={"text": "yo"})
        listed = client.fabric.ai_agents.list()
        assert [r["id"] for r in listed["data"]] == [rid, other["id"]]
        client.fabric.ai_agents.update(rid, name="Renamed")
        assert client.fabric.ai_agents.get(rid)["ai_agent"]["name"] == "Renamed"
        client.fabric.ai_agents.delete(rid)
        with pytest.raises(SignalWireRestError, match=rf"404.*{rid} was deleted"):
            client.fabric.ai_agents.get(rid)
        assert [r["id"] for r in client.fabric.ai_agents.list()["data"]] == [other["id"]]
    assert fake.journal.last.operation_id == "list_ai_agents"


def test_unknown_id_in_a_stateful_collection_is_404(fake: FakeRestPlatform) -> None:
    with RestClient(fake.project, fake.token, HOST, transport=fake.transport()) as client:
        client.fabric.ai_agents.create(name="Bot", prompt={"text": "hi"})
        missing = "00000000-0000-4000-8000-00000000abcd"
        with pytest.raises(SignalWireRestError, match=f"{missing} does not exist"):
            client.fabric.ai_agents.get(missing)


def test_stored_lists_page(fake: FakeRestPlatform) -> None:
    with RestClient(fake.project, fake.token, HOST, transport=fake.transport()) as client:
        ids = [
            client.fabric.ai_agents.create(name=f"B{i}", prompt={"text": "x"})["id"]
            for i in range(5)
        ]
        first = client.fabric.ai_agents.list(page_size=2)
        assert [r["id"] for r in first["data"]] == ids[:2]
        assert "next" in first["links"]
        every = [r["id"] for r in client.paginate(client.fabric.ai_agents.list, page_size=2)]
        assert every == ids


def test_compat_messages_are_stateful(fake: FakeRestPlatform) -> None:
    with RestClient(fake.project, fake.token, HOST, transport=fake.transport()) as client:
        sent = client.compat.messages.create(To="+15550100001", From="+15550100002", Body="hi")
        assert client.compat.messages.get(sent["sid"])["sid"] == sent["sid"]
        assert [m["sid"] for m in client.compat.messages.list()["messages"]] == [sent["sid"]]


async def test_async_client_in_process(fake: FakeRestPlatform) -> None:
    async with AsyncRestClient(
        fake.project, fake.token, HOST, transport=fake.async_transport()
    ) as client:
        created = await client.fabric.ai_agents.create(name="Bot", prompt={"text": "hi"})
        assert (await client.fabric.ai_agents.get(created["id"]))["id"] == created["id"]


async def test_sync_transport_works_inside_a_running_loop(fake: FakeRestPlatform) -> None:
    with RestClient(fake.project, fake.token, HOST, transport=fake.transport()) as client:
        assert client.fabric.ai_agents.create(name="Bot", prompt={"text": "hi"})["id"]


def test_state_over_real_http_and_reset() -> None:
    with FakeRestServer() as server:
        client = RestClient(server.project, server.token, server.host)
        created = client.fabric.ai_agents.create(name="Bot", prompt={"text": "hi"})
        assert client.fabric.ai_agents.get(created["id"])["id"] == created["id"]
        assert list(server.app.store.snapshot()) == ["/api/fabric/resources/ai_agents"]
        server.app.reset()
        assert server.app.store.snapshot() == {}
        client.close()


def test_injected_429_with_retry_after_and_5xx(fake: FakeRestPlatform) -> None:
    fake.inject_failure(429, retry_after=0, times=1, operation_id="list_ai_agents")
    fake.inject_failure(500, times=1, operation_id="get_ai_agent")
    transport = fake.transport()
    with httpx.Client(transport=transport, base_url="http://fake", auth=fake.auth) as raw:
        first = raw.get("/api/fabric/resources/ai_agents")
        assert first.status_code == 429 and first.headers["Retry-After"] == "0"
        assert raw.get("/api/fabric/resources/ai_agents").status_code == 200
        assert (
            raw.get(
                "/api/fabric/resources/ai_agents/00000000-0000-4000-8000-000000000001"
            ).status_code
            == 500
        )


def test_a_slow_fake_is_a_read_timeout_not_a_hang(fake: FakeRestPlatform) -> None:
    fake.inject_failure(200, delay=5, times=1)
    with (
        httpx.Client(
            transport=fake.transport(timeout=0.2), base_url="http://fake", auth=fake.auth
        ) as raw,
        pytest.raises(httpx.ReadTimeout, match="did not answer in time"),
    ):
        raw.get("/api/fabric/resources/ai_agents")


def test_a_request_the_spec_forbids_names_the_field(fake: FakeRestPlatform) -> None:
    with httpx.Client(transport=fake.transport(), base_url="http://fake", auth=fake.auth) as raw:
        answer = raw.post("/api/fabric/resources/ai_agents", json={"prompt": {"text": "x"}})
    assert answer.status_code == 422
    assert "name" in answer.text
    assert fake.store.snapshot() == {}


def test_repeated_generated_lists_follow_settings_writes_and_hosts(fake: FakeRestPlatform) -> None:
    # Generated list pages are serialised once and reused: every input they depend on
    # (list settings, stored resources, Host, query) must still change the answer.
    with httpx.Client(transport=fake.transport(), base_url=f"https://{HOST}", auth=fake.auth) as c:
        first = c.get("/api/fabric/resources/ai_agents").json()
        again = c.get("/api/fabric/resources/ai_agents").json()
        assert first == again and len(first["data"]) == 2
        fake.journal.last.response["data"].clear()  # the journal's copy is the test's own
        assert c.get("/api/fabric/resources/ai_agents").json() == first
        assert (
            c.get("/api/fabric/resources/ai_agents").headers["x-request-id"]
            != (c.get("/api/fabric/resources/ai_agents").headers["x-request-id"])
        )

        fake.set_list_size(3, 1)
        paged = c.get("/api/fabric/resources/ai_agents").json()
        assert len(paged["data"]) == 1 and "next" in paged["links"]
        nxt = c.get(paged["links"]["next"]).json()
        assert nxt["data"][0]["id"] != paged["data"][0]["id"]

        other = c.get("/api/fabric/resources/ai_agents", headers={"Host": "other.example"})
        assert other.json()["links"]["self"].startswith("https://other.example/")

        for _ in range(2):  # a page that is a problem answers 422 every time
            bad = c.get("/api/fabric/resources/ai_agents", params={"page_token": "nope"})
            assert bad.status_code == 422 and "page_token" in bad.text

        fake.set_list_size(5)
        made = c.post(
            "/api/fabric/resources/ai_agents", json={"name": "Bot", "prompt": {"text": "hi"}}
        ).json()
        listed = c.get("/api/fabric/resources/ai_agents").json()
        assert [r["id"] for r in listed["data"]] == [made["id"]]
        c.delete(f"/api/fabric/resources/ai_agents/{made['id']}")
        assert c.get("/api/fabric/resources/ai_agents").json()["data"] == []
        fake.reset()
        assert c.get("/api/fabric/resources/ai_agents").json() == first


def test_repeated_generated_compat_lists_follow_settings(fake: FakeRestPlatform) -> None:
    path = f"/api/laml/2010-04-01/Accounts/{fake.project}/Calls"
    with httpx.Client(transport=fake.transport(), base_url=f"https://{HOST}", auth=fake.auth) as c:
        first = c.get(path).json()
        assert c.get(path).json() == first and len(first["calls"]) == 2
        fake.set_list_size(4, 3)
        page = c.get(path).json()
        assert len(page["calls"]) == 3 and page["next_page_uri"]
        assert len(c.get(path, params={"Page": "1"}).json()["calls"]) == 1
