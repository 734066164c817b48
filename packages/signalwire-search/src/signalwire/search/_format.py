"""The ``.swsearch`` file: an SQLite database, table for table as signalwire-sdk writes it.

* ``chunks``: one row per chunk; ``embedding`` holds the raw little-endian float32 bytes
  of the vector (4 x dimensions bytes), ``tags``/``keywords`` JSON arrays, ``metadata``
  a JSON object.
* ``chunks_fts``: FTS5 over ``processed_content, keywords, metadata_text`` with external
  content ``chunks`` (default ``unicode61`` tokenizer), filled by ``'rebuild'``.
* ``synonyms``: created for compatibility; never used.
* ``config``: key/value TEXT rows (model, dimensions, chunking sizes, sources...).

This builder also records ``file_hash``/``file_hashes`` config rows for incremental
rebuilds; readers that do not know them ignore them.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from signalwire.search.errors import IndexFormatError

SCHEMA = """
CREATE TABLE IF NOT EXISTS chunks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    content TEXT NOT NULL,
    processed_content TEXT NOT NULL,
    keywords TEXT,
    language TEXT DEFAULT 'en',
    embedding BLOB NOT NULL,
    filename TEXT NOT NULL,
    section TEXT,
    start_line INTEGER,
    end_line INTEGER,
    tags TEXT,
    metadata TEXT,
    metadata_text TEXT,
    chunk_hash TEXT UNIQUE,
    created_at TEXT DEFAULT CURRENT_TIMESTAMP
);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
    processed_content, keywords, metadata_text, content='chunks', content_rowid='id'
);
CREATE TABLE IF NOT EXISTS synonyms (
    word TEXT, pos_tag TEXT, synonyms TEXT, language TEXT DEFAULT 'en',
    PRIMARY KEY (word, pos_tag, language)
);
CREATE TABLE IF NOT EXISTS config (key TEXT PRIMARY KEY, value TEXT);
CREATE INDEX IF NOT EXISTS idx_chunks_filename ON chunks(filename);
CREATE INDEX IF NOT EXISTS idx_chunks_language ON chunks(language);
CREATE INDEX IF NOT EXISTS idx_chunks_tags ON chunks(tags);
"""

REQUIRED_TABLES = ("chunks", "chunks_fts", "synonyms", "config")

#: Config keys whose values are JSON (the rest are plain strings).
JSON_KEYS = frozenset({"query_stopwords", "languages", "sources", "file_types", "file_hashes"})


def encode_vector(vector: Any) -> bytes:
    """float32 little-endian bytes of a 1-D vector (numpy array or sequence of floats)."""
    import numpy as np

    array = np.asarray(vector, dtype="<f4")
    return bytes(array.tobytes())


def connect_readonly(path: str | Path) -> sqlite3.Connection:
    """Open an index file read-only; a missing, foreign or corrupt file raises
    :class:`IndexFormatError` naming the problem."""
    file = Path(path)
    if not file.is_file():
        raise IndexFormatError(f"index file not found: {file}")
    try:
        conn = sqlite3.connect(
            f"{file.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
        )
        tables = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table')")
        }
    except sqlite3.DatabaseError as exc:
        raise IndexFormatError(
            f"{file} is not a search index (not an SQLite database: {exc})"
        ) from exc
    missing = [t for t in REQUIRED_TABLES if t not in tables and t != "synonyms"]
    if missing:
        conn.close()
        raise IndexFormatError(f"{file} is not a search index (missing tables: {missing})")
    return conn


def missing_tables(conn: sqlite3.Connection) -> list[str]:
    """Required tables absent from an open database."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    return [t for t in REQUIRED_TABLES if t not in tables]


def read_config(conn: sqlite3.Connection) -> dict[str, Any]:
    """The ``config`` table as a dict; JSON-valued keys decoded when they parse."""
    config: dict[str, Any] = {}
    for key, value in conn.execute("SELECT key, value FROM config"):
        if key in JSON_KEYS and isinstance(value, str):
            try:
                config[key] = json.loads(value)
                continue
            except ValueError:
                pass
        config[key] = value
    return config


def write_config(conn: sqlite3.Connection, config: Mapping[str, Any]) -> None:
    """Upsert config rows; lists/dicts stored as JSON, everything else as ``str``."""
    rows = [
        (key, json.dumps(value) if isinstance(value, (list, dict)) else str(value))
        for key, value in config.items()
        if value is not None
    ]
    conn.executemany("INSERT OR REPLACE INTO config (key, value) VALUES (?, ?)", rows)


def has_metadata_text(conn: sqlite3.Connection) -> bool:
    """Older files (before signalwire-sdk 3.4) lack the ``metadata_text`` column."""
    return any(row[1] == "metadata_text" for row in conn.execute("PRAGMA table_info(chunks)"))


def native_is_little_endian() -> bool:
    """Vectors are stored little-endian; big-endian hosts byte-swap on read."""
    return sys.byteorder == "little"
