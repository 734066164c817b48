"""AgentState: everything an agent renders and runs from, in one object.

An agent's configuration (prompt, AI settings, tools, call flow, hooks and the
per-call callbacks) lives in one :class:`AgentState`. A per-call copy of an
agent is a shallow copy of the agent plus :meth:`AgentState.copy`, so a field
added here is isolated per call without anyone having to remember it.

:class:`StateAttr` keeps the attribute names code reads on the agent
(``agent.pom``, ``agent._tools``, ``agent._params``, ...) pointing at the
state's fields.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from signalwire.agents._pom import PomBuilder

if TYPE_CHECKING:
    from signalwire.agents._swaig_function import SWAIGFunction

__all__ = ["AgentState", "StateAttr"]

_T = TypeVar("_T")

# How a per-call copy gets each field: its own deep copy (data the callbacks may edit in
# place), its own container holding the same items (tools and hooks: the callables are
# shared), or the same value (immutable scalars).
_DEEP = "deep"
_CONTAINER = "container"
_VALUE = "value"


def _own(factory: Callable[[], Any]) -> Any:
    return field(default_factory=factory, metadata={"copy": _DEEP})


def _container(factory: Callable[[], Any]) -> Any:
    return field(default_factory=factory, metadata={"copy": _CONTAINER})


# A dataclass rather than attrs: importing attrs would add a third to the import time of
# ``from signalwire.agents import AgentBase``; the fields are typed either way.
@dataclass(slots=True, eq=False)
class AgentState:
    """The configuration one agent renders its SWML from and serves its requests with."""

    # -- prompt ---------------------------------------------------------------------------
    use_pom: bool = True
    pom: PomBuilder = _own(PomBuilder)
    prompt_text: str | None = None
    post_prompt: str | None = None
    prompt_llm_params: dict[str, Any] = _own(dict)
    post_prompt_llm_params: dict[str, Any] = _own(dict)
    #: A ContextBuilder (it points back at its agent), a dict of contexts, or None.
    contexts: Any = field(default=None, metadata={"copy": _DEEP})

    # -- AI settings ----------------------------------------------------------------------
    hints: list[str | dict[str, Any]] = _own(list)
    languages: list[dict[str, Any]] = _own(list)
    pronounce: list[dict[str, Any]] = _own(list)
    params: dict[str, Any] = _own(dict)
    global_data: dict[str, Any] = _own(dict)
    multilingual: dict[str, Any] | None = field(default=None, metadata={"copy": _DEEP})
    native_functions: list[str] = _own(list)
    internal_fillers: dict[str, dict[str, list[str]]] = _own(dict)
    function_includes: list[dict[str, Any]] = _own(list)
    mcp_servers: list[dict[str, Any]] = _own(list)

    # -- tools and webhooks ---------------------------------------------------------------
    tools: dict[str, SWAIGFunction | dict[str, Any]] = _container(dict)
    swaig_query_params: dict[str, str] = _own(dict)
    web_hook_url: str | None = None
    post_prompt_url: str | None = None
    debug_events_level: int = 0

    # -- call flow ------------------------------------------------------------------------
    auto_answer: bool = True
    record_call: bool = False
    record_format: str = "mp4"
    record_stereo: bool = True
    pre_answer_verbs: list[dict[str, Any]] = _own(list)
    answer_config: dict[str, Any] = _own(dict)
    post_answer_verbs: list[dict[str, Any]] = _own(list)
    post_ai_verbs: list[dict[str, Any]] = _own(list)
    #: The plain SWMLService document (verbs added with ``add_verb``).
    document: dict[str, Any] = _own(dict)
    verb_handlers: dict[str, Any] = _container(dict)

    # -- hooks ----------------------------------------------------------------------------
    dynamic_callbacks: list[Callable[..., Any]] = _container(list)
    debug_handlers: list[Callable[..., Any]] = _container(list)
    call_start_handlers: list[Callable[..., Any]] = _container(list)
    call_end_handlers: list[Callable[..., Any]] = _container(list)
    sip_usernames: set[str] = _container(set)
    routing_callbacks: dict[str, Callable[..., Any]] = _container(dict)

    def copy(self, memo: dict[int, Any] | None = None) -> AgentState:
        """A copy a per-call agent may change without changing this one.

        ``memo`` is passed to :func:`copy.deepcopy`: mapping the original agent's id
        to its copy makes back-references (a ContextBuilder's agent) point at the copy.
        """
        memo = {} if memo is None else memo
        new = object.__new__(AgentState)
        for name, how in _COPY_PLAN:
            value = getattr(self, name)
            if how is _DEEP:
                value = copy.deepcopy(value, memo)
            elif how is _CONTAINER:
                value = copy.copy(value)
            object.__setattr__(new, name, value)
        return new


_COPY_PLAN: tuple[tuple[str, str], ...] = tuple(
    (f.name, f.metadata.get("copy", _VALUE)) for f in fields(AgentState)
)


class StateAttr(Generic[_T]):
    """An agent attribute that reads and writes one field of the agent's ``_state``."""

    __slots__ = ("field",)

    def __init__(self, field_name: str) -> None:
        self.field = field_name

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> StateAttr[_T]: ...
    @overload
    def __get__(self, obj: object, owner: type | None = None) -> _T: ...
    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        return getattr(obj._state, self.field)

    def __set__(self, obj: Any, value: _T) -> None:
        setattr(obj._state, self.field, value)
