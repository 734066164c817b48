"""Chunking: the vendor's strategies (sentence, sliding, paragraph, page, semantic, topic,
qa, json, markdown) with its defaults, in plain Python.

Each chunk is a dict ``{content, filename, section, start_line, end_line, metadata[, tags]}``;
``metadata`` always holds ``file_type``, ``chunk_size``, ``word_count`` and
``sentence_count``.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Sequence
from typing import Any

from signalwire.search.models import document_key

__all__ = ["CHUNKING_STRATEGIES", "DocumentProcessor", "split_sentences"]

logger = logging.getLogger("signalwire.search")

CHUNKING_STRATEGIES = (
    "sentence",
    "sliding",
    "paragraph",
    "page",
    "semantic",
    "topic",
    "qa",
    "json",
    "markdown",
)

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
_TOPIC_STOP = frozenset(
    [
        "the",
        "and",
        "for",
        "are",
        "but",
        "not",
        "you",
        "all",
        "any",
        "can",
        "had",
        "her",
        "was",
        "one",
        "our",
        "out",
        "day",
        "get",
        "has",
        "him",
        "his",
        "how",
        "man",
        "new",
        "now",
        "old",
        "see",
        "two",
        "way",
        "who",
        "boy",
        "did",
        "its",
        "let",
        "put",
        "say",
        "she",
        "too",
        "use",
        "that",
        "with",
        "have",
        "this",
        "will",
        "your",
        "from",
        "they",
        "know",
        "want",
        "been",
        "good",
        "much",
        "some",
        "time",
        "very",
        "when",
        "come",
        "here",
        "just",
        "like",
        "long",
        "make",
        "many",
        "over",
        "such",
        "take",
        "than",
        "them",
        "well",
        "were",
        "what",
        "which",
        "would",
        "there",
        "their",
        "about",
        "could",
        "other",
        "these",
        "into",
        "more",
        "only",
        "also",
        "after",
        "first",
    ]
)
_QA_PATTERNS = [
    re.compile(p, re.I)
    for p in (
        r"\?",
        r"^(what|how|why|when|where|who|which|can|does|is|are|should|will)\b",
        r"\b(step|process|procedure|method|way to)\b",
        r"\b(example|instance|case)\b",
        r"\b(definition|meaning|refers to|means)\b",
    )
]


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``: split after ``.``/``!``/``?`` before a capital or digit."""
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]


class DocumentProcessor:
    """Splits a document's text into chunks with one of :data:`CHUNKING_STRATEGIES`.

    ``embedder`` (optional) serves the ``semantic`` strategy; without one it falls back to
    ``sentence`` with a warning.
    """

    def __init__(
        self,
        chunking_strategy: str = "sentence",
        max_sentences_per_chunk: int = 5,
        chunk_size: int = 50,
        chunk_overlap: int = 10,
        min_chunk_size: int = 0,
        split_newlines: int | None = None,
        index_nlp_backend: str = "nltk",
        verbose: bool = False,
        semantic_threshold: float = 0.5,
        topic_threshold: float = 0.3,
        embedder: Any = None,
    ) -> None:
        if chunking_strategy not in CHUNKING_STRATEGIES:
            logger.warning("unknown chunking strategy %r: using 'sentence'", chunking_strategy)
            chunking_strategy = "sentence"
        if max_sentences_per_chunk < 1:
            raise ValueError("max_sentences_per_chunk must be at least 1")
        if chunk_size < 1:
            raise ValueError("chunk_size must be at least 1")
        if chunk_overlap < 0 or min_chunk_size < 0:
            raise ValueError("chunk_overlap and min_chunk_size must not be negative")
        self.chunking_strategy = chunking_strategy
        self.max_sentences_per_chunk = max_sentences_per_chunk
        self.chunk_size = chunk_size
        self.chunk_overlap = chunk_overlap
        self.min_chunk_size = min_chunk_size
        self.split_newlines = split_newlines
        self.index_nlp_backend = index_nlp_backend
        self.verbose = verbose
        self.semantic_threshold = semantic_threshold
        self.topic_threshold = topic_threshold
        self.embedder = embedder

    # -- entry point ----------------------------------------------------------------------

    def create_chunks(
        self, content: str | list[str], filename: str, file_type: str
    ) -> list[dict[str, Any]]:
        """Chunks of one document (``content`` as text, or a list of pages)."""
        strategy: Callable[[str | list[str], str, str], list[dict[str, Any]]] = getattr(
            self, f"_chunk_{self.chunking_strategy}"
        )
        return strategy(content, filename, file_type)

    # -- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _text(content: str | list[str]) -> str:
        return "\n".join(content) if isinstance(content, list) else content

    def _chunk(
        self,
        content: str,
        filename: str,
        file_type: str,
        section: str | None,
        extra: dict[str, Any],
        start_line: int | None = None,
        end_line: int | None = None,
    ) -> dict[str, Any]:
        text = content.strip()
        metadata = {
            "file_type": file_type,
            "chunk_size": len(text),
            "word_count": len(text.split()),
            "sentence_count": len(split_sentences(text)) or (1 if text else 0),
            **extra,
        }
        return {
            "content": text,
            "filename": filename,
            "section": section,
            "start_line": start_line,
            "end_line": end_line,
            "metadata": metadata,
        }

    def _sentences(self, text: str) -> list[str]:
        runs = 2 if self.split_newlines is None else self.split_newlines
        parts = re.split(rf"\n{{{runs},}}", text) if runs > 0 else [text]
        out: list[str] = []
        for part in parts:
            out.extend(split_sentences(part))
        return out

    # -- strategies ------------------------------------------------------------------------

    def _chunk_sentence(
        self, content: str | list[str], filename: str, file_type: str
    ) -> list[dict[str, Any]]:
        sentences = self._sentences(self._text(content))
        size = self.max_sentences_per_chunk
        overlap = max(1, size // 4) if size > 1 else 0  # one sentence per chunk: no overlap
        step = size - overlap
        chunks: list[dict[str, Any]] = []
        for i, start in enumerate(range(0, max(len(sentences), 1), step)):
            window = sentences[start : start + size]
            if not window:
                break
            chunks.append(
                self._chunk(
                    " ".join(window),
                    filename,
                    file_type,
                    f"Section {i + 1}",
                    {
                        "chunk_method": "sentence_based",
                        "chunk_index": i,
                        "max_sentences_per_chunk": size,
                        "split_newlines": self.split_newlines,
                    },
                )
            )
            if start + size >= len(sentences):
                break
        return [c for c in chunks if c["content"]]

    def _chunk_sliding(
        self, content: str | list[str], filename: str, file_type: str
    ) -> list[dict[str, Any]]:
        words = self._text(content).split()
        if self.chunk_overlap >= self.chunk_size:
            raise ValueError(
                f"chunk_overlap ({self.chunk_overlap}) must be smaller than chunk_size "
                f"({self.chunk_size})"
            )
        step = self.chunk_size - self.chunk_overlap
        chunks = []
        for n, start in enumerate(range(0, len(words), step), start=1):
            window = words[start : start + self.chunk_size]
            chunks.append(
                self._chunk(
                    " ".join(window),
                    filename,
                    file_type,
                    f"Chunk {n}",
                    {
                        "chunk_method": "sliding_window",
                        "chunk_size_words": self.chunk_size,
                        "overlap_size_words": self.chunk_overlap,
                        "start_word": start,
                        "end_word": start + len(window),
                    },
                )
            )
            if start + self.chunk_size >= len(words):
                break
        return chunks

    def _chunk_paragraph(
        self, content: str | list[str], filename: str, file_type: str
    ) -> list[dict[str, Any]]:
        paragraphs = [p for p in re.split(r"\n\s*\n", self._text(content)) if p.strip()]
        return [
            self._chunk(
                p,
                filename,
                file_type,
                f"Paragraph {n}",
                {"chunk_method": "paragraph_based", "paragraph_number": n},
            )
            for n, p in enumerate(paragraphs, start=1)
        ]

    def _chunk_page(
        self, content: str | list[str], filename: str, file_type: str
    ) -> list[dict[str, Any]]:
        if isinstance(content, list):
            pages = content
        elif "\f" in content:
            pages = content.split("\f")
        elif "---PAGE---" in content:
            pages = content.split("---PAGE---")
        elif re.search(r"^\s*Page \d+", content, re.M):
            pages = re.split(r"^\s*Page \d+.*$", content, flags=re.M)
        else:
            words = content.split()
            size = max(500, len(words) // 10)
            pages = [" ".join(words[i : i + size]) for i in range(0, len(words), size)]
        out = []
        for n, page in enumerate((p for p in pages if p.strip()), start=1):
            out.append(
                self._chunk(
                    page,
                    filename,
                    file_type,
                    f"Page {n}",
                    {"chunk_method": "page_based", "page_number": n},
                )
            )
        return out

    def _chunk_semantic(
        self, content: str | list[str], filename: str, file_type: str
    ) -> list[dict[str, Any]]:
        sentences = self._sentences(self._text(content))
        if self.embedder is None or len(sentences) < 2:
            if self.embedder is None:
                logger.warning("semantic chunking needs an embedder: using 'sentence'")
            return self._chunk_sentence(content, filename, file_type)
        vectors = self.embedder.embed(sentences)
        groups: list[list[str]] = [[sentences[0]]]
        for i in range(1, len(sentences)):
            similarity = float(vectors[i - 1] @ vectors[i])
            if similarity < self.semantic_threshold:
                groups.append([sentences[i]])
            else:
                groups[-1].append(sentences[i])
        merged: list[list[str]] = []
        for group in groups:
            if merged and len(group) < 2:
                merged[-1].extend(group)
            else:
                merged.append(group)
        return [
            self._chunk(
                " ".join(g),
                filename,
                file_type,
                f"Semantic Section {i + 1}",
                {
                    "chunk_method": "semantic",
                    "semantic_threshold": self.semantic_threshold,
                    "sentence_count": len(g),
                },
            )
            for i, g in enumerate(merged)
        ]

    @staticmethod
    def _topic_words(sentence: str) -> set[str]:
        return {
            w
            for w in (m.lower() for m in re.findall(r"[a-zA-Z]{3,}", sentence))
            if w not in _TOPIC_STOP and len(w) > 3
        }

    def _chunk_topic(
        self, content: str | list[str], filename: str, file_type: str
    ) -> list[dict[str, Any]]:
        sentences = self._sentences(self._text(content))
        groups: list[list[str]] = []
        words: list[set[str]] = []
        if len(sentences) <= 3:
            groups, words = [sentences], [set().union(*map(self._topic_words, sentences))]
        else:
            for sentence in sentences:
                kws = self._topic_words(sentence)
                if groups:
                    union = words[-1]
                    jaccard = len(union & kws) / len(union | kws) if union | kws else 1.0
                    if jaccard < self.topic_threshold and len(groups[-1]) >= 2:
                        groups.append([sentence])
                        words.append(set(kws))
                        continue
                    groups[-1].append(sentence)
                    words[-1] |= kws
                else:
                    groups.append([sentence])
                    words.append(set(kws))
        return [
            self._chunk(
                " ".join(g),
                filename,
                file_type,
                f"Topic {n}",
                {
                    "chunk_method": "topic",
                    "topic_keywords": sorted(w)[:10],
                    "sentence_count": len(g),
                    "topic_threshold": self.topic_threshold,
                },
            )
            for n, (g, w) in enumerate(zip(groups, words, strict=False), start=1)
            if g
        ]

    def _chunk_qa(
        self, content: str | list[str], filename: str, file_type: str
    ) -> list[dict[str, Any]]:
        sentences = self._sentences(self._text(content))
        chunks: list[dict[str, Any]] = []
        current: list[str] = []
        context: list[str] = []
        for i, sentence in enumerate(sentences):
            relevant = any(p.search(sentence) for p in _QA_PATTERNS)
            if relevant:
                if i > 0 and sentences[i - 1] not in current and sentences[i - 1] not in context:
                    context.append(sentences[i - 1])
                if i + 1 < len(sentences):
                    context.append(sentences[i + 1])
            current.append(sentence)
            last = i == len(sentences) - 1
            if len(current) >= 3 and (last or (sentence.endswith(".") and len(current) >= 5)):
                chunks.append(
                    self._qa_chunk(context + current, filename, file_type, len(chunks) + 1)
                )
                current, context = [], []
        if current:
            chunks.append(self._qa_chunk(context + current, filename, file_type, len(chunks) + 1))
        return chunks

    def _qa_chunk(
        self, sentences: list[str], filename: str, file_type: str, n: int
    ) -> dict[str, Any]:
        unique = list(dict.fromkeys(sentences))
        text = " ".join(unique)
        return self._chunk(
            text,
            filename,
            file_type,
            f"QA Section {n}",
            {
                "chunk_method": "qa_optimized",
                "has_question": "?" in text,
                "has_process": bool(_QA_PATTERNS[2].search(text)),
                "sentence_count": len(unique),
            },
        )

    def _chunk_json(
        self, content: str | list[str], filename: str, file_type: str
    ) -> list[dict[str, Any]]:
        try:
            data = json.loads(self._text(content))
            items = data["chunks"]
            if not isinstance(items, list):
                raise TypeError("'chunks' is not a list")
        except (ValueError, KeyError, TypeError) as exc:
            logger.warning("%s: not a chunks JSON document (%s): using 'sentence'", filename, exc)
            return self._chunk_sentence(content, filename, file_type)
        chunks: list[dict[str, Any]] = []
        heading: str | None = None
        doc: str | None = None
        for idx, item in enumerate(items):
            if not isinstance(item, dict) or not item.get("content"):
                logger.warning("%s: chunk %d has no content: skipped", filename, idx)
                continue
            raw_meta = item.get("metadata")
            meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
            text = str(item["content"])
            kind = item.get("type", "content")
            tags = [*(item.get("tags") or []), *(meta.get("tags") or [])]
            tags = list(dict.fromkeys(str(t) for t in tags))
            if kind == "toc" and not tags:
                tags = ["toc", "navigation"]
            key = document_key(meta)
            if key != doc:
                doc, heading = key, None
            extra: dict[str, Any] = {}
            if text.startswith("# ") and not text.startswith("## "):
                heading = text.split("\n", 1)[0]
            elif text.startswith("#") and heading and heading not in text:
                text = f"{heading}\n\n{text}"
                extra["heading_context"] = heading
            if kind == "toc":
                section = f"TOC: {text[:50]}"
            else:
                section = meta.get("section") or f"Section {meta.get('section_number', idx + 1)}"
            chunk = self._chunk(
                text,
                filename,
                file_type,
                section,
                {
                    "chunk_method": "json",
                    "chunk_index": idx,
                    "chunk_type": kind,
                    "original_chunk_id": item.get("chunk_id"),
                    **meta,
                    **extra,
                },
            )
            chunk["tags"] = tags
            chunks.append(chunk)
        if not chunks:
            return self._chunk_sentence(content, filename, file_type)
        return chunks

    def _chunk_markdown(
        self, content: str | list[str], filename: str, file_type: str
    ) -> list[dict[str, Any]]:
        return _MarkdownChunker(self, filename, file_type).run(self._text(content))


class _MarkdownChunker:
    """Walks Markdown blocks: headings start chunks, fences/tables/lists stay whole."""

    def __init__(self, processor: DocumentProcessor, filename: str, file_type: str) -> None:
        self.p = processor
        self.filename = filename
        self.file_type = file_type
        self.limit = processor.chunk_size * 6
        self.path: list[tuple[int, str]] = []
        self.chunks: list[dict[str, Any]] = []
        self.lines: list[str] = []
        self.start = 1
        self.section_path: list[str] = []

    def _blocks(self, text: str) -> list[tuple[str, int, int, list[str]]]:
        """(kind, first line, last line, lines) for each top-level block."""
        lines = text.splitlines()
        blocks: list[tuple[str, int, int, list[str]]] = []
        i = 0
        while i < len(lines):
            line = lines[i]
            if not line.strip():
                i += 1
                continue
            fence = re.match(r"^\s{0,3}(`{3,}|~{3,})", line)
            if fence:
                j = i + 1
                while j < len(lines) and not lines[j].lstrip().startswith(fence.group(1)):
                    j += 1
                blocks.append(("fence", i + 1, min(j, len(lines) - 1) + 1, lines[i : j + 1]))
                i = j + 1
                continue
            if re.match(r"^\s{0,3}#{1,6}\s", line):
                blocks.append(("heading", i + 1, i + 1, [line]))
                i += 1
                continue
            if re.match(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$", line):
                i += 1  # horizontal rules carry no text
                continue
            j = i
            while (
                j + 1 < len(lines)
                and lines[j + 1].strip()
                and not re.match(r"^\s{0,3}(#{1,6}\s|`{3,}|~{3,})", lines[j + 1])
            ):
                j += 1
            blocks.append(("text", i + 1, j + 1, lines[i : j + 1]))
            i = j + 1
        return blocks

    def _flush(self, end: int) -> None:
        text = "\n".join(self.lines).strip()
        if text:
            code_langs = [
                m.group(1).split()[0]
                for m in re.finditer(r"^\s{0,3}(?:`{3,}|~{3,})(\S[^\n]*)$", text, re.M)
            ]
            has_code = bool(re.search(r"^\s{0,3}(`{3,}|~{3,})", text, re.M))
            tags = (["code"] if has_code else []) + [f"code:{lang}" for lang in code_langs]
            names = [title for _, title in self.path]
            if names:
                tags.append(f"depth:{len(names)}")
            extra: dict[str, Any] = {"chunk_type": "markdown"}
            for n, title in enumerate(names, start=1):
                extra[f"h{n}"] = title
            extra["has_code"] = has_code
            if code_langs:
                extra["code_languages"] = code_langs
            extra["tags"] = tags
            section = " > ".join(names) if names else None
            self.chunks.append(
                self.p._chunk(text, self.filename, self.file_type, section, extra, self.start, end)
            )
        self.lines = []

    def run(self, text: str) -> list[dict[str, Any]]:
        last = 0
        size = 0
        for kind, first, end, lines in self._blocks(text):
            block = "\n".join(lines)
            if kind == "heading":
                level = len(block.lstrip()) - len(block.lstrip().lstrip("#"))
                title = block.strip().lstrip("#").strip()
                small = self.p.min_chunk_size > 0 and 0 < size < self.p.min_chunk_size * 6
                if not small:
                    self._flush(last)
                    self.start, size = first, 0
                self.path = [(lv, t) for lv, t in self.path if lv < level] + [(level, title)]
            elif size > 0 and size + len(block) > self.limit:
                self._flush(last)
                self.start, size = first, 0
            if not self.lines:
                self.start = first
            self.lines.append(block)
            size += len(block)
            last = end
        self._flush(last)
        return self.chunks


def chunk_texts(chunks: Sequence[dict[str, Any]]) -> list[str]:
    """The content of each chunk (helper for embedding)."""
    return [c["content"] for c in chunks]
