"""Check a skill's parameters against its own parameter schema."""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping
from typing import Any, Protocol

__all__ = [
    "DATAMAP_ERROR_KEYS",
    "SkillParameterError",
    "api_key_param",
    "base_url_param",
    "required_text",
    "resolve_params",
    "text_param",
    "tool_name_param",
]

#: ``error_keys`` of the DataMap skills' webhooks (``weather_api``, ``joke``,
#: ``api_ninjas_trivia``, ``datasphere_serverless``). Their blocks follow signalwire-sdk
#: 3.7.5's structure except for two platform facts: the platform reads ``error_keys`` on
#: the webhook only (3.7.5's ``weather_api`` and ``api_ninjas_trivia`` set them on the
#: data_map, where they are ignored, see ``DataMap.global_error_keys``), and it adds
#: ``http_code`` to a non-2xx answer, so listing ``http_code`` sends a refused key or an
#: outage to the fallback output instead of an output made of empty variables.
DATAMAP_ERROR_KEYS = ["error", "http_code"]

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


# -- the parameters many skills share -------------------------------------------------------


def api_key_param(description: str, env_var: str) -> dict[str, Any]:
    """Schema entry of a secret API key: required, hidden, read from ``env_var`` when not passed."""
    return {
        "type": "string",
        "description": description,
        "required": True,
        "hidden": True,
        "env_var": env_var,
    }


#: "No default" for the builders below (``None`` is a default a schema may state).
_UNSET: Any = object()


def base_url_param(description: str, default: str | None = _UNSET) -> dict[str, Any]:
    """Schema entry of a service's base URL (tests and proxies point it elsewhere)."""
    spec: dict[str, Any] = {"type": "string", "description": description}
    if default is not _UNSET:
        spec["default"] = default
    spec["required"] = False
    return spec


def tool_name_param(
    description: str, default: str | None = _UNSET, *, required: bool | None = False
) -> dict[str, Any]:
    """Schema entry of the name a skill gives its tool (``required=None`` leaves the key out)."""
    spec: dict[str, Any] = {"type": "string", "description": description}
    if default is not _UNSET:
        spec["default"] = default
    if required is not None:
        spec["required"] = required
    return spec


class _Configured(Protocol):
    """A skill as the readers below see it (SkillBase is one)."""

    @property
    def SKILL_NAME(self) -> str | None: ...  # SkillBase's class attribute
    @property
    def params(self) -> dict[str, Any]: ...

    @classmethod
    def get_parameter_schema(cls) -> dict[str, dict[str, Any]]: ...


def required_text(skill: _Configured, name: str) -> str:
    """A required text parameter, stripped; SkillParameterError when it is blank.

    :func:`resolve_params` already refused a missing one; this catches ``""`` and
    whitespace, naming the environment variable the schema reads it from.
    """
    value = str(skill.params.get(name) or "").strip()
    if not value:
        spec = skill.get_parameter_schema().get(name) or {}
        env_var = spec.get("env_var")
        hint = f" (or set the {env_var} environment variable)" if env_var else ""
        raise SkillParameterError(f"skill {skill.SKILL_NAME!r} needs the parameter {name!r}{hint}")
    return value


def text_param(skill: _Configured, name: str) -> str:
    """A text parameter, or its schema default when it was given empty ("" when neither)."""
    value = skill.params.get(name)
    if value:
        return str(value)
    default = (skill.get_parameter_schema().get(name) or {}).get("default")
    return str(default) if default else ""
