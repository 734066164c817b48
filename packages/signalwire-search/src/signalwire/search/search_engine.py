"""The search engine: hybrid ranking over a ``.swsearch`` file or a pgvector collection.

On sqlite the index's vectors are read once, into one normalised float32 matrix, the
first time a vector query runs; each query is then one matrix-vector product. Keyword
search uses the file's FTS5 table with bm25, better matches scoring higher. One
connection per engine serves every source.
"""

# SQL is assembled from table names sanitised to [A-Za-z0-9_] and from "?"/"%s"
# placeholders; every value is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import itertools
import json
import logging
import sqlite3
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from signalwire.search import _format, _ranking
from signalwire.search._text import query_terms
from signalwire.search.errors import IndexFormatError, ModelMismatchError, SearchError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = ["DIVERSITY_WINDOW", "MIN_CANDIDATE_POOL", "SearchEngine"]

logger = logging.getLogger("signalwire.search")

MIN_CANDIDATE_POOL = _ranking.MIN_CANDIDATE_POOL
DIVERSITY_WINDOW = _ranking.DIVERSITY_WINDOW
#: Upper bound of ``count`` (a pool of 3 x count candidates is read per source).
MAX_COUNT = 1000
_MAX_TERMS = 10


def _check_args(count: int, similarity_threshold: float) -> None:
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
        raise ValueError(f"count must be an integer from 1 to {MAX_COUNT}, not {count!r}")
    if (
        isinstance(similarity_threshold, bool)
        or not isinstance(similarity_threshold, (int, float))
        or not (0.0 <= similarity_threshold <= 1.0)
    ):
        raise ValueError(
            f"similarity_threshold must be a number from 0 to 1, not {similarity_threshold!r}"
        )


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class SearchEngine:
    """Searches one index.

    ``SearchEngine(index_path="docs.swsearch")`` or ``SearchEngine(backend="pgvector",
    connection_string=..., collection_name=...)``. ``model`` (an Embedder) overrides the
    model recorded in the index for :meth:`query`.
    """

    TIEBREAK_MAX = _ranking.TIEBREAK_MAX

    def __init__(
        self,
        backend: str = "sqlite",
        index_path: str | Path | None = None,
        connection_string: str | None = None,
        collection_name: str | None = None,
        model: Any = None,
    ) -> None:
        self.backend = backend
        self.model = model
        self._lock = threading.Lock()
        self._matrix: npt.NDArray[np.float32] | None = None
        self._ids: npt.NDArray[np.int64] | None = None
        self._vectors_loaded = False
        self._vector_off_reason: str | None = None
        self._filename_cache: list[tuple[str, str, str]] | None = None
        self._pg: Any = None
        if backend == "sqlite":
            if not index_path:
                raise ValueError("index_path is required for sqlite backend")
            self.index_path = str(index_path)
            self._conn: sqlite3.Connection | None = _format.connect_readonly(index_path)
            try:
                self.config: dict[str, Any] = _format.read_config(self._conn)
                self._has_meta_text = _format.has_metadata_text(self._conn)
                self._fts_ok = self._fts_filled()
            except sqlite3.DatabaseError as exc:
                self._conn.close()
                raise IndexFormatError(f"{index_path} is not a search index ({exc})") from exc
        elif backend == "pgvector":
            if not connection_string or not collection_name:
                raise ValueError(
                    "connection_string and collection_name are required for pgvector backend"
                )
            from signalwire.search.pgvector_backend import PgVectorSearchBackend

            self._conn = None
            self._pg = PgVectorSearchBackend(connection_string, collection_name)
            self.config = dict(self._pg.config)
        else:
            raise ValueError(f"backend must be 'sqlite' or 'pgvector', not {backend!r}")
        dims = self.config.get("embedding_dimensions")
        try:
            self.embedding_dim: int | None = int(dims) if dims not in (None, "") else None
        except (TypeError, ValueError):
            self.embedding_dim = None

    # -- info ------------------------------------------------------------------------------

    @property
    def model_name(self) -> str | None:
        """The model the index was built with (``None`` for keyword-only indexes)."""
        name = self.config.get("embedding_model") or self.config.get("model_name")
        return None if name in (None, "", "none") else str(name)

    @property
    def query_stopwords(self) -> list[str]:
        """Terms the index marks as present in every document (dropped from queries)."""
        value = self.config.get("query_stopwords")
        if value is None and isinstance(self.config.get("metadata"), dict):
            value = self.config["metadata"].get("query_stopwords")
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                return []
        return [str(v) for v in value] if isinstance(value, list) else []

    def close(self) -> None:
        """Release the connection and the vectors."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._pg is not None:
            self._pg.close()
        self._matrix = self._ids = None

    def __enter__(self) -> SearchEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise SearchError("the search engine is closed")
        return self._conn

    def _fts_filled(self) -> bool:
        conn = self._db()
        chunks = conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
        try:
            indexed = conn.execute("SELECT COUNT(*) FROM chunks_fts_docsize").fetchone()[0]
        except sqlite3.DatabaseError:
            return False
        return bool(indexed) or not chunks

    def get_stats(self) -> dict[str, Any]:
        """Counts and config (vendor shape)."""
        if self._pg is not None:
            return dict(self._pg.get_stats())
        with self._lock:
            conn = self._db()
            total = conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
            files = [r[0] for r in conn.execute("SELECT DISTINCT filename FROM chunks")]
            avg = conn.execute("SELECT AVG(LENGTH(content)) FROM chunks").fetchone()[0] or 0
            languages = dict(
                conn.execute("SELECT language, COUNT(*) FROM chunks GROUP BY language").fetchall()
            )
        kinds = {"markdown": 0, "python": 0, "text": 0, "pdf": 0, "docx": 0, "other": 0}
        by_ext = {
            ".md": "markdown",
            ".py": "python",
            ".txt": "text",
            ".pdf": "pdf",
            ".docx": "docx",
        }
        for name in files:
            kinds[by_ext.get(Path(str(name)).suffix.lower(), "other")] += 1
        return {
            "total_chunks": total,
            "total_files": len(files),
            "avg_chunk_size": int(avg),
            "file_types": kinds,
            "languages": languages,
            "config": self.config,
        }

    # -- vectors ---------------------------------------------------------------------------

    def _load_vectors(self) -> bool:
        """Read every embedding once into a normalised matrix; False when unavailable."""
        if self._vectors_loaded:
            return self._matrix is not None
        self._vectors_loaded = True
        try:
            import numpy as np
        except ImportError:
            self._vector_off_reason = (
                'vector search needs numpy: pip install "signalwire-search[vectors]"'
            )
            logger.warning("%s; using keyword search only", self._vector_off_reason)
            return False
        conn = self._db()
        dims = self.embedding_dim
        if not dims:
            row = conn.execute(
                "SELECT LENGTH(embedding) FROM chunks WHERE LENGTH(embedding) > 0 LIMIT 1"
            ).fetchone()
            dims = (row[0] // 4) if row else 0
        if not dims:
            return False
        n = conn.execute(
            "SELECT COUNT(*) FROM chunks WHERE LENGTH(embedding) = ?", (dims * 4,)
        ).fetchone()[0]
        matrix = np.empty((n, dims), dtype=np.float32)
        ids = np.empty(n, dtype=np.int64)
        i = 0
        little = _format.native_is_little_endian()
        for chunk_id, blob in conn.execute(
            "SELECT id, embedding FROM chunks WHERE LENGTH(embedding) = ? ORDER BY id", (dims * 4,)
        ):
            if i >= n:
                break
            row = np.frombuffer(blob, dtype="<f4")
            matrix[i] = row if little else row.astype(np.float32)
            ids[i] = chunk_id
            i += 1
        matrix, ids = matrix[:i], ids[:i]
        skipped = conn.execute(
            "SELECT COUNT(*) FROM chunks WHERE LENGTH(embedding) NOT IN (0, ?)", (dims * 4,)
        ).fetchone()[0]
        if skipped:
            logger.warning(
                "%s: %d rows have vectors of another size; they are left out of vector search",
                self.index_path,
                skipped,
            )
        norms = np.linalg.norm(matrix, axis=1)
        keep = norms > 0  # zero vectors (failed embeddings) match nothing
        if not keep.all():
            logger.warning(
                "%s: %d rows have zero vectors; they are found by keyword search only",
                self.index_path,
                int((~keep).sum()),
            )
            matrix, ids, norms = matrix[keep], ids[keep], norms[keep]
        matrix /= norms[:, None]
        self._matrix, self._ids = matrix, ids
        self.embedding_dim = dims
        return True

    def _vector_hits(
        self, query_vector: Sequence[float], pool: int, threshold: float, allowed: set[int] | None
    ) -> list[tuple[int, float]]:
        import numpy as np

        if not self._load_vectors() or self._matrix is None or self._ids is None:
            return []
        q = np.asarray(query_vector, dtype=np.float32).reshape(-1)
        if q.shape[0] != self._matrix.shape[1]:
            raise ModelMismatchError(
                f"the query vector has {q.shape[0]} dimensions but the index "
                f"{self.index_path} holds {self._matrix.shape[1]}-dimension vectors of "
                f"{self.model_name!r}: query with the model the index was built with"
            )
        norm = float(np.linalg.norm(q))
        if norm == 0 or len(self._ids) == 0:
            return []
        scores = self._matrix @ (q / norm)
        if allowed is not None:
            mask = np.isin(self._ids, np.fromiter(allowed, dtype=np.int64, count=len(allowed)))
            scores = np.where(mask, scores, -np.inf)
        k = min(pool, len(scores))
        top = np.argpartition(scores, len(scores) - k)[len(scores) - k :]  # no negated copy
        top = top[np.argsort(-scores[top])]
        hits = []
        for i in top:
            score = float(scores[i])
            if score == -np.inf or (threshold > 0 and score < threshold):
                continue
            hits.append((int(self._ids[i]), score))
        return hits

    # -- other sources ---------------------------------------------------------------------

    def _allowed(self, tags: Sequence[str]) -> set[int]:
        placeholders = ",".join("?" * len(tags))
        sql = (
            "SELECT id FROM chunks WHERE (json_valid(tags) AND EXISTS (SELECT 1 FROM json_each(chunks.tags)"
            f" WHERE value IN ({placeholders}))) OR (json_valid(metadata) AND EXISTS (SELECT 1 FROM"
            f" json_each(chunks.metadata, '$.tags') WHERE value IN ({placeholders})))"
        )
        return {r[0] for r in self._db().execute(sql, [*tags, *tags])}

    @staticmethod
    def _restrict(allowed: set[int] | None) -> tuple[str, list[Any]]:
        if allowed is None:
            return "", []
        return " AND c.id IN (SELECT value FROM json_each(?))", [json.dumps(sorted(allowed))]

    def _keyword_hits(
        self, text: str, pool: int, allowed: set[int] | None
    ) -> tuple[str, list[tuple[int, float]]]:
        terms = query_terms(text)
        if not terms:
            return "keyword", []
        where, params = self._restrict(allowed)
        if self._fts_ok:
            match = " OR ".join('"' + t.replace('"', "") + '"' for t in terms)
            try:
                rows = (
                    self._db()
                    .execute(
                        # FTS5's own rank column (bm25) sorts inside the FTS module;
                        # the tag restriction filters rowids without joining chunks.
                        "SELECT rowid, rank FROM chunks_fts WHERE chunks_fts MATCH ?"
                        f"{where.replace('c.id', 'rowid')} ORDER BY rank LIMIT ?",
                        [match, *params, pool],
                    )
                    .fetchall()
                )
            except sqlite3.DatabaseError as exc:
                logger.warning("full-text search failed (%s); using the word scan", exc)
                rows = None
            if rows is not None:
                # bm25 is negative, more negative for better matches: scale so the best is 1.
                best = min((r for _, r in rows), default=0.0)
                return "keyword", [(i, (r / best) if best < 0 else 1.0) for i, r in rows]
        # Files whose FTS table was never filled (older builders): a word scan.
        clauses, args = [], []
        for term in terms[:5]:
            clauses.append("(' ' || LOWER(c.content) || ' ') LIKE ? ESCAPE '\\'")
            args.append(f"% {_like_escape(term)} %")
        rows = (
            self._db()
            .execute(
                f"SELECT c.id, c.content FROM chunks c WHERE ({' OR '.join(clauses)}){where} LIMIT ?",
                [*args, *params, pool],
            )
            .fetchall()
        )
        hits = []
        for chunk_id, content in rows:
            words = set(str(content).lower().split())
            hits.append((chunk_id, sum(t in words for t in terms[:5]) / len(terms[:5])))
        hits.sort(key=lambda h: h[1], reverse=True)
        return "fallback", hits

    def _filenames(self) -> list[tuple[str, str, str]]:
        """``(filename, lowercased path, lowercased base name)`` of every file, read once
        (far fewer files than chunks, so matching them in Python beats a table scan)."""
        if self._filename_cache is None:
            names = [r[0] for r in self._db().execute("SELECT DISTINCT filename FROM chunks")]
            self._filename_cache = [
                (str(n), str(n).lower(), Path(str(n)).name.lower()) for n in names if n
            ]
        return self._filename_cache

    def _chunks_of(
        self, names: list[str], limit: int, allowed: set[int] | None
    ) -> list[tuple[int, str]]:
        if not names:
            return []
        where, params = self._restrict(allowed)
        return (
            self._db()
            .execute(
                f"SELECT c.id, c.filename FROM chunks c WHERE c.filename IN"
                f" (SELECT value FROM json_each(?)){where} LIMIT ?",
                [json.dumps(names), *params, limit],
            )
            .fetchall()
        )

    def _filename_hits(
        self, text: str, pool: int, allowed: set[int] | None
    ) -> list[tuple[int, float]]:
        q = text.lower().strip()[:200]
        if not q:
            return []
        files = self._filenames()
        hits: dict[int, float] = {}
        phase1 = {name: base for name, path, base in files if q in path}
        for chunk_id, filename in self._chunks_of(list(phase1), pool, allowed):
            hits[chunk_id] = 3.0 if q in phase1[filename] else 2.0
        terms = [t for t in query_terms(q)[:_MAX_TERMS] if len(t) > 1]
        if terms:
            scored: dict[str, float] = {}
            for name, path, base in files:
                if name in phase1 or not any(t in path for t in terms):
                    continue
                in_base = sum(t in base for t in terms) / len(terms)
                in_path = sum(t in path for t in terms) / len(terms)
                bonus = (
                    0.3
                    if any(
                        f"{a}_{b}" in base or f"{a}{b}" in base
                        for a, b in itertools.pairwise(terms)
                    )
                    else 0.0
                )
                scored[name] = (
                    (in_base**1.5 + bonus) if in_base else ((in_path * 0.5) ** 1.5 + bonus)
                )
            best = sorted(scored, key=lambda n: scored[n], reverse=True)[: 3 * pool]
            for chunk_id, filename in self._chunks_of(best, 3 * pool, allowed):
                hits.setdefault(chunk_id, scored[filename])
        ranked = sorted(hits.items(), key=lambda h: h[1], reverse=True)
        return ranked[: 3 * pool]

    def _metadata_hits(
        self, text: str, pool: int, allowed: set[int] | None
    ) -> list[tuple[int, float]]:
        if not self._has_meta_text or not self._fts_ok:
            return []
        terms = [t for t in query_terms(text)[:_MAX_TERMS] if len(t) > 2]
        if not terms:
            return []
        where, params = self._restrict(allowed)
        # The FTS table indexes metadata_text: every term as a word prefix there (the
        # vendor scans the table with LIKE '%term%').
        match = "metadata_text : (" + " AND ".join(f'"{t}"*' for t in terms) + ")"
        hits = []
        try:
            rows = (
                self._db()
                .execute(
                    "SELECT c.id, c.metadata, c.tags, c.section FROM chunks_fts JOIN chunks c"
                    f" ON c.id = chunks_fts.rowid WHERE chunks_fts MATCH ?{where} LIMIT ?",
                    [match, *params, 10 * pool],
                )
                .fetchall()
            )
        except sqlite3.DatabaseError:
            return []
        for chunk_id, metadata, tags, section in rows:
            meta_text, tag_text, sec = (
                str(metadata or "").lower(),
                str(tags or "").lower(),
                str(section or "").lower(),
            )
            score = sum(
                1.5 * (t in meta_text) + 1.0 * (t in tag_text) + 0.8 * (t in sec) for t in terms
            )
            hits.append((chunk_id, score))
        hits.sort(key=lambda h: h[1], reverse=True)
        return hits[:pool]

    def _rows(self, ids: list[int]) -> dict[int, tuple[Any, ...]]:
        out: dict[int, tuple[Any, ...]] = {}
        conn = self._db()
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            for row in conn.execute(
                f"SELECT id, content, filename, section, tags, metadata FROM chunks WHERE id IN ({','.join('?' * len(part))})",
                part,
            ):
                out[row[0]] = row
        return out

    @staticmethod
    def _json(value: Any, default: Any) -> Any:
        if not value:
            return default
        try:
            parsed = json.loads(value)
        except (TypeError, ValueError):
            return default
        return parsed if isinstance(parsed, type(default)) else default

    # -- search ----------------------------------------------------------------------------

    def search(
        self,
        query_vector: Sequence[float] | None,
        enhanced_text: str,
        count: int = 3,
        similarity_threshold: float = 0.0,
        tags: Sequence[str] | None = None,
        keyword_weight: float | None = None,
        original_query: str | None = None,
    ) -> list[dict[str, Any]]:
        """Hybrid search: vector, keyword, filename and metadata candidates, ranked.

        ``query_vector`` may be None (keyword-only). Results are dicts with ``content``,
        ``score`` (0..1), ``metadata`` and the per-source details.
        """
        if keyword_weight is not None:
            warnings.warn(
                "keyword_weight is deprecated and ignored", DeprecationWarning, stacklevel=2
            )
        _check_args(count, similarity_threshold)
        tag_list = [str(t) for t in tags or [] if str(t)]
        pool = _ranking.pool_size(count)
        if self._pg is not None:
            candidates = self._pg.fetch_candidates(
                query_vector,
                enhanced_text,
                pool,
                similarity_threshold,
                tag_list or None,
                original_query,
            )
            return _ranking.rank(candidates, count, similarity_threshold, original_query)
        with self._lock:
            allowed = self._allowed(tag_list) if tag_list else None
            if allowed is not None and not allowed:
                return []
            sources: list[tuple[str, list[tuple[int, float]]]] = []
            if query_vector is not None and len(query_vector):
                sources.append(
                    ("vector", self._vector_hits(query_vector, pool, similarity_threshold, allowed))
                )
            name, hits = self._keyword_hits(enhanced_text, pool, allowed)
            sources.append((name, hits))
            sources.append(
                ("filename", self._filename_hits(original_query or enhanced_text, pool, allowed))
            )
            sources.append(("metadata", self._metadata_hits(enhanced_text, pool, allowed)))
            merged = _ranking.merge(sources)
            rows = self._rows(list(merged))
        candidates = []
        for chunk_id, cand in merged.items():
            row = rows.get(chunk_id)
            if row is None:
                continue
            cand["content"] = row[1]
            cand["metadata"] = {
                "filename": row[2],
                "section": row[3],
                "tags": self._json(row[4], []),
                "metadata": self._json(row[5], {}),
            }
            candidates.append(cand)
        return _ranking.rank(candidates, count, similarity_threshold, original_query)

    def query(
        self,
        text: str,
        count: int = 3,
        similarity_threshold: float = 0.0,
        tags: Sequence[str] | None = None,
        *,
        language: str = "en",
        drop_stopwords: bool = True,
        exact_boosts: bool = True,
    ) -> list[dict[str, Any]]:
        """Preprocess ``text``, embed it with the index's model and :meth:`search`.

        When the model cannot be loaded the reason is logged once and queries run on
        keyword search alone.
        """
        from signalwire.search.query_processor import (
            check_query,
            drop_corpus_terms,
            preprocess_query,
        )

        raw = check_query(text)
        _check_args(count, similarity_threshold)
        if not raw:
            return []
        cleaned = drop_corpus_terms(raw, self.query_stopwords) if drop_stopwords else raw
        analysis = preprocess_query(cleaned, language=language)
        vector = self.embed_query(analysis["enhanced_text"])
        return self.search(
            vector,
            analysis["enhanced_text"],
            count,
            similarity_threshold,
            tags,
            original_query=raw if exact_boosts else None,
        )

    def embed_query(self, text: str) -> list[float] | None:
        """The vector of ``text`` under the index's model, or None (keyword-only)."""
        if self._vector_off_reason is not None:
            return None
        embedder = self.model
        if embedder is None:
            name = self.model_name
            if name is None:
                return None
            from signalwire.search.embedders import get_embedder

            embedder = get_embedder(name)
        try:
            vector = embedder.embed([text])[0]
        except (SearchError, ImportError) as exc:
            self._vector_off_reason = str(exc)
            logger.warning("vector search off for %s: %s", self.model_name, exc)
            return None
        if self.embedding_dim and len(vector) != self.embedding_dim:
            raise ModelMismatchError(
                f"the model {embedder.model_name!r} makes {len(vector)}-dimension vectors but "
                f"the index holds {self.embedding_dim}-dimension vectors of {self.model_name!r}"
            )
        return [float(x) for x in vector]
