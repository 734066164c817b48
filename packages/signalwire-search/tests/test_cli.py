"""sw-search: build, validate, search (--json and the shell), migrate --info, exit codes."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from signalwire.search.cli import main

from .conftest import MODEL


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_build_validate_search(docs: Path, tmp_path: Path, embedder: object) -> None:
    out = tmp_path / "kb"
    code, text, err = run(
        "build",
        str(docs),
        "--output",
        str(out),
        "--model",
        MODEL,
        "--chunking-strategy",
        "markdown",
        "--file-types",
        "md,txt",
        "--tags",
        "kb",
        "--validate",
        "--workers",
        "1",
    )
    assert code == 0, err
    assert f"✓ Search index created successfully: {out}.swsearch" in text
    assert "calls/transfer.md: 3 chunks" in text.replace(os.sep, "/")  # a line per file off a TTY
    assert "✓ Index is valid" in text
    index = f"{out}.swsearch"
    code, text, _ = run("validate", index, "--verbose")
    assert code == 0 and "Files: 5" in text and f"embedding_model: {MODEL}" in text
    code, text, _ = run("search", index, "refunds", "--json", "--count", "2")
    data = json.loads(text)
    assert code == 0 and data["query"] == "refunds" and data["count"] == len(data["results"]) >= 1
    assert data["results"][0]["metadata"]["filename"] == "billing.txt"
    assert {"rank", "score", "metadata", "content"} <= set(data["results"][0])
    code, text, _ = run("search", index, "refunds", "--no-content", "--tags", "kb")
    assert code == 0 and "Found" in text and "Content:" not in text
    code, text, _ = run("search", index, "zzzz qqqq")
    assert code == 0 and "No results found for 'zzzz qqqq'" in text
    code, text, _ = run("migrate", index, "--info")
    assert code == 0 and "Type: sqlite" in text and "Dimensions: 48" in text


def test_shell(index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = iter(["help", "count=1", "tags=kb", "refunds", "verbose", "exit"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(lines))
    code, text, _ = run("search", str(index), "--shell")
    assert code == 0 and "count=N" in text and text.count("[1] Score") == 1 and " ms)" in text


def test_errors_are_one_line_and_exit_codes(tmp_path: Path, index: Path) -> None:
    code, _, err = run("search", str(tmp_path / "missing.swsearch"), "q")
    assert code == 1 and err == f"Error: Index file not found: {tmp_path / 'missing.swsearch'}\n"
    code, _, err = run("search", str(index))
    assert code == 1 and err.count("\n") == 1
    code, _, err = run("search", str(index), "q", "--similarity-threshold", "7")
    assert code == 1 and "similarity_threshold must be a number from 0 to 1" in err
    code, _, err = run("search", str(index), "x" * 100_000)
    assert code == 1 and "the limit is 4096" in err and err.count("\n") == 1
    code, _, err = run(str(tmp_path / "nowhere"))
    assert code == 1 and "No valid sources found" in err
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run(str(empty), "--model", "none", "--output", str(tmp_path / "e"))
    assert code == 1 and "no files to index" in err
    corrupt = tmp_path / "c.swsearch"
    corrupt.write_bytes(b"garbage" * 200)
    code, _, err = run("search", str(corrupt), "q")
    assert code == 1 and "not a search index" in err
    code, _, err = run("validate", str(corrupt))
    assert code == 1 and "Index is invalid" in err
    with pytest.raises(SystemExit) as usage:
        run("search", str(index), "q", "--count", "many")
    assert usage.value.code == 2
    code, _, err = run("remote", "127.0.0.1:9", "q", "--index-name", "x", "--timeout", "2")
    assert code == 1 and "Could not connect to http://127.0.0.1:9/search" in err


def test_a_folder_named_like_a_subcommand_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "a.md").write_text("Searching documents.")
    code, _text, err = run("search", "--model", "none")
    assert code == 0, err and Path("search.swsearch").exists()


def test_json_export(docs: Path, tmp_path: Path) -> None:
    out = tmp_path / "chunks"
    code, _, err = run(
        str(docs),
        "--output-format",
        "json",
        "--output",
        str(out),
        "--chunking-strategy",
        "paragraph",
    )
    assert code == 0, err
    data = json.loads(Path(f"{out}.json").read_text())
    assert data["metadata"]["total_files"] == 5 and data["chunks"][0]["content"]


def test_console_script_runs(tmp_path: Path, docs: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "signalwire.search.cli",
            str(docs),
            "--model",
            "none",
            "--output",
            str(tmp_path / "s"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Search index created successfully" in proc.stdout
