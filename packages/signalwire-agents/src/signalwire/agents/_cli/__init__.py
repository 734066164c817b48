"""The ``swaig-test`` command: try an agent's SWML and tools by hand, no server needed.

Private subpackage; the console script calls :func:`main`.
"""

from __future__ import annotations

from signalwire.agents._cli._main import main

__all__ = ["main"]
