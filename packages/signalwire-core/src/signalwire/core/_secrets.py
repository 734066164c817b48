"""Masking of secret values for reprs and messages."""

from __future__ import annotations

__all__ = ["mask_secret"]


def mask_secret(value: str | None) -> str:
    """Return a fixed-width mask that reveals only whether ``value`` is set.

    No character of the secret is revealed: even a prefix narrows a brute
    force, and tokens are short enough for that to matter.
    """
    return "<unset>" if not value else "********"
