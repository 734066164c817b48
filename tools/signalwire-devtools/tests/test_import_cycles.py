"""No module under ``packages/*/src`` imports, even for typing, a module that imports it back.

The graph comes from the source (:mod:`signalwire_devtools.import_graph`): every import at any
level counts, ``TYPE_CHECKING`` imports included, and ``from pkg import Name`` follows the
package's re-export of ``Name`` to the module that defines it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from signalwire_devtools.import_graph import (
    cycles,
    import_graph,
    module_files,
    shortest_cycle,
)

ROOT = Path(__file__).resolve().parents[3]
SRC_DIRS = sorted(ROOT.glob("packages/*/src"))


def _describe(groups: list[frozenset[str]]) -> str:
    graph = import_graph(module_files(SRC_DIRS))
    return "\n".join(" -> ".join(shortest_cycle(graph, group)) for group in groups)


def test_no_import_cycle() -> None:
    """A module that needs something from its host names it in a Protocol instead of
    importing the host (see CONTRIBUTING.md, Architecture)."""
    assert len(SRC_DIRS) >= 5, SRC_DIRS
    found = cycles(SRC_DIRS)
    assert not found, f"modules import each other in a circle:\n{_describe(found)}"


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return root


def test_a_typing_only_import_back_is_a_cycle(tmp_path: Path) -> None:
    src = _write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/host.py": "from pkg.part import Part\n",
            "pkg/part.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from pkg.host import Host\n"
            ),
            "pkg/other.py": "def f():\n    import pkg.part\n",
        },
    )
    assert cycles([src]) == [frozenset({"pkg.host", "pkg.part"})]
    graph = import_graph(module_files([src]))
    assert graph["pkg.other"] == {"pkg.part"}  # an import inside a function counts
    assert shortest_cycle(graph, frozenset({"pkg.host", "pkg.part"})) == [
        "pkg.host",
        "pkg.part",
        "pkg.host",
    ]


def test_relative_imports_resolve(tmp_path: Path) -> None:
    src = _write(
        tmp_path,
        {
            "pkg/__init__.py": "from . import a\n",
            "pkg/a.py": "from .sub import b\n",
            "pkg/sub/__init__.py": "",
            "pkg/sub/b.py": "from .. import a\nfrom ..a import thing\n",
        },
    )
    graph = import_graph(module_files([src]))
    assert graph["pkg"] == {"pkg.a"}
    assert graph["pkg.a"] == {"pkg.sub.b"}
    assert graph["pkg.sub.b"] == {"pkg.a"}
    assert cycles([src]) == [frozenset({"pkg.a", "pkg.sub.b"})]


@pytest.mark.parametrize(
    "init",
    [
        "from pkg._impl import Thing\n",  # an eager re-export
        "TYPE_CHECKING = False\nif TYPE_CHECKING:\n    from pkg._impl import Thing\n",  # lazy
    ],
)
def test_a_package_re_export_is_followed_to_its_module(tmp_path: Path, init: str) -> None:
    src = _write(
        tmp_path,
        {
            "pkg/__init__.py": init + "VERSION = '1'\n",
            "pkg/_impl.py": "class Thing: ...\n",
            "pkg/_user.py": "from pkg import Thing\nfrom pkg import VERSION\n",
        },
    )
    graph = import_graph(module_files([src]))
    assert graph["pkg._user"] == {"pkg._impl", "pkg"}
    # the package's own lazy re-exports do not put its modules on a circle with it
    assert cycles([src]) == []
