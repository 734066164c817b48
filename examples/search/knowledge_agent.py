"""Five minutes from a folder of Markdown to an agent that answers from it, offline.

1. build ``shop.swsearch`` from ./docs (as ``sw-search docs --chunking-strategy markdown``),
2. search it from Python (as ``sw-search search shop.swsearch "..."``),
3. give it to an agent with the ``native_vector_search`` skill,
4. call the agent's tool the way the platform does (signalwire-testing), no network.

Run: ``python examples/search/knowledge_agent.py``. With ``--model mini`` it embeds with
the real all-MiniLM-L6-v2 model (``pip install "signalwire-search[models]"``, downloads
once); by default it builds a small word-vector model from the documents themselves.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import tempfile
from pathlib import Path

from signalwire.agents import AgentBase
from signalwire.search import IndexBuilder, SearchEngine, StaticEmbedder, register_embedder
from signalwire.testing.agents import AgentSession

DOCS = Path(__file__).parent / "docs"


def offline_model() -> str:
    """A word-vector table over the documents' words, registered under a name."""
    words = sorted(
        {w for p in DOCS.glob("*.md") for w in re.findall(r"[^\W_]+", p.read_text().lower())}
    )
    register_embedder(StaticEmbedder.from_words(words, dimensions=64, model_name="demo/shop-words"))
    return "demo/shop-words"


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", help="mini, base or a model id (default: offline word vectors)")
    model = parser.parse_args().model or offline_model()

    index = Path(tempfile.mkdtemp()) / "shop.swsearch"
    report = IndexBuilder(model_name=model, chunking_strategy="markdown").build_index(
        DOCS, str(index), ["md"]
    )
    print(f"indexed {report.files_processed} files into {report.chunks_written} chunks")

    with SearchEngine(index_path=index) as engine:
        best = engine.query("how long do refunds take", count=1)[0]
        print(f"search: {best['metadata']['section']} ({best['score']:.2f})")

    agent = AgentBase(name="shop", route="/shop", basic_auth=("shop", "demo-password"))
    agent.prompt_add_section("Role", "You help customers of a shoe shop.")
    agent.add_skill("native_vector_search", {"index_file": str(index), "count": 2})

    async with AgentSession(agent) as call:
        reply = await call.call_tool("search_knowledge", {"query": "can I return worn shoes?"})
    print("agent tool answer:")
    print(reply["response"])


if __name__ == "__main__":
    asyncio.run(main())
