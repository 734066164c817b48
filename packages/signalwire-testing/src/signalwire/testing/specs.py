"""The platform's specs as committed, facts-only data (``signalwire/testing/_data``).

``tools/generate.py`` derives these files from the platform's published API
specs: the same documents with every prose field (descriptions, summaries,
titles) dropped, as compact JSON with sorted keys. Tests and the fake platform
read them through this module, so a clone of the repository is self-contained.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["DATA_DIR", "SPECS_ENV", "load_spec_file", "spec_path", "specs_dir"]

#: The committed data folder (package data of ``signalwire-testing``).
DATA_DIR = Path(__file__).resolve().parent / "_data"
#: Where ``tools/generate.py`` looks for the published specs when refreshing the data.
SPECS_ENV = "SIGNALWIRE_SPECS_DIR"


def specs_dir() -> Path:
    """Return the folder holding the committed spec data."""
    return DATA_DIR


def spec_path(name: str) -> Path:
    """Return the committed data file of one spec, e.g. ``swml-calling.schema.json``.

    A published spec's own file name also works: ``signalwire-rest.openapi.yaml``
    maps to its JSON copy ``signalwire-rest.openapi.json`` (JSON is valid YAML).
    """
    if name.endswith((".yaml", ".yml")):
        name = name.rsplit(".", 1)[0] + ".json"
    path = DATA_DIR / name
    if not path.is_file():
        known = sorted(p.name for p in DATA_DIR.glob("*.json"))
        raise FileNotFoundError(f"spec {name!r} not found in {DATA_DIR}; known: {known}")
    return path


@cache
def _load(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def load_spec_file(name: str) -> Any:
    """Return one spec's committed data, parsed once per process (do not mutate it)."""
    return _load(spec_path(name))
