"""Importing signalwire.search reads no environment, opens nothing, configures no logging
and loads none of numpy, httpx, starlette, psycopg or a model library."""

from __future__ import annotations

import subprocess
import sys

from signalwire_devtools.hygiene import assert_clean_import


def test_import_is_side_effect_free() -> None:
    assert_clean_import("signalwire.search")


def test_import_loads_nothing_heavy() -> None:
    code = (
        "import sys, signalwire.search as s; s.__all__; "
        "heavy = [m for m in ('numpy', 'httpx', 'starlette', 'psycopg', 'sentence_transformers',"
        " 'sqlite3', 'signalwire.search.search_engine') if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]"


def test_keyword_search_needs_only_the_standard_library(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Build and query a keyword index with numpy, httpx and starlette made unimportable."""
    script = f"""
import sys
for name in ("numpy", "httpx", "starlette", "psycopg"):
    sys.modules[name] = None
from pathlib import Path
from signalwire.search import IndexBuilder, SearchEngine
root = Path({str(tmp_path)!r}) / "d"
root.mkdir()
(root / "a.md").write_text("# Refunds\\n\\nRefunds take a week.")
IndexBuilder(model_name="none").build_index(root, str(root.parent / "k.swsearch"), ["md"])
with SearchEngine(index_path=root.parent / "k.swsearch") as engine:
    print(engine.query("refunds", count=1)[0]["metadata"]["filename"])
"""
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "a.md"
