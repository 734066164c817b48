"""The attrs/cattrs converter factory every namespace builds its own converter from.

Conventions (applied to every attrs class the converter meets):

* a trailing underscore maps to the wire name: ``from_`` <-> ``"from"``;
* fields equal to their default (``None``, :data:`UNSET`) are omitted on output,
  so a wire field that must round-trip even when empty defaults to ``None``
  or :data:`UNSET`, never to a factory value such as ``[]``;
* a model that declares an ``extra_`` field keeps unknown keys on input and
  writes them back on output, so fetch-modify-send round-trips exactly;
* unknown keys are otherwise ignored: the platform adds fields and old
  clients must not break.

Each package owns its converter (hooks are cached per converter, so sharing a
mutable one would make behaviour depend on import order).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from signalwire.core._errors import WireError
from signalwire.core._sentinels import EXTRA_FIELD, UNSET, UnsetType, wire_name

__all__ = [
    "EXTRA_FIELD",
    "UNSET",
    "UnsetType",
    "configure_converter",
    "make_converter",
    "structure",
    "wire_name",
]

T = TypeVar("T")


def _overrides(cl: type) -> dict[str, Any]:
    ov: dict[str, Any] = {}
    for a in attrs.fields(cl):
        if a.name == EXTRA_FIELD:
            ov[a.name] = override(omit=True)
        elif a.name.endswith("_"):
            ov[a.name] = override(rename=wire_name(a.name))
    return ov


def configure_converter(converter: cattrs.Converter) -> None:
    """Apply the SDK's wire conventions to ``converter`` (see the module doc)."""

    def unstructure_factory(cl: type) -> Callable[[Any], dict[str, Any]]:
        fn: Callable[[Any], dict[str, Any]] = make_dict_unstructure_fn(
            cl, converter, _cattrs_omit_if_default=converter.omit_if_default, **_overrides(cl)
        )
        if EXTRA_FIELD not in attrs.fields_dict(cl):
            return fn

        def with_extra(obj: Any) -> dict[str, Any]:
            return {**getattr(obj, EXTRA_FIELD), **fn(obj)}  # known fields win

        return with_extra

    def structure_factory(cl: type) -> Callable[[Mapping[str, Any], Any], Any]:
        fn: Callable[[Mapping[str, Any], Any], Any] = make_dict_structure_fn(
            cl, converter, **_overrides(cl)
        )
        if EXTRA_FIELD not in attrs.fields_dict(cl):
            return fn
        known = {wire_name(a.name) for a in attrs.fields(cl) if a.name != EXTRA_FIELD}

        def with_extra(data: Mapping[str, Any], t: Any) -> Any:
            obj = fn(data, t)
            extra = {k: v for k, v in data.items() if k not in known}
            return attrs.evolve(obj, **{EXTRA_FIELD: extra}) if extra else obj

        return with_extra

    converter.register_unstructure_hook(UnsetType, lambda _: None)
    converter.register_unstructure_hook_factory(attrs.has, unstructure_factory)
    converter.register_structure_hook_factory(attrs.has, structure_factory)


def make_converter(**kwargs: Any) -> cattrs.Converter:
    """Build a converter with the SDK's wire conventions.

    Keyword arguments go to :class:`cattrs.Converter`; ``omit_if_default``
    defaults to True so unset optional fields vanish from output.
    """
    kwargs.setdefault("omit_if_default", True)
    converter = cattrs.Converter(**kwargs)
    configure_converter(converter)
    return converter


def structure(converter: cattrs.Converter, data: Any, cl: type[T]) -> T:
    """Structure ``data`` into ``cl``, turning cattrs errors into :class:`WireError`.

    The error lists path-qualified reasons, so cattrs types never reach users.
    """
    try:
        return converter.structure(data, cl)
    except (cattrs.BaseValidationError, ValueError, TypeError, KeyError) as exc:
        if isinstance(exc, cattrs.BaseValidationError):
            reasons = cattrs.transform_error(exc)
        else:
            reasons = [f"{type(exc).__name__}: {exc}"]
        name = getattr(cl, "__name__", str(cl))
        raise WireError(f"cannot read {name}: {'; '.join(reasons)}", reasons) from exc
