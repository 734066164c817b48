"""Query and document preprocessing, vendor-compatible names, no NLTK.

``preprocess_query`` returns the enhanced text (the query lowercased plus its content
words, each once) that full-text search matches and that is embedded for vector search.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

from signalwire.search._text import (
    content_words,
    keywords,
    processed_text,
    remove_duplicate_words,
    stopwords,
    word_tokens,
)

__all__ = [
    "MAX_QUERY_CHARS",
    "detect_language",
    "drop_corpus_terms",
    "preprocess_document_content",
    "preprocess_query",
    "remove_duplicate_words",
    "stopwords_language_map",
    "vectorize_query",
]

logger = logging.getLogger("signalwire.search")

#: Longer queries are refused: no question needs more, and a 100,000-character query
#: would cost seconds of embedding and matching.
MAX_QUERY_CHARS = 4096

#: Languages with a stopword list (others use the English list).
stopwords_language_map = {"en": "english", "es": "spanish"}

_SPANISH_HINTS = frozenset(
    [
        "el",
        "la",
        "los",
        "las",
        "de",
        "del",
        "que",
        "para",
        "por",
        "con",
        "una",
        "uno",
        "cómo",
        "como",
        "qué",
        "donde",
        "dónde",
        "cuál",
        "es",
        "son",
        "está",
        "están",
        "hola",
        "gracias",
        "quiero",
        "necesito",
        "puedo",
    ]
)
_ENGLISH_HINTS = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "to",
        "for",
        "with",
        "how",
        "what",
        "where",
        "which",
        "is",
        "are",
        "can",
        "i",
    ]
)


def check_query(query: str) -> str:
    """``query`` stripped; ``ValueError`` naming the limit when it is too long."""
    if not isinstance(query, str):
        raise TypeError(f"query must be a string, not {type(query).__name__}")
    if len(query) > MAX_QUERY_CHARS:
        raise ValueError(f"query is {len(query)} characters long; the limit is {MAX_QUERY_CHARS}")
    return query.strip()


def detect_language(text: str) -> str:
    """``"es"`` when Spanish words clearly outnumber English ones, else ``"en"``."""
    words = word_tokens(text)
    spanish = sum(w in _SPANISH_HINTS for w in words)
    english = sum(w in _ENGLISH_HINTS for w in words)
    return "es" if spanish >= 2 and spanish > english + 1 else "en"


def drop_corpus_terms(query: str, terms: Sequence[str], language: str = "en") -> str:
    """Remove terms every document contains (an index's ``query_stopwords``) from a query,
    unless that would leave fewer than two content words."""
    if not terms:
        return query
    result = query
    for term in terms:
        words = [re.escape(w) for w in term.split()]
        if not words:
            continue
        pattern = re.compile(r"\b" + r"\s+".join(words) + r"(?:'s)?\b", re.I)
        result = pattern.sub(" ", result)
    result = re.sub(r"\s+", " ", result).strip()
    stop = stopwords(language)
    remaining = [w for w in re.findall(r"[^\W_]+", result.lower()) if w not in stop]
    return result if len(remaining) >= 2 else query


def preprocess_query(
    query: str,
    language: str = "en",
    pos_to_expand: Sequence[str] | None = None,
    max_synonyms: int = 5,
    debug: bool = False,
    vector: bool = False,
    vectorize_query_param: bool = False,
    nlp_backend: str | None = None,
    query_nlp_backend: str = "nltk",
    model_name: str | None = None,
    preserve_original: bool = True,
) -> dict[str, Any]:
    """The vendor's query analysis: ``{"input", "enhanced_text", "language", "POS",
    "nlp_backend_used"[, "vector"]}``.

    ``pos_to_expand``, ``max_synonyms`` and the NLP backends are accepted for
    compatibility; no synonyms are added (the vendor adds them only with spaCy).
    """
    query = check_query(query)
    if vectorize_query_param:
        return {"input": query, "vector": vectorize_query(query, model_name=model_name)}
    if language == "auto":
        language = detect_language(query)
    enhanced = (
        processed_text(query, language)
        if preserve_original
        else " ".join(content_words(query, language))
    )
    result: dict[str, Any] = {
        "input": query,
        "enhanced_text": enhanced,
        "language": language,
        "POS": dict.fromkeys(content_words(query, language), "NN"),
        "nlp_backend_used": "basic",
    }
    if vector:
        result["vector"] = vectorize_query(enhanced, model_name=model_name)
    if debug:
        logger.debug("query %r -> %r", query, enhanced)
    return result


def vectorize_query(
    query: str, model: Any = None, model_name: str | None = None
) -> list[float] | None:
    """The query's vector from ``model`` (an Embedder) or the named model; None when no
    model can be loaded (the reason is logged)."""
    from signalwire.search.errors import SearchError

    try:
        if model is None:
            from signalwire.search.embedders import get_embedder
            from signalwire.search.models import DEFAULT_MODEL

            model = get_embedder(model_name or DEFAULT_MODEL)
        return [float(x) for x in model.embed([query])[0]]
    except (SearchError, ImportError) as exc:
        logger.warning("no query vector: %s", exc)
        return None


def preprocess_document_content(
    content: str,
    language: str = "en",
    nlp_backend: str | None = None,
    index_nlp_backend: str = "nltk",
) -> dict[str, Any]:
    """``{"enhanced_text", "keywords" (at most 20), "language", "pos_analysis"}``."""
    enhanced = processed_text(content, language)
    return {
        "enhanced_text": enhanced,
        "keywords": keywords(enhanced, None, language),
        "language": language,
        "pos_analysis": {},
    }
