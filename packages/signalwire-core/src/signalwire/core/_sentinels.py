"""Wire sentinels and naming rules, free of attrs/cattrs so they cost nothing to import."""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's: importing typing would cost more than this module
if TYPE_CHECKING:
    from typing import Final

__all__ = ["EXTRA_FIELD", "UNSET", "UnsetType", "wire_name"]

EXTRA_FIELD: Final = "extra_"
"""Name of the opt-in catch-all field that keeps unknown wire keys."""


class UnsetType:
    """Type of :data:`UNSET`: "not given", as opposed to an explicit ``None``.

    Use it where JSON ``null`` means something (a PATCH that clears a field):
    ``None`` is then written as ``null`` and ``UNSET`` is omitted.
    """

    _instance: UnsetType | None = None

    def __new__(cls) -> UnsetType:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self) -> str:
        return "UNSET"


UNSET: Final = UnsetType()
"""Sentinel for a field that was not given; omitted from output."""


def wire_name(python_name: str) -> str:
    """Map a Python field name to its wire name (``from_`` -> ``from``)."""
    return (
        python_name[:-1]
        if python_name.endswith("_") and python_name != EXTRA_FIELD
        else python_name
    )
