"""What generated resource classes build on: the caller protocol and two helpers.

A resource method turns its arguments into ``(verb, path, query, body)`` and
hands them to its *caller*: the sync client's caller returns the decoded JSON,
the async client's returns an awaitable of it. That is the only difference
between the two clients, so one generated tree serves both (``_R`` is the
caller's return type).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar
from urllib.parse import quote

if TYPE_CHECKING:
    from signalwire.rest._options import RequestOptions
    from signalwire.rest._pagination import Paginator

__all__ = ["Caller", "Namespace", "Resource", "fields", "seg"]

_R = TypeVar("_R")
_R_co = TypeVar("_R_co", covariant=True)


class Caller(Protocol[_R_co]):
    """Sends one request; implemented by the sync and the async client."""

    @property
    def compat_base(self) -> str:
        """``/api/laml/2010-04-01/Accounts/<project id>``, the compat API's base path."""
        ...

    def call(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, Any] | None = None,
        json: Any = None,
        form: Mapping[str, Any] | None = None,
        options: RequestOptions | None = None,
    ) -> _R_co:
        """Send one request and return its decoded JSON (or an awaitable of it)."""
        ...

    def paginate(self, first: Callable[[], Any], options: RequestOptions | None) -> Paginator:
        """Return a lazy iterator over the items of ``first()`` and its next pages."""
        ...

    def rpc(
        self,
        path: str,
        method: str,
        params: Mapping[str, Any],
        options: RequestOptions | None = None,
    ) -> _R_co:
        """Send one JSON-RPC 2.0 call and return its ``result`` (or an awaitable of it)."""
        ...


class Resource(Generic[_R]):
    """Base of the generated resource classes (``client.fabric.ai_agents`` ...)."""

    __slots__ = ("_t",)

    def __init__(self, caller: Caller[_R]) -> None:
        self._t = caller

    def __repr__(self) -> str:
        return f"<{type(self).__name__} resource>"


class Namespace(Generic[_R]):
    """Base of the generated namespaces that group resources (``client.fabric`` ...)."""

    def __init__(self, caller: Caller[_R]) -> None:
        self._t = caller

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


def fields(
    values: dict[str, Any],
    extras: Mapping[str, Any] | None,
    kwargs: Mapping[str, Any] | None,
    base: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Merge a request's fields: ``base``, then the named arguments (None dropped),
    then ``extras``, then ``**kwargs``. Later sources win."""
    out = dict(base) if base else {}
    for key, value in values.items():
        if value is not None:
            out[key] = value
    if extras:
        out.update(extras)
    if kwargs:
        out.update(kwargs)
    return out


def seg(value: object) -> str:
    """Quote one path segment. ``+`` (E.164 numbers) and ``@``/``:`` stay readable;
    ``/``, ``?``, ``#`` and spaces are escaped so an id can never change the path."""
    return quote(str(value), safe="+@:,")
