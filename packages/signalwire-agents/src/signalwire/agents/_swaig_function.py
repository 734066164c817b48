"""SWAIGFunction: one tool the AI can call, with its schema and handler."""

from __future__ import annotations

import inspect
import logging
import re
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any

from signalwire.agents._function_result import FunctionResult
from signalwire.agents._handler_call import make_caller, takes_keywords

__all__ = ["SWAIGFunction", "error_response", "infer_tool_schema", "timeout_response"]

log = logging.getLogger("signalwire.agents.tools")

_JSON_TYPES: dict[Any, str] = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    list: "array",
    dict: "object",
}


def _normalize_parameters(
    parameters: Mapping[str, Any] | None, required: list[str] | None
) -> dict[str, Any]:
    """Wrap a bare ``{arg: schema}`` dict into a JSON-Schema object."""
    if not parameters:
        schema: dict[str, Any] = {"type": "object", "properties": {}}
    elif "type" in parameters and "properties" in parameters:
        schema = dict(parameters)
    else:
        schema = {"type": "object", "properties": dict(parameters)}
    if required:
        schema["required"] = list(required)
    return schema


class SWAIGFunction:
    """A tool: name, description, JSON-Schema parameters and the handler that runs it.

    ``handler(args, raw_data)`` may be a plain function (run in a worker thread
    by the server) or ``async def`` (awaited). ``webhook_url`` makes the tool
    external: the platform calls that URL and this process never runs it.
    """

    def __init__(
        self,
        name: str,
        handler: Callable[..., Any] | None,
        description: str,
        parameters: Mapping[str, Any] | None = None,
        secure: bool = False,
        fillers: Mapping[str, list[str]] | list[str] | None = None,
        wait_file: str | None = None,
        wait_file_loops: int | None = None,
        webhook_url: str | None = None,
        required: list[str] | None = None,
        is_typed_handler: bool = False,
        **extra_swaig_fields: Any,
    ) -> None:
        _check_name(name)
        self.name = name
        self.handler = handler
        self.description = description
        self.required = list(required) if required else []
        # As documented: ``parameters`` keeps what was given (a properties dict, or a full
        # schema); the wrapped JSON schema sent to the platform is ``schema``.
        self.parameters: dict[str, Any] = dict(parameters) if parameters else {}
        self.schema = _normalize_parameters(parameters, self.required)
        self.secure = bool(secure)
        self.fillers = _check_fillers(fillers)
        self.wait_file = wait_file
        self.wait_file_loops = wait_file_loops
        self.webhook_url = webhook_url
        self.is_typed_handler = bool(is_typed_handler)
        self.timeout = _check_timeout(extra_swaig_fields.pop("timeout", None))
        self.expose_errors = bool(extra_swaig_fields.pop("expose_errors", False))
        self.extra_swaig_fields = _with_checked_gates(name, dict(extra_swaig_fields))
        self._caller = (
            make_caller(handler, self.schema.get("properties") or {}, self.is_typed_handler)
            if handler is not None
            else None
        )
        self.is_async = handler is not None and (
            inspect.iscoroutinefunction(handler)
            or inspect.iscoroutinefunction(getattr(handler, "__call__", None))  # noqa: B004
        )

    def __repr__(self) -> str:
        return (
            f"SWAIGFunction(name={self.name!r}, secure={self.secure}, external={self.is_external})"
        )

    @property
    def is_external(self) -> bool:
        """True when the tool runs at ``webhook_url`` rather than in this process."""
        return self.webhook_url is not None

    def _call(self, args: dict[str, Any], raw_data: dict[str, Any] | None) -> Any:
        if self._caller is None:
            raise RuntimeError(f"tool {self.name!r} has no handler")
        return self._caller(args, raw_data)

    @property
    def takes_keywords(self) -> bool:
        """True when the handler receives each argument by name (a typed handler)."""
        return takes_keywords(self._caller)

    def __call__(self, args: dict[str, Any], raw_data: dict[str, Any] | None = None) -> Any:
        """Call the handler directly and return what it returns."""
        return self._call(args, raw_data)

    def execute(
        self, args: dict[str, Any], raw_data: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Run a sync handler and return the wire dict (errors become a response)."""
        try:
            result = self._call(args, raw_data or {})
            if inspect.isawaitable(result):
                raise TypeError("execute() cannot run an async handler; the server awaits it")
        except Exception as exc:
            log.exception("tool %r raised", self.name)
            return error_response(self.name, exc, self.expose_errors)
        return coerce_result(result)

    def validate_args(self, args: Any) -> tuple[bool, list[str]]:
        """Check ``args`` against the parameter schema (types, required keys, enums)."""
        errors: list[str] = []
        if not isinstance(args, dict):
            return False, [f"arguments must be an object, got {type(args).__name__}"]
        props = self.schema.get("properties", {}) or {}
        for key in self.schema.get("required", []) or []:
            if key not in args:
                errors.append(f"missing required argument {key!r}")
        for key, value in args.items():
            spec = props.get(key)
            if not isinstance(spec, dict):
                continue
            expected = spec.get("type")
            if isinstance(expected, str) and not _type_ok(expected, value):
                errors.append(f"argument {key!r} should be {expected}, got {type(value).__name__}")
            if "enum" in spec and value not in spec["enum"]:
                errors.append(f"argument {key!r} must be one of {spec['enum']!r}")
        return not errors, errors

    def to_swaig(
        self,
        base_url: str,
        token: str | None = None,
        call_id: str | None = None,
        include_auth: bool = True,
    ) -> dict[str, Any]:
        """The function's entry for ``SWAIG.functions`` with an explicit URL."""
        from urllib.parse import urlencode

        entry = self.to_dict()
        if self.webhook_url:
            entry["web_hook_url"] = self.webhook_url
        else:
            url = base_url.rstrip("/") + "/swaig/"
            query = {k: v for k, v in (("__token", token), ("call_id", call_id)) if v}
            entry["web_hook_url"] = url + ("?" + urlencode(query) if query else "")
        entry.update(self.extra_swaig_fields)
        return entry

    def to_dict(self) -> dict[str, Any]:
        """The entry for ``SWAIG.functions`` without any URL."""
        entry: dict[str, Any] = {
            "function": self.name,
            "description": self.description,
            "parameters": self.schema,
        }
        if self.wait_file:
            entry["wait_file"] = self.wait_file
        if self.fillers:
            entry["fillers"] = self.fillers
        if self.wait_file_loops is not None:
            entry["wait_file_loops"] = self.wait_file_loops
        return entry


_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _with_checked_gates(name: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Replace ``gates``/``gate_fillers`` with their checked wire form (ValueError if bad)."""
    gates = fields.pop("gates", None)
    fillers = fields.pop("gate_fillers", None)
    if gates is None and fillers is None:
        return fields
    from signalwire.agents._semantic_gate import check_gate_fillers, gate_definitions

    if gates is not None:
        fields["gates"] = gate_definitions(gates, name)
    if fillers is not None:
        fields["gate_fillers"] = check_gate_fillers(fillers, name, gates is not None)
    return fields


def _check_name(name: Any) -> None:
    """Refuse what cannot be a name; warn once for a name that is not an identifier.

    The platform takes any string as a function name, and signalwire-sdk 3.7.5 renders
    ``@agent.tool("Get the current time")`` with that sentence as the name, so it is
    accepted; but such text was usually meant as the description.
    """
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"tool name must be a non-empty string (got {name!r})")
    if not _NAME_RE.match(name):
        log.warning(
            "tool name %r is not an identifier: the text was taken as the tool's name (as "
            "signalwire-sdk does); if it was meant as the description, pass description=...",
            name,
        )


def _check_fillers(fillers: Any) -> dict[str, list[str]] | list[str] | None:
    """Language-keyed filler lists, or a plain list of phrases (sent as given, as 3.7.5 does)."""
    if not fillers:
        return None
    if isinstance(fillers, Mapping):
        return dict(fillers)
    if isinstance(fillers, (list, tuple)) and all(isinstance(f, str) for f in fillers):
        return list(fillers)
    raise TypeError(
        "fillers must be a dict of language code to phrases or a list of phrases "
        f"(got {type(fillers).__name__})"
    )


def _check_timeout(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {value!r}")
    return float(value)


def _type_ok(expected: str, value: Any) -> bool:
    if expected == "string":
        return isinstance(value, str)
    if expected == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if expected == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if expected == "boolean":
        return isinstance(value, bool)
    if expected == "array":
        return isinstance(value, list)
    if expected == "object":
        return isinstance(value, dict)
    return True


def coerce_result(result: Any) -> dict[str, Any]:
    """Turn whatever a handler returned into the wire dict."""
    if result is None:
        return FunctionResult("Function executed successfully").to_dict()
    if isinstance(result, FunctionResult):
        return result.to_dict()
    if isinstance(result, dict):
        return result
    to_dict = getattr(result, "to_dict", None)
    if callable(to_dict):
        value = to_dict()
        if isinstance(value, dict):
            return value
    return {"response": str(result)}


GENERIC_FAILURE = "Sorry, the {name} function is not working right now."
TIMEOUT_REPLY = "Sorry, the {name} function is taking too long. Please try again later."


def error_response(name: str, exc: BaseException, expose: bool = False) -> dict[str, Any]:
    """What the AI hears when a tool fails.

    By default a short generic sentence: exception text can carry secrets or
    internals, and it would be spoken into the conversation. With ``expose``
    the first line of the exception (at most 200 characters) is included.
    """
    if not expose:
        return {"response": GENERIC_FAILURE.format(name=name)}
    reason = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
    return {"response": f"Error executing function '{name}': {reason}"}


def timeout_response(name: str) -> dict[str, Any]:
    """What the AI hears when a tool runs past its timeout."""
    return {"response": TIMEOUT_REPLY.format(name=name)}


# -- typed-handler inference ------------------------------------------------------------------


def _parse_docstring(doc: str | None) -> tuple[str | None, dict[str, str]]:
    """Return the summary line and the Google-style ``Args:`` descriptions."""
    if not doc:
        return None, {}
    lines = inspect.cleandoc(doc).splitlines()
    summary = lines[0].strip() if lines and lines[0].strip() else None
    params: dict[str, str] = {}
    in_args = False
    current: str | None = None
    for line in lines[1:]:
        stripped = line.strip()
        if stripped in ("Args:", "Arguments:", "Parameters:"):
            in_args = True
            continue
        if in_args:
            if stripped.endswith(":") and not line.startswith((" ", "\t")):
                break  # next section (Returns:, Raises:, ...)
            match = re.match(r"^\s*(\*{0,2}\w+)\s*(?:\([^)]*\))?\s*:\s*(.*)$", line)
            if match and (line.startswith((" ", "\t")) or not current):
                current = match.group(1).lstrip("*")
                params[current] = match.group(2).strip()
            elif current and stripped:
                params[current] = (params[current] + " " + stripped).strip()
    return summary, params


def _schema_for(annotation: Any) -> tuple[dict[str, Any], bool]:
    """JSON schema for a type hint, and whether the hint makes the value optional."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Union or (types.UnionType is not None and origin is types.UnionType):
        non_none = [a for a in args if a is not type(None)]
        optional = len(non_none) != len(args)
        if len(non_none) == 1:
            inner, _ = _schema_for(non_none[0])
            return inner, optional
        return {}, optional
    if origin is typing.Literal:
        values = list(args)
        schema: dict[str, Any] = {"enum": values}
        kinds = {type(v) for v in values}
        if len(kinds) == 1 and next(iter(kinds)) in _JSON_TYPES:
            schema = {"type": _JSON_TYPES[next(iter(kinds))], "enum": values}
        return schema, False
    if origin in (list, tuple, set, frozenset) or annotation in (list, tuple, set, frozenset):
        schema = {"type": "array"}
        if args and origin is list:
            inner, _ = _schema_for(args[0])
            if inner:
                schema["items"] = inner
        return schema, False
    if origin is dict or annotation is dict:
        return {"type": "object"}, False
    if annotation in _JSON_TYPES:
        return {"type": _JSON_TYPES[annotation]}, False
    return {"type": "string"}, False


def _is_legacy_signature(sig: inspect.Signature) -> bool:
    params = [p for p in sig.parameters.values() if p.name != "self"]
    names = [p.name for p in params]
    return names[:2] == ["args", "raw_data"] or (len(names) == 1 and names[0] == "args")


def infer_tool_schema(
    func: Callable[..., Any],
) -> tuple[dict[str, Any], list[str], str | None, Callable[..., Any]] | None:
    """Infer ``(properties, required, description, wrapper)`` from a typed handler.

    Returns None when the handler uses the ``(args, raw_data)`` form or takes
    ``*args``/``**kwargs``; the caller then keeps the handler as it is.
    """
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):
        return None
    if _is_legacy_signature(sig):
        return None
    if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in sig.parameters.values()):
        return None
    try:
        hints = typing.get_type_hints(func)
    except Exception:  # noqa: BLE001 - unresolvable forward refs: use raw annotations
        hints = {}
    summary, arg_docs = _parse_docstring(func.__doc__)
    properties: dict[str, Any] = {}
    required: list[str] = []
    names: list[str] = []
    wants_raw = False
    for param in sig.parameters.values():
        if param.name == "self":
            continue
        if param.name == "raw_data":
            wants_raw = True
            continue
        annotation = hints.get(param.name, param.annotation)
        if annotation is inspect.Parameter.empty:
            annotation = str
        schema, optional = _schema_for(annotation)
        schema = dict(schema)
        if param.name in arg_docs:
            schema["description"] = arg_docs[param.name]
        properties[param.name] = schema
        names.append(param.name)
        if param.default is inspect.Parameter.empty and not optional:
            required.append(param.name)
    is_async = inspect.iscoroutinefunction(func)
    accepted = frozenset(names)

    def pick(args: dict[str, Any], raw_data: Any) -> dict[str, Any]:
        kwargs = {k: v for k, v in args.items() if k in accepted}
        if wants_raw:
            kwargs["raw_data"] = raw_data
        return kwargs

    wrapper: Callable[..., Any]
    if is_async:

        async def async_wrapper(args: dict[str, Any], raw_data: Any = None) -> Any:
            return await func(**pick(args, raw_data))

        wrapper = async_wrapper
    else:

        def sync_wrapper(args: dict[str, Any], raw_data: Any = None) -> Any:
            return func(**pick(args, raw_data))

        wrapper = sync_wrapper
    wrapper.__name__ = getattr(func, "__name__", "tool")
    wrapper.__doc__ = func.__doc__
    return properties, required, summary, wrapper
