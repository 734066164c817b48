"""Building indexes: discover files, chunk them (in parallel), embed in batches, write.

A ``.swsearch`` build writes to a temporary file next to the target and renames it into
place at the end, so a failed or interrupted build leaves the previous index intact.
Rebuilding an existing index with the same settings re-reads only files whose content
hash changed; the chunks of unchanged files are kept as they are (not re-embedded).
"""

from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import json
import logging
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from signalwire.search import _format
from signalwire.search._extract import DEFAULT_MAX_FILE_BYTES, SkipFile, read_document
from signalwire.search._rows import prepare
from signalwire.search.document_processor import DocumentProcessor
from signalwire.search.errors import IndexFormatError, MissingDependencyError
from signalwire.search.models import resolve_model_alias

__all__ = ["BuildReport", "IndexBuilder", "ProgressCallback"]

logger = logging.getLogger("signalwire.search")

#: ``progress(event, done, total, detail)``: event is ``"file"`` (a file was read; detail
#: names it and its chunk count or skip reason) or ``"embed"`` (chunks embedded so far).
ProgressCallback = Callable[[str, int, int, str], None]

KEYWORD_ONLY_MODELS = frozenset({"none", ""})
_BATCH = 256
_PARALLEL_MIN_FILES = 32


@dataclass
class BuildReport:
    """What a build did."""

    output: str
    files_total: int = 0
    files_processed: int = 0
    files_reused: int = 0
    files_skipped: dict[str, str] = field(default_factory=dict)
    chunks_written: int = 0
    chunks_total: int = 0
    duplicates_dropped: int = 0


def _settings_key(builder: IndexBuilder) -> dict[str, Any]:
    return {
        "model": builder.model_name,
        "strategy": builder.chunking_strategy,
        "max_sentences_per_chunk": builder.max_sentences_per_chunk,
        "chunk_size": builder.chunk_size,
        "chunk_overlap": builder.chunk_overlap,
        "min_chunk_size": builder.min_chunk_size,
        "split_newlines": builder.split_newlines,
        "semantic_threshold": builder.semantic_threshold,
        "topic_threshold": builder.topic_threshold,
        "embed_text": builder.embed_text,
    }


def _parse_one(
    path: str, filename: str, settings: dict[str, Any], max_bytes: int
) -> tuple[list[dict[str, Any]] | None, str]:
    """Read and chunk one file (runs in a worker process). ``(chunks, "")`` or
    ``(None, reason)``."""
    try:
        content = read_document(Path(path), max_bytes)
        processor = DocumentProcessor(**settings)
        suffix = Path(path).suffix.lstrip(".").lower() or "txt"
        chunks = processor.create_chunks(content, filename, suffix)
    except (SkipFile, MissingDependencyError, OSError, ValueError) as exc:
        return None, str(exc)
    return chunks, ""


class IndexBuilder:
    """Builds a search index from files and folders (vendor-compatible arguments).

    ``model_name`` is an alias (``mini``, ``base``) or a model id; ``"none"`` builds a
    keyword-only index (no vectors, no numpy). ``embedder`` overrides the model lookup
    (its ``model_name`` is recorded). ``workers`` processes chunk files in parallel
    (default: all cores).
    """

    def __init__(
        self,
        model_name: str | None = "sentence-transformers/all-mpnet-base-v2",
        chunking_strategy: str = "sentence",
        max_sentences_per_chunk: int = 5,
        chunk_size: int = 50,
        min_chunk_size: int = 0,
        chunk_overlap: int = 10,
        split_newlines: int | None = None,
        index_nlp_backend: str = "nltk",
        verbose: bool = False,
        semantic_threshold: float = 0.5,
        topic_threshold: float = 0.3,
        backend: str = "sqlite",
        connection_string: str | None = None,
        embed_text: str = "content",
        query_stopwords: Sequence[str] | None = None,
        *,
        embedder: Any = None,
        workers: int | None = None,
        max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
        progress: ProgressCallback | None = None,
    ) -> None:
        if backend not in ("sqlite", "pgvector"):
            raise ValueError(f"backend must be 'sqlite' or 'pgvector', not {backend!r}")
        if backend == "pgvector" and not connection_string:
            raise ValueError("connection_string is required for the pgvector backend")
        if embed_text not in ("content", "processed"):
            raise ValueError(f"embed_text must be 'content' or 'processed', not {embed_text!r}")
        if index_nlp_backend not in ("nltk", "spacy", "basic"):
            logger.warning(
                "unknown index_nlp_backend %r: using the built-in text processing",
                index_nlp_backend,
            )
        if embedder is not None:
            model_name = embedder.model_name
        self.model_name = (
            "none"
            if model_name in (None, *KEYWORD_ONLY_MODELS)
            else resolve_model_alias(str(model_name))
        )
        self.chunking_strategy = chunking_strategy
        self.max_sentences_per_chunk = max_sentences_per_chunk
        self.chunk_size = chunk_size
        self.min_chunk_size = min_chunk_size
        self.chunk_overlap = chunk_overlap
        self.split_newlines = split_newlines
        self.index_nlp_backend = index_nlp_backend
        self.verbose = verbose
        self.semantic_threshold = semantic_threshold
        self.topic_threshold = topic_threshold
        self.backend = backend
        self.connection_string = connection_string
        self.embed_text = embed_text
        self.query_stopwords = [s.strip() for s in query_stopwords or [] if s and s.strip()]
        self.workers = workers if workers is not None else (os.cpu_count() or 1)
        self.max_file_bytes = max_file_bytes
        self.progress = progress
        self._embedder = embedder
        # Fail at construction, not after reading every file, when a setting is invalid.
        DocumentProcessor(**self._processor_settings())

    # -- pieces ----------------------------------------------------------------------------

    @property
    def keyword_only(self) -> bool:
        """True when this build stores no vectors."""
        return self.model_name == "none"

    @property
    def embedder(self) -> Any:
        """The embedder (resolved from ``model_name`` on first use), or None."""
        if self.keyword_only:
            return None
        if self._embedder is None:
            from signalwire.search.embedders import get_embedder

            self._embedder = get_embedder(self.model_name)
        return self._embedder

    def _processor_settings(self) -> dict[str, Any]:
        return {
            "chunking_strategy": self.chunking_strategy,
            "max_sentences_per_chunk": self.max_sentences_per_chunk,
            "chunk_size": self.chunk_size,
            "chunk_overlap": self.chunk_overlap,
            "min_chunk_size": self.min_chunk_size,
            "split_newlines": self.split_newlines,
            "semantic_threshold": self.semantic_threshold,
            "topic_threshold": self.topic_threshold,
        }

    def _discover_files_from_sources(
        self,
        sources: Sequence[Path],
        file_types: Sequence[str],
        exclude_patterns: Sequence[str] | None = None,
    ) -> list[tuple[Path, Path]]:
        """``(file, base directory)`` pairs, sorted, without excluded paths."""
        types = [t.strip().lstrip(".").lower() for t in file_types if t.strip()]
        excludes = [p for p in exclude_patterns or [] if p]
        found: dict[Path, Path] = {}
        for source in sources:
            source = Path(source)
            if source.is_file():
                found.setdefault(source, source.parent)
            elif source.is_dir():
                for path in source.rglob("*"):
                    if path.is_file() and path.suffix.lstrip(".").lower() in types:
                        found.setdefault(path, source)
            else:
                logger.warning("source does not exist, skipping: %s", source)
        return sorted(
            (
                (p, base)
                for p, base in found.items()
                if not any(fnmatch.fnmatch(str(p), pat) for pat in excludes)
            ),
            key=lambda pair: str(pair[0]),
        )

    def _get_base_directory_for_file(self, file_path: Path, sources: Sequence[Path]) -> Path:
        """The source folder a file was found under (its parent when given directly)."""
        for source in sources:
            source = Path(source)
            if source.is_dir() and source in file_path.parents:
                return source
        return file_path.parent

    def _process_file(
        self, file_path: Path, source_dir: Path | str, global_tags: Sequence[str] | None = None
    ) -> list[dict[str, Any]]:
        """Chunks of one file (``[]`` when it is skipped)."""
        filename = (
            str(Path(file_path).relative_to(source_dir))
            if Path(source_dir) in Path(file_path).parents
            else Path(file_path).name
        )
        chunks, _reason = _parse_one(
            str(file_path), filename, self._processor_settings(), self.max_file_bytes
        )
        chunks = chunks or []
        for chunk in chunks:
            if global_tags:
                chunk["tags"] = [*chunk.get("tags", []), *global_tags]
        return chunks

    # -- public ----------------------------------------------------------------------------

    def build_index(
        self,
        source_dir: str | Path,
        output_file: str,
        file_types: Sequence[str],
        exclude_patterns: Sequence[str] | None = None,
        languages: Sequence[str] | None = None,
        tags: Sequence[str] | None = None,
        overwrite: bool = False,
    ) -> BuildReport:
        """Build from one folder (see :meth:`build_index_from_sources`)."""
        return self.build_index_from_sources(
            [Path(source_dir)],
            output_file,
            file_types,
            exclude_patterns,
            languages,
            tags,
            overwrite,
        )

    def build_index_from_sources(
        self,
        sources: Sequence[Path | str],
        output_file: str,
        file_types: Sequence[str],
        exclude_patterns: Sequence[str] | None = None,
        languages: Sequence[str] | None = None,
        tags: Sequence[str] | None = None,
        overwrite: bool = False,
    ) -> BuildReport:
        """Build an index from files and folders.

        sqlite: ``output_file`` is the ``.swsearch`` path; an existing index built with the
        same settings is updated incrementally unless ``overwrite``. pgvector:
        ``output_file`` is the collection name; ``overwrite`` drops it first.
        """
        paths = [Path(s) for s in sources]
        files = self._discover_files_from_sources(paths, file_types, exclude_patterns)
        report = BuildReport(output=output_file, files_total=len(files))
        config = self._config(paths, file_types, languages)
        if self.backend == "pgvector":
            self._build_pgvector(files, output_file, tags, overwrite, config, report)
        else:
            self._build_sqlite(
                files, Path(output_file), list(tags or []), overwrite, config, report
            )
        return report

    def validate_index(self, index_file: str | Path) -> dict[str, Any]:
        """``{"valid": True, "chunk_count", "file_count", "config"}`` or
        ``{"valid": False, "error"}``."""
        path = Path(index_file)
        if not path.exists():
            return {"valid": False, "error": "Index file does not exist"}
        try:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            try:
                missing = _format.missing_tables(conn)
                if missing:
                    return {"valid": False, "error": f"Missing tables: {missing}"}
                chunks = conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
                files = conn.execute("SELECT COUNT(DISTINCT filename) FROM chunks").fetchone()[0]
                config = _format.read_config(conn)
            finally:
                conn.close()
        except sqlite3.DatabaseError as exc:
            return {"valid": False, "error": f"not a search index: {exc}"}
        return {"valid": True, "chunk_count": chunks, "file_count": files, "config": config}

    # -- internals -------------------------------------------------------------------------

    def _config(
        self, sources: Sequence[Path], file_types: Sequence[str], languages: Sequence[str] | None
    ) -> dict[str, Any]:
        return {
            "embedding_model": self.model_name,
            "chunk_size": self.chunk_size,
            "min_chunk_size": self.min_chunk_size,
            "chunk_overlap": self.chunk_overlap,
            "preprocessing_version": "1.0",
            "embed_text": self.embed_text,
            "query_stopwords": self.query_stopwords,
            "languages": list(languages or ["en"]),
            "created_at": datetime.now().isoformat(),
            "sources": [str(s) for s in sources],
            "file_types": [t.strip().lstrip(".") for t in file_types],
            "chunking_strategy": self.chunking_strategy,
            "max_sentences_per_chunk": self.max_sentences_per_chunk,
            "index_nlp_backend": self.index_nlp_backend,
            "build_settings": json.dumps(_settings_key(self), sort_keys=True),
        }

    def _note(self, event: str, done: int, total: int, detail: str) -> None:
        if self.progress is not None:
            self.progress(event, done, total, detail)
        if self.verbose and event == "file":
            logger.info("%s", detail)

    def _parsed(
        self, todo: list[tuple[Path, str]], report: BuildReport
    ) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        """``(filename, chunks)`` per readable file, in order, using worker processes."""
        settings = self._processor_settings()
        if self.chunking_strategy == "semantic" and not self.keyword_only:
            settings["embedder"] = self.embedder  # in process: the model is not picklable
        executor: Executor | None = None
        if len(todo) >= _PARALLEL_MIN_FILES and self.workers > 1 and "embedder" not in settings:
            import multiprocessing

            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
            executor = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context(method)
            )
        total = report.files_total
        try:
            results: Iterable[tuple[list[dict[str, Any]] | None, str]]
            args = [(str(p), name, settings, self.max_file_bytes) for p, name in todo]
            if executor is not None:
                results = executor.map(_parse_one, *zip(*args, strict=False), chunksize=8)
            else:
                results = (_parse_one(*a) for a in args)
            for (path, name), (chunks, reason) in zip(todo, results, strict=False):
                done = report.files_reused + report.files_processed + len(report.files_skipped) + 1
                if chunks is None or not chunks:
                    report.files_skipped[name] = reason or "no chunks"
                    self._note("file", done, total, f"{path}: skipped ({reason or 'no chunks'})")
                    continue
                report.files_processed += 1
                self._note("file", done, total, f"{path}: {len(chunks)} chunks")
                yield name, chunks
        finally:
            if executor is not None:
                executor.shutdown(cancel_futures=True)

    def _rows(
        self,
        files: list[tuple[Path, Path]],
        skip: set[str],
        tags: list[str],
        report: BuildReport,
    ) -> Iterator[list[dict[str, Any]]]:
        """Batches of prepared rows with their ``embedding`` bytes."""
        todo: list[tuple[Path, str]] = []
        for path, base in files:
            name = str(path.relative_to(base)) if base in path.parents else path.name
            if name in skip:
                continue
            todo.append((path, name))
        batch: list[dict[str, Any]] = []
        for _name, chunks in self._parsed(todo, report):
            for chunk in chunks:
                batch.append(prepare(chunk, tags, self.embed_text))
            if len(batch) >= _BATCH:
                yield self._embed(batch, report)
                batch = []
        if batch:
            yield self._embed(batch, report)

    def _embed(self, batch: list[dict[str, Any]], report: BuildReport) -> list[dict[str, Any]]:
        if self.keyword_only:
            for row in batch:
                row["embedding"] = b""
        else:
            vectors = self.embedder.embed([row["embed_input"] for row in batch])
            for row, vector in zip(batch, vectors, strict=False):
                row["embedding"] = _format.encode_vector(vector)
        report.chunks_total += len(batch)
        self._note("embed", report.chunks_total, 0, "")
        return batch

    def _file_hashes(self, files: list[tuple[Path, Path]]) -> dict[str, str]:
        hashes: dict[str, str] = {}
        for path, base in files:
            name = str(path.relative_to(base)) if base in path.parents else path.name
            digest = hashlib.sha256()
            with contextlib.suppress(OSError), path.open("rb") as fh:
                while block := fh.read(1 << 20):
                    digest.update(block)
            hashes[name] = digest.hexdigest()
        return hashes

    def _build_sqlite(
        self,
        files: list[tuple[Path, Path]],
        output: Path,
        tags: list[str],
        overwrite: bool,
        config: dict[str, Any],
        report: BuildReport,
    ) -> None:
        if not output.suffix:
            output = output.with_suffix(".swsearch")
        report.output = str(output)
        if not files:
            raise IndexFormatError("no files to index: no source file matched the file types")
        hashes = self._file_hashes(files)
        previous: dict[str, str] = {}
        tmp = output.with_name(f".{output.name}.{os.getpid()}.tmp")
        tmp.unlink(missing_ok=True)
        if output.exists() and not overwrite:
            previous = self._reusable(output, config, tags)
        unchanged = {name for name, digest in hashes.items() if previous.get(name) == digest}
        if unchanged:
            import shutil

            shutil.copyfile(output, tmp)
        try:
            conn = sqlite3.connect(tmp)
            try:
                conn.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;")
                conn.executescript(_format.SCHEMA)
                if unchanged:
                    keep = sorted(unchanged)
                    conn.execute("CREATE TEMP TABLE keep(name TEXT PRIMARY KEY)")
                    conn.executemany("INSERT INTO keep VALUES (?)", [(n,) for n in keep])
                    conn.execute("DELETE FROM chunks WHERE filename NOT IN (SELECT name FROM keep)")
                    report.files_reused = len(unchanged)
                dims = 0
                for batch in self._rows(files, unchanged, tags, report):
                    before = conn.total_changes
                    conn.executemany(
                        "INSERT OR IGNORE INTO chunks (content, processed_content, keywords, language,"
                        " embedding, filename, section, start_line, end_line, tags, metadata,"
                        " metadata_text, chunk_hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        [
                            (
                                r["content"],
                                r["processed_content"],
                                json.dumps(r["keywords"]),
                                "en",
                                r["embedding"],
                                r["filename"],
                                r["section"],
                                r["start_line"],
                                r["end_line"],
                                json.dumps(r["tags"]),
                                json.dumps(r["metadata"], default=str),
                                r["metadata_text"],
                                r["chunk_hash"],
                            )
                            for r in batch
                        ],
                    )
                    written = conn.total_changes - before
                    report.chunks_written += written
                    report.duplicates_dropped += len(batch) - written
                    if not dims and batch and batch[0]["embedding"]:
                        dims = len(batch[0]["embedding"]) // 4
                if report.files_processed + report.files_reused == 0:
                    raise IndexFormatError(
                        "no files could be indexed: "
                        + "; ".join(f"{k}: {v}" for k, v in list(report.files_skipped.items())[:5])
                    )
                if not dims and not self.keyword_only:
                    dims = int(self.embedder.dimensions)
                if report.duplicates_dropped:
                    logger.info(
                        "%d duplicate chunks (same file, section and text) stored once",
                        report.duplicates_dropped,
                    )
                conn.execute("INSERT INTO chunks_fts(chunks_fts) VALUES('rebuild')")
                _format.write_config(
                    conn,
                    {
                        **config,
                        "embedding_dimensions": dims,
                        "file_hashes": {
                            n: hashes[n] for n in hashes if n not in report.files_skipped
                        },
                        "global_tags": tags,
                    },
                )
                conn.commit()
                if unchanged:
                    conn.execute("VACUUM")
            finally:
                conn.close()
            os.replace(tmp, output)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def _reusable(self, output: Path, config: dict[str, Any], tags: list[str]) -> dict[str, str]:
        """File hashes of an existing index built with the same settings, else ``{}``."""
        try:
            conn = _format.connect_readonly(output)
            try:
                old = _format.read_config(conn)
            finally:
                conn.close()
        except (IndexFormatError, sqlite3.DatabaseError):
            return {}
        same = old.get("build_settings") == config["build_settings"] and old.get(
            "global_tags", "[]"
        ) in (json.dumps(tags), tags)
        hashes = old.get("file_hashes")
        return hashes if same and isinstance(hashes, dict) else {}

    def _build_pgvector(
        self,
        files: list[tuple[Path, Path]],
        collection: str,
        tags: Sequence[str] | None,
        overwrite: bool,
        config: dict[str, Any],
        report: BuildReport,
    ) -> None:
        from signalwire.search.pgvector_backend import PgVectorBackend

        if not files:
            raise IndexFormatError("no files to index: no source file matched the file types")
        if self.keyword_only:
            raise ValueError("the pgvector backend stores vectors: name an embedding model")
        backend = PgVectorBackend(self.connection_string or "")
        try:
            name = collection.removesuffix(".swsearch")
            if overwrite:
                backend.delete_collection(name)
            dims = int(self.embedder.dimensions)
            backend.create_schema(name, dims, defer_indexes=True)
            backend.clear_collection(name)
            pg_config = {
                "model_name": self.model_name,
                "embedding_dimensions": dims,
                "chunking_strategy": self.chunking_strategy,
                "languages": config["languages"],
                "metadata": {
                    "max_sentences_per_chunk": self.max_sentences_per_chunk,
                    "chunk_size": self.chunk_size,
                    "chunk_overlap": self.chunk_overlap,
                    "index_nlp_backend": self.index_nlp_backend,
                    "embed_text": self.embed_text,
                    "query_stopwords": self.query_stopwords,
                    "sources": config["sources"],
                    "file_types": config["file_types"],
                },
            }
            for batch in self._rows(files, set(), list(tags or []), report):
                report.chunks_written += backend.store_rows(batch, name, pg_config)
            if report.files_processed == 0:
                raise IndexFormatError("no files could be indexed")
            backend.create_indexes(name)
        finally:
            backend.close()
