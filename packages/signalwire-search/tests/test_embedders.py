"""Embedders: the static table, an OpenAI-compatible endpoint served here over real HTTP,
and the lookup by the model name an index records."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from signalwire.search import (
    Embedder,
    IndexBuilder,
    MissingDependencyError,
    OpenAIEmbedder,
    SearchEngine,
    SentenceTransformerEmbedder,
    StaticEmbedder,
    get_embedder,
)
from signalwire.search.errors import SearchBackendError
from signalwire.testing.rest._server import BackgroundServer


class FakeEmbeddings:
    """An OpenAI-style /v1/embeddings: a 6-dimension vector per input, keyed on letters."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.fail_with: int | None = None

    async def embeddings(self, request: Request) -> Response:
        body = json.loads(await request.body())
        self.requests.append({"body": body, "auth": request.headers.get("authorization")})
        if self.fail_with:
            return JSONResponse({"error": {"message": "nope"}}, status_code=self.fail_with)
        data = []
        for i, text in enumerate(body["input"]):
            vec = [text.count(c) + 0.01 for c in "aeiost"]
            data.append({"object": "embedding", "index": i, "embedding": vec})
        data.reverse()  # order by "index", not position
        return JSONResponse({"object": "list", "data": data, "model": body["model"]})


@pytest.fixture(scope="module")
def endpoint() -> Iterator[tuple[str, FakeEmbeddings]]:
    fake = FakeEmbeddings()
    app = Starlette(routes=[Route("/v1/embeddings", fake.embeddings, methods=["POST"])])
    with BackgroundServer(app) as server:
        yield f"{server.base_url}/v1", fake


def test_static_embedder_is_an_embedder() -> None:
    model = StaticEmbedder.from_words(["alpha", "beta"], dimensions=8)
    assert isinstance(model, Embedder)
    out = model.embed(["alpha beta", "gamma", "ALPHA"])
    assert out.shape == (3, 8) and out.dtype == np.float32
    assert np.isclose(np.linalg.norm(out[0]), 1) and not out[1].any()
    assert np.allclose(out[2], model.embed(["alpha"])[0])


def test_openai_compatible_endpoint(endpoint: tuple[str, FakeEmbeddings], tmp_path: Any) -> None:
    url, fake = endpoint
    fake.fail_with = None
    model = OpenAIEmbedder("tiny-embed", base_url=url, api_key="sk-test", batch_size=2)
    vectors = model.embed(["aaa", "sss", "tea"])
    assert vectors.shape == (3, 6)
    assert np.argmax(vectors[0]) == 0 and np.argmax(vectors[1]) == 4
    assert [len(r["body"]["input"]) for r in fake.requests[-2:]] == [2, 1]
    assert fake.requests[-1]["auth"] == "Bearer sk-test"
    assert model.model_name == "openai:tiny-embed" and model.dimensions == 6
    # an index built through the endpoint is queried through it
    docs = tmp_path / "d"
    docs.mkdir()
    (docs / "a.txt").write_text("aaaa aaaa")
    (docs / "b.txt").write_text("ssss tttt")
    IndexBuilder(embedder=model, chunking_strategy="paragraph").build_index(
        docs, str(tmp_path / "o.swsearch"), ["txt"]
    )
    with SearchEngine(index_path=tmp_path / "o.swsearch", model=model) as engine:
        assert engine.model_name == "openai:tiny-embed"
        assert engine.query("aaa", count=1)[0]["metadata"]["filename"] == "a.txt"


def test_openai_endpoint_errors_are_named(endpoint: tuple[str, FakeEmbeddings]) -> None:
    url, fake = endpoint
    fake.fail_with = 401
    with pytest.raises(SearchBackendError, match="answered HTTP 401"):
        OpenAIEmbedder("m", base_url=url).embed(["x"])
    fake.fail_with = None
    with pytest.raises(SearchBackendError, match="unreachable"):
        OpenAIEmbedder("m", base_url="http://127.0.0.1:9/v1", timeout=2).embed(["x"])


def test_names_resolve_to_embedders() -> None:
    mini = get_embedder("mini")
    assert isinstance(mini, SentenceTransformerEmbedder)
    assert mini.model_name == "sentence-transformers/all-MiniLM-L6-v2" and mini.dimensions == 384
    assert get_embedder("sentence-transformers/all-MiniLM-L6-v2") is mini
    assert get_embedder("base").dimensions == 768
    assert isinstance(get_embedder("openai:text-embedding-3-small"), OpenAIEmbedder)


def test_missing_libraries_name_the_extra() -> None:
    import importlib.util

    if importlib.util.find_spec("sentence_transformers") is None:
        with pytest.raises(MissingDependencyError, match=r"signalwire-search\[models\]"):
            SentenceTransformerEmbedder("mini").embed(["x"])
    if importlib.util.find_spec("model2vec") is None:
        with pytest.raises(MissingDependencyError, match=r"signalwire-search\[static\]"):
            get_embedder("model2vec:minishlab/potion-base-8M").embed(["x"])
