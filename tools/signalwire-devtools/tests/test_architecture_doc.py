"""CONTRIBUTING.md's package diagram shows exactly the imports between the packages.

The first diagram of its Architecture section lists, one arrow per line, which namespace
imports which (``A ──> B`` and ``B <── C, D``; text in parentheses is commentary). The test
compares those arrows with the import graph of ``packages/*/src`` (every import, typing and
function-level ones included), so a new dependency between packages, or one that went away,
shows up as a change to the diagram.
"""

from __future__ import annotations

import re
from pathlib import Path

from signalwire_devtools.import_graph import import_graph, module_files

ROOT = Path(__file__).resolve().parents[3]


def _package(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "signalwire" else parts[0]


def imported_packages() -> set[tuple[str, str]]:
    graph = import_graph(module_files(sorted(ROOT.glob("packages/*/src"))))
    return {
        (_package(a), _package(b))
        for a, targets in graph.items()
        for b in targets
        if _package(a) != _package(b)
    }


def documented_arrows(text: str) -> set[tuple[str, str]]:
    section = text.split("\n## Architecture\n", 1)[1]
    diagram = section.split("```text\n", 1)[1].split("```", 1)[0]
    arrows: set[tuple[str, str]] = set()
    for line in diagram.splitlines():
        line = re.sub(r"\([^)]*(\)|$)", "", line)  # a note may go on over the next lines
        names = re.split(r"\s*(──>|<──)\s*", line.strip())
        for i in range(1, len(names) - 1, 2):
            left = [n.strip() for n in names[i - 1].split(",")]
            right = [n.strip() for n in names[i + 1].split(",")]
            if names[i] == "<──":
                left, right = right, left
            arrows |= {(a, b) for a in left for b in right}
    return arrows


def test_the_package_diagram_matches_the_imports() -> None:
    found = imported_packages()
    known = {name for edge in found for name in edge} | {
        _package(str(p.relative_to(src)).replace("/", "."))
        for src in ROOT.glob("packages/*/src")
        for p in src.glob("*/*")
        if p.is_dir() and p.name != "__pycache__"
    }
    arrows = documented_arrows((ROOT / "CONTRIBUTING.md").read_text("utf-8"))
    shown = {(a, b) for a, b in arrows if a in known and b in known}
    assert shown == found, (
        f"imports not in CONTRIBUTING.md's diagram: {sorted(found - shown)}; "
        f"arrows there that no import makes: {sorted(shown - found)}"
    )


def test_arrows_are_read_both_ways() -> None:
    text = (
        "x\n## Architecture\n\n```text\na ──> b <── c, d (note)\ne ──> f (g ──> h)\n"
        "i ──> j (a note, on\n        two lines)\n```\n"
    )
    assert documented_arrows(text) == {
        ("a", "b"), ("c", "b"), ("d", "b"), ("e", "f"), ("i", "j")
    }  # fmt: skip
