"""PostgreSQL + pgvector: collections many agent replicas share.

The tables are signalwire-sdk's (``chunks_<collection>`` plus a ``collection_config``
row per collection), with an HNSW cosine index and a GIN full-text index, so
collections built by either SDK are searched by both. Connections come from a
psycopg 3 pool; vectors travel as pgvector text literals.
"""

# SQL is assembled from table names sanitised to [A-Za-z0-9_] and from "?"/"%s"
# placeholders; every value is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Sequence
from typing import Any

from signalwire.search import _ranking
from signalwire.search._text import query_terms
from signalwire.search.errors import (
    IndexFormatError,
    MissingDependencyError,
    ModelMismatchError,
    SearchBackendError,
)

__all__ = ["PGVECTOR_AVAILABLE", "PgVectorBackend", "PgVectorSearchBackend", "collection_table"]

logger = logging.getLogger("signalwire.search")


def _available() -> bool:
    import importlib.util

    return (
        importlib.util.find_spec("psycopg") is not None
        and importlib.util.find_spec("psycopg_pool") is not None
    )


PGVECTOR_AVAILABLE = _available()
_CONNECT_TIMEOUT = 5.0


def sanitize(name: str) -> str:
    """A collection name as the table suffix: every non-word character becomes ``_``."""
    return re.sub(r"[^a-zA-Z0-9_]", "_", name)


def collection_table(name: str) -> str:
    """``chunks_<sanitised name>``."""
    return f"chunks_{sanitize(name)}"


def vector_literal(vector: Any) -> str:
    """``[x,y,...]``: pgvector's text form."""
    return "[" + ",".join(repr(float(x)) for x in vector) + "]"


def parse_vector(text: str | None) -> list[float]:
    """The floats of a pgvector text value."""
    if not text:
        return []
    return [float(x) for x in text.strip("[]").split(",") if x]


class _Pool:
    """A small psycopg connection pool; an unreachable server fails within seconds."""

    def __init__(self, connection_string: str, max_size: int = 8) -> None:
        try:
            import psycopg
            from psycopg_pool import ConnectionPool
        except ImportError as exc:
            raise MissingDependencyError("The pgvector backend", "pgvector", "psycopg") from exc
        self._psycopg = psycopg
        try:
            # One direct attempt first: an unreachable server fails now, with its reason,
            # instead of after the pool's retries.
            psycopg.connect(connection_string, connect_timeout=int(_CONNECT_TIMEOUT)).close()
        except Exception as exc:
            raise SearchBackendError(
                f"cannot connect to PostgreSQL at {_redact(connection_string)}: "
                f"{str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}"
            ) from exc
        try:
            self.pool = ConnectionPool(
                connection_string,
                min_size=1,
                max_size=max_size,
                kwargs={"autocommit": True, "connect_timeout": int(_CONNECT_TIMEOUT)},
                open=False,
                timeout=_CONNECT_TIMEOUT * 2,
            )
            self.pool.open(wait=True, timeout=_CONNECT_TIMEOUT * 2)
        except Exception as exc:
            raise SearchBackendError(f"cannot connect to PostgreSQL: {_redact(str(exc))}") from exc

    def connection(self) -> Any:
        return self.pool.connection()

    def close(self) -> None:
        self.pool.close()


def _redact(text: str) -> str:
    text = re.sub(r"(://[^:/@\s]*:)[^@\s]*@", r"\1****@", text)
    return re.sub(r"(password\s*=\s*)\S+", r"\1****", text)


class PgVectorBackend:
    """Writes and manages collections (the index builder's and migrator's side)."""

    def __init__(self, connection_string: str) -> None:
        self.connection_string = connection_string
        self._pool = _Pool(connection_string, max_size=2)
        with self._pool.connection() as conn:
            try:
                conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
                conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            except Exception as exc:
                raise SearchBackendError(
                    f"the pgvector extension is not available in this database: {exc}"
                ) from exc

    def create_schema(
        self, collection_name: str, embedding_dim: int = 768, *, defer_indexes: bool = False
    ) -> None:
        """The collection's table, its indexes and the config table.

        ``defer_indexes`` leaves the search indexes out; :meth:`create_indexes` adds them
        after a bulk load (building HNSW once is much faster than row by row).
        """
        table = collection_table(collection_name)
        dim = int(embedding_dim)
        with self._pool.connection() as conn:
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {table} (id SERIAL PRIMARY KEY, content TEXT NOT NULL,"
                f" processed_content TEXT, embedding vector({dim}), filename TEXT, section TEXT,"
                " tags JSONB DEFAULT '[]'::jsonb, metadata JSONB DEFAULT '{}'::jsonb,"
                " metadata_text TEXT, created_at TIMESTAMP DEFAULT NOW())"
            )
            existing = conn.execute(
                "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = %s::regclass"
                " AND attname = 'embedding'",
                (table,),
            ).fetchone()
            if existing and existing[0] != f"vector({dim})":
                raise ModelMismatchError(
                    f"collection {collection_name!r} holds {existing[0]} embeddings, not vector({dim}):"
                    " build it again with overwrite"
                )
            if not defer_indexes:
                self.create_indexes(collection_name)
            conn.execute(
                "CREATE TABLE IF NOT EXISTS collection_config (collection_name TEXT PRIMARY KEY,"
                " model_name TEXT, embedding_dimensions INTEGER, chunking_strategy TEXT,"
                " languages JSONB, created_at TIMESTAMP DEFAULT NOW(), metadata JSONB DEFAULT '{}'::jsonb)"
            )

    def create_indexes(self, collection_name: str) -> None:
        """HNSW (cosine), full-text, trigram and JSONB indexes (each only if missing)."""
        name = sanitize(collection_name)
        table = collection_table(collection_name)
        with self._pool.connection() as conn, conn.transaction():
            # An HNSW build whose graph fits in maintenance memory is many times faster;
            # SET LOCAL ends with this transaction.
            conn.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for suffix, ddl in (
                ("embedding", "hnsw (embedding vector_cosine_ops)"),
                ("content", "gin (content gin_trgm_ops)"),
                ("fts", "gin (to_tsvector('english', content))"),
                ("tags", "gin (tags)"),
                ("metadata", "gin (metadata)"),
                ("metadata_text", "gin (metadata_text gin_trgm_ops)"),
                ("filename", "btree (filename)"),  # not in the vendor's schema; harmless there
            ):
                conn.execute(
                    f"CREATE INDEX IF NOT EXISTS idx_chunks_{name}_{suffix} ON {table} USING {ddl}"
                )

    def clear_collection(self, collection_name: str) -> None:
        """Delete every chunk (a rebuild replaces rather than appends)."""
        with self._pool.connection() as conn:
            conn.execute(f"DELETE FROM {collection_table(collection_name)}")

    def store_rows(
        self, rows: Sequence[dict[str, Any]], collection_name: str, config: dict[str, Any]
    ) -> int:
        """Insert prepared rows (with ``embedding`` as bytes or floats) and upsert the config."""
        import numpy as np

        table = collection_table(collection_name)
        values = []
        for r in rows:
            emb = r["embedding"]
            vec = np.frombuffer(emb, dtype="<f4") if isinstance(emb, (bytes, bytearray)) else emb
            tags = list(r.get("tags") or []) or list((r.get("metadata") or {}).get("tags") or [])
            meta = {
                **(r.get("metadata") or {}),
                "start_line": r.get("start_line"),
                "end_line": r.get("end_line"),
                "keywords": r.get("keywords") or [],
            }
            values.append(
                (
                    r["content"],
                    r.get("processed_content"),
                    vector_literal(vec) if len(vec) else None,
                    r.get("filename"),
                    r.get("section"),
                    json.dumps(tags),
                    json.dumps(meta, default=str),
                    r.get("metadata_text"),
                )
            )
        with self._pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
            # COPY: one round trip per batch instead of one per row.
            with cur.copy(
                f"COPY {table} (content, processed_content, embedding, filename, section, tags,"
                " metadata, metadata_text) FROM STDIN"
            ) as copy:
                for value in values:
                    copy.write_row(value)
            self._upsert_config(cur, collection_name, config)
        return len(values)

    def store_chunks(
        self, chunks: Sequence[dict[str, Any]], collection_name: str, config: dict[str, Any]
    ) -> None:
        """The vendor's entry point: chunk dicts with ``embedding`` and ``processed_content``."""
        from signalwire.search._rows import prepare

        rows = []
        for chunk in chunks:
            row = prepare(chunk, None, "content")
            row["embedding"] = chunk.get("embedding", b"")
            if chunk.get("processed_content"):
                row["processed_content"] = chunk["processed_content"]
            rows.append(row)
        self.store_rows(rows, collection_name, config)

    @staticmethod
    def _upsert_config(cur: Any, collection_name: str, config: dict[str, Any]) -> None:
        cur.execute(
            "INSERT INTO collection_config (collection_name, model_name, embedding_dimensions,"
            " chunking_strategy, languages, metadata) VALUES (%s, %s, %s, %s, %s::jsonb, %s::jsonb)"
            " ON CONFLICT (collection_name) DO UPDATE SET model_name = EXCLUDED.model_name,"
            " embedding_dimensions = EXCLUDED.embedding_dimensions, chunking_strategy ="
            " EXCLUDED.chunking_strategy, languages = EXCLUDED.languages, metadata = EXCLUDED.metadata",
            (
                sanitize(collection_name),
                config.get("model_name"),
                config.get("embedding_dimensions"),
                config.get("chunking_strategy", "sentence"),
                json.dumps(config.get("languages") or ["en"]),
                json.dumps(config.get("metadata") or {}, default=str),
            ),
        )

    def get_stats(self, collection_name: str) -> dict[str, Any]:
        """Chunk and file counts plus the config of one collection."""
        with self._pool.connection() as conn:
            return _stats(conn, collection_name)

    def list_collections(self) -> list[str]:
        """Names of every collection with a config row."""
        with self._pool.connection() as conn:
            try:
                rows = conn.execute(
                    "SELECT collection_name FROM collection_config ORDER BY 1"
                ).fetchall()
            except self._pool._psycopg.Error:
                return []
        return [r[0] for r in rows]

    def delete_collection(self, collection_name: str) -> None:
        """Drop the table and its config row (by the sanitised name)."""
        with self._pool.connection() as conn:
            conn.execute(f"DROP TABLE IF EXISTS {collection_table(collection_name)}")
            exists = conn.execute("SELECT to_regclass('collection_config')").fetchone()[0]
            if exists:
                conn.execute(
                    "DELETE FROM collection_config WHERE collection_name = %s",
                    (sanitize(collection_name),),
                )

    def close(self) -> None:
        """Close the pool."""
        self._pool.close()


def _config(conn: Any, collection_name: str) -> dict[str, Any]:
    try:
        row = conn.execute(
            "SELECT model_name, embedding_dimensions, chunking_strategy, languages, created_at, metadata"
            " FROM collection_config WHERE collection_name = %s",
            (sanitize(collection_name),),
        ).fetchone()
    except Exception as exc:
        raise IndexFormatError(f"no pgvector collections in this database ({exc})") from exc
    if row is None:
        raise IndexFormatError(f"pgvector collection {collection_name!r} not found")
    return {
        "model_name": row[0],
        "embedding_dimensions": row[1],
        "chunking_strategy": row[2],
        "languages": row[3],
        "created_at": row[4].isoformat() if row[4] else None,
        "metadata": row[5] or {},
    }


def _stats(conn: Any, collection_name: str) -> dict[str, Any]:
    table = collection_table(collection_name)
    total, files = conn.execute(
        f"SELECT COUNT(*), COUNT(DISTINCT filename) FROM {table}"
    ).fetchone()
    return {"total_chunks": total, "total_files": files, "config": _config(conn, collection_name)}


class PgVectorSearchBackend:
    """Reads one collection for :class:`~signalwire.search.SearchEngine`."""

    def __init__(self, connection_string: str, collection_name: str) -> None:
        self.collection_name = collection_name
        self.table_name = collection_table(collection_name)
        self._pool = _Pool(connection_string)
        self._lock = threading.Lock()
        self._filename_cache: list[str] | None = None
        self._filename_at = 0.0
        try:
            with self._pool.connection() as conn:
                self.config = _config(conn, collection_name)
        except BaseException:
            self._pool.close()
            raise
        self.config["embedding_model"] = self.config.get("model_name")

    def get_stats(self) -> dict[str, Any]:
        """Chunk and file counts plus the config."""
        with self._pool.connection() as conn:
            return _stats(conn, self.collection_name)

    def close(self) -> None:
        """Close the pool."""
        self._pool.close()

    def fetch_candidates(
        self,
        query_vector: Sequence[float] | None,
        enhanced_text: str,
        count: int,
        similarity_threshold: float = 0.0,
        tags: Sequence[str] | None = None,
        original_query: str | None = None,
    ) -> list[dict[str, Any]]:
        """Candidates from every source, merged, with ``content`` and flat ``metadata``."""
        t = self.table_name
        tag_sql, tag_args = (" AND tags ?| %s", [list(tags)]) if tags else ("", [])
        rows: dict[int, tuple[Any, ...]] = {}
        sources: list[tuple[str, list[tuple[int, float]]]] = []
        cols = "id, content, filename, section, tags, metadata"
        with self._pool.connection() as conn:
            if query_vector is not None and len(query_vector):
                dims = self.config.get("embedding_dimensions")
                if dims and len(query_vector) != int(dims):
                    raise ModelMismatchError(
                        f"the query vector has {len(query_vector)} dimensions but collection "
                        f"{self.collection_name!r} holds {dims}-dimension vectors of "
                        f"{self.config.get('model_name')!r}"
                    )
                literal = vector_literal(query_vector)
                hits = []
                with conn.transaction():
                    # ef_search accepts 1..1000; a large count must not push it out of range.
                    conn.execute(f"SET LOCAL hnsw.ef_search = {min(1000, max(count, 40))}")
                    for row in conn.execute(
                        f"SELECT {cols}, 1 - (embedding <=> %s::vector) FROM {t} WHERE embedding IS NOT NULL"
                        f"{tag_sql} ORDER BY embedding <=> %s::vector LIMIT %s",
                        [literal, *tag_args, literal, count],
                    ):
                        score = float(row[6])
                        if similarity_threshold > 0 and score < similarity_threshold:
                            continue
                        rows[row[0]] = row[:6]
                        hits.append((row[0], score))
                sources.append(("vector", hits))
            terms = [re.sub(r"[^\w]", "", w) for w in query_terms(enhanced_text)]
            terms = [w for w in terms if w]
            if terms:
                tsquery = " | ".join(terms)
                # ts_rank re-parses each row's text: rank at most 10 x pool of the rows the
                # GIN index matches (a common word can match most of a large collection).
                found = conn.execute(
                    f"SELECT {cols}, ts_rank(to_tsvector('english', content), q) FROM"
                    f" (SELECT {cols} FROM {t} WHERE to_tsvector('english', content) @@"
                    f" to_tsquery('english', %s){tag_sql} LIMIT %s) m, to_tsquery('english', %s) q"
                    " ORDER BY 7 DESC LIMIT %s",
                    [tsquery, *tag_args, 10 * count, tsquery, count],
                ).fetchall()
                best = max((float(r[6]) for r in found), default=0.0)
                for r in found:
                    rows.setdefault(r[0], r[:6])
                sources.append(
                    ("keyword", [(r[0], float(r[6]) / best if best > 0 else 1.0) for r in found])
                )
                meta_terms = [w for w in terms[:10] if len(w) > 2]
                if meta_terms:
                    clause = " AND ".join("metadata_text ILIKE %s" for _ in meta_terms)
                    found = conn.execute(
                        f"SELECT {cols} FROM {t} WHERE {clause}{tag_sql} LIMIT %s",
                        [*(f"%{w}%" for w in meta_terms), *tag_args, count],
                    ).fetchall()
                    hits = []
                    for r in found:
                        rows.setdefault(r[0], r)
                        meta_json = json.dumps(r[5]).lower()
                        cov = sum(w in meta_json for w in meta_terms) / len(meta_terms)
                        hits.append((r[0], 0.4 + 0.2 * cov))
                    sources.append(("metadata", hits))
            q = (original_query or enhanced_text).lower().strip()[:200]
            if q:
                hits = []
                files = self._filenames(conn)
                phase1 = [name for name in files if q in name.lower()]
                words = terms[:10]
                phase2 = {
                    name: min(0.5, 0.5 * sum(w in name.lower() for w in words) / len(words))
                    for name in files
                    if words and name not in phase1 and any(w in name.lower() for w in words)
                }
                for names, limit in (
                    (phase1, count),
                    (sorted(phase2, key=phase2.__getitem__, reverse=True), count),
                ):
                    if not names or len(hits) >= count:
                        continue
                    for r in conn.execute(
                        f"SELECT {cols} FROM {t} WHERE filename = ANY(%s){tag_sql} LIMIT %s",
                        [names[: 3 * count], *tag_args, limit],
                    ):
                        if r[0] in rows and any(h[0] == r[0] for h in hits):
                            continue
                        rows.setdefault(r[0], r)
                        name = str(r[2] or "")
                        if name in phase2:
                            hits.append((r[0], phase2[name]))
                        else:
                            base = name.lower().rsplit("/", 1)[-1]
                            hits.append((r[0], 1.0 if q in base else 0.67))
                sources.append(("filename", hits))
        merged = _ranking.merge(sources)
        candidates = []
        for chunk_id, cand in merged.items():
            row = rows[chunk_id]
            meta = row[5] if isinstance(row[5], dict) else {}
            cand["content"] = row[1]
            cand["metadata"] = {"filename": row[2], "section": row[3], "tags": row[4] or [], **meta}
            candidates.append(cand)
        return candidates

    def _filenames(self, conn: Any) -> list[str]:
        """Distinct file names (matched in Python instead of a LIKE scan), re-read each
        minute so files another process adds to the collection are found."""
        import time

        if self._filename_cache is None or time.monotonic() - self._filename_at > 60:
            self._filename_at = time.monotonic()
            self._filename_cache = [
                str(r[0])
                for r in conn.execute(f"SELECT DISTINCT filename FROM {self.table_name}")
                if r[0]
            ]
        return self._filename_cache

    def fetch_all(self, batch_size: int = 500) -> Any:
        """Every row (for migration), in id order, in batches."""
        last = 0
        while True:
            with self._pool.connection() as conn:
                batch = conn.execute(
                    f"SELECT id, content, processed_content, embedding::text, filename, section, tags,"
                    f" metadata, metadata_text FROM {self.table_name} WHERE id > %s ORDER BY id LIMIT %s",
                    (last, batch_size),
                ).fetchall()
            if not batch:
                return
            last = batch[-1][0]
            yield batch
