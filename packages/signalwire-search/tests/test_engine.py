"""Searching: hybrid ranking, the keyword score's direction, tags, thresholds, and bad input."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from signalwire.search import (
    IndexBuilder,
    IndexFormatError,
    ModelMismatchError,
    SearchEngine,
    StaticEmbedder,
    preprocess_query,
)
from signalwire.search.query_processor import drop_corpus_terms


def test_hybrid_query_finds_the_right_section(index: Path) -> None:
    with SearchEngine(index_path=index) as engine:
        results = engine.query("does a warm transfer introduce the caller", count=3)
        assert results[0]["metadata"]["section"] == "Transferring calls > Warm transfer"
        assert 0 < results[0]["score"] <= 1
        assert "vector" in results[0]["sources"]
        assert results[0]["metadata"]["tags"] == ["kb"]
        assert results[0]["metadata"]["metadata"]["chunk_type"] == "markdown"
        scores = [r["score"] for r in results]
        assert scores == sorted(scores, reverse=True)


def test_better_full_text_match_ranks_higher(tmp_path: Path) -> None:
    root = tmp_path / "kw"
    root.mkdir()
    (root / "a.txt").write_text("Refund refund refund policy: every refund is reviewed.")
    (root / "b.txt").write_text(
        "The office is closed on holidays. A refund may be asked for by mail."
    )
    out = tmp_path / "kw.swsearch"
    IndexBuilder(model_name="none", chunking_strategy="paragraph").build_index(
        root, str(out), ["txt"]
    )
    with SearchEngine(index_path=out) as engine:
        results = engine.search(None, "refund", count=2)
    assert [r["metadata"]["filename"] for r in results] == ["a.txt", "b.txt"]
    assert results[0]["source_scores"]["keyword"] == 1.0
    assert results[0]["score"] > results[1]["score"]


def test_keyword_search_ors_terms_and_ignores_stopwords(index: Path) -> None:
    with SearchEngine(index_path=index) as engine:
        analysis = preprocess_query("what is the payment deadline for an invoice")
        results = engine.search(None, analysis["enhanced_text"], count=2)
    assert results and results[0]["metadata"]["filename"] == "billing.txt"


def test_vectors_load_once_and_search_all_rows(index: Path, embedder: StaticEmbedder) -> None:
    with SearchEngine(index_path=index) as engine:
        vector = embedder.embed(["record a call as mp3"])[0].tolist()
        engine.search(vector, "record call mp3", count=2)
        matrix = engine._matrix
        engine.search(vector, "record call", count=2)
        assert engine._matrix is matrix  # not re-read per query
        with sqlite3.connect(index) as conn:
            rows = conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
        assert matrix is not None and matrix.shape == (rows, 48)


def test_tag_filter_applies_before_the_pool(
    docs: Path, tmp_path: Path, embedder: StaticEmbedder
) -> None:
    out = tmp_path / "t.swsearch"
    IndexBuilder(model_name="test/static-words", chunking_strategy="markdown").build_index(
        docs, str(out), ["md"]
    )
    with SearchEngine(index_path=out) as engine:
        # markdown auto-tags (in the chunk metadata) are filterable too
        results = engine.query("agent", count=5, tags=["code:python"])
        assert results and all("code:python" in r["metadata"]["metadata"]["tags"] for r in results)
        assert engine.query("agent", count=5, tags=["no-such-tag"]) == []


def test_similarity_threshold_drops_weak_results(index: Path) -> None:
    with SearchEngine(index_path=index) as engine:
        everything = engine.query("transfer", count=10)
        strict = engine.query("transfer", count=10, similarity_threshold=0.5)
    assert len(strict) < len(everything)
    assert all(r["score"] >= 0.5 * 0.4 for r in strict)


def test_bad_arguments_are_named(index: Path) -> None:
    with SearchEngine(index_path=index) as engine:
        with pytest.raises(
            ValueError, match="similarity_threshold must be a number from 0 to 1, not 7"
        ):
            engine.query("transfer", similarity_threshold=7)
        with pytest.raises(ValueError, match="count must be an integer"):
            engine.search(None, "x", count=0)
        with pytest.raises(ValueError, match="100000 characters long; the limit is 4096"):
            engine.query("x" * 100_000)
        assert engine.query("   ") == []


def test_other_model_or_dimension_is_refused(index: Path) -> None:
    other = StaticEmbedder.from_words(["transfer"], dimensions=16, model_name="other")
    with SearchEngine(index_path=index, model=other) as engine:
        with pytest.raises(ModelMismatchError, match="16-dimension vectors but the index holds 48"):
            engine.query("transfer")
        with pytest.raises(ModelMismatchError, match="16 dimensions but the index"):
            engine.search([0.1] * 16, "transfer")


def test_missing_model_falls_back_to_keywords_once(
    index: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    copy = tmp_path / "unknown-model.swsearch"
    copy.write_bytes(index.read_bytes())
    with sqlite3.connect(copy) as conn:
        conn.execute(
            "UPDATE config SET value = 'model2vec:not/installed' WHERE key = 'embedding_model'"
        )
    with (
        SearchEngine(index_path=copy) as engine,
        caplog.at_level("WARNING", logger="signalwire.search"),
    ):
        first = engine.query("refunds", count=1)
        second = engine.query("refunds", count=1)
    assert first[0]["metadata"]["filename"] == "billing.txt" == second[0]["metadata"]["filename"]
    assert caplog.text.count("vector search off") == 1
    assert "signalwire-search[static]" in caplog.text


def test_corrupt_and_foreign_files(tmp_path: Path) -> None:
    corrupt = tmp_path / "c.swsearch"
    corrupt.write_bytes(b"\x00" * 5000)
    with pytest.raises(IndexFormatError, match="not a search index"):
        SearchEngine(index_path=corrupt)
    foreign = tmp_path / "f.swsearch"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE people (name TEXT)")
    with pytest.raises(IndexFormatError, match="missing tables"):
        SearchEngine(index_path=foreign)
    with pytest.raises(IndexFormatError, match="index file not found"):
        SearchEngine(index_path=tmp_path / "missing.swsearch")
    with pytest.raises(ValueError, match="index_path is required"):
        SearchEngine()


def test_zero_vectors_and_empty_fts_of_older_files(index: Path, tmp_path: Path) -> None:
    old = tmp_path / "old.swsearch"
    old.write_bytes(index.read_bytes())
    with sqlite3.connect(old) as conn:
        conn.execute("UPDATE chunks SET embedding = zeroblob(192) WHERE filename = 'billing.txt'")
        conn.execute("INSERT INTO chunks_fts(chunks_fts) VALUES('delete-all')")
    with SearchEngine(index_path=old) as engine:
        results = engine.query("refunds are processed", count=5)
    billing = [r for r in results if r["metadata"]["filename"] == "billing.txt"]
    assert len(billing) == 1
    assert "vector" not in billing[0]["sources"] and "fallback" in billing[0]["sources"]
    # a keyword-only hit ranks under the best vector hit (the vendor's ceiling rule)
    assert billing[0]["score"] < results[0]["score"]


def test_exact_match_and_rank_weight(index: Path) -> None:
    with SearchEngine(index_path=index) as engine:
        results = engine.query("getting started", count=3)
    assert results[0]["metadata"]["filename"] == "getting_started_guide.md"


def test_stats_and_stopwords(index: Path) -> None:
    with SearchEngine(index_path=index) as engine:
        stats = engine.get_stats()
        assert stats["total_files"] == 5 and stats["file_types"]["markdown"] == 4
        assert stats["file_types"]["text"] == 1 and engine.query_stopwords == []
    assert (
        drop_corpus_terms("SignalWire agents and SignalWire's skills", ["SignalWire"])
        == "agents and skills"
    )
    assert drop_corpus_terms("SignalWire agents", ["SignalWire"]) == "SignalWire agents"


def test_results_are_deduplicated_and_diversified(tmp_path: Path) -> None:
    root = tmp_path / "dup"
    root.mkdir()
    for name in ("a.txt", "b.txt"):
        (root / name).write_text(
            "Voicemail greetings are recorded per user.\n\nVoicemail boxes hold 100 messages."
        )
    (root / "c.txt").write_text("Voicemail can be emailed.")
    out = tmp_path / "dup.swsearch"
    IndexBuilder(model_name="none", chunking_strategy="paragraph").build_index(
        root, str(out), ["txt"]
    )
    with SearchEngine(index_path=out) as engine:
        results = engine.search(None, "voicemail", count=10)
    contents = [r["content"] for r in results]
    assert len(contents) == len(set(contents)) == 3
    assert any(r["diversity_penalty"] < 1 for r in results)
