"""Embedders: what turns texts into vectors, behind one small protocol.

* :class:`SentenceTransformerEmbedder`: any sentence-transformers model (the ``mini`` and
  ``base`` aliases the vendor's indexes record); extra ``models``.
* :class:`StaticEmbedder`: a word-vector table averaged per text; no torch, loads in
  microseconds. :meth:`StaticEmbedder.from_words` builds one from a vocabulary (tests,
  demos); :class:`Model2VecEmbedder` loads published static models (extra ``static``).
* :class:`OpenAIEmbedder`: any OpenAI-compatible ``/embeddings`` endpoint, over httpx.

:func:`get_embedder` resolves the model name an index records to an embedder, once per
process; :func:`register_embedder` puts your own under a name.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from signalwire.search.errors import MissingDependencyError, SearchBackendError, SearchError
from signalwire.search.models import MODEL_ALIASES, model_dimensions

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Matrix = npt.NDArray[np.float32]

__all__ = [
    "Embedder",
    "Model2VecEmbedder",
    "OpenAIEmbedder",
    "SentenceTransformerEmbedder",
    "StaticEmbedder",
    "get_embedder",
    "register_embedder",
]

logger = logging.getLogger("signalwire.search")


def _numpy(what: str) -> Any:
    try:
        import numpy
    except ImportError as exc:
        raise MissingDependencyError(what, "vectors", "numpy") from exc
    return numpy


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit-length float32 vectors of one fixed size."""

    @property
    def model_name(self) -> str:
        """The name recorded in an index built with this embedder."""
        ...

    @property
    def dimensions(self) -> int:
        """The vector size (may load the model)."""
        ...

    def embed(self, texts: Sequence[str]) -> Matrix:
        """A ``(len(texts), dimensions)`` float32 matrix, one normalised row per text."""
        ...


def _normalise(matrix: Matrix) -> Matrix:
    np = _numpy("Embeddings")
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    matrix /= norms
    return matrix


class StaticEmbedder:
    """Averages one vector per known word: a table, no network, no torch.

    ``vectors`` maps each lowercase word to its vector; unknown words are skipped and a
    text with no known word embeds to the zero vector.
    """

    def __init__(self, model_name: str, vectors: Mapping[str, Sequence[float]]) -> None:
        np = _numpy("StaticEmbedder")
        if not vectors:
            raise ValueError("StaticEmbedder needs at least one word vector")
        self._model_name = model_name
        self._index = {word: i for i, word in enumerate(vectors)}
        self._table = np.asarray(list(vectors.values()), dtype=np.float32)
        if self._table.ndim != 2:
            raise ValueError("every word vector must have the same length")

    @classmethod
    def from_words(
        cls, words: Sequence[str], *, dimensions: int = 64, model_name: str = "static/words"
    ) -> StaticEmbedder:
        """A deterministic table for ``words``: each word's vector derives from its hash.

        Texts sharing words get close vectors, which is all tests and demos need.
        """
        np = _numpy("StaticEmbedder")
        vectors: dict[str, list[float]] = {}
        for word in words:
            seed = int.from_bytes(hashlib.sha256(word.lower().encode()).digest()[:8], "little")
            vectors[word.lower()] = np.random.default_rng(seed).standard_normal(dimensions).tolist()
        return cls(model_name, vectors)

    @property
    def model_name(self) -> str:
        """The name this table is recorded under."""
        return self._model_name

    @property
    def dimensions(self) -> int:
        """The length of each word vector."""
        return int(self._table.shape[1])

    def embed(self, texts: Sequence[str]) -> Matrix:
        """Mean of the known words' vectors per text, normalised."""
        from signalwire.search._text import word_tokens

        np = _numpy("StaticEmbedder")
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            ids = [self._index[w] for w in word_tokens(text) if w in self._index]
            if ids:
                out[row] = self._table[ids].mean(axis=0)
        return _normalise(out)


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded on first use (it may download from the hub)."""

    def __init__(self, model_name: str, *, device: str | None = None) -> None:
        self._model_name = MODEL_ALIASES.get(model_name, model_name)
        self._device = device
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def model_name(self) -> str:
        """The full model id."""
        return self._model_name

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                try:
                    from sentence_transformers import SentenceTransformer
                except ImportError as exc:
                    raise MissingDependencyError(
                        f"The embedding model {self._model_name!r}",
                        "models",
                        "sentence-transformers",
                    ) from exc
                try:
                    self._model = SentenceTransformer(self._model_name, device=self._device)
                except Exception as exc:
                    raise SearchError(
                        f"could not load the embedding model {self._model_name!r}: {exc}"
                    ) from exc
            return self._model

    @property
    def dimensions(self) -> int:
        """The model's output size (known models answer without loading)."""
        known = model_dimensions(self._model_name)
        if known is not None and self._model is None:
            return known
        return int(self._load().get_sentence_embedding_dimension())

    def embed(self, texts: Sequence[str]) -> Matrix:
        """Encode ``texts`` in batches; rows normalised."""
        np = _numpy("Embeddings")
        model = self._load()
        vectors = model.encode(list(texts), batch_size=64, convert_to_numpy=True)
        return _normalise(np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1))


class Model2VecEmbedder:
    """A model2vec static model (``minishlab/...``), loaded on first use."""

    def __init__(self, model_name: str) -> None:
        self._model_name = model_name
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def model_name(self) -> str:
        """The model id."""
        return self._model_name

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                try:
                    from model2vec import StaticModel
                except ImportError as exc:
                    raise MissingDependencyError(
                        f"The static model {self._model_name!r}", "static", "model2vec"
                    ) from exc
                name = self._model_name.removeprefix("model2vec:")
                try:
                    self._model = StaticModel.from_pretrained(name)
                except Exception as exc:
                    raise SearchError(f"could not load the static model {name!r}: {exc}") from exc
            return self._model

    @property
    def dimensions(self) -> int:
        """The model's output size."""
        return int(self._load().dim)

    def embed(self, texts: Sequence[str]) -> Matrix:
        """Encode ``texts``; rows normalised."""
        np = _numpy("Embeddings")
        vectors = self._load().encode(list(texts))
        return _normalise(np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1))


class OpenAIEmbedder:
    """An OpenAI-compatible ``POST {base_url}/embeddings`` endpoint (OpenAI, vLLM, Ollama…).

    ``api_key`` defaults to ``OPENAI_API_KEY`` and ``base_url`` to ``OPENAI_BASE_URL`` (else
    ``https://api.openai.com/v1``), both read on the first request.
    """

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        dimensions: int | None = None,
        timeout: float = 30.0,
        batch_size: int = 256,
        transport: Any = None,
    ) -> None:
        self._model = model
        self._base_url = base_url
        self._api_key = api_key
        self._dimensions = dimensions
        self._timeout = timeout
        self._batch_size = max(1, batch_size)
        self._transport = transport

    @property
    def model_name(self) -> str:
        """Recorded as ``openai:<model>``."""
        return f"openai:{self._model}"

    @property
    def dimensions(self) -> int:
        """The configured size, else learned from one request."""
        if self._dimensions is None:
            self._dimensions = int(self.embed(["dimension probe"]).shape[1])
        return self._dimensions

    def embed(self, texts: Sequence[str]) -> Matrix:
        """Post ``texts`` in batches; rows in input order, normalised."""
        import httpx

        np = _numpy("Embeddings")
        base = (
            self._base_url or os.environ.get("OPENAI_BASE_URL") or "https://api.openai.com/v1"
        ).rstrip("/")
        key = self._api_key or os.environ.get("OPENAI_API_KEY")
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        rows: list[list[float]] = []
        with httpx.Client(timeout=self._timeout, transport=self._transport) as client:
            for start in range(0, len(texts), self._batch_size):
                batch = list(texts[start : start + self._batch_size])
                body: dict[str, Any] = {"model": self._model, "input": batch}
                if self._dimensions is not None:
                    body["dimensions"] = self._dimensions
                try:
                    response = client.post(f"{base}/embeddings", json=body, headers=headers)
                except httpx.HTTPError as exc:
                    raise SearchBackendError(
                        f"embedding endpoint {base} unreachable: {type(exc).__name__}: {exc}"
                    ) from exc
                if response.status_code != 200:
                    raise SearchBackendError(
                        f"embedding endpoint {base} answered HTTP {response.status_code}: "
                        f"{response.text[:200]}"
                    )
                try:
                    data = sorted(response.json()["data"], key=lambda d: d.get("index", 0))
                    vectors = [list(map(float, item["embedding"])) for item in data]
                except (ValueError, KeyError, TypeError) as exc:
                    raise SearchBackendError(
                        f"embedding endpoint {base} sent an unexpected body: {exc}"
                    ) from exc
                if len(vectors) != len(batch):
                    raise SearchBackendError(
                        f"embedding endpoint {base} returned {len(vectors)} vectors "
                        f"for {len(batch)} texts"
                    )
                rows.extend(vectors)
        if not rows:
            return np.zeros((0, self._dimensions or 0), dtype=np.float32)  # type: ignore[no-any-return]
        return _normalise(np.asarray(rows, dtype=np.float32))


_registry: dict[str, Embedder] = {}
_registry_lock = threading.Lock()


def register_embedder(embedder: Embedder, name: str | None = None) -> None:
    """Make :func:`get_embedder` return ``embedder`` for ``name`` (its model name by default)."""
    with _registry_lock:
        _registry[name or embedder.model_name] = embedder


def get_embedder(name: str) -> Embedder:
    """The process-wide embedder for a model name as indexes record it.

    Registered embedders first; ``model2vec:<id>`` → :class:`Model2VecEmbedder`;
    ``openai:<model>`` → :class:`OpenAIEmbedder`; anything else (aliases included) →
    :class:`SentenceTransformerEmbedder`. Models load on first ``embed``.
    """
    full = MODEL_ALIASES.get(name, name)
    with _registry_lock:
        found = _registry.get(name) or _registry.get(full)
        if found is not None:
            return found
        embedder: Embedder
        if full.startswith("model2vec:"):
            embedder = Model2VecEmbedder(full)
        elif full.startswith("openai:"):
            embedder = OpenAIEmbedder(full.removeprefix("openai:"))
        else:
            embedder = SentenceTransformerEmbedder(full)
        _registry[full] = embedder
        return embedder
