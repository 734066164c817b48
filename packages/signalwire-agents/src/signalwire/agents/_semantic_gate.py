"""Semantic gates: yes/no preconditions the platform checks before it runs a tool.

A gate is a question a decision model answers about the call (the recent dialogue,
``global_data.semantic_state`` and the proposed call) right before the platform
dispatches the function. When a gate fails, the function does not run and the model
receives the gate's ``on_fail`` output instead. This module only builds and checks the
gate objects; the platform refuses a whole function for one bad gate, so every rule it
applies is checked here, when the tool is defined, and reported as a ``ValueError``
naming the function and the gate.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

__all__ = [
    "MAX_GATES",
    "MAX_VISUAL_INPUT",
    "RESERVED_FUNCTION_NAMES",
    "SemanticGate",
    "check_gate_fillers",
    "check_raw_gates",
    "check_tool_references",
    "gate_definitions",
    "gate_tool_references",
    "question_data_keys",
    "semantic_gate_params",
]

#: Most gates one function may carry.
MAX_GATES = 8
#: Most video frames one gate may ask for.
MAX_VISUAL_INPUT = 5
_MAX_QUESTION_BYTES = 8192
_MAX_CRITERIA_BYTES = 2048
_MAX_ON_FAIL_BYTES = 8192
_GATE_KEYS = frozenset({"id", "question", "criteria", "threshold", "on_fail", "visual_input"})
_ID_RE = re.compile(r"^[A-Za-z0-9_]{1,64}$")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")

#: Function names the platform handles itself; a gate on one of them is refused.
RESERVED_FUNCTION_NAMES = frozenset(
    {
        "startup_hook",
        "hangup_hook",
        "check_for_input",
        "end_call",
        "hangup",
        "check_time",
        "wait_for_user",
        "wait_seconds",
        "adjust_response_latency",
        "next_step",
        "change_context",
        "gather_submit",
        "get_visual_input",
        "get_ideal_strategy",
        "pause_conversation",
    }
)


class _ResultLike(Protocol):
    """What a gate needs from a FunctionResult (kept structural: no import of it)."""

    response: Any
    action: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]: ...


class SemanticGate:
    """A yes/no precondition for one tool, checked by the platform before the tool runs.

    ``question`` is one proposition about the call; ``threshold`` (0 < t <= 1) is the
    probability of "yes" at or above which the gate passes. ``on_fail`` is what the model
    receives when this is the first failing gate: a string, a ``FunctionResult`` (its
    response and actions) or a data_map output dict. ``true_means``/``false_means`` say
    what each answer means; ``visual_input`` (True, or 0-5) gives the decision model the
    caller's newest video frames.
    """

    __slots__ = (
        "false_means",
        "id",
        "on_fail",
        "question",
        "threshold",
        "true_means",
        "visual_input",
    )

    def __init__(
        self,
        question: str,
        threshold: float,
        on_fail: str | _ResultLike | Mapping[str, Any],
        *,
        id: str | None = None,
        true_means: str | None = None,
        false_means: str | None = None,
        visual_input: bool | int | None = None,
    ) -> None:
        self.question = question
        self.threshold = threshold
        self.on_fail = on_fail
        self.id = id
        self.true_means = true_means
        self.false_means = false_means
        self.visual_input = visual_input
        # Fail here, at construction, for what does not depend on the function.
        _check_gate(self.to_dict(), "gate", 1)

    def __repr__(self) -> str:
        return f"SemanticGate(question={self.question!r}, threshold={self.threshold!r})"

    def to_dict(self) -> dict[str, Any]:
        """The wire form: ``id?, question, criteria?, threshold, on_fail, visual_input?``."""
        out: dict[str, Any] = {}
        if self.id is not None:
            out["id"] = self.id
        out["question"] = self.question
        criteria: dict[str, Any] = {}
        if self.true_means is not None:
            criteria["true"] = self.true_means
        if self.false_means is not None:
            criteria["false"] = self.false_means
        if criteria:
            out["criteria"] = criteria
        out["threshold"] = self.threshold
        out["on_fail"] = _on_fail_dict(self.on_fail)
        if self.visual_input is not None:
            out["visual_input"] = self.visual_input
        return out


def _on_fail_dict(on_fail: Any) -> Any:
    if isinstance(on_fail, str):
        if not on_fail:
            raise ValueError("a gate's on_fail text must not be empty")
        return {"response": on_fail}
    if isinstance(on_fail, Mapping):
        # A copy through JSON: the caller's dict is never shared with the document.
        return json.loads(json.dumps(on_fail))
    if hasattr(on_fail, "to_dict") and hasattr(on_fail, "action"):
        out: dict[str, Any] = {"response": on_fail.response}
        if on_fail.action:
            out["action"] = json.loads(json.dumps(on_fail.action))
            if getattr(on_fail, "post_process", False):
                out["post_process"] = True
        return out
    raise ValueError(
        f"a gate's on_fail must be a str, a FunctionResult or a dict, got {type(on_fail).__name__}"
    )


def _size(value: Any) -> int:
    # The platform measures a compact JSON print in UTF-8.
    return len(
        json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode(
            "utf-8", "surrogatepass"
        )
    )


def _has_bad_text(value: Any) -> str | None:
    if isinstance(value, str):
        if "\x00" in value:
            return "contains a NUL character"
        if _LONE_SURROGATE.search(value):
            return "contains an unpaired surrogate"
        return None
    if isinstance(value, Mapping):
        for key, item in value.items():
            problem = _has_bad_text(key) or _has_bad_text(item)
            if problem:
                return problem
    elif isinstance(value, (list, tuple)):
        for item in value:
            problem = _has_bad_text(item)
            if problem:
                return problem
    return None


def _lookup(mapping: Mapping[str, Any], key: str) -> tuple[bool, Any]:
    # The platform matches gate keys case-insensitively; the first spelling wins.
    for name, value in mapping.items():
        if isinstance(name, str) and name.lower() == key:
            return True, value
    return False, None


def _check_on_fail(on_fail: Any) -> str | None:
    if not isinstance(on_fail, Mapping):
        return f"on_fail must be an object, got {type(on_fail).__name__}"
    found, response = _lookup(on_fail, "response")
    if not found:
        return "on_fail needs a response"
    if isinstance(response, str):
        if not response.strip():
            return "on_fail response must not be empty"
    elif isinstance(response, Mapping):
        has_result, result = _lookup(response, "tool_result")
        if not has_result or not isinstance(result, str) or not result.strip():
            return "on_fail response needs a non-empty tool_result"
        has_prompt, prompt = _lookup(response, "tool_prompt")
        if has_prompt and not isinstance(prompt, str):
            return "on_fail tool_prompt must be a string"
    else:
        return f"on_fail response must be a string or an object, got {type(response).__name__}"
    has_action, action = _lookup(on_fail, "action")
    if has_action and not isinstance(action, list):
        return "on_fail action must be a list"
    if _size(on_fail) > _MAX_ON_FAIL_BYTES:
        return f"on_fail is larger than {_MAX_ON_FAIL_BYTES} bytes"
    return None


def _check_gate(gate: Any, function: str, n: int) -> dict[str, Any]:
    def fail(reason: str) -> ValueError:
        return ValueError(f"{function}: gate {n}: {reason}")

    if not isinstance(gate, Mapping):
        raise fail(f"must be a SemanticGate or a dict, got {type(gate).__name__}")
    unknown = sorted(str(k) for k in gate if str(k).lower() not in _GATE_KEYS)
    if unknown:
        raise fail(
            f"unknown field(s) {', '.join(unknown)}; allowed: {', '.join(sorted(_GATE_KEYS))}"
        )
    problem = _has_bad_text(gate)
    if problem:
        raise fail(problem)
    found, question = _lookup(gate, "question")
    if not found or not isinstance(question, str) or not question.strip():
        raise fail("question must be a non-empty string")
    if len(question.encode("utf-8")) > _MAX_QUESTION_BYTES:
        raise fail(f"question is longer than {_MAX_QUESTION_BYTES} bytes")
    found, threshold = _lookup(gate, "threshold")
    if (
        not found
        or isinstance(threshold, bool)
        or not isinstance(threshold, (int, float))
        or not math.isfinite(threshold)
        or not 0 < threshold <= 1
    ):
        raise fail(f"threshold must be a number above 0 and at most 1, got {threshold!r}")
    found, on_fail = _lookup(gate, "on_fail")
    if not found:
        raise fail("on_fail is required")
    problem = _check_on_fail(on_fail)
    if problem:
        raise fail(problem)
    found, criteria = _lookup(gate, "criteria")
    if found:
        if not isinstance(criteria, Mapping) or not criteria:
            raise fail("criteria must be a non-empty object with 'true' and/or 'false'")
        for key, value in criteria.items():
            if key not in ("true", "false"):
                raise fail(f"criteria may only have the keys 'true' and 'false', got {key!r}")
            if not isinstance(value, str) or not value.strip():
                raise fail(f"criteria {key!r} must be a non-empty string")
            if len(value.encode("utf-8")) > _MAX_CRITERIA_BYTES:
                raise fail(f"criteria {key!r} is longer than {_MAX_CRITERIA_BYTES} bytes")
    found, visual = _lookup(gate, "visual_input")
    if found and not (
        isinstance(visual, bool) or (isinstance(visual, int) and 0 <= visual <= MAX_VISUAL_INPUT)
    ):
        raise fail(f"visual_input must be true/false or a whole number 0-{MAX_VISUAL_INPUT}")
    found, gate_id = _lookup(gate, "id")
    if found and (not isinstance(gate_id, str) or not _ID_RE.match(gate_id)):
        raise fail(f"id must be 1-64 letters, digits or underscores, got {gate_id!r}")
    return dict(gate)


def gate_definitions(gates: Any, function: str) -> list[dict[str, Any]]:
    """Check ``gates`` for the tool ``function`` and return their wire dicts.

    Raises ``ValueError("<function>: gate <n>: <reason>")`` for anything the platform
    would refuse: too many or no gates, unknown fields, wrong types, out-of-range values,
    duplicate ids, or gates on a name the platform reserves.
    """
    if function in RESERVED_FUNCTION_NAMES:
        raise ValueError(f"{function}: gates are not allowed on the reserved function {function!r}")
    if isinstance(gates, (str, bytes, Mapping)) or not isinstance(gates, Sequence):
        raise ValueError(f"{function}: gates must be a list of SemanticGate or dicts")
    if not 1 <= len(gates) <= MAX_GATES:
        raise ValueError(f"{function}: a function takes 1 to {MAX_GATES} gates, got {len(gates)}")
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for n, gate in enumerate(gates, 1):
        data = gate.to_dict() if isinstance(gate, SemanticGate) else gate
        checked = _check_gate(data, function, n)
        _, gate_id = _lookup(checked, "id")
        gate_id = gate_id if gate_id is not None else f"gate_{n}"
        if gate_id in seen:
            raise ValueError(f"{function}: gate {n}: id {gate_id!r} is used twice")
        seen.add(gate_id)
        out.append(json.loads(json.dumps(checked)))
    return out


def check_gate_fillers(fillers: Any, function: str, has_gates: bool) -> dict[str, Any]:
    """Check ``gate_fillers`` (language → phrases), which only make sense with gates."""
    if not has_gates:
        raise ValueError(f"{function}: gate_fillers needs gates")
    if not isinstance(fillers, Mapping) or not fillers:
        raise ValueError(
            f"{function}: gate_fillers must be a non-empty dict of language -> phrases"
        )
    for lang, phrases in fillers.items():
        if not isinstance(lang, str) or not isinstance(phrases, list):
            raise ValueError(
                f"{function}: gate_fillers maps a language code to a list of phrases "
                f"(got {lang!r}: {type(phrases).__name__})"
            )
    return dict(fillers)


def check_raw_gates(function: dict[str, Any], name: str) -> None:
    """Check (and normalise in place) the gates of a raw function dict, e.g. a DataMap's."""
    has_gates, gates = _lookup(function, "gates")
    if has_gates:
        if gates is None:
            raise ValueError(f"{name}: gates must be a list, not null")
        described = any(
            isinstance(function.get(key), str) and function[key].strip()
            for key in ("description", "purpose")
        )
        if not described:
            raise ValueError(f"{name}: a gated function needs a description")
        function["gates"] = gate_definitions(gates, name)
    has_fillers, fillers = _lookup(function, "gate_fillers")
    if has_fillers:
        function["gate_fillers"] = check_gate_fillers(fillers, name, has_gates)


def semantic_gate_params(
    enabled: bool | None, timeout_ms: int | None, history: int | None
) -> dict[str, Any]:
    """The ``ai.params`` keys of ``AgentBase.set_semantic_gates`` (ValueError when out of range)."""
    params: dict[str, Any] = {}
    if enabled is not None:
        if not isinstance(enabled, bool):
            raise ValueError(f"enabled must be True or False, got {enabled!r}")
        params["semantic_gates_enabled"] = enabled
    for key, value, low, high in (
        ("semantic_gate_timeout_ms", timeout_ms, 500, 10000),
        ("semantic_gate_history", history, 0, 100),
    ):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"{key} must be a whole number from {low} to {high}, got {value!r}")
        params[key] = value
    return params


def gate_tool_references(gates: Sequence[Mapping[str, Any]]) -> list[str]:
    """Tool names the gates' ``on_fail`` actions toggle (``toggle_functions``)."""
    names: list[str] = []
    for gate in gates:
        _, on_fail = _lookup(gate, "on_fail")
        _, actions = _lookup(on_fail, "action") if isinstance(on_fail, Mapping) else (False, None)
        for action in actions if isinstance(actions, list) else ():
            toggles = action.get("toggle_functions") if isinstance(action, Mapping) else None
            for toggle in toggles if isinstance(toggles, list) else ():
                if isinstance(toggle, Mapping) and isinstance(toggle.get("function"), str):
                    names.append(toggle["function"])
    return names


_VARIABLE = re.compile(r"\$\{([^}]*)\}")


def question_data_keys(question: str) -> list[str]:
    """The global-data keys a question's ``${...}`` variables read (first path segment).

    ``${global_data.x.y}`` and ``${x.y}`` both read the key ``x``; a ``fmt:`` prefix such
    as ``${enc:x}`` is ignored.
    """
    keys: list[str] = []
    for raw in _VARIABLE.findall(question):
        path = raw.strip().rsplit(":", 1)[-1].strip()
        if path.startswith("global_data."):
            path = path[len("global_data.") :]
        key = re.split(r"[.\[]", path, maxsplit=1)[0]
        if key:
            keys.append(key)
    return keys


def check_tool_references(
    function: str,
    gates: Any,
    known: Iterable[str],
    global_data: Iterable[str] | None = None,
) -> None:
    """Refuse gates naming what does not exist when the tool is defined.

    An ``on_fail`` that toggles a tool must name a tool already defined; a question's
    ``${...}`` variable must read ``semantic_state`` or a key the agent's global data has
    (``global_data`` None skips that check: the host keeps no global data).
    """
    if not isinstance(gates, list):
        return
    allowed = {function, *known, *RESERVED_FUNCTION_NAMES}
    data_keys = None if global_data is None else {"semantic_state", *global_data}
    for n, gate in enumerate(gates, 1):
        for name in gate_tool_references([gate]):
            if name not in allowed:
                raise ValueError(
                    f"{function}: gate {n}: on_fail toggles the tool {name!r}, which is not "
                    "defined; define it before this tool"
                )
        _, question = _lookup(gate, "question") if isinstance(gate, Mapping) else (False, None)
        if data_keys is None or not isinstance(question, str):
            continue
        for key in question_data_keys(question):
            if key not in data_keys:
                raise ValueError(
                    f"{function}: gate {n}: the question reads the global-data key {key!r}, "
                    "which the agent's global data does not have; set a default with "
                    "set_global_data() before defining the tool, or use semantic_state"
                )
