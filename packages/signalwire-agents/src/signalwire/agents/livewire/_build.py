"""Turn a started :class:`AgentSession` into an ``AgentBase`` serving SWML and tools.

The mapping (each LiveWire input → the AI verb):

* ``Agent.instructions`` → the prompt text; ``generate_reply(instructions=...)`` calls are
  appended under "## Initial Greeting";
* ``say(text)`` calls → ``params.static_greeting``;
* ``llm`` (session first, else agent) → ``params.model`` without its ``provider/`` prefix;
* ``allow_interruptions=False`` → ``params.enable_barge = false``;
* ``min_endpointing_delay`` (seconds) → ``params.end_of_speech_timeout`` (milliseconds);
  ``max_endpointing_delay`` has no platform setting and is reported once;
* every tool → a SWAIG function run through ``/swaig/``.

Handoff: a tool that returns another :class:`Agent` (or ``AgentHandoff``, or
``(agent, text)``) switches the call to that agent's instructions and tools with a
``context_switch`` and ``toggle_functions``. For the platform to know the next agent's
tools, they are declared up front: the ``@function_tool`` methods of every ``Agent``
subclass defined in the first agent's module are rendered, inactive until handed to.
"""

from __future__ import annotations

import inspect
import json
import typing
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from signalwire.agents._function_result import FunctionResult
from signalwire.agents._swaig_function import infer_tool_schema
from signalwire.agents.livewire._model import (
    Agent,
    AgentHandoff,
    AgentSession,
    RunContext,
    StopResponse,
    ToolError,
    ToolInfo,
    tool_info,
)
from signalwire.agents.livewire._notice import capture, log, notice_once

if TYPE_CHECKING:
    from signalwire.agents._agent_base import AgentBase

__all__ = ["MAX_TRACKED_CALLS", "build_agent"]

#: How many calls' current agent is remembered (oldest forgotten first).
MAX_TRACKED_CALLS = 10_000


def _is_context_param(param: inspect.Parameter, hints: dict[str, Any]) -> bool:
    annotation = hints.get(param.name, param.annotation)
    if annotation is RunContext or (
        inspect.isclass(annotation) and issubclass(annotation, RunContext)
    ):
        return True
    return "RunContext" in str(annotation)


def _hints(func: Callable[..., Any]) -> dict[str, Any]:
    try:
        return typing.get_type_hints(func)
    except Exception:  # noqa: BLE001 - unresolvable forward references: no hints
        return {}


def _schema(func: Callable[..., Any]) -> tuple[dict[str, Any], list[str]]:
    """The JSON-Schema properties and required names, RunContext parameters left out."""
    sig = inspect.signature(func)
    hints = _hints(func)
    kept = [
        p for p in sig.parameters.values() if p.name != "self" and not _is_context_param(p, hints)
    ]

    def shim() -> None: ...

    shim.__signature__ = sig.replace(parameters=kept)  # type: ignore[attr-defined]
    shim.__annotations__ = {p.name: hints[p.name] for p in kept if p.name in hints}
    shim.__doc__ = func.__doc__
    inferred = infer_tool_schema(shim)
    if inferred is None:
        return {}, []
    properties, required, _, _ = inferred
    return properties, list(required)


def _model_name(llm: Any) -> str | None:
    model = llm if isinstance(llm, str) else getattr(llm, "model", None)
    if not isinstance(model, str) or not model:
        return None
    return model.split("/", 1)[1] if "/" in model else model


def _pick(agent_value: Any, session_value: Any) -> Any:
    # An Agent option overrides the session's; NOT_GIVEN (falsy, not None) means unset.
    from signalwire.agents.livewire._model import NOT_GIVEN

    return session_value if agent_value is NOT_GIVEN else agent_value


def _tools_of(agent: Agent, session: AgentSession) -> dict[str, Callable[..., Any]]:
    tools: dict[str, Callable[..., Any]] = {}
    for func in [*session.tools, *agent.tools]:
        info = tool_info(func)
        if info is not None:
            tools.setdefault(info.name, func)
    return tools


def _handoff_classes(first: Agent) -> list[type[Agent]]:
    module = type(first).__module__
    seen: list[type[Agent]] = []
    pending = list(Agent.__subclasses__())
    while pending:
        cls = pending.pop(0)
        if cls not in seen:
            seen.append(cls)
            pending.extend(cls.__subclasses__())
    return [c for c in seen if c.__module__ == module and c is not type(first)]


class _Runtime:
    """Per-process state of one built LiveWire app: the current agent of each call."""

    def __init__(self, host: AgentBase, session: AgentSession, first: Agent) -> None:
        self.host = host
        self.session = session
        self.first = first
        self.tool_names: list[str] = []
        self._current: OrderedDict[str, Agent] = OrderedDict()

    def current(self, call_id: str | None) -> Agent:
        if call_id and call_id in self._current:
            return self._current[call_id]
        return self.first

    def set_current(self, call_id: str | None, agent: Agent) -> None:
        if not call_id:
            return
        self._current[call_id] = agent
        self._current.move_to_end(call_id)
        while len(self._current) > MAX_TRACKED_CALLS:
            self._current.popitem(last=False)

    def register(self, name: str, info: ToolInfo, func: Callable[..., Any], active: bool) -> None:
        properties, required = _schema(func)
        fields: dict[str, Any] = {} if active else {"active": False}

        async def handler(args: dict[str, Any], raw_data: Any) -> Any:
            return await self.call(name, args, raw_data)

        self.host.define_tool(
            name,
            info.description,
            properties,
            handler,
            required=required or None,
            **fields,
        )
        self.tool_names.append(name)

    async def call(self, name: str, args: dict[str, Any], raw_data: Any) -> Any:
        call_id = raw_data.get("call_id") if isinstance(raw_data, dict) else None
        agent = self.current(call_id if isinstance(call_id, str) else None)
        func = _tools_of(agent, self.session).get(name)
        if func is None:
            return FunctionResult(f"The function {name} is not available right now.")
        hints = _hints(func)
        kwargs: dict[str, Any] = {}
        for param in inspect.signature(func).parameters.values():
            if param.name == "self":
                continue
            if _is_context_param(param, hints):
                kwargs[param.name] = RunContext(
                    self.session, function_call={"name": name, "arguments": args}
                )
            elif param.name == "raw_data":
                kwargs[param.name] = raw_data
            elif param.name in args:
                kwargs[param.name] = args[param.name]
        try:
            result = func(**kwargs)
            if inspect.isawaitable(result):
                result = await result
        except ToolError as exc:
            return FunctionResult(str(exc) or f"The function {name} failed.")
        except StopResponse:
            return FunctionResult("")
        return await self.reply(result, call_id if isinstance(call_id, str) else None, agent)

    async def reply(self, result: Any, call_id: str | None, agent: Agent) -> Any:
        text: Any = None
        target: Agent | None = None
        if isinstance(result, AgentHandoff):
            target, text = result.agent, result.returns
        elif isinstance(result, Agent):
            target = result
        elif isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], Agent):
            target, text = result
        if target is None:
            return _plain(result)
        return await self.handoff(agent, target, text, call_id)

    async def handoff(
        self, old: Agent, new: Agent, text: Any, call_id: str | None
    ) -> FunctionResult:
        self.set_current(call_id, new)
        new.session = self.session
        try:
            await old.on_exit()
        except Exception:  # noqa: BLE001 - a failing hook must not break the handoff
            log.exception("LiveWire: %s.on_exit raised", type(old).__name__)
        lines: list[str] = []
        token = capture.set(lines)
        try:
            await new.on_enter()
        except Exception:  # noqa: BLE001
            log.exception("LiveWire: %s.on_enter raised", type(new).__name__)
        finally:
            capture.reset(token)
        spoken = "" if text is None else _plain_text(text)
        result = FunctionResult(spoken or f"You are now the {type(new).__name__}.")
        result.switch_context(
            system_prompt=new.instructions or " ",
            user_prompt="\n\n".join(lines) if lines else None,
        )
        available = set(_tools_of(new, self.session))
        missing = sorted(available - set(self.tool_names))
        if missing:
            log.warning(
                "LiveWire: %s's tools %s were not declared when the agent was built; make "
                "them @function_tool methods of an Agent subclass in the first agent's module",
                type(new).__name__,
                missing,
            )
        result.toggle_functions(
            [{"function": n, "active": n in available} for n in self.tool_names]
        )
        return result


def _plain_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return str(value)


def _plain(result: Any) -> Any:
    if result is None or isinstance(result, (FunctionResult, str)):
        return result
    if isinstance(result, dict) and ("response" in result or "action" in result):
        return result
    return FunctionResult(_plain_text(result))


def build_agent(
    session: AgentSession, *, name: str = "LiveWireAgent", route: str = "/", **agent_kwargs: Any
) -> AgentBase:
    """Build the ``AgentBase`` that serves ``session``'s agent (see the module docstring)."""
    from signalwire.agents._agent_base import AgentBase

    agent = session.agent
    if agent is None:
        raise ValueError("the session has no agent: call `await session.start(agent)` first")
    host = AgentBase(name=name, route=route, **agent_kwargs)
    prompt = agent.instructions or ""
    if session._replies:
        prompt = f"{prompt}\n\n## Initial Greeting\n\n" + "\n\n".join(session._replies)
    host.set_prompt_text(prompt.strip() or "You are a helpful assistant.")
    params: dict[str, Any] = {}
    if session._greeting:
        params["static_greeting"] = " ".join(session._greeting)
    model = _model_name(session.llm or agent.llm)
    if model:
        params["model"] = model
    if not _pick(agent.allow_interruptions, session.allow_interruptions):
        params["enable_barge"] = False
    min_delay = _pick(agent.min_endpointing_delay, session.min_endpointing_delay)
    if isinstance(min_delay, (int, float)) and min_delay > 0:
        params["end_of_speech_timeout"] = int(min_delay * 1000)
    max_delay = _pick(agent.max_endpointing_delay, session.max_endpointing_delay)
    if max_delay != 3.0:
        # The platform has no cap on the end-of-turn wait; attention_timeout (the idle
        # prompt, at least 10 s) means something else, so nothing is emitted.
        notice_once(
            "max_endpointing_delay",
            "LiveWire: max_endpointing_delay has no SignalWire setting and is ignored",
        )
    if params:
        host.set_params(params)
    runtime = _Runtime(host, session, agent)
    for tool_name, func in _tools_of(agent, session).items():
        info = tool_info(func)
        assert info is not None
        runtime.register(tool_name, info, func, active=True)
    for cls in _handoff_classes(agent):
        for attr in dir(cls):
            method = getattr(cls, attr, None)
            info = tool_info(method)
            if info is not None and info.name not in runtime.tool_names and callable(method):
                runtime.register(info.name, info, method, active=False)
    session._built = True
    return host
