"""A sibling module that main_sibling_import.py imports inside main()."""

from __future__ import annotations


def greeting(name: str) -> str:
    return f"Hello {name}, from a sibling module."
