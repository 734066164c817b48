"""How a tool handler is called: every documented form, decided once at definition.

The forms, for plain functions and bound methods alike (``self`` is already
bound), sync or ``async def``:

* ``handler(args, raw_data)`` and ``handler(args)``: the arguments dict is passed whole;
* typed keyword parameters (``def end_session(self, reason: str)``), with or
  without a ``raw_data`` parameter: each argument is passed by name;
* no parameters at all (``def get_time(self)``): called with nothing.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Collection
from typing import Any

__all__ = ["FORMS", "make_caller", "takes_keywords"]

Caller = Callable[[dict[str, Any], Any], Any]

_LEGACY_FIRST = frozenset({"args", "arguments", "params"})


def make_caller(
    handler: Callable[..., Any], properties: Collection[str], typed: bool = False
) -> Caller:
    """Return ``call(args, raw_data)`` that invokes ``handler`` in its own form.

    ``properties`` are the tool's parameter names: a handler whose parameters
    are among them (or who is declared ``typed``) gets keyword arguments.
    """
    try:
        sig = inspect.signature(handler)
    except (TypeError, ValueError):  # builtins, some C callables: assume the documented form
        return lambda args, raw_data: handler(args, raw_data)
    params = list(sig.parameters.values())
    var_kw = any(p.kind is p.VAR_KEYWORD for p in params)
    var_pos = any(p.kind is p.VAR_POSITIONAL for p in params)
    named = [p for p in params if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)]
    names = [p.name for p in named]

    if not named and not var_pos and not var_kw:
        return lambda args, raw_data: handler()
    if var_pos and not named:
        return lambda args, raw_data: handler(args, raw_data)

    positional = [p for p in named if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    legacy = bool(positional) and positional[0].name in _LEGACY_FIRST
    # Keyword form: every parameter is one of the tool's arguments (or raw_data).
    keyword_form = (typed and not legacy) or (
        all(n in properties or n == "raw_data" for n in names) and (bool(names) or var_kw)
    )
    if not keyword_form:
        if len(positional) == 1 and not var_pos:
            _check_binds(handler, sig, (None,), {})
            return lambda args, raw_data: handler(args)
        _check_binds(handler, sig, (None, None), {})
        return lambda args, raw_data: handler(args, raw_data)

    accepted = None if var_kw else frozenset(n for n in names if n != "raw_data")
    wants_raw = "raw_data" in names
    # A required parameter that no call can fill (not a tool argument, not raw_data,
    # positional-only) makes every call fail: refuse the handler now.
    unfillable = [
        p.name
        for p in named
        if p.default is p.empty
        and (p.kind is p.POSITIONAL_ONLY or (p.name not in properties and p.name != "raw_data"))
    ]
    if unfillable:
        raise _refused(handler, sig)

    def call(args: dict[str, Any], raw_data: Any) -> Any:  # the keyword form
        if accepted is None:
            kwargs = {k: v for k, v in args.items() if k != "raw_data"}
        else:
            kwargs = {k: v for k, v in args.items() if k in accepted}
        if wants_raw:
            kwargs["raw_data"] = raw_data
        return handler(**kwargs)

    call.keyword_form = True  # type: ignore[attr-defined]
    return call


FORMS = (
    "handler(args, raw_data), handler(args), keyword parameters named after the tool's "
    "parameters (with or without raw_data), or no parameters"
)


def _refused(handler: Callable[..., Any], sig: inspect.Signature) -> TypeError:
    name = getattr(handler, "__qualname__", None) or repr(handler)
    return TypeError(
        f"tool handler {name}{sig} cannot be called in any form the SDK uses: write it as {FORMS}"
    )


def _check_binds(
    handler: Callable[..., Any],
    sig: inspect.Signature,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> None:
    """Refuse, at definition, a handler that the chosen call form cannot call."""
    try:
        sig.bind(*args, **kwargs)
    except TypeError:
        raise _refused(handler, sig) from None


def takes_keywords(caller: Caller | None) -> bool:
    """True when ``caller`` (from :func:`make_caller`) passes arguments by name."""
    return bool(getattr(caller, "keyword_form", False))
