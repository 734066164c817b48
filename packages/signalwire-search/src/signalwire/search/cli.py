"""``sw-search``: build, validate, search, query a remote service, migrate, serve.

Exit codes: 0 on success (including "no results"), 1 for a handled error (one line on
stderr), 2 for usage errors.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

__all__ = ["main"]

SUBCOMMANDS = ("validate", "search", "remote", "migrate", "serve")
_STRATEGIES = (
    "sentence",
    "sliding",
    "paragraph",
    "page",
    "semantic",
    "topic",
    "qa",
    "json",
    "markdown",
)


class _Fail(Exception):
    """A handled error: printed as one line, exit 1."""


def _csv(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def _mask_dsn(dsn: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    try:
        parts = urlsplit(dsn)
    except ValueError:
        return "****"
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":****@")
        return urlunsplit(parts._replace(netloc=netloc))
    return dsn


class _Progress:
    """A bar on a terminal; a line per file otherwise."""

    def __init__(self, out: TextIO, verbose: bool) -> None:
        self.out = out
        self.tty = out.isatty()
        self.verbose = verbose
        self.last = 0.0

    def __call__(self, event: str, done: int, total: int, detail: str) -> None:
        if event == "file":
            if self.tty:
                now = time.monotonic()
                if now - self.last < 0.1 and done < total:
                    return
                self.last = now
                width = 30
                filled = int(width * done / total) if total else width
                self.out.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} files")
                if done >= total:
                    self.out.write("\n")
                self.out.flush()
            else:
                self.out.write(f"  {detail}\n")
        elif event == "embed" and self.verbose:
            self.out.write(f"  embedded {done} chunks\n")


def _build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="sw-search",
        description="Build a search index from files and folders. Other commands: "
        "sw-search {validate,search,remote,migrate,serve} --help",
    )
    p.add_argument("sources", nargs="+", help="files and/or folders to index")
    p.add_argument("--output", help="index file (sqlite) or collection name (pgvector)")
    p.add_argument("--output-dir", help="folder for the output")
    p.add_argument("--output-format", choices=["index", "json"], default="index")
    p.add_argument("--backend", choices=["sqlite", "pgvector"], default="sqlite")
    p.add_argument("--connection-string")
    p.add_argument("--overwrite", action="store_true")
    p.add_argument("--chunking-strategy", choices=_STRATEGIES, default="sentence")
    p.add_argument("--max-sentences-per-chunk", type=int, default=5)
    p.add_argument("--chunk-size", type=int, default=50)
    p.add_argument("--min-chunk-size", type=int, default=0)
    p.add_argument("--overlap-size", type=int, default=10)
    p.add_argument("--split-newlines", type=int)
    p.add_argument("--file-types", default="md,txt,rst")
    p.add_argument("--exclude")
    p.add_argument("--languages", default="en")
    p.add_argument(
        "--model", default="mini", help="mini, base, a model id, or 'none' (keyword-only)"
    )
    p.add_argument("--tags")
    p.add_argument("--index-nlp-backend", choices=["nltk", "spacy", "basic"], default="nltk")
    p.add_argument("--embed-text", choices=["content", "processed"], default="content")
    p.add_argument("--query-stopwords")
    p.add_argument("--semantic-threshold", type=float, default=0.5)
    p.add_argument("--topic-threshold", type=float, default=0.3)
    p.add_argument("--workers", type=int, help="processes reading files (default: all cores)")
    p.add_argument("--verbose", action="store_true")
    p.add_argument("--validate", action="store_true")
    return p


def _output_name(args: argparse.Namespace) -> str:
    sources = [Path(s) for s in args.sources]
    if args.backend == "pgvector" and args.output_format == "index":
        return args.output or (sources[0].stem if len(sources) == 1 else "documents")
    if args.output_format == "json":
        name = args.output or "chunks.json"
        return name if Path(name).suffix else f"{name}.json"
    if args.output:
        name = args.output
    else:
        stem = (
            sources[0].stem if len(sources) == 1 else ("combined" if args.output_dir else "sources")
        )
        name = stem
        if args.output_dir:
            name = str(Path(args.output_dir) / stem)
    return name if name.endswith(".swsearch") else f"{name}.swsearch"


def _cmd_build(argv: Sequence[str], out: TextIO, err: TextIO) -> int:
    args = _build_parser().parse_args(argv)
    if args.output and args.output_dir:
        raise _Fail("--output and --output-dir cannot be used together")
    if args.backend == "pgvector" and not args.connection_string and args.output_format == "index":
        raise _Fail("--connection-string is required for the pgvector backend")
    sources = []
    for s in args.sources:
        if Path(s).exists():
            sources.append(Path(s))
        else:
            err.write(f"Warning: Source does not exist, skipping: {s}\n")
    if not sources:
        raise _Fail("No valid sources found")
    if args.model == "large":
        from signalwire.search.models import LARGE_ALIAS_DEPRECATION

        err.write(f"Warning: {LARGE_ALIAS_DEPRECATION}\n")
    from signalwire.search.index_builder import IndexBuilder

    builder = IndexBuilder(
        model_name=args.model if args.output_format == "index" else "none",
        chunking_strategy=args.chunking_strategy,
        max_sentences_per_chunk=args.max_sentences_per_chunk,
        chunk_size=args.chunk_size,
        min_chunk_size=args.min_chunk_size,
        chunk_overlap=args.overlap_size,
        split_newlines=args.split_newlines,
        index_nlp_backend=args.index_nlp_backend,
        verbose=args.verbose,
        semantic_threshold=args.semantic_threshold,
        topic_threshold=args.topic_threshold,
        backend=args.backend if args.output_format == "index" else "sqlite",
        connection_string=args.connection_string,
        embed_text=args.embed_text,
        query_stopwords=_csv(args.query_stopwords),
        workers=args.workers,
        progress=_Progress(out, args.verbose),
    )
    output = _output_name(args)
    file_types = [t.lstrip(".") for t in _csv(args.file_types)]
    if args.output_format == "json":
        return _export_json(builder, sources, output, file_types, args, out)
    out.write(f"Building {output} from {len(sources)} source(s) with model {builder.model_name}\n")
    report = builder.build_index_from_sources(
        sources,
        output,
        file_types,
        _csv(args.exclude),
        _csv(args.languages),
        _csv(args.tags),
        args.overwrite,
    )
    if args.backend == "pgvector":
        out.write(f"✓ Search collection created successfully: {output}\n")
        out.write(f"  Connection: {_mask_dsn(args.connection_string)}\n")
    else:
        out.write(f"✓ Search index created successfully: {report.output}\n")
    out.write(
        f"  Files: {report.files_processed} indexed, {report.files_reused} unchanged, "
        f"{len(report.files_skipped)} skipped; chunks written: {report.chunks_written}\n"
    )
    for name, reason in report.files_skipped.items():
        err.write(f"  skipped {name}: {reason}\n")
    if args.validate and args.backend == "sqlite":
        result = builder.validate_index(report.output)
        if not result["valid"]:
            raise _Fail(f"Index validation failed: {result['error']}")
        out.write(
            f"✓ Index is valid: {result['chunk_count']} chunks, {result['file_count']} files\n"
        )
    return 0


def _export_json(
    builder: Any,
    sources: list[Path],
    output: str,
    file_types: list[str],
    args: argparse.Namespace,
    out: TextIO,
) -> int:
    from datetime import datetime

    files = builder._discover_files_from_sources(sources, file_types, _csv(args.exclude))
    chunks: list[dict[str, Any]] = []
    for path, base in files:
        found = builder._process_file(path, base, _csv(args.tags))
        out.write(f"  {path}: {len(found)} chunks\n")
        chunks.extend(found)
    if not chunks:
        raise _Fail("no chunks: no source file could be read")
    doc = {
        "chunks": chunks,
        "metadata": {
            "total_chunks": len(chunks),
            "total_files": len(files),
            "chunking_strategy": args.chunking_strategy,
            "processing_date": datetime.now().isoformat(),
        },
    }
    target = Path(args.output_dir) / output if args.output_dir else Path(output)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(doc, indent=2, default=str), "utf-8")
    out.write(f"✓ Exported {len(chunks)} chunks to {target}\n")
    return 0


def _cmd_validate(argv: Sequence[str], out: TextIO, err: TextIO) -> int:
    p = argparse.ArgumentParser(prog="sw-search validate")
    p.add_argument("index_file")
    p.add_argument("--verbose", action="store_true")
    args = p.parse_args(argv)
    if not Path(args.index_file).exists():
        raise _Fail(f"Index file does not exist: {args.index_file}")
    from signalwire.search.index_builder import IndexBuilder

    result = IndexBuilder(model_name="none").validate_index(args.index_file)
    if not result["valid"]:
        raise _Fail(f"Index is invalid: {args.index_file}: {result['error']}")
    out.write(
        f"✓ Index is valid: {args.index_file}\n  Chunks: {result['chunk_count']}\n"
        f"  Files: {result['file_count']}\n"
    )
    if args.verbose:
        for key, value in result["config"].items():
            if key != "file_hashes":
                out.write(f"  {key}: {value}\n")
    return 0


def _search_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="sw-search search")
    p.add_argument(
        "index_source", help=".swsearch file, or collection name with --backend pgvector"
    )
    p.add_argument("query", nargs="?")
    p.add_argument("--backend", choices=["sqlite", "pgvector"], default="sqlite")
    p.add_argument("--connection-string")
    p.add_argument("--shell", action="store_true")
    p.add_argument("--count", type=int, default=5)
    p.add_argument(
        "--similarity-threshold", "--distance-threshold", dest="threshold", type=float, default=0.0
    )
    p.add_argument("--tags")
    p.add_argument("--query-nlp-backend", default="nltk")
    p.add_argument("--keyword-weight", type=float)
    p.add_argument("--verbose", action="store_true")
    p.add_argument("--json", action="store_true")
    p.add_argument("--no-content", action="store_true")
    p.add_argument("--model", help="query with this model instead of the index's")
    return p


def _print_results(
    results: list[dict[str, Any]],
    query: str,
    args: argparse.Namespace,
    out: TextIO,
    limit: int = 500,
) -> None:
    if not results:
        out.write(f"No results found for '{query}'\n")
        return
    out.write(f"Found {len(results)} result(s) for '{query}':\n\n")
    for i, r in enumerate(results, 1):
        meta = r["metadata"]
        out.write(f"[{i}] Score: {r['score']:.4f}\n    File: {meta.get('filename')}\n")
        if meta.get("section"):
            out.write(f"    Section: {meta['section']}\n")
        if meta.get("tags"):
            out.write(f"    Tags: {', '.join(map(str, meta['tags']))}\n")
        if not args.no_content:
            content = r["content"]
            if not args.verbose and len(content) > limit:
                content = content[:limit] + "..."
            out.write(f"    Content: {content}\n")
        out.write("\n")


def _cmd_search(argv: Sequence[str], out: TextIO, err: TextIO) -> int:
    args = _search_parser().parse_args(argv)
    if args.keyword_weight is not None:
        if not 0 <= args.keyword_weight <= 1:
            raise _Fail("--keyword-weight must be between 0.0 and 1.0")
        err.write("Warning: --keyword-weight is deprecated and ignored\n")
    if not args.query and not args.shell:
        raise _Fail("give a query, or --shell for an interactive search")
    from signalwire.search.search_engine import SearchEngine

    if args.backend == "pgvector":
        if not args.connection_string:
            raise _Fail("--connection-string is required for the pgvector backend")
        engine = SearchEngine(
            backend="pgvector",
            connection_string=args.connection_string,
            collection_name=args.index_source,
        )
    else:
        if not Path(args.index_source).exists():
            raise _Fail(f"Index file not found: {args.index_source}")
        engine = SearchEngine(index_path=args.index_source)
    if args.model:
        from signalwire.search.embedders import get_embedder

        engine.model = get_embedder(args.model)
    tags = _csv(args.tags) or None
    with engine:
        if args.shell:
            return _shell(engine, args, tags, out)
        from signalwire.search.query_processor import preprocess_query

        enhanced = preprocess_query(args.query)["enhanced_text"]
        results = engine.query(args.query, args.count, args.threshold, tags, drop_stopwords=False)
        if args.json:
            payload = {
                "query": args.query,
                "enhanced_query": enhanced,
                "count": len(results),
                "results": [
                    {
                        "rank": i,
                        "score": r["score"],
                        "metadata": r["metadata"],
                        **({} if args.no_content else {"content": r["content"]}),
                    }
                    for i, r in enumerate(results, 1)
                ],
            }
            out.write(json.dumps(payload, indent=2, default=str) + "\n")
        else:
            if enhanced != args.query:
                out.write(f"Enhanced query: '{enhanced}'\n")
            _print_results(results, args.query, args, out)
    return 0


def _shell(engine: Any, args: argparse.Namespace, tags: list[str] | None, out: TextIO) -> int:
    count, verbose = args.count, args.verbose
    out.write("Interactive search: type a query, 'help' for commands, 'exit' to leave.\n")
    while True:
        try:
            line = input("search> ").strip()
        except (EOFError, KeyboardInterrupt):
            out.write("\n")
            return 0
        if not line:
            continue
        if line in ("exit", "quit", "q"):
            return 0
        if line == "help":
            out.write("count=N, tags=a,b, verbose (toggle), exit\n")
            continue
        if line.startswith("count="):
            try:
                count = max(1, int(line[6:]))
            except ValueError:
                out.write("count must be a number\n")
            continue
        if line.startswith("tags="):
            tags = _csv(line[5:]) or None
            continue
        if line == "verbose":
            verbose = not verbose
            continue
        started = time.perf_counter()
        try:
            results = engine.query(line, count, args.threshold, tags, drop_stopwords=False)
        except ValueError as exc:
            out.write(f"Error: {exc}\n")
            continue
        shown = argparse.Namespace(no_content=args.no_content, verbose=verbose)
        _print_results(results, line, shown, out, limit=300)
        out.write(f"({(time.perf_counter() - started) * 1000:.1f} ms)\n")


def _cmd_remote(argv: Sequence[str], out: TextIO, err: TextIO) -> int:
    p = argparse.ArgumentParser(prog="sw-search remote")
    p.add_argument("endpoint")
    p.add_argument("query")
    p.add_argument("--index-name", required=True)
    p.add_argument("--count", type=int, default=5)
    p.add_argument(
        "--similarity-threshold", "--distance-threshold", dest="threshold", type=float, default=0.0
    )
    p.add_argument("--tags")
    p.add_argument("--verbose", action="store_true")
    p.add_argument("--json", action="store_true")
    p.add_argument("--no-content", action="store_true")
    p.add_argument("--timeout", type=float, default=30.0)
    p.add_argument("--user")
    p.add_argument("--password")
    args = p.parse_args(argv)
    import httpx

    url = args.endpoint if "://" in args.endpoint else f"http://{args.endpoint}"
    if not url.rstrip("/").endswith("/search"):
        url = url.rstrip("/") + "/search"
    if args.password and not args.user:
        raise _Fail("--password needs --user")
    auth = None
    if args.user:
        password = args.password or os.environ.get("SWML_BASIC_AUTH_PASSWORD")
        if password is None:
            import getpass

            password = getpass.getpass(f"Password for {args.user}: ")
        auth = (args.user, password)
    body: dict[str, Any] = {
        "query": args.query,
        "index_name": args.index_name,
        "count": args.count,
        "similarity_threshold": args.threshold,
    }
    if args.tags:
        body["tags"] = _csv(args.tags)
    from signalwire.search._remote import redact_url

    try:
        response = httpx.post(url, json=body, auth=auth, timeout=args.timeout)
    except httpx.TimeoutException as exc:
        raise _Fail(f"Request timed out after {args.timeout:g} seconds") from exc
    except httpx.HTTPError as exc:
        raise _Fail(f"Could not connect to {redact_url(url)}") from exc
    try:
        data = response.json()
    except ValueError:
        data = {}
    if response.status_code != 200:
        detail = data.get("detail") if isinstance(data, dict) else None
        raise _Fail(f"HTTP {response.status_code}: {detail or response.text[:200]}")
    if args.json:
        out.write(json.dumps(data, indent=2) + "\n")
        return 0
    enhanced = (data.get("query_analysis") or {}).get("enhanced_query")
    if enhanced and enhanced != args.query:
        out.write(f"Enhanced query: '{enhanced}'\n")
    _print_results(data.get("results") or [], args.query, args, out)
    return 0


def _cmd_migrate(argv: Sequence[str], out: TextIO, err: TextIO) -> int:
    p = argparse.ArgumentParser(prog="sw-search migrate")
    p.add_argument("source", nargs="?")
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--to-pgvector", action="store_true")
    mode.add_argument("--to-sqlite", action="store_true")
    mode.add_argument("--info", action="store_true")
    p.add_argument("--connection-string")
    p.add_argument("--collection-name")
    p.add_argument("--overwrite", action="store_true")
    p.add_argument("--output")
    p.add_argument("--batch-size", type=int, default=100)
    p.add_argument("--verbose", action="store_true")
    args = p.parse_args(argv)
    from signalwire.search.migration import SearchIndexMigrator

    migrator = SearchIndexMigrator(verbose=args.verbose)
    if args.info:
        if not args.source:
            raise _Fail("give the index file to describe")
        info = migrator.get_index_info(args.source)
        if info["type"] == "unknown":
            raise _Fail(f"not a .swsearch index: {args.source}")
        config = info.get("config", {})
        out.write(
            f"Type: {info['type']}\nTotal chunks: {info.get('total_chunks')}\n"
            f"Total files: {info.get('total_files')}\nModel: {config.get('embedding_model')}\n"
            f"Dimensions: {config.get('embedding_dimensions')}\nCreated: {config.get('created_at')}\n"
        )
        return 0
    if not args.connection_string or not (args.collection_name or (args.to_sqlite and args.source)):
        raise _Fail("--connection-string and --collection-name are required")
    if args.to_pgvector:
        if not args.source:
            raise _Fail("give the .swsearch file to migrate")
        result = migrator.migrate_sqlite_to_pgvector(
            args.source,
            args.connection_string,
            args.collection_name,
            args.overwrite,
            args.batch_size,
        )
    else:
        collection = args.collection_name or args.source
        output = args.output or f"{collection}.swsearch"
        result = migrator.migrate_pgvector_to_sqlite(
            args.connection_string, collection, output, args.batch_size
        )
    out.write("✓ Migration completed successfully!\n")
    out.write(f"  Chunks migrated: {result['chunks_migrated']}\n  Errors: {result['errors']}\n")
    return 0 if not result["errors"] else 1


def _cmd_serve(argv: Sequence[str], out: TextIO, err: TextIO) -> int:
    p = argparse.ArgumentParser(prog="sw-search serve", description="Serve indexes over HTTP")
    p.add_argument("indexes", nargs="+", help="name=path.swsearch (or a path: named by its stem)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8001)
    p.add_argument("--backend", choices=["sqlite", "pgvector"], default="sqlite")
    p.add_argument("--connection-string")
    args = p.parse_args(argv)
    indexes = {}
    for item in args.indexes:
        name, sep, path = item.partition("=")
        if not sep:
            name, path = Path(item).stem, item
        indexes[name] = path
    from signalwire.search.search_service import SearchService

    SearchService(
        port=args.port,
        indexes=indexes,
        backend=args.backend,
        connection_string=args.connection_string,
    ).start(host=args.host)
    return 0


_COMMANDS = {
    "validate": _cmd_validate,
    "search": _cmd_search,
    "remote": _cmd_remote,
    "migrate": _cmd_migrate,
    "serve": _cmd_serve,
}


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run ``sw-search``; returns the exit code.

    A subcommand name is taken as such only when no path of that name exists (a folder
    called ``search`` builds); ``sw-search build ...`` names the build explicitly.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    out = out or sys.stdout
    err = err or sys.stderr
    command = _cmd_build
    if argv and argv[0] == "build":
        argv = argv[1:]
    elif argv and argv[0] in _COMMANDS and not Path(argv[0]).exists():
        command = _COMMANDS[argv.pop(0)]
    try:
        return command(argv, out, err)
    except _Fail as exc:
        err.write(f"Error: {exc}\n")
        return 1
    except KeyboardInterrupt:
        err.write("Interrupted\n")
        return 1
    except (OSError, ValueError, ImportError, RuntimeError) as exc:
        err.write(f"Error: {exc}\n")
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
