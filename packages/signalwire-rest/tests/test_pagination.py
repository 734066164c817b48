"""Lazy pagination over REST (links.next) and compat (next_page_uri) lists."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from signalwire.rest import AsyncRestClient, RestClient

UUID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


def test_rest_pages_are_followed_lazily(client: RestClient, fake_rest_server: Any) -> None:
    fake_rest_server.set_list_size(7, path_prefix="/api/voice/logs")
    pages = client.logs.voice.paginate(page_size=3)
    assert fake_rest_server.journal.entries == []  # nothing fetched before iterating
    it = iter(pages)
    first = next(it)
    assert len(fake_rest_server.journal.entries) == 1
    rest = list(it)
    items = [first, *rest]
    assert len(items) == 7
    assert len({i["id"] for i in items}) == 7
    queries = [e.query for e in fake_rest_server.journal.entries]
    assert len(queries) == 3
    assert all("page_token" in q for q in queries[1:])


def test_pages_yields_whole_pages(client: RestClient, fake_rest_server: Any) -> None:
    fake_rest_server.set_list_size(5, path_prefix="/api/fabric/resources/ai_agents")
    pages = list(client.fabric.ai_agents.paginate(page_size=2).pages())
    assert [len(p["data"]) for p in pages] == [2, 2, 1]


def test_compat_pages_follow_next_page_uri(client: RestClient, fake_rest_server: Any) -> None:
    fake_rest_server.set_list_size(5, path_prefix="/api/laml")
    calls = list(client.compat.calls.paginate(PageSize=2))
    assert len(calls) == 5
    assert len(fake_rest_server.journal.entries) == 3
    media = list(client.paginate(client.compat.messages.list_media, UUID, PageSize=4))
    assert len(media) == 5


def test_client_paginate_works_on_any_list_method(
    client: RestClient, fake_rest_server: Any
) -> None:
    fake_rest_server.set_list_size(4, path_prefix="/api/fabric/resources/ai_agents")
    items = list(client.paginate(client.fabric.ai_agents.list_addresses, UUID, page_size=3))
    assert len(items) == 4


def test_bare_array_lists_yield_their_items(client: RestClient, fake_rest_server: Any) -> None:
    items = list(client.fabric.swml_scripts.paginate())
    assert items
    assert len(fake_rest_server.journal.entries) == 1


def test_empty_page_with_next_does_not_stop_and_repeats_stop() -> None:
    pages = {
        "/api/voice/logs": {
            "data": [],
            "links": {"next": "https://x.signalwire.com/api/voice/logs?page_token=A"},
        },
        "/api/voice/logs?page_token=A": {
            "data": [1, 2],
            "links": {"next": "https://x/api/voice/logs?page_token=B"},
        },
        "/api/voice/logs?page_token=B": {
            "data": [3],
            "links": {"next": "https://x/api/voice/logs?page_token=A"},
        },
    }
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        key = request.url.raw_path.decode()
        seen.append(key)
        return httpx.Response(200, json=pages[key])

    client = RestClient("p", "t", "example.signalwire.com", transport=httpx.MockTransport(handler))
    assert list(client.logs.voice.paginate()) == [1, 2, 3]
    assert seen == list(pages)  # the repeated link A was not fetched again


async def test_async_pagination(aclient: AsyncRestClient, fake_rest_server: Any) -> None:
    fake_rest_server.set_list_size(5, path_prefix="/api/messaging/logs")
    items = [item async for item in aclient.logs.messages.paginate(page_size=2)]
    assert len(items) == 5
    pages = [page async for page in aclient.logs.messages.paginate(page_size=2).pages()]
    assert len(pages) == 3


async def test_async_pagination_through_asgi(asgi_client: AsyncRestClient, fake_rest: Any) -> None:
    fake_rest.set_list_size(3, path_prefix="/api/laml")
    items = [i async for i in asgi_client.paginate(asgi_client.compat.queues.list, PageSize=1)]
    assert len(items) == 3


async def test_wrong_iteration_style_is_a_clear_error(aclient: AsyncRestClient) -> None:
    with pytest.raises(TypeError, match="async for"):
        list(aclient.logs.voice.paginate())


def test_sync_paginator_rejects_async_for(client: RestClient) -> None:
    async def consume() -> None:
        async for _ in client.logs.voice.paginate():
            pass

    import asyncio

    with pytest.raises(TypeError, match="plain `for`"):
        asyncio.run(consume())
