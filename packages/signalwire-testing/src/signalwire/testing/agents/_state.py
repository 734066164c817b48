"""The call state the platform keeps while the AI runs, and how tool actions change it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from signalwire.testing.agents._errors import AgentSessionError

__all__ = ["CallState"]


@dataclass
class CallState:
    """What a simulated call has done so far (read it in assertions)."""

    #: The call's ``global_data`` (starts from the SWML's ``ai.global_data``).
    global_data: dict[str, Any] = field(default_factory=dict)
    #: Per-tool ``meta_data`` (``set_meta_data`` / ``unset_meta_data``).
    meta_data: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Tool name -> active (``toggle_functions`` flips it).
    active: dict[str, bool] = field(default_factory=dict)
    #: Current context and step (None when the agent defines no contexts).
    context: str | None = None
    step: str | None = None
    #: True after a ``hangup`` action (or a SWML ``hangup`` verb).
    hung_up: bool = False
    #: Transfers: the ``connect`` / ``transfer`` configs of SWML actions.
    transfers: list[dict[str, Any]] = field(default_factory=list)
    #: SMS sent: the ``send_sms`` configs of SWML actions.
    sms: list[dict[str, Any]] = field(default_factory=list)
    #: Text the AI was told to say (``say`` actions).
    said: list[str] = field(default_factory=list)
    #: Every action received, in order.
    actions: list[dict[str, Any]] = field(default_factory=list)


def _keys(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, Mapping):
        return [str(k) for k in value]
    return []


def _swml_verbs(doc: Any) -> list[tuple[str, Any]]:
    if isinstance(doc, Mapping) and isinstance(doc.get("sections"), Mapping):
        verbs: list[tuple[str, Any]] = []
        for section in doc["sections"].values():
            for item in section if isinstance(section, list) else []:
                if isinstance(item, Mapping):
                    verbs.extend((str(k), v) for k, v in item.items())
                elif isinstance(item, str):
                    verbs.append((item, {}))
        return verbs
    return []


def apply_actions(
    state: CallState, actions: Any, contexts: Mapping[str, Any] | None, tool: str
) -> None:
    """Apply one tool reply's ``action`` list to ``state`` as the platform would."""
    if actions is None:
        return
    if not isinstance(actions, list):
        raise AgentSessionError(f"{tool}: 'action' must be a list, got {type(actions).__name__}")
    for action in actions:
        if not isinstance(action, Mapping):
            raise AgentSessionError(f"{tool}: each action must be an object, got {action!r}")
        state.actions.append(dict(action))
        for key, value in action.items():
            _apply_one(state, key, value, contexts, tool)


def _apply_one(
    state: CallState, key: str, value: Any, contexts: Mapping[str, Any] | None, tool: str
) -> None:
    if key == "set_global_data" and isinstance(value, Mapping):
        state.global_data.update(value)
    elif key == "unset_global_data":
        for k in _keys(value):
            state.global_data.pop(k, None)
    elif key == "set_meta_data" and isinstance(value, Mapping):
        state.meta_data.setdefault(tool, {}).update(value)
    elif key == "unset_meta_data":
        for k in _keys(value):
            state.meta_data.get(tool, {}).pop(k, None)
    elif key == "toggle_functions" and isinstance(value, list):
        for toggle in value:
            if isinstance(toggle, Mapping) and "function" in toggle:
                state.active[str(toggle["function"])] = bool(toggle.get("active", True))
    elif key == "change_context":
        enter_context(state, str(value), contexts, tool)
    elif key == "change_step":
        enter_step(state, str(value), contexts, tool)
    elif key == "context_switch" and isinstance(value, Mapping) and "context" in value:
        enter_context(state, str(value["context"]), contexts, tool)
    elif key == "hangup" and value:
        state.hung_up = True
    elif key == "say":
        state.said.append(str(value))
    elif key == "SWML":
        for verb, config in _swml_verbs(value):
            if verb == "send_sms" and isinstance(config, Mapping):
                state.sms.append(dict(config))
            elif verb in ("connect", "transfer") and isinstance(config, Mapping):
                state.transfers.append({verb: dict(config)})
            elif verb == "hangup":
                state.hung_up = True


def _steps(contexts: Mapping[str, Any], name: str) -> list[dict[str, Any]]:
    ctx = contexts.get(name)
    steps = ctx.get("steps") if isinstance(ctx, Mapping) else None
    return [s for s in steps or [] if isinstance(s, dict)]


def enter_context(
    state: CallState, name: str, contexts: Mapping[str, Any] | None, who: str
) -> None:
    """Switch to context ``name`` (its first step); unknown names raise naming the choices."""
    if not contexts:
        raise AgentSessionError(
            f"{who}: change to context {name!r}, but the agent defines no contexts"
        )
    if name not in contexts:
        raise AgentSessionError(
            f"{who}: change to unknown context {name!r} (contexts: {sorted(contexts)})"
        )
    steps = _steps(contexts, name)
    state.context = name
    state.step = str(steps[0].get("name")) if steps else None


def enter_step(state: CallState, name: str, contexts: Mapping[str, Any] | None, who: str) -> None:
    """Move to step ``name`` of the current context; unknown names raise naming the choices."""
    if not contexts or state.context is None:
        raise AgentSessionError(
            f"{who}: change to step {name!r}, but the agent defines no contexts"
        )
    steps = [str(s.get("name")) for s in _steps(contexts, state.context)]
    if name == "next" and state.step in steps:
        index = steps.index(state.step) + 1
        if index >= len(steps):
            raise AgentSessionError(f"{who}: 'next' from the last step {state.step!r}")
        name = steps[index]
    if name not in steps:
        raise AgentSessionError(
            f"{who}: change to unknown step {name!r} in context {state.context!r} (steps: {steps})"
        )
    state.step = name
