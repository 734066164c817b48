"""Plain-Python text processing: tokens, stopwords, processed content, keywords.

No NLTK: the same functions run offline, at import cost zero, with the same output on
every machine. The processed form matches what signalwire-sdk stores in
``processed_content`` (lowercased whitespace tokens, each kept once, tokens whose
punctuation-stripped form is not a single word dropped), so FTS over either builder's
indexes behaves alike.
"""

from __future__ import annotations

import re
import string

__all__ = [
    "ENGLISH_STOPWORDS",
    "content_words",
    "keywords",
    "processed_text",
    "query_terms",
    "remove_duplicate_words",
    "word_tokens",
]

# Common English function words; written out here so the base install needs no corpus.
ENGLISH_STOPWORDS: frozenset[str] = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "aren't",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "can't",
        "cannot",
        "could",
        "couldn't",
        "did",
        "didn't",
        "do",
        "does",
        "doesn't",
        "doing",
        "don't",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "hadn't",
        "has",
        "hasn't",
        "have",
        "haven't",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "isn't",
        "it",
        "it's",
        "its",
        "itself",
        "just",
        "let's",
        "me",
        "more",
        "most",
        "mustn't",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "ought",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "shan't",
        "she",
        "should",
        "shouldn't",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "wasn't",
        "we",
        "were",
        "weren't",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "won't",
        "would",
        "wouldn't",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "s",
        "t",
        "d",
        "ll",
        "m",
        "o",
        "re",
        "ve",
        "y",
        "ain",
    ]
)

SPANISH_STOPWORDS: frozenset[str] = frozenset(
    [
        "de",
        "la",
        "que",
        "el",
        "en",
        "y",
        "a",
        "los",
        "del",
        "se",
        "las",
        "por",
        "un",
        "para",
        "con",
        "no",
        "una",
        "su",
        "al",
        "lo",
        "como",
        "más",
        "pero",
        "sus",
        "le",
        "ya",
        "o",
        "este",
        "sí",
        "porque",
        "esta",
        "entre",
        "cuando",
        "muy",
        "sin",
        "sobre",
        "también",
        "me",
        "hasta",
        "hay",
        "donde",
        "quien",
        "desde",
        "todo",
        "nos",
        "durante",
        "todos",
        "uno",
        "les",
        "ni",
        "contra",
        "otros",
        "ese",
        "eso",
        "ante",
        "ellos",
        "e",
        "esto",
        "mí",
        "antes",
        "algunos",
        "qué",
        "unos",
        "yo",
        "otro",
        "otras",
        "otra",
        "él",
        "tanto",
        "esa",
        "estos",
        "mucho",
        "quienes",
        "nada",
        "muchos",
        "cual",
        "poco",
        "ella",
        "estar",
        "estas",
        "algunas",
        "algo",
        "nosotros",
        "mi",
        "mis",
        "tú",
        "te",
        "ti",
        "tu",
        "tus",
        "ellas",
        "cómo",
        "dónde",
        "cuál",
        "es",
        "son",
        "está",
        "están",
    ]
)

_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*", re.UNICODE)
_SINGLE_WORD = re.compile(r"^\w+$", re.UNICODE)
_PUNCT = string.punctuation + "\u201c\u201d\u2018\u2019\u00ab\u00bb\u2026\u2013\u2014"


def stopwords(language: str = "en") -> frozenset[str]:
    """The stopword list of a language code (English when unknown)."""
    return SPANISH_STOPWORDS if language == "es" else ENGLISH_STOPWORDS


def word_tokens(text: str) -> list[str]:
    """Words of ``text`` (letters and digits, inner apostrophes kept), lowercased."""
    return [m.group(0).lower() for m in _WORD.finditer(text)]


def content_words(text: str, language: str = "en") -> list[str]:
    """Words of ``text`` that are not stopwords."""
    stop = stopwords(language)
    return [w for w in word_tokens(text) if w not in stop]


def remove_duplicate_words(text: str) -> str:
    """Keep each whitespace token once, in order; drop tokens that are not one word.

    A token is compared by its punctuation-stripped lowercase form; tokens whose stripped
    form is not a single ``\\w+`` run (URLs, decimals, hyphenated words) are left out.
    """
    seen: set[str] = set()
    out: list[str] = []
    for token in text.split():
        bare = token.strip(_PUNCT).lower()
        if not bare or not _SINGLE_WORD.match(bare) or bare in seen:
            continue
        seen.add(bare)
        out.append(token)
    return " ".join(out)


def processed_text(text: str, language: str = "en") -> str:
    """The enhanced form of a text: lowercased tokens, each once, plus its bare words."""
    lowered = text.lower()
    extra = [w for w in content_words(lowered, language) if w not in lowered.split()]
    return remove_duplicate_words(" ".join([lowered, *extra]) if extra else lowered)


def keywords(text: str, tags: list[str] | None = None, language: str = "en") -> list[str]:
    """Up to 20 content words longer than two characters, then the tags, each once."""
    out: list[str] = []
    seen: set[str] = set()
    for word in content_words(text, language):
        if len(word) > 2 and word not in seen:
            seen.add(word)
            out.append(word)
            if len(out) == 20:
                break
    for tag in tags or []:
        if tag not in seen:
            seen.add(tag)
            out.append(tag)
    return out


def query_terms(text: str, language: str = "en", limit: int = 32) -> list[str]:
    """Distinct content words of a query, for full-text matching (at most ``limit``)."""
    out: list[str] = []
    for word in content_words(text, language):
        if word not in out:
            out.append(word)
            if len(out) == limit:
                break
    if not out:  # a query of stopwords only still matches on its words
        for word in word_tokens(text):
            if word not in out:
                out.append(word)
                if len(out) == limit:
                    break
    return out
