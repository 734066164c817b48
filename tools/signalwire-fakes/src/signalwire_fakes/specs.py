"""Locate the platform's machine-readable specs in ``../shared/specs``.

The specs are never copied into the repository: tests read them where the
project keeps its reference material, beside the checkout.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["SPECS_ENV", "spec_path", "specs_dir"]

SPECS_ENV = "SIGNALWIRE_SPECS_DIR"


def specs_dir() -> Path:
    """Return the folder holding the platform specs.

    ``SIGNALWIRE_SPECS_DIR`` wins; otherwise ``shared/specs`` beside the
    checkout (found by walking up from this file).
    """
    override = os.environ.get(SPECS_ENV)
    if override:
        return Path(override)
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent.parent / "shared" / "specs"
        if (parent / "pyproject.toml").exists() and candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        "cannot find ../shared/specs beside the checkout; set SIGNALWIRE_SPECS_DIR"
    )


def spec_path(name: str) -> Path:
    """Return the path of one spec file, e.g. ``swml-calling.schema.json``."""
    path = specs_dir() / name
    if not path.is_file():
        raise FileNotFoundError(f"spec {name!r} not found in {path.parent}")
    return path
