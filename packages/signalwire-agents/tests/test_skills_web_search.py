"""The web_search skill against a fake Custom Search API and fake result pages."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from skills_testkit import call_tool, fetch, functions, new_agent

from signalwire_devtools.services import FakeServices

pytestmark = pytest.mark.asyncio


@pytest.fixture(autouse=True)
def _no_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GOOGLE_SEARCH_API_KEY", "GOOGLE_SEARCH_ENGINE_ID", "SWML_ALLOW_PRIVATE_URLS"):
        monkeypatch.delenv(name, raising=False)


def search_agent(fake: FakeServices, **params: Any) -> Any:
    agent = new_agent()
    agent.add_skill(
        "web_search",
        {
            "api_key": "test-key",
            "search_engine_id": "engine-1",
            "base_url": f"{fake.base_url}/google-cse",
            "allow_private_urls": True,
            "min_quality_score": 0.1,
            **params,
        },
    )
    return agent


async def test_search_reads_and_ranks_pages(fake_services: FakeServices) -> None:
    agent = search_agent(
        fake_services, num_results=2, response_prefix="PRE", response_postfix="POST"
    )
    out = await call_tool(agent, "web_search", {"query": "python programming"})
    text = out["response"]
    assert text.startswith("PRE\n\nQuality web search results for 'python programming':")
    assert text.endswith("POST")
    assert "=== RESULT 1 (Quality: " in text and "=== RESULT 2 (Quality: " in text
    assert "Title: Example result one" in text and "Source: example.org" in text
    assert "integrate systems more effectively" in text and "Guido van Rossum" in text
    assert "alert(" not in text
    (search,) = fake_services.requests_to("/google-cse")
    assert search.query == {
        "key": "test-key",
        "cx": "engine-1",
        "q": "python programming",
        "num": "5",
    }


async def test_snippets_only_and_unreadable_pages(fake_services: FakeServices) -> None:
    agent = search_agent(fake_services, snippets_only=True)
    out = await call_tool(agent, "web_search", {"query": "python"})
    assert out["response"].startswith("Search snippets (pages not read) for 'python':")
    assert "Snippet: The first result's snippet." in out["response"]
    assert not fake_services.requests_to("/site")
    fake_services.fail("/site/", 500)
    fallback = await call_tool(search_agent(fake_services), "web_search", {"query": "python"})
    assert fallback["response"].startswith("The pages could not be read; search snippets")


async def test_no_hits_low_quality_and_empty_query(fake_services: FakeServices) -> None:
    fake_services.data["cse_items"] = []
    agent = search_agent(fake_services, no_results_message="Nothing on {query}.")
    assert (await call_tool(agent, "web_search", {"query": "zzz"}))["response"] == "Nothing on zzz."
    fake_services.reset()
    strict = search_agent(
        fake_services, min_quality_score=1.0, no_results_message="Nothing on {query}."
    )
    assert (await call_tool(strict, "web_search", {"query": "python"}))[
        "response"
    ] == "Nothing on python."
    empty = await call_tool(agent, "web_search", {"query": " "})
    assert "What would you like me to search" in empty["response"]


async def test_search_api_failures_are_speakable(fake_services: FakeServices) -> None:
    bad = new_agent()
    bad.add_skill(
        "web_search",
        {
            "api_key": "wrong-key",
            "search_engine_id": "e",
            "base_url": f"{fake_services.base_url}/google-cse",
        },
    )
    out = await call_tool(bad, "web_search", {"query": "python"})
    assert out["response"].startswith("Sorry, the web search is not working")
    assert "wrong-key" not in out["response"]
    fake_services.fail("/google-cse", status=0, delay=2.0, times=1)
    slow = await call_tool(
        search_agent(fake_services, overall_deadline=1.0), "web_search", {"query": "python"}
    )
    assert "too long" in slow["response"]


async def test_slow_page_is_dropped_within_the_deadline(fake_services: FakeServices) -> None:
    async def stuck() -> AsyncIterator[bytes]:
        yield b"<p>start"
        await asyncio.sleep(30)

    fake_services.pages["result2.html"] = ("text/html", stuck)
    agent = search_agent(fake_services, per_page_timeout=0.5, overall_deadline=2.0)
    out = await call_tool(agent, "web_search", {"query": "python"})
    assert "integrate systems" in out["response"] and "Example result two" not in out["response"]
    sequential = search_agent(fake_services, per_page_timeout=0.5, parallel_scrape=False, delay=0)
    out2 = await call_tool(sequential, "web_search", {"query": "python"})
    assert "integrate systems" in out2["response"]


async def test_result_pages_on_private_addresses_are_not_read(fake_services: FakeServices) -> None:
    agent = search_agent(fake_services, allow_private_urls=False)
    out = await call_tool(agent, "web_search", {"query": "python"})
    assert out["response"].startswith("The pages could not be read; search snippets")
    assert not fake_services.requests_to("/site")


async def test_instances_schema_and_missing_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    agent = new_agent()
    agent.add_skill("web_search", {"api_key": "k", "search_engine_id": "a"})
    agent.add_skill(
        "web_search", {"api_key": "k", "search_engine_id": "b", "tool_name": "news_search"}
    )
    doc = await fetch(agent)
    assert {"web_search", "news_search"} <= set(functions(doc))
    ai = next(v["ai"] for v in doc["sections"]["main"] if "ai" in v)
    assert ai["global_data"]["web_search_enabled"] is True
    assert agent.has_skill("web_search_a_web_search")
    with pytest.raises(ValueError, match=r"'api_key'.*GOOGLE_SEARCH_API_KEY"):
        new_agent().add_skill("web_search", {"search_engine_id": "x"})
    with pytest.raises(ValueError, match=r"'search_engine_id'.*GOOGLE_SEARCH_ENGINE_ID"):
        new_agent().add_skill("web_search", {"api_key": "x"})
    with pytest.raises(ValueError, match="oversample_factor"):
        new_agent().add_skill(
            "web_search", {"api_key": "x", "search_engine_id": "y", "oversample_factor": 9}
        )
    monkeypatch.setenv("GOOGLE_SEARCH_API_KEY", "env-k")
    monkeypatch.setenv("GOOGLE_SEARCH_ENGINE_ID", "env-e")
    from_env = new_agent()
    from_env.add_skill("web_search")
    assert from_env.has_skill("web_search_env-e_web_search")


async def test_malformed_result_links_are_skipped(fake_services: FakeServices) -> None:
    fake_services.data["cse_items"] = [
        {"title": "bad", "link": "https://[::1", "snippet": "s"},
        {"title": "ftp", "link": "ftp://x/", "snippet": "s"},
        {"title": "odd", "link": 5},
        *fake_services.data["cse_items"],
    ]
    out = await call_tool(
        search_agent(fake_services, snippets_only=True, num_results=5),
        "web_search",
        {"query": "python"},
    )
    assert "Title: Example result one" in out["response"] and "Title: bad" not in out["response"]
