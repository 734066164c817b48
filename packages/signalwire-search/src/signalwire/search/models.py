"""Embedding-model names: the short aliases indexes are built with, and document keys.

The aliases match signalwire-sdk's, so an index built there under ``mini`` names the same
model here and is queried with the model it was built with.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

__all__ = [
    "DEFAULT_MODEL",
    "DOCUMENT_KEYS",
    "LARGE_ALIAS_DEPRECATION",
    "MODEL_ALIASES",
    "document_key",
    "model_dimensions",
    "resolve_model_alias",
]

#: Short names accepted wherever a model is named (``--model mini``).
MODEL_ALIASES: dict[str, str] = {
    "mini": "sentence-transformers/all-MiniLM-L6-v2",
    "base": "sentence-transformers/all-mpnet-base-v2",
    "large": "sentence-transformers/all-mpnet-base-v2",
}

#: The model ``sw-search`` and the skill build with when none is named.
DEFAULT_MODEL = MODEL_ALIASES["mini"]

#: Printed when the deprecated ``large`` alias is used.
LARGE_ALIAS_DEPRECATION = (
    "The 'large' model alias is deprecated: it names the same model as 'base' "
    "(sentence-transformers/all-mpnet-base-v2). Use 'base' instead."
)

#: Metadata keys naming the document a chunk came from, in order of preference.
DOCUMENT_KEYS: tuple[str, ...] = ("document", "url", "source", "filename")

_KNOWN_DIMENSIONS = {
    "sentence-transformers/all-MiniLM-L6-v2": 384,
    "sentence-transformers/all-mpnet-base-v2": 768,
}


def resolve_model_alias(name: str) -> str:
    """Return the full model id for an alias (``mini``, ``base``, ``large``), else ``name``."""
    if name == "large":
        warnings.warn(LARGE_ALIAS_DEPRECATION, DeprecationWarning, stacklevel=2)
    return MODEL_ALIASES.get(name, name)


def model_dimensions(name: str) -> int | None:
    """The vector size of a well-known model (after alias resolution), or ``None``."""
    return _KNOWN_DIMENSIONS.get(MODEL_ALIASES.get(name, name))


def document_key(meta: Mapping[str, Any]) -> str | None:
    """The document a result belongs to: the first truthy of :data:`DOCUMENT_KEYS`.

    Looks in ``meta`` and then in a nested ``meta["metadata"]`` (how ``.swsearch`` rows
    carry their chunk metadata), so the same chunk has the same key on every backend.
    """
    nested = meta.get("metadata")
    sources = (meta, nested) if isinstance(nested, Mapping) else (meta,)
    for key in DOCUMENT_KEYS:
        for source in sources:
            value = source.get(key)
            if value:
                return str(value)
    return None
