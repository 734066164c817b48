"""``signalwire-migrate``: rewrite imports written for ``signalwire-sdk`` to this project's.

Private subpackage; the command is the interface (see the package README,
"Migrating from signalwire-sdk"). Standard library only.
"""

from __future__ import annotations

from signalwire.agents._migrate._cli import main
from signalwire.agents._migrate._rewrite import Change, FileResult, Problem, rewrite_source

__all__ = ["Change", "FileResult", "Problem", "main", "rewrite_source"]
