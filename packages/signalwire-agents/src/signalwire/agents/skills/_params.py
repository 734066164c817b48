"""Check a skill's parameters against its own parameter schema."""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping
from typing import Any

__all__ = ["SkillParameterError", "resolve_params"]

_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "object": (dict,),
    "array": (list, tuple),
}


class SkillParameterError(ValueError):
    """A skill parameter is missing, of the wrong type or out of range."""


def _type_ok(value: Any, expected: str) -> bool:
    kinds = _TYPES.get(expected)
    if kinds is None:  # an unknown schema type is the skill's business
        return True
    if isinstance(value, bool) and expected in {"integer", "number"}:
        return False
    return isinstance(value, kinds)


def resolve_params(skill_name: str, schema: Mapping[str, Any], params: Any) -> dict[str, Any]:
    """The parameters a skill gets: checked, read from ``env_var`` when missing, defaults filled.

    Raises SkillParameterError naming the parameter (and its environment
    variable) when a required one is missing, or when a value has the wrong
    type, is not one of the ``enum`` values or lies outside ``min``/``max``.
    Parameters the schema does not list are passed through unchanged.
    """
    if params is not None and not isinstance(params, Mapping):
        raise SkillParameterError(
            f"parameters of skill {skill_name!r} must be a dict, got {type(params).__name__}"
        )
    resolved: dict[str, Any] = {k: v for k, v in (params or {}).items() if v is not None}
    for name, spec in schema.items():
        if not isinstance(spec, Mapping):
            continue
        if name not in resolved:
            env_var = spec.get("env_var")
            from_env = os.environ.get(env_var) if isinstance(env_var, str) and env_var else None
            if from_env:
                resolved[name] = from_env
            elif spec.get("required"):
                hint = f" (or set the {env_var} environment variable)" if env_var else ""
                raise SkillParameterError(
                    f"skill {skill_name!r} needs the parameter {name!r}{hint}"
                )
            elif "default" in spec and spec["default"] is not None:
                resolved[name] = copy.deepcopy(spec["default"])
            continue
        value = resolved[name]
        expected = spec.get("type")
        if isinstance(expected, str) and not _type_ok(value, expected):
            raise SkillParameterError(
                f"parameter {name!r} of skill {skill_name!r} must be of type {expected}, "
                f"got {type(value).__name__}"
            )
        enum = spec.get("enum")
        if isinstance(enum, list) and enum and value not in enum:
            allowed = ", ".join(repr(v) for v in enum)
            raise SkillParameterError(
                f"parameter {name!r} of skill {skill_name!r} must be one of {allowed}"
            )
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            low, high = spec.get("min"), spec.get("max")
            if isinstance(low, (int, float)) and value < low:
                raise SkillParameterError(
                    f"parameter {name!r} of skill {skill_name!r} must be at least {low}"
                )
            if isinstance(high, (int, float)) and value > high:
                raise SkillParameterError(
                    f"parameter {name!r} of skill {skill_name!r} must be at most {high}"
                )
    return resolved
