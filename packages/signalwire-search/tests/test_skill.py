"""native_vector_search with signalwire-search installed: an agent answers from an index
(file, remote service), through the platform's side of a call (signalwire-testing)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from signalwire.agents import AgentBase
from signalwire.search import SearchService
from signalwire.testing.agents import AgentSession
from signalwire.testing.rest._server import BackgroundServer

AUTH = ("svc", "secret")


def agent_with(params: dict[str, Any]) -> AgentBase:
    agent = AgentBase(name="kb", route="/kb", basic_auth=("u", "p"))
    agent.prompt_add_section("Role", "You answer questions about the product.")
    agent.add_skill("native_vector_search", params)
    return agent


async def test_agent_answers_from_a_local_index(index: Path) -> None:
    agent = agent_with({"index_file": str(index), "count": 2, "response_prefix": "From the docs:"})
    async with AgentSession(agent) as call:
        assert call.tools() == ["search_knowledge"]
        reply = await call.call_tool("search_knowledge", {"query": "how long are recordings kept?"})
    text = reply["response"]
    assert text.startswith("From the docs:\nFound ")
    assert "**Result 1** (from calls/recording.md" in text.replace("\\", "/")
    assert "relevance: " in text and "thirty days" in text


async def test_parameters_shape_the_answer(index: Path) -> None:
    seen: dict[str, Any] = {}

    def callback(**kwargs: Any) -> str:
        seen.update(kwargs)
        return f"{len(kwargs['results'])} passages"

    agent = agent_with(
        {
            "index_file": str(index),
            "tool_name": "ask_docs",
            "count": 3,
            "tags": ["kb"],
            "response_format_callback": callback,
            "description": "Search the product docs",
            "hints": ["SignalWire"],
        }
    )
    async with AgentSession(agent) as call:
        fn = {
            f["function"]: f for f in call.swml["sections"]["main"][-1]["ai"]["SWAIG"]["functions"]
        }["ask_docs"]
        assert fn["description"] == "Search the product docs"
        assert fn["parameters"]["properties"]["count"]["default"] == 3
        reply = await call.call_tool("ask_docs", {"query": "transfer", "count": 50})
    # the AI may ask for fewer results, not more than configured
    assert reply["response"] == "3 passages" and seen["count"] == 3 and seen["query"] == "transfer"
    assert {"response", "agent", "results", "args", "skill"} <= set(seen)


async def test_no_results_and_empty_query(index: Path) -> None:
    agent = agent_with(
        {
            "index_file": str(index),
            "no_results_message": "Nothing about {query} {here}.",
            "similarity_threshold": 0.99,
        }
    )
    async with AgentSession(agent) as call:
        none = await call.call_tool("search_knowledge", {"query": "qqqq zzzz"})
        empty = await call.call_tool("search_knowledge", {"query": " "})
        long = await call.call_tool("search_knowledge", {"query": "x" * 100_000})
    assert none["response"] == "Nothing about qqqq zzzz {here}."  # a stray brace is not an error
    assert empty["response"] == "Please tell me what to search for."
    assert long["response"] == "That question is too long to search; please ask it in fewer words."


async def test_missing_or_corrupt_index_gives_a_speakable_answer(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    corrupt = tmp_path / "bad.swsearch"
    corrupt.write_bytes(b"not sqlite" * 100)
    for path, logged in [
        (tmp_path / "none.swsearch", "index file not found"),
        (corrupt, "not a search index"),
    ]:
        caplog.clear()
        with caplog.at_level(logging.ERROR, logger="signalwire.agents.skills.native_vector_search"):
            agent = agent_with({"index_file": str(path)})
        assert logged in caplog.text
        async with AgentSession(agent) as call:
            reply = await call.call_tool("search_knowledge", {"query": "transfer"})
        assert (
            reply["response"]
            == "The knowledge base is not available right now, so I can't look that up."
        )


def test_bad_settings_fail_add_skill_with_the_reason(index: Path) -> None:
    with pytest.raises(ValueError, match="similarity_threshold"):
        agent_with({"index_file": str(index), "similarity_threshold": 7})
    with pytest.raises(ValueError, match="connection_string and collection_name"):
        agent_with({"backend": "pgvector"})
    with pytest.raises(ValueError, match="remote_url"):
        agent_with({"remote_url": "ftp://x"})


def test_several_instances(index: Path) -> None:
    agent = AgentBase(name="kb", route="/kb", basic_auth=("u", "p"))
    agent.add_skill("native_vector_search", {"index_file": str(index), "tool_name": "docs_a"})
    agent.add_skill("native_vector_search", {"index_file": str(index), "tool_name": "docs_b"})
    assert {"docs_a", "docs_b"} <= set(agent._tools)


def test_build_index_from_source_dir(docs: Path, tmp_path: Path, embedder: object) -> None:
    target = tmp_path / "auto.swsearch"
    agent_with(
        {
            "index_file": str(target),
            "build_index": True,
            "source_dir": str(docs),
            "model_name": "test/static-words",
            "file_types": ["md"],
            "global_tags": ["auto"],
        }
    )
    assert target.exists()


@pytest.fixture
def remote(index: Path) -> Iterator[str]:
    service = SearchService(indexes={"docs": str(index)}, basic_auth=AUTH)
    with BackgroundServer(service.app) as srv:
        yield f"http://svc:secret@{srv.host}"
    service.stop()


async def test_remote_mode(remote: str) -> None:
    agent = agent_with({"remote_url": remote, "index_name": "docs", "count": 2})
    async with AgentSession(agent) as call:
        reply = await call.call_tool("search_knowledge", {"query": "refunds"})
    assert "(from billing.txt" in reply["response"]
    wrong = agent_with({"remote_url": remote.replace("secret", "bad"), "index_name": "docs"})
    async with AgentSession(wrong) as call:
        refused = await call.call_tool("search_knowledge", {"query": "refunds"})
    down = agent_with({"remote_url": "http://127.0.0.1:9", "timeout": 2})
    async with AgentSession(down) as call:
        unreachable = await call.call_tool("search_knowledge", {"query": "refunds"})
    for answer in (refused, unreachable):
        assert (
            answer["response"]
            == "The knowledge search service is not answering right now. Please try again later."
        )
