"""Write the committed vendor-format fixtures (run from the repository root):

    uv run python packages/signalwire-search/tests/data/make_vendor_fixtures.py

signalwire-sdk 3.7.5's builder cannot run offline (importing it loads NLTK's wordnet), so
these files are written here, table for table and key for key as its builder writes them,
from the test documents (conftest.DOCS) and the test word-vector model:

* ``vendor_3_7.swsearch``: the current layout (``metadata_text``, filled FTS,
  ``embed_text``/``query_stopwords``/``sources`` config keys, nested chunk metadata);
* ``vendor_3_3.swsearch``: an older file: no ``metadata_text`` column, an empty FTS
  index, ``source_dir`` instead of ``sources``, no ``embed_text``/``query_stopwords``.

``test_vendor_interop.py`` proves both valid by querying them with the vendor's own
``SearchEngine`` (when its venv exists) and with ours.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from conftest import DOCS, MODEL, vocabulary  # noqa: E402

from signalwire.search import StaticEmbedder  # noqa: E402
from signalwire.search.document_processor import DocumentProcessor  # noqa: E402

CHUNKS_37 = """CREATE TABLE chunks (
    id INTEGER PRIMARY KEY AUTOINCREMENT, content TEXT NOT NULL, processed_content TEXT NOT NULL,
    keywords TEXT, language TEXT DEFAULT 'en', embedding BLOB NOT NULL, filename TEXT NOT NULL,
    section TEXT, start_line INTEGER, end_line INTEGER, tags TEXT, metadata TEXT,
    metadata_text TEXT, chunk_hash TEXT UNIQUE, created_at TEXT DEFAULT CURRENT_TIMESTAMP)"""
CHUNKS_33 = CHUNKS_37.replace("    metadata_text TEXT, chunk_hash", "    chunk_hash").replace(
    "metadata TEXT,\n", "metadata TEXT,\n"
)
COMMON = """
CREATE VIRTUAL TABLE chunks_fts USING fts5(processed_content, keywords, {meta}content='chunks', content_rowid='id');
CREATE TABLE synonyms (word TEXT, pos_tag TEXT, synonyms TEXT, language TEXT DEFAULT 'en', PRIMARY KEY (word, pos_tag, language));
CREATE TABLE config (key TEXT PRIMARY KEY, value TEXT);
CREATE INDEX idx_chunks_filename ON chunks(filename);
CREATE INDEX idx_chunks_language ON chunks(language);
CREATE INDEX idx_chunks_tags ON chunks(tags);
"""


def vendor_processed(text: str) -> str:
    """Lowercased whitespace tokens, each once, stopwords kept, non-words dropped."""
    seen, out = set(), []
    for token in text.lower().split():
        bare = token.strip("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
        if bare and bare.isalnum() and bare not in seen:
            seen.add(bare)
            out.append(token)
    return " ".join(out)


def write(path: Path, old: bool) -> None:
    model = StaticEmbedder.from_words(vocabulary(), dimensions=48, model_name=MODEL)
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    conn.execute(CHUNKS_33 if old else CHUNKS_37)
    conn.executescript(COMMON.format(meta="" if old else "metadata_text, "))
    processor = DocumentProcessor("markdown")
    for name, text in DOCS.items():
        for chunk in processor.create_chunks(text, name, Path(name).suffix.lstrip(".")):
            content = chunk["content"]
            processed = vendor_processed(content)
            words = [w for w in processed.split() if len(w) > 2][:20]
            meta = chunk["metadata"]
            key = f"{name}:{chunk['section']}:{chunk['start_line']}:{chunk['end_line']}:{content}"
            row = [
                content,
                processed,
                json.dumps(words),
                "en",
                model.embed([content])[0].astype("<f4").tobytes(),
                name,
                chunk["section"],
                chunk["start_line"],
                chunk["end_line"],
                "[]",
                json.dumps(meta),
            ]
            cols = "content, processed_content, keywords, language, embedding, filename, section, start_line, end_line, tags, metadata"
            if not old:
                row.append(
                    " ".join(
                        [
                            *(meta.get("tags") or []),
                            chunk["section"] or "",
                            *map(str, meta.values()),
                        ]
                    ).lower()
                )
                cols += ", metadata_text"
            row.append(hashlib.sha256(key.encode()).hexdigest()[:16])
            cols += ", chunk_hash"
            conn.execute(
                f"INSERT OR IGNORE INTO chunks ({cols}) VALUES ({','.join('?' * len(row))})", row
            )
    if not old:
        conn.execute("INSERT INTO chunks_fts(chunks_fts) VALUES('rebuild')")
    config = {
        "embedding_model": MODEL,
        "embedding_dimensions": "48",
        "chunk_size": "50",
        "min_chunk_size": "0",
        "chunk_overlap": "10",
        "preprocessing_version": "1.0",
        "languages": '["en"]',
        "created_at": "2026-01-15T10:00:00.000000",
        "file_types": '["md", "txt"]',
    }
    if old:
        config["source_dir"] = "docs"
    else:
        config.update({"embed_text": "content", "query_stopwords": "[]", "sources": '["docs"]'})
    conn.executemany("INSERT INTO config (key, value) VALUES (?, ?)", config.items())
    conn.commit()
    conn.execute("VACUUM")
    conn.close()


if __name__ == "__main__":
    write(HERE / "vendor_3_7.swsearch", old=False)
    write(HERE / "vendor_3_3.swsearch", old=True)
    print("wrote", *(p.name for p in sorted(HERE.glob("*.swsearch"))))
