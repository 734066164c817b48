"""The committed spec data and the code generated from it are current and facts-only.

Stage 2 (committed data -> generated code) is checked on every run. Stage 1
(published specs -> committed data) is checked as well wherever the generator
finds the published specs; elsewhere the data is checked for its canonical
form. Either way the same tests run and none is skipped.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from signalwire.testing.specs import DATA_DIR, load_spec_file
from signalwire_devtools.codegen import spec_data, swml_verbs
from signalwire_devtools.codegen.rest import generate as generate_rest

ROOT = Path(__file__).resolve().parents[3]
REST_OUT = ROOT / "packages/signalwire-rest/src/signalwire/rest/_generated"
AGENTS = ROOT / "packages/signalwire-agents/src/signalwire/agents"
GENERATED = [*sorted(REST_OUT.glob("*.py")), AGENTS / "_verbs_generated.py"]


@cache
def published_specs() -> Path | None:
    try:
        found: Path = spec_data.find_specs_dir()
    except FileNotFoundError:
        return None
    return found


def _keyword_nodes(node: Any, parent: str | None = None) -> Iterator[tuple[str, Any]]:
    """(key, value) for every key in keyword position (not a name in a name map)."""
    if isinstance(node, list):
        for item in node:
            yield from _keyword_nodes(item)
    elif isinstance(node, dict):
        names = parent in spec_data.NAME_MAPS or parent == "parameters"
        for key, value in node.items():
            if not names:
                yield key, value
            if key in spec_data.DATA_KEYS or key in ("examples", "example"):
                continue
            yield from _keyword_nodes(value, None if names else key)


def test_committed_data_holds_no_prose_fields() -> None:
    files = sorted(DATA_DIR.glob("*.json"))
    assert {p.name for p in files} >= set(spec_data.SPEC_FILES.values()) | {"python-api.json"}
    for path in files:
        found = {k for k, _ in _keyword_nodes(load_spec_file(path.name))} & spec_data.PROSE
        assert not found, f"{path.name} carries prose fields {sorted(found)}"


def test_committed_data_is_what_the_generator_makes() -> None:
    specs = published_specs()
    if specs is not None:
        stale = spec_data.stale(spec_data.build(specs))
        assert not stale, f"run: uv run python tools/generate.py (stale: {stale})"
    for path in sorted(DATA_DIR.glob("*.json")):
        text = path.read_text(encoding="utf-8")
        expand = 1 if path.name == "python-api.json" else 2 if path.name == "MANIFEST.json" else 3
        assert spec_data.dumps(json.loads(text), expand=expand) == text, path.name
    manifest = json.loads((DATA_DIR / "MANIFEST.json").read_text("utf-8"))["sha256"]
    assert set(manifest) == {*spec_data.SPEC_FILES, "surface/python-api.json"}


def test_generated_rest_code_is_current(tmp_path: Path) -> None:
    count = generate_rest.generate(tmp_path, fmt=False)
    assert count > 300
    fresh = {p.name: p.read_text("utf-8") for p in tmp_path.glob("*.py")}
    committed = {p.name: p.read_text("utf-8") for p in REST_OUT.glob("*.py")}
    assert sorted(fresh) == sorted(committed)
    stale = [n for n in fresh if ast.dump(ast.parse(fresh[n])) != ast.dump(ast.parse(committed[n]))]
    assert not stale, f"run: uv run python tools/generate.py (stale: {stale})"


def test_generated_swml_code_is_current() -> None:

    schema = load_spec_file("swml-calling.schema.json")
    committed = (AGENTS / "_verbs_generated.py").read_text("utf-8")
    assert ast.dump(ast.parse(swml_verbs.render_module(schema))) == ast.dump(ast.parse(committed))
    namespace: dict[str, Any] = {}
    exec((AGENTS / "_swml_schema_data.py").read_text("utf-8"), namespace)  # a literal only
    assert json.loads(namespace["SCHEMA_JSON"]) == json.loads(swml_verbs.render_schema(schema))


def _docstrings(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.Module)):
            doc = ast.get_docstring(node)
            if doc:
                yield doc


@cache
def _spec_sentences(specs: Path) -> frozenset[str]:
    """The first eight words of each spec description sentence of six words or more
    (shorter ones are labels a name-derived line may match by coincidence)."""
    out: set[str] = set()
    for source in spec_data.SPEC_FILES:
        for key, value in _keyword_nodes(spec_data._read(specs / source)):
            if key == "description" and isinstance(value, str):
                for sentence in re.split(r"(?<=[.!?])\s+", value):
                    words = sentence.split()
                    if len(words) >= 6:
                        out.add(" ".join(words[:8]))
    return frozenset(out)


@pytest.mark.parametrize("path", GENERATED, ids=lambda p: p.name)
def test_generated_docstrings_are_whole_and_our_own(path: Path) -> None:
    docs = list(_docstrings(path))
    assert docs
    for doc in docs:
        assert "..." not in doc and "\u2026" not in doc, f"cut text in {path.name}: {doc[:80]}"
    specs = published_specs()
    if specs is not None:
        text = " ".join(" ".join(docs).split())
        quoted = [s for s in _spec_sentences(specs) if s in text]
        assert not quoted, f"{path.name} quotes the specs: {quoted[:3]}"
