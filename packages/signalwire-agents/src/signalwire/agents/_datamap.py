"""DataMap: SWAIG tools the platform runs itself, with no webhook into the agent.

A DataMap tool matches its arguments against regular expressions and/or calls
an external HTTP API, then builds the reply from templates such as
``${args.city}`` or ``${response.temp}``. ``to_swaig_function()`` gives the
function dict to register with ``agent.register_swaig_function(...)``.

Platform semantics worth knowing: top-level expressions run first and the
first one producing output wins; then only the first webhook whose
``require_args`` are present is requested (a later one is not tried when it
fails); ``fallback_output`` answers when nothing else did.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any, Protocol

__all__ = ["DataMap", "create_expression_tool", "create_simple_api_tool"]

logger = logging.getLogger("signalwire.agents.datamap")

_METHODS = ("GET", "POST", "PUT", "DELETE")
# Inline forms of the flags a compiled pattern may carry; the platform gets the
# pattern as a string, so the flags must travel inside it.
_INLINE_FLAGS = ((re.IGNORECASE, "i"), (re.MULTILINE, "m"), (re.DOTALL, "s"), (re.VERBOSE, "x"))


class _HasToDict(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


def _output(result: _HasToDict | Mapping[str, Any], what: str) -> dict[str, Any]:
    if isinstance(result, Mapping):
        return dict(result)
    to_dict = getattr(result, "to_dict", None)
    if not callable(to_dict):
        raise TypeError(f"{what} must be a FunctionResult or a dict, not {type(result).__name__}")
    return dict(to_dict())


def _pattern_text(pattern: str | re.Pattern[str]) -> str:
    if isinstance(pattern, str):
        return pattern
    if isinstance(pattern, re.Pattern):
        flags = "".join(letter for flag, letter in _INLINE_FLAGS if pattern.flags & flag)
        return f"(?{flags}){pattern.pattern}" if flags else pattern.pattern
    raise TypeError(f"pattern must be a str or re.Pattern, not {type(pattern).__name__}")


class DataMap:
    """Build a data_map tool; every method returns the DataMap, so calls chain.

    ::

        weather = (
            DataMap("get_weather")
            .purpose("Current weather for a city")
            .parameter("city", "string", "City name", required=True)
            .webhook("GET", "https://api.example.com/weather?q=${enc:args.city}")
            .output(FunctionResult("It is ${response.temp} degrees in ${args.city}."))
            .fallback_output(FunctionResult("The weather service is unavailable."))
        )
        agent.register_swaig_function(weather.to_swaig_function())
    """

    def __init__(self, function_name: str) -> None:
        if not function_name:
            raise ValueError("a DataMap needs a function name")
        self._function_name = function_name
        self._description: str | None = None
        self._properties: dict[str, dict[str, Any]] = {}
        self._required: list[str] = []
        self._expressions: list[dict[str, Any]] = []
        self._webhooks: list[dict[str, Any]] = []
        self._output: dict[str, Any] | None = None
        self._error_keys: list[str] | None = None
        self._gates: list[Any] = []
        self._gate_fillers: dict[str, Any] | None = None

    @property
    def function_name(self) -> str:
        """The tool's name (``function`` on the wire)."""
        return self._function_name

    def __repr__(self) -> str:
        return f"DataMap(function_name={self.function_name!r})"

    # -- description and parameters

    def purpose(self, description: str) -> DataMap:
        """Set the function's description (what the AI reads to decide to call it)."""
        self._description = description
        return self

    def description(self, description: str) -> DataMap:
        """Alias of purpose()."""
        return self.purpose(description)

    def parameter(
        self,
        name: str,
        param_type: str,
        description: str,
        required: bool = False,
        enum: list[Any] | None = None,
    ) -> DataMap:
        """Declare an argument (JSON Schema ``type``); declaring it again replaces it."""
        schema: dict[str, Any] = {"type": param_type, "description": description}
        if enum:
            schema["enum"] = list(enum)
        self._properties[name] = schema
        if required and name not in self._required:
            self._required.append(name)
        elif not required and name in self._required:
            self._required.remove(name)
        return self

    # -- expressions

    def expression(
        self,
        test_value: str,
        pattern: str | re.Pattern[str],
        output: _HasToDict | Mapping[str, Any],
        nomatch_output: _HasToDict | Mapping[str, Any] | None = None,
    ) -> DataMap:
        """Answer with ``output`` when ``test_value`` (a template) matches ``pattern``.

        A compiled pattern's i/m/s/x flags are sent inline (``(?i)...``).
        ``nomatch_output`` answers when it does not match.
        """
        entry: dict[str, Any] = {
            "string": test_value,
            "pattern": _pattern_text(pattern),
            "output": _output(output, "output"),
        }
        if nomatch_output is not None:
            entry["nomatch-output"] = _output(nomatch_output, "nomatch_output")
        self._expressions.append(entry)
        return self

    # -- webhooks

    def webhook(
        self,
        method: str,
        url: str,
        headers: dict[str, str] | None = None,
        form_param: str | None = None,
        input_args_as_params: bool = False,
        require_args: list[str] | None = None,
    ) -> DataMap:
        """Add an HTTP request; the following webhook_* calls configure it.

        ``url`` may use templates (``${args.x}``, ``${enc:args.x}``); headers are
        sent as given. ``require_args`` skips this webhook unless those
        arguments are present.
        """
        verb = method.upper()
        if verb not in _METHODS:
            raise ValueError(f"webhook method must be one of {', '.join(_METHODS)}, got {method!r}")
        entry: dict[str, Any] = {"url": url, "method": verb}
        if headers:
            entry["headers"] = dict(headers)
        if form_param:
            entry["form_param"] = form_param
        if input_args_as_params:
            entry["input_args_as_params"] = True
        if require_args:
            entry["require_args"] = list(require_args)
        self._webhooks.append(entry)
        return self

    def _last_webhook(self, method: str) -> dict[str, Any]:
        if not self._webhooks:
            raise ValueError(f"DataMap {self.function_name!r}: call webhook() before {method}()")
        return self._webhooks[-1]

    def webhook_expressions(self, expressions: list[dict[str, Any]]) -> DataMap:
        """Expressions matched against the last webhook's response."""
        self._last_webhook("webhook_expressions")["expressions"] = list(expressions)
        return self

    def params(self, data: dict[str, Any]) -> DataMap:
        """Request parameters of the last webhook (``webhook.params``)."""
        self._last_webhook("params")["params"] = dict(data)
        return self

    def body(self, data: dict[str, Any]) -> DataMap:
        """Request body of the last webhook (``webhook.body``, as documented)."""
        self._last_webhook("body")["body"] = dict(data)
        return self

    def foreach(self, foreach_config: dict[str, Any]) -> DataMap:
        """Build output from an array in the last webhook's response.

        ``foreach_config`` has ``input_key`` (the array), ``output_key`` (the
        variable to fill), ``append`` (a template using ``${this.*}``) and
        optionally ``max``.
        """
        missing = [k for k in ("input_key", "output_key", "append") if k not in foreach_config]
        if missing:
            raise ValueError(f"foreach needs {', '.join(missing)}")
        self._last_webhook("foreach")["foreach"] = dict(foreach_config)
        return self

    def output(self, result: _HasToDict | Mapping[str, Any]) -> DataMap:
        """The reply built from the last webhook's response."""
        self._last_webhook("output")["output"] = _output(result, "output")
        return self

    def error_keys(self, keys: list[str]) -> DataMap:
        """Response keys marking the last webhook as failed.

        Called before any webhook, the keys go to ``data_map.error_keys``,
        which the platform ignores (a warning is logged).
        """
        if self._webhooks:
            self._webhooks[-1]["error_keys"] = list(keys)
        else:
            logger.warning(
                "DataMap %r: error_keys() before webhook() sets data_map.error_keys, "
                "which the platform ignores; call it after webhook()",
                self.function_name,
            )
            self._error_keys = list(keys)
        return self

    def global_error_keys(self, keys: list[str]) -> DataMap:
        """Set ``data_map.error_keys`` (kept for compatibility; the platform ignores it)."""
        self._error_keys = list(keys)
        return self

    def fallback_output(self, result: _HasToDict | Mapping[str, Any]) -> DataMap:
        """The reply when no expression matched and no webhook answered."""
        self._output = _output(result, "fallback_output")
        return self

    def gate(self, gate: Any) -> DataMap:
        """Add a semantic gate (a ``SemanticGate`` or its dict); call once per gate, up to 8."""
        self._gates.append(gate)
        return self

    def gate_fillers(self, fillers: Mapping[str, Any]) -> DataMap:
        """What the AI says while the gates are checked (language -> phrases)."""
        self._gate_fillers = dict(fillers)
        return self

    # -- output

    def to_swaig_function(self) -> dict[str, Any]:
        """The function dict for ``register_swaig_function``."""
        parameters: dict[str, Any] = {
            "type": "object",
            "properties": {name: dict(schema) for name, schema in self._properties.items()},
        }
        if self._required:
            parameters["required"] = list(self._required)
        data_map: dict[str, Any] = {}
        if self._expressions:
            data_map["expressions"] = [dict(e) for e in self._expressions]
        if self._webhooks:
            data_map["webhooks"] = [dict(w) for w in self._webhooks]
        if self._output is not None:
            data_map["output"] = dict(self._output)
        if self._error_keys is not None:
            data_map["error_keys"] = list(self._error_keys)
        if not (self._expressions or self._webhooks or self._output is not None):
            raise ValueError(
                f"DataMap {self.function_name!r} has no expression, webhook or "
                "fallback_output: the platform would have nothing to answer with"
            )
        function: dict[str, Any] = {
            "function": self.function_name,
            "description": self._description or f"Execute {self.function_name}",
            "parameters": parameters,
            "data_map": data_map,
        }
        if self._gates or self._gate_fillers is not None:
            from signalwire.agents._semantic_gate import check_gate_fillers, gate_definitions

            if self._gates:
                function["gates"] = gate_definitions(self._gates, self.function_name)
            if self._gate_fillers is not None:
                function["gate_fillers"] = check_gate_fillers(
                    self._gate_fillers, self.function_name, bool(self._gates)
                )
        return function


def _add_parameters(data_map: DataMap, parameters: Mapping[str, Mapping[str, Any]] | None) -> None:
    for name, spec in (parameters or {}).items():
        enum = spec.get("enum")
        data_map.parameter(
            name,
            spec.get("type", "string"),
            spec.get("description", f"The {name} parameter"),
            required=bool(spec.get("required", False)),
            enum=list(enum) if enum else None,
        )


def create_simple_api_tool(
    name: str,
    url: str,
    response_template: str,
    parameters: dict[str, dict[str, Any]] | None = None,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: dict[str, Any] | None = None,
    error_keys: list[str] | None = None,
) -> DataMap:
    """A DataMap that calls one API and answers with ``response_template``.

    ``parameters`` maps each argument name to ``{"type", "description",
    "required"}``.
    """
    from signalwire.agents._function_result import FunctionResult

    data_map = DataMap(name)
    _add_parameters(data_map, parameters)
    data_map.webhook(method, url, headers=headers)
    if body:
        data_map.body(body)
    if error_keys:
        data_map.error_keys(error_keys)
    data_map.output(FunctionResult(response_template))
    return data_map


def create_expression_tool(
    name: str,
    patterns: Mapping[str, tuple[str | re.Pattern[str], _HasToDict | Mapping[str, Any]]],
    parameters: dict[str, dict[str, Any]] | None = None,
) -> DataMap:
    """A DataMap answering from regular expressions only.

    ``patterns`` maps a test value (a template such as ``${args.command}``) to
    ``(pattern, FunctionResult)``.
    """
    data_map = DataMap(name)
    _add_parameters(data_map, parameters)
    for test_value, (pattern, result) in patterns.items():
        data_map.expression(test_value, pattern, result)
    return data_map
