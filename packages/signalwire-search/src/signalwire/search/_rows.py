"""From a chunk dict to the column values both backends store."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from signalwire.search._text import keywords, processed_text

_EMBEDDED_META = re.compile(r'"metadata"\s*:\s*(\{(?:[^{}]|\{[^{}]*\})*\})')


def embedded_metadata(content: str) -> dict[str, Any]:
    """``"metadata": {...}`` objects written inside a chunk's text, merged."""
    found: dict[str, Any] = {}
    for match in _EMBEDDED_META.finditer(content):
        try:
            value = json.loads(match.group(1))
        except ValueError:
            continue
        if isinstance(value, dict):
            found.update(value)
    return found


def _flat_values(value: Any) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    if isinstance(value, dict):
        return [str(v) for v in value.values()]
    return [str(value)]


def metadata_text(
    embedded: dict[str, Any], tags: list[str], section: str | None, chunk_meta: dict[str, Any]
) -> str:
    """Searchable text of a chunk's metadata: keys and values, tags, section; lowercased."""
    parts: list[str] = []
    for key, value in embedded.items():
        parts.append(str(key))
        parts.extend(_flat_values(value))
    parts.extend(tags)
    if section:
        parts.append(section)
    present = set(" ".join(parts).lower().split())
    for key, value in chunk_meta.items():
        for piece in [str(key), *_flat_values(value)]:
            if piece.lower() not in present:
                parts.append(piece)
                present.add(piece.lower())
    return " ".join(parts).lower()


def chunk_hash(chunk: dict[str, Any]) -> str:
    """First 16 hex digits of sha256 over filename, section, lines and content."""
    key = (
        f"{chunk.get('filename')}:{chunk.get('section')}:{chunk.get('start_line')}:"
        f"{chunk.get('end_line')}:{chunk['content']}"
    )
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def prepare(
    chunk: dict[str, Any], global_tags: list[str] | None, embed_text: str
) -> dict[str, Any]:
    """Everything but the embedding: processed text, keywords, tags, metadata, hash, and
    ``embed_input`` (the text to embed)."""
    content = chunk["content"]
    tags = [str(t) for t in chunk.get("tags") or []]
    for tag in global_tags or []:
        if tag not in tags:
            tags.append(tag)
    chunk_meta = dict(chunk.get("metadata") or {})
    embedded = embedded_metadata(content)
    metadata = {**embedded, **chunk_meta}
    processed = processed_text(content)
    return {
        "content": content,
        "processed_content": processed,
        "keywords": keywords(processed, tags),
        "filename": chunk.get("filename") or "",
        "section": chunk.get("section"),
        "start_line": chunk.get("start_line"),
        "end_line": chunk.get("end_line"),
        "tags": tags,
        "metadata": metadata,
        "metadata_text": metadata_text(embedded, tags, chunk.get("section"), chunk_meta),
        "chunk_hash": chunk_hash(chunk),
        "embed_input": f"{processed} {' '.join(tags)}".strip()
        if embed_text == "processed"
        else content,
    }
