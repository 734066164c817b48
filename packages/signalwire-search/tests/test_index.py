"""The .swsearch file: the vendor's tables, config keys and vector encoding; the builder's
chunking, filters, tags, incremental rebuilds and bad input."""

from __future__ import annotations

import json
import sqlite3
import struct
from pathlib import Path

import numpy as np
import pytest

from signalwire.search import IndexBuilder, IndexFormatError, StaticEmbedder
from signalwire.search.document_processor import DocumentProcessor

from .conftest import MODEL


def tables(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as conn:
        return dict(
            conn.execute("SELECT name, type FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
        )


def test_file_has_the_vendor_schema_and_config(index: Path, embedder: StaticEmbedder) -> None:
    found = tables(index)
    for name in ("chunks", "chunks_fts", "synonyms", "config"):
        assert name in found
    for name in ("idx_chunks_filename", "idx_chunks_language", "idx_chunks_tags"):
        assert found[name] == "index"
    with sqlite3.connect(index) as conn:
        columns = [r[1] for r in conn.execute("PRAGMA table_info(chunks)")]
        assert columns == [
            "id",
            "content",
            "processed_content",
            "keywords",
            "language",
            "embedding",
            "filename",
            "section",
            "start_line",
            "end_line",
            "tags",
            "metadata",
            "metadata_text",
            "chunk_hash",
            "created_at",
        ]
        fts_sql = conn.execute("SELECT sql FROM sqlite_master WHERE name='chunks_fts'").fetchone()[
            0
        ]
        assert (
            "fts5(" in fts_sql and "content='chunks'" in fts_sql and "content_rowid='id'" in fts_sql
        )
        config = dict(conn.execute("SELECT key, value FROM config"))
        for key in (
            "embedding_model",
            "embedding_dimensions",
            "chunk_size",
            "min_chunk_size",
            "chunk_overlap",
            "preprocessing_version",
            "embed_text",
            "query_stopwords",
            "languages",
            "created_at",
            "sources",
            "file_types",
        ):
            assert key in config, key
        assert config["embedding_model"] == MODEL
        assert config["embedding_dimensions"] == "48"
        assert json.loads(config["languages"]) == ["en"]
        assert json.loads(config["file_types"]) == ["md", "txt"]
        row = conn.execute(
            "SELECT content, embedding, tags, metadata, filename, section, start_line, chunk_hash, language"
            " FROM chunks WHERE section = 'Transferring calls > Blind transfer'"
        ).fetchone()
    content, blob, tags, metadata, filename, _section, start_line, chunk_hash, language = row
    # float32 little-endian, 4 bytes per dimension, the model's vector of the content
    assert len(blob) == 48 * 4
    decoded = np.array(struct.unpack("<48f", blob), dtype=np.float32)
    assert np.allclose(decoded, embedder.embed([content])[0], atol=1e-6)
    assert json.loads(tags) == ["kb"]
    meta = json.loads(metadata)
    assert meta["chunk_type"] == "markdown" and meta["h1"] == "Transferring calls"
    assert "depth:2" in meta["tags"]
    assert filename == str(Path("calls/transfer.md"))
    assert start_line == 3 and len(chunk_hash) == 16 and language == "en"


def test_fts_is_filled_and_keywords_are_json(index: Path) -> None:
    with sqlite3.connect(index) as conn:
        hits = conn.execute(
            "SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH 'refunds'"
        ).fetchall()
        assert len(hits) == 1
        keywords = json.loads(conn.execute("SELECT keywords FROM chunks LIMIT 1").fetchone()[0])
        assert isinstance(keywords, list) and "kb" in keywords


def test_keyword_only_index_needs_no_model(docs: Path, tmp_path: Path) -> None:
    out = tmp_path / "kw.swsearch"
    report = IndexBuilder(model_name="none", workers=1).build_index(docs, str(out), ["md"])
    assert report.files_processed == 4
    with sqlite3.connect(out) as conn:
        assert {r[0] for r in conn.execute("SELECT embedding FROM chunks")} == {b""}


def test_incremental_rebuild_embeds_only_changed_files(docs: Path, tmp_path: Path) -> None:
    calls: list[int] = []

    class Counting(StaticEmbedder):
        def embed(self, texts):  # type: ignore[no-untyped-def]
            calls.append(len(texts))
            return super().embed(texts)

    base = StaticEmbedder.from_words(["call", "transfer", "refund"], dimensions=8)
    model = Counting("test/counting", {w: base._table[i].tolist() for w, i in base._index.items()})
    out = tmp_path / "inc.swsearch"
    builder = IndexBuilder(embedder=model, chunking_strategy="paragraph", workers=1)
    first = builder.build_index(docs, str(out), ["md", "txt"])
    assert first.files_processed == 5 and sum(calls) == first.chunks_written
    calls.clear()
    again = builder.build_index(docs, str(out), ["md", "txt"])
    assert again.files_reused == 5 and again.files_processed == 0 and calls == []
    (docs / "billing.txt").write_text("Billing moved to the portal.\n", "utf-8")
    (docs / "agents/skills.md").unlink()
    third = builder.build_index(docs, str(out), ["md", "txt"])
    assert third.files_reused == 3 and third.files_processed == 1 and sum(calls) == 1
    with sqlite3.connect(out) as conn:
        files = {r[0] for r in conn.execute("SELECT DISTINCT filename FROM chunks")}
        assert str(Path("agents/skills.md")) not in files
        assert (
            conn.execute(
                "SELECT COUNT(*) FROM chunks_fts WHERE chunks_fts MATCH 'portal'"
            ).fetchone()[0]
            == 1
        )
    # other settings: a full rebuild
    calls.clear()
    IndexBuilder(embedder=model, chunking_strategy="sentence", workers=1).build_index(
        docs, str(out), ["md", "txt"]
    )
    assert sum(calls) > 1


def test_parallel_parsing_gives_the_same_index(tmp_path: Path) -> None:
    root = tmp_path / "many"
    root.mkdir()
    for i in range(40):
        (root / f"doc{i:02}.md").write_text(f"# Doc {i}\n\nTopic number {i} covers item {i * 7}.\n")
    serial, parallel = tmp_path / "s.swsearch", tmp_path / "p.swsearch"
    IndexBuilder(model_name="none", chunking_strategy="markdown", workers=1).build_index(
        root, str(serial), ["md"]
    )
    IndexBuilder(model_name="none", chunking_strategy="markdown", workers=2).build_index(
        root, str(parallel), ["md"]
    )
    query = "SELECT filename, section, content, chunk_hash FROM chunks ORDER BY id"
    with sqlite3.connect(serial) as a, sqlite3.connect(parallel) as b:
        assert a.execute(query).fetchall() == b.execute(query).fetchall()


def test_file_types_exclude_and_global_tags(docs: Path, tmp_path: Path) -> None:
    out = tmp_path / "f.swsearch"
    report = IndexBuilder(model_name="none", workers=1).build_index_from_sources(
        [docs], str(out), [".txt", "md"], exclude_patterns=["*/agents/*"], tags=["one", "two"]
    )
    assert report.files_processed == 4
    with sqlite3.connect(out) as conn:
        names = {r[0] for r in conn.execute("SELECT filename FROM chunks")}
        tags = {r[0] for r in conn.execute("SELECT tags FROM chunks")}
    assert str(Path("agents/skills.md")) not in names and "billing.txt" in names
    assert tags == {'["one", "two"]'}


def test_bad_sources_give_clear_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(IndexFormatError, match="no files to index"):
        IndexBuilder(model_name="none").build_index(empty, str(tmp_path / "e.swsearch"), ["md"])
    assert not (tmp_path / "e.swsearch").exists()
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "image.md").write_bytes(b"\x89PNG\x00\x00binary")
    (junk / "latin.md").write_bytes("caf\xe9".encode("latin-1"))
    (junk / "blank.md").write_text("   \n")
    with pytest.raises(IndexFormatError, match=r"no files could be indexed: .*binary content"):
        IndexBuilder(model_name="none").build_index(junk, str(tmp_path / "j.swsearch"), ["md"])
    (junk / "ok.md").write_text("Fine text here.")
    report = IndexBuilder(model_name="none").build_index(junk, str(tmp_path / "j.swsearch"), ["md"])
    assert report.files_processed == 1
    assert set(report.files_skipped) == {"image.md", "latin.md", "blank.md"}
    assert "not UTF-8" in report.files_skipped["latin.md"]


def test_oversized_files_are_skipped_not_read(tmp_path: Path) -> None:
    root = tmp_path / "big"
    root.mkdir()
    (root / "huge.pdf").write_bytes(b"%PDF-1.4\n" + b"0" * 4096)
    (root / "small.md").write_text("Small file.")
    report = IndexBuilder(model_name="none", max_file_bytes=1024).build_index(
        root, str(tmp_path / "b.swsearch"), ["pdf", "md"]
    )
    assert "over the 1024-byte limit" in report.files_skipped["huge.pdf"]


def test_failed_rebuild_keeps_the_previous_index(index: Path, docs: Path) -> None:
    before = index.read_bytes()

    class Broken(StaticEmbedder):
        def embed(self, texts):  # type: ignore[no-untyped-def]
            raise RuntimeError("model crashed")

    broken = Broken(MODEL, {"x": [1.0, 0.0]})
    with pytest.raises(RuntimeError, match="model crashed"):
        IndexBuilder(embedder=broken, chunking_strategy="sentence").build_index(
            docs, str(index), ["md"]
        )
    assert index.read_bytes() == before
    assert [p.name for p in index.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_invalid_settings_fail_at_construction() -> None:
    with pytest.raises(ValueError, match="backend"):
        IndexBuilder(backend="mysql")
    with pytest.raises(ValueError, match="embed_text"):
        IndexBuilder(embed_text="both")
    with pytest.raises(ValueError, match="connection_string"):
        IndexBuilder(backend="pgvector")
    with pytest.raises(ValueError, match="chunk_overlap"):
        DocumentProcessor("sliding", chunk_size=10, chunk_overlap=10).create_chunks(
            "a b c", "f", "txt"
        )


def test_validate_index(index: Path, tmp_path: Path) -> None:
    builder = IndexBuilder(model_name="none")
    ok = builder.validate_index(index)
    assert ok["valid"] and ok["chunk_count"] > 0 and ok["file_count"] == 5
    assert builder.validate_index(tmp_path / "nope.swsearch") == {
        "valid": False,
        "error": "Index file does not exist",
    }
    foreign = tmp_path / "foreign.swsearch"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE chunks (id INTEGER)")
    assert builder.validate_index(foreign)["error"].startswith("Missing tables")
    corrupt = tmp_path / "corrupt.swsearch"
    corrupt.write_bytes(b"this is not sqlite at all" * 100)
    result = builder.validate_index(corrupt)
    assert result["valid"] is False and "not a search index" in result["error"]


@pytest.mark.parametrize(
    ("strategy", "section"),
    [
        ("sentence", "Section 1"),
        ("sliding", "Chunk 1"),
        ("paragraph", "Paragraph 1"),
        ("page", "Page 1"),
        ("topic", "Topic 1"),
        ("qa", "QA Section 1"),
        ("semantic", "Section 1"),
    ],
)
def test_every_strategy_chunks(strategy: str, section: str) -> None:
    text = " ".join(f"Sentence number {i} talks about calls." for i in range(12))
    chunks = DocumentProcessor(strategy, chunk_size=20).create_chunks(text, "a.txt", "txt")
    assert chunks and chunks[0]["section"] == section
    for chunk in chunks:
        meta = chunk["metadata"]
        assert {"file_type", "chunk_size", "word_count", "sentence_count"} <= set(meta)


def test_sentence_windows_overlap_like_the_vendor() -> None:
    text = " ".join(f"S{i} ends here." for i in range(9))
    chunks = DocumentProcessor("sentence", max_sentences_per_chunk=4).create_chunks(
        text, "a", "txt"
    )
    # window 4, overlap max(1, 4 // 4) = 1 -> step 3
    assert [c["content"].split()[0] for c in chunks] == ["S0", "S3", "S6"]
    single = DocumentProcessor("sentence", max_sentences_per_chunk=1).create_chunks(
        text, "a", "txt"
    )
    assert len(single) == 9


def test_json_strategy() -> None:
    doc = {
        "chunks": [
            {"content": "# Guide", "metadata": {"url": "u1"}},
            {
                "content": "## Step one\nDo it.",
                "metadata": {"url": "u1", "section": "Steps"},
                "tags": ["a"],
            },
            {"content": "Table of contents", "type": "toc"},
            {"nocontent": True},
        ]
    }
    chunks = DocumentProcessor("json").create_chunks(json.dumps(doc), "d.json", "json")
    assert len(chunks) == 3
    assert chunks[1]["content"].startswith("# Guide\n\n## Step one")
    assert chunks[1]["section"] == "Steps" and chunks[1]["tags"] == ["a"]
    assert chunks[2]["tags"] == ["toc", "navigation"] and chunks[2]["section"].startswith("TOC: ")
