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

from signalwire.core._lazy import lazy_exports
from signalwire.search._version import __version__

# A plain flag (not typing.TYPE_CHECKING), deleted below so dir() shows only the API.
TYPE_CHECKING = False
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

__getattr__, __dir__ = lazy_exports(
    globals(),
    {
        ".document_processor": ("DocumentProcessor",),
        ".embedders": (
            "Embedder",
            "Model2VecEmbedder",
            "OpenAIEmbedder",
            "SentenceTransformerEmbedder",
            "StaticEmbedder",
            "get_embedder",
            "register_embedder",
        ),
        ".errors": (
            "IndexFormatError",
            "MissingDependencyError",
            "ModelMismatchError",
            "SearchBackendError",
            "SearchError",
        ),
        ".index_builder": ("BuildReport", "IndexBuilder"),
        ".migration": ("SearchIndexMigrator",),
        ".models": ("DEFAULT_MODEL", "MODEL_ALIASES", "resolve_model_alias"),
        ".query_processor": ("preprocess_document_content", "preprocess_query"),
        ".search_engine": ("SearchEngine",),
        ".search_service": ("SearchService",),
    },
)

del TYPE_CHECKING, lazy_exports
