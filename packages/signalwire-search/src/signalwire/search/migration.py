"""Moving an index between a ``.swsearch`` file and a pgvector collection, both ways."""

# SQL is assembled from table names sanitised to [A-Za-z0-9_] and from "?"/"%s"
# placeholders; every value is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import json
import logging
import os
import sqlite3
from pathlib import Path
from typing import Any

from signalwire.search import _format
from signalwire.search._rows import chunk_hash
from signalwire.search._text import keywords, processed_text
from signalwire.search.errors import IndexFormatError

__all__ = ["SearchIndexMigrator"]

logger = logging.getLogger("signalwire.search")


class SearchIndexMigrator:
    """``migrate_sqlite_to_pgvector``, ``migrate_pgvector_to_sqlite``, ``get_index_info``."""

    def __init__(self, verbose: bool = False) -> None:
        self.verbose = verbose

    def get_index_info(self, index_path: str) -> dict[str, Any]:
        """``{"type": "sqlite", "path", "config", "total_chunks", "total_files"}`` for a
        ``.swsearch`` file, else ``{"type": "unknown", "path"}``."""
        path = Path(index_path)
        if path.suffix != ".swsearch" or not path.is_file():
            return {"type": "unknown", "path": str(path)}
        try:
            conn = _format.connect_readonly(path)
        except IndexFormatError:
            return {"type": "unknown", "path": str(path)}
        try:
            config = _format.read_config(conn)
            total, files = conn.execute(
                "SELECT COUNT(*), COUNT(DISTINCT filename) FROM chunks"
            ).fetchone()
        finally:
            conn.close()
        config.pop("file_hashes", None)
        return {
            "type": "sqlite",
            "path": str(path),
            "config": config,
            "total_chunks": total,
            "total_files": files,
        }

    def migrate_sqlite_to_pgvector(
        self,
        sqlite_path: str,
        connection_string: str,
        collection_name: str,
        overwrite: bool = False,
        batch_size: int = 100,
    ) -> dict[str, Any]:
        """Copy every chunk of a ``.swsearch`` file into a collection (vectors unchanged)."""
        from signalwire.search.pgvector_backend import PgVectorBackend

        if not Path(sqlite_path).is_file():
            raise FileNotFoundError(f"SQLite index not found: {sqlite_path}")
        conn = _format.connect_readonly(sqlite_path)
        backend = PgVectorBackend(connection_string)
        migrated = errors = 0
        try:
            config = _format.read_config(conn)
            dims = int(config.get("embedding_dimensions") or 0)
            if not dims:
                raise IndexFormatError(f"{sqlite_path} holds no vectors (a keyword-only index)")
            if overwrite:
                backend.delete_collection(collection_name)
            backend.create_schema(collection_name, dims, defer_indexes=True)
            if not overwrite and backend.get_stats(collection_name)["total_chunks"]:
                raise IndexFormatError(
                    f"collection {collection_name!r} is not empty: pass overwrite"
                )
            pg_config = {
                "model_name": config.get("embedding_model"),
                "embedding_dimensions": dims,
                "chunking_strategy": config.get("chunking_strategy", "sentence"),
                "languages": config.get("languages") or ["en"],
                "metadata": {
                    "migrated_from": str(sqlite_path),
                    "original_created": config.get("created_at"),
                    "source_dir": config.get("sources") or config.get("source_dir"),
                    "file_types": config.get("file_types"),
                    # Kept (the vendor's migrator drops these two).
                    "query_stopwords": config.get("query_stopwords") or [],
                    "embed_text": config.get("embed_text", "processed"),
                },
            }
            has_meta_text = _format.has_metadata_text(conn)
            cols = "id, content, processed_content, keywords, embedding, filename, section, start_line, end_line, tags, metadata"
            cols += ", metadata_text" if has_meta_text else ", NULL"
            last = 0
            while True:
                rows = conn.execute(
                    f"SELECT {cols} FROM chunks WHERE id > ? ORDER BY id LIMIT ?",
                    (last, batch_size),
                ).fetchall()
                if not rows:
                    break
                last = rows[-1][0]
                prepared = []
                for r in rows:
                    if len(r[4] or b"") != dims * 4:
                        errors += 1
                        continue
                    prepared.append(
                        {
                            "content": r[1],
                            "processed_content": r[2],
                            "keywords": _loads(r[3], []),
                            "embedding": r[4],
                            "filename": r[5],
                            "section": r[6],
                            "start_line": r[7],
                            "end_line": r[8],
                            "tags": _loads(r[9], []),
                            "metadata": _loads(r[10], {}),
                            "metadata_text": r[11],
                        }
                    )
                if prepared:
                    migrated += backend.store_rows(prepared, collection_name, pg_config)
                if self.verbose:
                    logger.info("migrated %d chunks", migrated)
            backend.create_indexes(collection_name)
        finally:
            conn.close()
            backend.close()
        return {
            "source": str(sqlite_path),
            "target": collection_name,
            "chunks_migrated": migrated,
            "errors": errors,
            "config": pg_config,
        }

    def migrate_pgvector_to_sqlite(
        self,
        connection_string: str,
        collection_name: str,
        output_path: str,
        batch_size: int = 100,
    ) -> dict[str, Any]:
        """Write a collection out as a ``.swsearch`` file (atomically)."""
        import numpy as np

        from signalwire.search.pgvector_backend import PgVectorSearchBackend

        source = PgVectorSearchBackend(connection_string, collection_name)
        out = Path(output_path)
        tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
        tmp.unlink(missing_ok=True)
        migrated = errors = 0
        try:
            config = source.config
            meta = config.get("metadata") or {}
            conn = sqlite3.connect(tmp)
            try:
                conn.executescript(_format.SCHEMA)
                for batch in source.fetch_all(max(1, batch_size)):
                    values = []
                    for (
                        _id,
                        content,
                        processed,
                        emb,
                        filename,
                        section,
                        tags,
                        metadata,
                        meta_text,
                    ) in batch:
                        md = dict(metadata or {})
                        start, end = md.pop("start_line", None), md.pop("end_line", None)
                        kws = md.pop("keywords", None)
                        vec = np.asarray(_parse(emb), dtype="<f4")
                        proc = processed or processed_text(content)
                        chunk = {
                            "filename": filename,
                            "section": section,
                            "start_line": start,
                            "end_line": end,
                            "content": content,
                        }
                        values.append(
                            (
                                content,
                                proc,
                                json.dumps(kws if isinstance(kws, list) else keywords(proc, tags)),
                                "en",
                                vec.tobytes(),
                                filename or "",
                                section,
                                start,
                                end,
                                json.dumps(tags or []),
                                json.dumps(md, default=str),
                                meta_text,
                                chunk_hash(chunk),
                            )
                        )
                    before = conn.total_changes
                    conn.executemany(
                        "INSERT OR IGNORE INTO chunks (content, processed_content, keywords, language,"
                        " embedding, filename, section, start_line, end_line, tags, metadata,"
                        " metadata_text, chunk_hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        values,
                    )
                    migrated += conn.total_changes - before
                    errors += len(values) - (conn.total_changes - before)
                conn.execute("INSERT INTO chunks_fts(chunks_fts) VALUES('rebuild')")
                from datetime import datetime

                _format.write_config(
                    conn,
                    {
                        "embedding_model": config.get("model_name"),
                        "embedding_dimensions": config.get("embedding_dimensions"),
                        "chunk_size": meta.get("chunk_size", 50),
                        "min_chunk_size": meta.get("min_chunk_size", 0),
                        "chunk_overlap": meta.get("chunk_overlap", 10),
                        "preprocessing_version": "1.0",
                        "embed_text": meta.get("embed_text", "content"),
                        "query_stopwords": meta.get("query_stopwords") or [],
                        "languages": config.get("languages") or ["en"],
                        "created_at": datetime.now().isoformat(),
                        "sources": meta.get("sources") or meta.get("source_dir") or [],
                        "file_types": meta.get("file_types") or [],
                        "chunking_strategy": config.get("chunking_strategy") or "sentence",
                    },
                )
                conn.commit()
            finally:
                conn.close()
            os.replace(tmp, out)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        finally:
            source.close()
        return {
            "source": collection_name,
            "target": str(out),
            "chunks_migrated": migrated,
            "errors": errors,
            "config": config,
        }


def _parse(text: str | None) -> list[float]:
    from signalwire.search.pgvector_backend import parse_vector

    return parse_vector(text)


def _loads(value: Any, default: Any) -> Any:
    try:
        parsed = json.loads(value) if value else default
    except (TypeError, ValueError):
        return default
    return parsed if isinstance(parsed, type(default)) else default
