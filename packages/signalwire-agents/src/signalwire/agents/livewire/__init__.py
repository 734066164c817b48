"""LiveWire: LiveKit-Agents-style code, served as a SignalWire AI agent.

Change the imports of a livekit-agents program to this package and it runs on
SignalWire: the entrypoint runs once at start-up, its :class:`AgentSession` and
:class:`Agent` become an ``AgentBase`` (prompt, model, greeting, timeouts) and each
``@function_tool`` becomes a SWAIG tool served at ``/swaig/``::

    from signalwire.agents.livewire import Agent, AgentServer, AgentSession, JobContext
    from signalwire.agents.livewire import function_tool, run_app

    @function_tool
    async def lookup_order(order_id: str) -> str:
        "Look up an order."
        return f"Order {order_id} has shipped."

    server = AgentServer()

    @server.rtc_session()
    async def entrypoint(ctx: JobContext) -> None:
        session = AgentSession(llm="openai/gpt-4o-mini")
        await session.start(Agent(instructions="You help with orders.", tools=[lookup_order]))

    if __name__ == "__main__":
        run_app(server)

Options that mean nothing on SignalWire (speech plugins, VAD, turn detection, rooms) are
accepted and logged once at INFO on the ``signalwire.agents.livewire`` logger.
"""

from __future__ import annotations

from types import SimpleNamespace

from signalwire.agents.livewire._job import (
    BANNER,
    TIPS,
    AgentServer,
    JobContext,
    JobProcess,
    Room,
    build,
    run_app,
)
from signalwire.agents.livewire._model import (
    NOT_GIVEN,
    Agent,
    AgentHandoff,
    AgentSession,
    ChatContext,
    RunContext,
    StopResponse,
    ToolError,
    function_tool,
)
from signalwire.agents.livewire.plugins import (
    CartesiaTTS,
    DeepgramSTT,
    ElevenLabsTTS,
    InferenceLLM,
    InferenceSTT,
    InferenceTTS,
    OpenAILLM,
    SileroVAD,
)

__all__ = [
    "BANNER",
    "NOT_GIVEN",
    "TIPS",
    "Agent",
    "AgentHandoff",
    "AgentServer",
    "AgentSession",
    "CartesiaTTS",
    "ChatContext",
    "DeepgramSTT",
    "ElevenLabsTTS",
    "InferenceLLM",
    "InferenceSTT",
    "InferenceTTS",
    "JobContext",
    "JobProcess",
    "OpenAILLM",
    "Room",
    "RunContext",
    "SileroVAD",
    "StopResponse",
    "ToolError",
    "build",
    "cli_ns",
    "function_tool",
    "inference",
    "llm_ns",
    "run_app",
    "voice",
]

voice = SimpleNamespace(Agent=Agent, AgentSession=AgentSession)
"""``livekit.agents.voice``-style namespace: ``voice.Agent``, ``voice.AgentSession``."""
llm_ns = SimpleNamespace(tool=function_tool, ToolError=ToolError, ChatContext=ChatContext)
"""``livekit.agents.llm``-style namespace: ``llm_ns.tool``, ``ToolError``, ``ChatContext``."""
cli_ns = SimpleNamespace(run_app=run_app)
"""``livekit.agents.cli``-style namespace: ``cli_ns.run_app``."""
inference = SimpleNamespace(STT=InferenceSTT, LLM=InferenceLLM, TTS=InferenceTTS)
"""``livekit.agents.inference``-style namespace: ``inference.STT/LLM/TTS``."""
