"""signalwire.agents: AI voice agents that serve SWML and run SWAIG tools.

An :class:`AgentBase` is an HTTP service. SignalWire fetches its SWML document
(prompt, voice, tools) when a call arrives and calls its tools back during the
conversation::

    from signalwire.agents import AgentBase

    agent = AgentBase("hello")
    agent.prompt_add_section("Role", "You are a friendly assistant.")
    agent.run()

Names are imported lazily, so ``import signalwire.agents`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from signalwire.agents._version import __version__

if TYPE_CHECKING:
    from signalwire.agents._agent_base import AgentBase
    from signalwire.agents._errors import AgentsError, SchemaValidationError
    from signalwire.agents._function_result import FunctionResult, SwaigFunctionResult
    from signalwire.agents._pom import PomBuilder, PomSection, PromptObjectModel
    from signalwire.agents._swaig_function import SWAIGFunction
    from signalwire.agents._swml_service import SWMLService

__all__ = [
    "AgentBase",
    "AgentsError",
    "FunctionResult",
    "PomBuilder",
    "PomSection",
    "PromptObjectModel",
    "SWAIGFunction",
    "SWMLService",
    "SchemaValidationError",
    "SwaigFunctionResult",
    "__version__",
]

_LAZY = {
    "AgentBase": "signalwire.agents._agent_base",
    "AgentsError": "signalwire.agents._errors",
    "SchemaValidationError": "signalwire.agents._errors",
    "FunctionResult": "signalwire.agents._function_result",
    "SwaigFunctionResult": "signalwire.agents._function_result",
    "PomBuilder": "signalwire.agents._pom",
    "PomSection": "signalwire.agents._pom",
    "PromptObjectModel": "signalwire.agents._pom",
    "SWAIGFunction": "signalwire.agents._swaig_function",
    "SWMLService": "signalwire.agents._swml_service",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'signalwire.agents' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
