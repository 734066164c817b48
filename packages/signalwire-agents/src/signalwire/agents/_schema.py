"""SWML verb validation against the SWML calling schema (placeholder; issue 4 fills it)."""

from __future__ import annotations

from typing import Any

__all__ = ["validate_verb"]


def validate_verb(verb_name: str, config: Any) -> None:
    """Raise SchemaValidationError when ``config`` is not valid for ``verb_name``."""
    return None
