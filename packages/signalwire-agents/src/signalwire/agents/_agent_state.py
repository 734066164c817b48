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


_OWN = {"copy": _DEEP}
_SHARED_ITEMS = {"copy": _CONTAINER}


# A dataclass rather than attrs: importing attrs would add about 30 ms (a quarter) to
# ``from signalwire.agents import AgentBase``, where nothing else imports it; the fields
# are typed either way.
@dataclass(slots=True, eq=False)
class AgentState:
    """The configuration one agent renders its SWML from and serves its requests with."""

    # -- prompt ---------------------------------------------------------------------------
    use_pom: bool = True
    pom: PomBuilder = field(default_factory=PomBuilder, metadata=_OWN)
    prompt_text: str | None = None
    post_prompt: str | None = None
    prompt_llm_params: dict[str, Any] = field(default_factory=dict, metadata=_OWN)
    post_prompt_llm_params: dict[str, Any] = field(default_factory=dict, metadata=_OWN)
    #: A ContextBuilder (it points back at its agent), a dict of contexts, or None.
    contexts: Any = field(default=None, metadata=_OWN)

    # -- AI settings ----------------------------------------------------------------------
    hints: list[str | dict[str, Any]] = field(default_factory=list, metadata=_OWN)
    languages: list[dict[str, Any]] = field(default_factory=list, metadata=_OWN)
    pronounce: list[dict[str, Any]] = field(default_factory=list, metadata=_OWN)
    params: dict[str, Any] = field(default_factory=dict, metadata=_OWN)
    global_data: dict[str, Any] = field(default_factory=dict, metadata=_OWN)
    multilingual: dict[str, Any] | None = field(default=None, metadata=_OWN)
    native_functions: list[str] = field(default_factory=list, metadata=_OWN)
    internal_fillers: dict[str, dict[str, list[str]]] = field(default_factory=dict, metadata=_OWN)
    function_includes: list[dict[str, Any]] = field(default_factory=list, metadata=_OWN)
    mcp_servers: list[dict[str, Any]] = field(default_factory=list, metadata=_OWN)

    # -- tools and webhooks ---------------------------------------------------------------
    tools: dict[str, SWAIGFunction | dict[str, Any]] = field(
        default_factory=dict, metadata=_SHARED_ITEMS
    )
    swaig_query_params: dict[str, str] = field(default_factory=dict, metadata=_OWN)
    web_hook_url: str | None = None
    post_prompt_url: str | None = None
    debug_events_level: int = 0

    # -- call flow ------------------------------------------------------------------------
    auto_answer: bool = True
    record_call: bool = False
    record_format: str = "mp4"
    record_stereo: bool = True
    pre_answer_verbs: list[dict[str, Any]] = field(default_factory=list, metadata=_OWN)
    answer_config: dict[str, Any] = field(default_factory=dict, metadata=_OWN)
    post_answer_verbs: list[dict[str, Any]] = field(default_factory=list, metadata=_OWN)
    post_ai_verbs: list[dict[str, Any]] = field(default_factory=list, metadata=_OWN)
    #: The plain SWMLService document (verbs added with ``add_verb``).
    document: dict[str, Any] = field(default_factory=dict, metadata=_OWN)
    verb_handlers: dict[str, Any] = field(default_factory=dict, metadata=_SHARED_ITEMS)

    # -- hooks ----------------------------------------------------------------------------
    dynamic_callbacks: list[Callable[..., Any]] = field(
        default_factory=list, metadata=_SHARED_ITEMS
    )
    debug_handlers: list[Callable[..., Any]] = field(default_factory=list, metadata=_SHARED_ITEMS)
    call_start_handlers: list[Callable[..., Any]] = field(
        default_factory=list, metadata=_SHARED_ITEMS
    )
    call_end_handlers: list[Callable[..., Any]] = field(
        default_factory=list, metadata=_SHARED_ITEMS
    )
    sip_usernames: set[str] = field(default_factory=set, metadata=_SHARED_ITEMS)
    routing_callbacks: dict[str, Callable[..., Any]] = field(
        default_factory=dict, metadata=_SHARED_ITEMS
    )

    def copy(self, memo: dict[int, Any] | None = None) -> AgentState:
        """A copy a per-call agent may change without changing this one.

        ``memo`` is passed to :func:`copy.deepcopy`: mapping the original agent's id
        to its copy makes back-references (a ContextBuilder's agent) point at the copy.
        """
        memo = {} if memo is None else memo
        new = object.__new__(AgentState)
        deepcopy = copy.deepcopy
        for name, how in _COPY_PLAN:
            value = getattr(self, name)
            if how is _DEEP:
                kind = type(value)
                if (kind is dict or kind is list) and not value:
                    value = kind()  # most fields are empty: skip deepcopy's bookkeeping
                elif value is not None:
                    value = deepcopy(value, memo)
            elif how is _CONTAINER:
                value = value.copy()
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
