"""Both directions with signalwire-sdk 3.7.5's .swsearch files.

vendor -> ours: the committed fixtures in ``data/`` (written in the vendor's layout by
``data/make_vendor_fixtures.py``, because the vendor's builder cannot run offline) open
here and answer queries. ours -> vendor and fixture validity: the vendor's own
``SearchEngine`` opens our index and the fixtures and ranks the same top results. That
part needs a python with signalwire-sdk 3.7.5, numpy, scikit-learn and nltk
(``SIGNALWIRE_VENDOR_SEARCH_PYTHON``, else ``/tmp/vendor-search/bin/python``); without one
it is skipped with the reason.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from signalwire.search import SearchEngine, StaticEmbedder
from signalwire.search.query_processor import preprocess_query

DATA = Path(__file__).parent / "data"
FIXTURES = ["vendor_3_7.swsearch", "vendor_3_3.swsearch"]
QUERIES = {
    "are refunds processed within a week": "billing.txt",
    "warm transfer introduces the caller": "calls/transfer.md",
    "record a call as mp3": "calls/recording.md",
}

VENDOR_SCRIPT = """
import json, logging, sys
logging.disable(logging.CRITICAL)
from signalwire.search.search_engine import SearchEngine
from signalwire.search.migration import SearchIndexMigrator
out = {}
for path, cases in json.loads(sys.argv[1]).items():
    engine = SearchEngine(backend="sqlite", index_path=path)
    info = SearchIndexMigrator().get_index_info(path)
    found = []
    for vector, enhanced, query in cases:
        results = engine.search(vector, enhanced, count=3, original_query=query)
        found.append([r["metadata"]["filename"] for r in results])
    out[path] = {"found": found, "chunks": info["total_chunks"], "model": info["config"]["embedding_model"]}
print(json.dumps(out))
"""


def vendor_python() -> tuple[str | None, str]:
    candidate = os.environ.get("SIGNALWIRE_VENDOR_SEARCH_PYTHON") or "/tmp/vendor-search/bin/python"
    if not Path(candidate).exists():
        return None, f"no vendor venv at {candidate} (set SIGNALWIRE_VENDOR_SEARCH_PYTHON)"
    probe = subprocess.run(
        [candidate, "-c", "import signalwire.search.search_engine, sklearn"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if probe.returncode:
        return (
            None,
            f"{candidate} cannot import the vendor's search engine: {probe.stderr.strip()[-200:]}",
        )
    return candidate, ""


@pytest.mark.parametrize("name", FIXTURES)
def test_vendor_files_open_and_answer_here(name: str, embedder: StaticEmbedder) -> None:
    with SearchEngine(index_path=DATA / name) as engine:
        assert engine.model_name == "test/static-words" and engine.embedding_dim == 48
        for query, expected in QUERIES.items():
            top = engine.query(query, count=3)[0]
            assert top["metadata"]["filename"] == expected, query
            assert "vector" in top["sources"]
        keyword = engine.search(None, "refunds", count=1)[0]
        assert keyword["metadata"]["filename"] == "billing.txt"
        assert ("fallback" if name == "vendor_3_3.swsearch" else "keyword") in keyword["sources"]


def test_vendor_engine_reads_ours_and_the_fixtures(index: Path, embedder: StaticEmbedder) -> None:
    python, reason = vendor_python()
    if python is None:
        print(f"SKIPPED vendor interop: {reason}")
        pytest.skip(reason)
    cases = []
    for query in QUERIES:
        enhanced = preprocess_query(query)["enhanced_text"]
        cases.append([embedder.embed([enhanced])[0].tolist(), enhanced, query])
    paths = [str(index), *(str(DATA / f) for f in FIXTURES)]
    proc = subprocess.run(
        [python, "-c", VENDOR_SCRIPT, json.dumps(dict.fromkeys(paths, cases))],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    answers = json.loads(proc.stdout.strip().splitlines()[-1])
    for path in paths:
        assert answers[path]["model"] == "test/static-words"
        assert answers[path]["chunks"] > 5
        with SearchEngine(index_path=path) as ours:
            for (vector, enhanced, query), vendor_found in zip(
                cases, answers[path]["found"], strict=True
            ):
                expected = QUERIES[query]
                assert vendor_found[0] == expected, (path, query, vendor_found)
                mine = ours.search(vector, enhanced, count=3, original_query=query)
                assert mine[0]["metadata"]["filename"] == vendor_found[0]


VENDOR_PG_SCRIPT = """
import json, logging, sys
logging.disable(logging.CRITICAL)
uri, ours, cases, chunks = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), json.loads(sys.argv[4])
from signalwire.search.pgvector_backend import PgVectorBackend
from signalwire.search.search_engine import SearchEngine
backend = PgVectorBackend(uri)
backend.delete_collection("vendor_made")
backend.create_schema("vendor_made", 48)
backend.store_chunks(chunks, "vendor_made", {"model_name": "test/static-words", "embedding_dimensions": 48,
                     "chunking_strategy": "markdown", "languages": ["en"], "metadata": {}})
backend.close()
engine = SearchEngine(backend="pgvector", connection_string=uri, collection_name=ours)
found = [[r["metadata"]["filename"] for r in engine.search(v, e, count=3, original_query=q)] for v, e, q in cases]
print(json.dumps(found))
"""


def test_pgvector_collections_both_ways(pg_uri: str, docs: Path, embedder: StaticEmbedder) -> None:
    """The vendor's backend reads a collection we built and writes one we read."""
    python, reason = vendor_python()
    probe = (
        python
        and subprocess.run(
            [python, "-c", "import psycopg2, pgvector.psycopg2"],
            capture_output=True,
            check=False,
            timeout=60,
        ).returncode
        == 0
    )
    if not probe:
        reason = reason or f"{python} lacks psycopg2-binary and pgvector"
        print(f"SKIPPED vendor pgvector interop: {reason}")
        pytest.skip(reason)
    from signalwire.search import IndexBuilder
    from signalwire.search.document_processor import DocumentProcessor

    IndexBuilder(
        model_name="test/static-words",
        chunking_strategy="markdown",
        backend="pgvector",
        connection_string=pg_uri,
    ).build_index(docs, "ours_for_vendor", ["md", "txt"], overwrite=True)
    cases = []
    for query in QUERIES:
        enhanced = preprocess_query(query)["enhanced_text"]
        cases.append([embedder.embed([enhanced])[0].tolist(), enhanced, query])
    chunks = []
    for path in sorted(docs.rglob("*")):
        if path.is_file():
            name = str(path.relative_to(docs))
            for chunk in DocumentProcessor("markdown").create_chunks(
                path.read_text(), name, path.suffix[1:]
            ):
                chunk["embedding"] = embedder.embed([chunk["content"]])[0].tolist()
                chunk["processed_content"] = chunk["content"].lower()
                chunks.append(chunk)
    proc = subprocess.run(
        [
            python,
            "-c",
            VENDOR_PG_SCRIPT,
            pg_uri,
            "ours_for_vendor",
            json.dumps(cases),
            json.dumps(chunks),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    vendor_found = json.loads(proc.stdout.strip().splitlines()[-1])
    assert [found[0] for found in vendor_found] == list(QUERIES.values())
    with SearchEngine(
        backend="pgvector", connection_string=pg_uri, collection_name="vendor_made"
    ) as engine:
        assert engine.model_name == "test/static-words"
        for query, expected in QUERIES.items():
            assert engine.query(query, count=3)[0]["metadata"]["filename"] == expected, query
