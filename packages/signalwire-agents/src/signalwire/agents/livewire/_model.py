"""The LiveKit-Agents-shaped classes: Agent, AgentSession, RunContext, function_tool.

They only record what the application asks for; :mod:`._build` turns the result into an
``AgentBase`` and its SWML. Options that mean nothing on SignalWire (the platform runs
speech recognition, synthesis and turn detection itself) are accepted and reported once.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, overload

from signalwire.agents.livewire._notice import capture, current_job, log, notice_once

__all__ = [
    "NOT_GIVEN",
    "Agent",
    "AgentHandoff",
    "AgentSession",
    "ChatContext",
    "RunContext",
    "StopResponse",
    "ToolError",
    "ToolInfo",
    "function_tool",
    "tool_info",
]

F = TypeVar("F", bound=Callable[..., Any])


class _NotGiven:
    """The type of :data:`NOT_GIVEN`."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __bool__(self) -> bool:
        return False


NOT_GIVEN: Any = _NotGiven()
"""Marks an option that was not passed (distinct from None)."""

_PLATFORM_HANDLED = (
    "the SignalWire platform runs speech recognition, synthesis and turn detection itself"
)


def _ignored(owner: str, option: str, value: Any) -> None:
    if value is not NOT_GIVEN and value is not None:
        notice_once(
            f"{owner}.{option}",
            f"LiveWire: {owner}({option}=...) is accepted and ignored: {_PLATFORM_HANDLED}",
        )


class StopResponse(Exception):
    """Raised by a hook to stop the agent's reply (accepted for compatibility)."""


class ToolError(Exception):
    """Raised by a tool to tell the model the call failed; its text is the tool's result."""


class ToolInfo:
    """What ``@function_tool`` records on a function: the tool's name and description."""

    __slots__ = ("description", "name")

    def __init__(self, name: str, description: str) -> None:
        self.name = name
        self.description = description


def tool_info(obj: Any) -> ToolInfo | None:
    """The :class:`ToolInfo` of a ``@function_tool`` function or bound method, else None."""
    info = getattr(obj, "__livewire_tool__", None)
    return info if isinstance(info, ToolInfo) else None


@overload
def function_tool(func: F, *, name: str | None = None, description: str | None = None) -> F: ...
@overload
def function_tool(
    func: None = None, *, name: str | None = None, description: str | None = None
) -> Callable[[F], F]: ...
def function_tool(
    func: Any = None, *, name: str | None = None, description: str | None = None
) -> Any:
    """Mark a function (or an ``Agent`` method) as a tool the model can call.

    Works bare (``@function_tool``) or with arguments. The parameter schema comes from
    the type hints, as for ``@agent.tool``; a ``RunContext`` parameter is filled in by
    the runtime and not shown to the model. The description defaults to the docstring.
    """

    def mark(f: F) -> F:
        doc = inspect.getdoc(f) or ""
        summary = doc.split("\n\n")[0].strip()
        f.__livewire_tool__ = ToolInfo(  # type: ignore[attr-defined]
            name or f.__name__, description or summary or f"Function {name or f.__name__}"
        )
        return f

    return mark(func) if func is not None else mark


class ChatContext:
    """A list of chat messages (accepted for compatibility; SignalWire keeps the dialogue)."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    def append(self, *, role: str = "user", text: str = "") -> ChatContext:
        """Add a message and return self."""
        self.messages.append({"role": role, "content": text})
        return self


class RunContext:
    """Passed to a tool that declares a ``RunContext`` parameter.

    ``userdata`` is the session's ``userdata``.
    """

    def __init__(
        self,
        session: AgentSession | None = None,
        *,
        speech_handle: Any = None,
        function_call: Any = None,
    ) -> None:
        self.session = session
        self.speech_handle = speech_handle
        self.function_call = function_call

    @property
    def userdata(self) -> Any:
        """The session's userdata (``{}`` without a session)."""
        return self.session.userdata if self.session is not None else {}


class AgentHandoff:
    """A tool's request to hand the conversation to ``agent``; ``returns`` is said first."""

    def __init__(self, agent: Agent, *, returns: Any = None) -> None:
        self.agent = agent
        self.returns = returns


class Agent:
    """An agent: instructions and tools (``tools=[...]`` plus ``@function_tool`` methods).

    ``llm`` may be a model name (``"openai/gpt-4o"``) or an LLM plugin; it sets the
    model. ``allow_interruptions`` and the endpointing delays map onto the AI's barge and
    timeout parameters. ``stt``, ``tts``, ``vad``, ``turn_detection``, ``mcp_servers``
    and ``chat_ctx`` are accepted and reported once.
    """

    def __init__(
        self,
        *,
        instructions: str = "",
        tools: Iterable[Callable[..., Any]] | None = None,
        chat_ctx: Any = NOT_GIVEN,
        stt: Any = NOT_GIVEN,
        tts: Any = NOT_GIVEN,
        llm: Any = NOT_GIVEN,
        vad: Any = NOT_GIVEN,
        turn_detection: Any = NOT_GIVEN,
        mcp_servers: Any = NOT_GIVEN,
        allow_interruptions: Any = NOT_GIVEN,
        min_endpointing_delay: Any = NOT_GIVEN,
        max_endpointing_delay: Any = NOT_GIVEN,
    ) -> None:
        self.instructions = instructions
        self._tools: list[Callable[..., Any]] = list(tools or [])
        self.chat_ctx = chat_ctx
        self.llm = llm
        self.allow_interruptions = allow_interruptions
        self.min_endpointing_delay = min_endpointing_delay
        self.max_endpointing_delay = max_endpointing_delay
        self._session: AgentSession | None = None
        for option, value in (
            ("stt", stt),
            ("tts", tts),
            ("vad", vad),
            ("turn_detection", turn_detection),
            ("mcp_servers", mcp_servers),
            ("chat_ctx", chat_ctx),
        ):
            _ignored("Agent", option, value)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(tools={[t.name for t in self.tool_infos()]!r})"

    @property
    def tools(self) -> list[Callable[..., Any]]:
        """The agent's tools: the ``tools`` list, then its ``@function_tool`` methods."""
        found = [t for t in self._tools if tool_info(t) is not None]
        for attr in dir(type(self)):
            if tool_info(getattr(type(self), attr, None)) is not None:
                found.append(getattr(self, attr))
        return found

    def tool_infos(self) -> list[ToolInfo]:
        """Name and description of each tool."""
        return [info for t in self.tools if (info := tool_info(t)) is not None]

    @property
    def session(self) -> AgentSession | None:
        """The session running this agent (set by ``AgentSession.start``)."""
        return self._session

    @session.setter
    def session(self, value: AgentSession | None) -> None:
        self._session = value

    async def on_enter(self) -> None:
        """Called when the agent becomes active (at the start, and after a handoff to it)."""

    async def on_exit(self) -> None:
        """Called when the agent hands the conversation to another agent."""

    async def on_user_turn_completed(self, turn_ctx: Any = None, new_message: Any = None) -> None:
        """LiveKit calls this per user turn; SignalWire runs the turn loop, so it is not called."""

    async def update_instructions(self, instructions: str) -> None:
        """Replace the instructions (before the agent is served)."""
        self.instructions = instructions

    async def update_tools(self, tools: Iterable[Callable[..., Any]]) -> None:
        """Replace the ``tools`` list (before the agent is served)."""
        self._tools = list(tools)

    async def stt_node(self, *args: Any, **kwargs: Any) -> None:
        """Speech recognition runs on the platform; accepted and reported once."""
        notice_once("Agent.stt_node", f"LiveWire: stt_node is not used: {_PLATFORM_HANDLED}")

    async def llm_node(self, *args: Any, **kwargs: Any) -> None:
        """The platform runs the model; accepted and reported once."""
        notice_once("Agent.llm_node", "LiveWire: llm_node is not used: the platform runs the model")

    async def tts_node(self, *args: Any, **kwargs: Any) -> None:
        """Speech synthesis runs on the platform; accepted and reported once."""
        notice_once("Agent.tts_node", f"LiveWire: tts_node is not used: {_PLATFORM_HANDLED}")


class AgentSession:
    """Runs an :class:`Agent`: its greeting (``say``/``generate_reply``) and shared userdata.

    ``llm``, ``allow_interruptions`` and the endpointing delays are the defaults an Agent
    may override. Speech plugins, ``vad``, ``turn_detection`` and ``mcp_servers`` are
    accepted and reported once.
    """

    def __init__(
        self,
        *,
        stt: Any = None,
        tts: Any = None,
        llm: Any = None,
        vad: Any = None,
        turn_detection: Any = None,
        tools: Iterable[Callable[..., Any]] | None = None,
        mcp_servers: Any = None,
        userdata: Any = None,
        allow_interruptions: bool = True,
        min_interruption_duration: float = 0.5,
        min_endpointing_delay: float = 0.5,
        max_endpointing_delay: float = 3.0,
        max_tool_steps: int = 3,
        preemptive_generation: bool = False,
    ) -> None:
        self.llm = llm
        self.tools: list[Callable[..., Any]] = list(tools or [])
        self._userdata: Any = userdata if userdata is not None else {}
        self.allow_interruptions = allow_interruptions
        self.min_endpointing_delay = min_endpointing_delay
        self.max_endpointing_delay = max_endpointing_delay
        self.max_tool_steps = max_tool_steps
        self.agent: Agent | None = None
        self.history: list[Any] = []
        self._greeting: list[str] = []
        self._replies: list[str] = []
        self._built = False
        for option, value in (
            ("stt", stt),
            ("tts", tts),
            ("vad", vad),
            ("turn_detection", turn_detection),
            ("mcp_servers", mcp_servers),
        ):
            _ignored("AgentSession", option, value)
        if max_tool_steps != 3:
            _ignored("AgentSession", "max_tool_steps", max_tool_steps)
        if min_interruption_duration != 0.5:
            _ignored("AgentSession", "min_interruption_duration", min_interruption_duration)
        if preemptive_generation:
            _ignored("AgentSession", "preemptive_generation", preemptive_generation)

    @property
    def userdata(self) -> Any:
        """Application data shared by the session's tools (``RunContext.userdata``)."""
        return self._userdata

    @userdata.setter
    def userdata(self, value: Any) -> None:
        self._userdata = value

    async def start(self, agent: Agent, *, room: Any = None, record: bool = False) -> None:
        """Bind ``agent`` to this session; inside ``run_app`` this is the session served."""
        if record:
            _ignored("AgentSession.start", "record", record)
        if room is not None:
            notice_once(
                "AgentSession.start.room",
                "LiveWire: AgentSession.start(room=...) is accepted; SignalWire has no rooms",
            )
        self.agent = agent
        agent.session = self
        job = current_job.get()
        if job is not None:
            job._session = self
        # As in LiveKit, the agent's on_enter runs when it starts: a generate_reply() or
        # say() there becomes the call's opening.
        await agent.on_enter()

    def say(self, text: str) -> None:
        """Speak ``text`` as the opening greeting (calls are joined with a space)."""
        captured = capture.get()
        if captured is not None:  # inside a handed-to agent's on_enter
            captured.append(f"Say: {text}")
            return
        if self._built:
            self._late("say")
            return
        self._greeting.append(text)

    def generate_reply(self, *, instructions: str | None = None) -> None:
        """Have the model open the conversation following ``instructions``."""
        if not instructions:
            return
        captured = capture.get()
        if captured is not None:  # inside a handed-to agent's on_enter
            captured.append(instructions)
            return
        if self._built:
            self._late("generate_reply")
            return
        self._replies.append(instructions)

    def interrupt(self) -> None:
        """The platform handles barge-in; accepted and reported once."""
        notice_once(
            "AgentSession.interrupt",
            "LiveWire: AgentSession.interrupt() is ignored: the platform handles barge-in",
        )

    def update_agent(self, agent: Agent) -> None:
        """Serve ``agent`` instead (before the session is built)."""
        self.agent = agent
        agent.session = self

    def _late(self, what: str) -> None:
        notice_once(
            f"AgentSession.{what}.late",
            f"LiveWire: AgentSession.{what}() after the agent is served is ignored: "
            "call it in the entrypoint or in Agent.on_enter",
        )
        log.debug("ignored late %s", what)
