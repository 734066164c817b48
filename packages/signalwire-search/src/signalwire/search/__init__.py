"""signalwire.search: knowledge search for agents, from one file to a Postgres cluster.

::

    from signalwire.search import IndexBuilder, SearchEngine

    IndexBuilder(model_name="mini", chunking_strategy="markdown").build_index(
        "docs", "docs.swsearch", ["md"]
    )
    with SearchEngine(index_path="docs.swsearch") as engine:
        for hit in engine.query("how do I transfer a call?", count=3):
            print(hit["score"], hit["metadata"]["filename"])

Keyword search over a ``.swsearch`` file needs only the standard library; vectors need
the ``vectors`` extra (numpy), models the ``models`` or ``static`` extras, Postgres the
``pgvector`` extra. Importing this package loads none of them: each name below loads
its module on first access.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from signalwire.search._version import __version__

if TYPE_CHECKING:
    from signalwire.search.document_processor import DocumentProcessor
    from signalwire.search.embedders import (
        Embedder,
        Model2VecEmbedder,
        OpenAIEmbedder,
        SentenceTransformerEmbedder,
        StaticEmbedder,
        get_embedder,
        register_embedder,
    )
    from signalwire.search.errors import (
        IndexFormatError,
        MissingDependencyError,
        ModelMismatchError,
        SearchBackendError,
        SearchError,
    )
    from signalwire.search.index_builder import BuildReport, IndexBuilder
    from signalwire.search.migration import SearchIndexMigrator
    from signalwire.search.models import DEFAULT_MODEL, MODEL_ALIASES, resolve_model_alias
    from signalwire.search.query_processor import preprocess_document_content, preprocess_query
    from signalwire.search.search_engine import SearchEngine
    from signalwire.search.search_service import SearchService

_LAZY = {
    "DocumentProcessor": "document_processor",
    "Embedder": "embedders",
    "Model2VecEmbedder": "embedders",
    "OpenAIEmbedder": "embedders",
    "SentenceTransformerEmbedder": "embedders",
    "StaticEmbedder": "embedders",
    "get_embedder": "embedders",
    "register_embedder": "embedders",
    "IndexFormatError": "errors",
    "MissingDependencyError": "errors",
    "ModelMismatchError": "errors",
    "SearchBackendError": "errors",
    "SearchError": "errors",
    "BuildReport": "index_builder",
    "IndexBuilder": "index_builder",
    "SearchIndexMigrator": "migration",
    "DEFAULT_MODEL": "models",
    "MODEL_ALIASES": "models",
    "resolve_model_alias": "models",
    "preprocess_document_content": "query_processor",
    "preprocess_query": "query_processor",
    "SearchEngine": "search_engine",
    "SearchService": "search_service",
}

__all__ = [
    "DEFAULT_MODEL",
    "MODEL_ALIASES",
    "BuildReport",
    "DocumentProcessor",
    "Embedder",
    "IndexBuilder",
    "IndexFormatError",
    "MissingDependencyError",
    "Model2VecEmbedder",
    "ModelMismatchError",
    "OpenAIEmbedder",
    "SearchBackendError",
    "SearchEngine",
    "SearchError",
    "SearchIndexMigrator",
    "SearchService",
    "SentenceTransformerEmbedder",
    "StaticEmbedder",
    "__version__",
    "get_embedder",
    "preprocess_document_content",
    "preprocess_query",
    "register_embedder",
    "resolve_model_alias",
]


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'signalwire.search' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"signalwire.search.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
