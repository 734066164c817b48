"""Errors raised by signalwire.search; each message names the problem and the fix."""

from __future__ import annotations

from signalwire.core._errors import SignalWireError

__all__ = [
    "IndexFormatError",
    "MissingDependencyError",
    "ModelMismatchError",
    "SearchBackendError",
    "SearchError",
]


class SearchError(SignalWireError):
    """Base class of the errors of signalwire.search."""


class MissingDependencyError(SearchError, ImportError):
    """A mode needs an optional extra that is not installed.

    ``extra`` names the extra: ``pip install "signalwire-search[<extra>]"``.
    """

    def __init__(self, what: str, extra: str, missing: str) -> None:
        super().__init__(
            f'{what} needs the {missing!r} package: pip install "signalwire-search[{extra}]"'
        )
        self.extra = extra
        self.missing = missing


class IndexFormatError(SearchError, ValueError):
    """A file or collection is not a usable search index (corrupt, foreign or empty)."""


class ModelMismatchError(SearchError, ValueError):
    """A query vector does not fit the index (another model or dimension)."""


class SearchBackendError(SearchError, ConnectionError):
    """A database or search service could not be reached or refused the request."""
