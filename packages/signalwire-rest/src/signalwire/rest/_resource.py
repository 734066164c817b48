"""What generated resource classes build on: the caller protocol and two helpers.

A resource method turns its arguments into ``(verb, path, query, body)`` and
hands them to its *caller*: the sync client's caller returns the decoded JSON,
the async client's returns an awaitable of it. That is the only difference
between the two clients, so one generated tree serves both (``_R`` is the
caller's return type).
"""

from __future__ import annotations

import functools
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
        auth: str | None = None,
    ) -> _R_co:
        """Send one request and return its decoded JSON (or an awaitable of it).

        ``auth`` replaces the client's ``Authorization`` header for this request.
        """
        ...

    def subscriber_auth(self, token: str | None) -> str | None:
        """The Bearer header for ``token`` or the client's subscriber token, else None."""
        ...

    def paginate(
        self, first: Callable[[], Any], options: RequestOptions | None, auth: str | None = None
    ) -> Paginator:
        """Return a lazy iterator over the items of ``first()`` and its next pages
        (fetched with ``auth`` as the ``Authorization`` header when given)."""
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
    """Base of the generated resource classes (``client.fabric.ai_agents`` ...).

    A subclass declared with ``accessor="fabric.ai_agents"`` gets its public methods
    wrapped so that a missing required argument raises a ``TypeError`` naming the
    method as the user wrote it and the argument
    (``fabric.ai_agents.create() needs name=``), not the class's private name.
    """

    __slots__ = ("_t",)

    def __init_subclass__(cls, accessor: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if accessor is None:
            return
        for name, value in list(vars(cls).items()):
            if not name.startswith("_") and callable(value) and hasattr(value, "__code__"):
                setattr(cls, name, _naming_missing_arguments(value, f"{accessor}.{name}"))

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


def _naming_missing_arguments(func: Any, operation: str) -> Any:
    """Wrap a method so that a call Python cannot bind says what is missing.

    Methods without required arguments are returned as they are. The wrapper only
    rewrites a ``TypeError`` raised while binding the arguments (its traceback ends
    in the wrapper); one raised inside the method passes through untouched.
    """
    code = func.__code__
    positional = code.co_varnames[1 : code.co_argcount]  # without self
    required_pos = positional[: len(positional) - len(func.__defaults__ or ())]
    kwonly = code.co_varnames[code.co_argcount : code.co_argcount + code.co_kwonlyargcount]
    required_kw = tuple(n for n in kwonly if n not in (func.__kwdefaults__ or {}))
    if not required_pos and not required_kw:
        return func

    @functools.wraps(func)
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return func(self, *args, **kwargs)
        except TypeError as exc:
            if exc.__traceback__ is None or exc.__traceback__.tb_next is not None:
                raise
            text = _binding_error(operation, required_pos, required_kw, args, kwargs, exc)
            raise TypeError(text) from None

    return method


def _binding_error(
    operation: str,
    required_pos: tuple[str, ...],
    required_kw: tuple[str, ...],
    args: tuple[Any, ...],
    kwargs: Mapping[str, Any],
    exc: TypeError,
) -> str:
    missing = [
        f"{name} (positional)"
        for i, name in enumerate(required_pos)
        if i >= len(args) and name not in kwargs
    ]
    missing += [f"{name}=" for name in required_kw if name not in kwargs]
    if missing:
        names = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " and " + missing[-1]
        return f"{operation}() needs {names}"
    # Too many positional arguments and the like: Python's reason, under the user's name.
    reason = str(exc)
    reason = reason.split(") ", 1)[1] if "() " in reason else reason
    return f"{operation}() {reason}"
