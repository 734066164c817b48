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
import sys
from typing import TYPE_CHECKING, Any

from signalwire.agents._version import __version__

# A ``signalwire`` module with a file is signalwire-sdk's package shadowing this namespace.
if getattr(sys.modules.get("signalwire"), "__file__", None):
    from signalwire.core._clash import clash_error

    raise clash_error("signalwire-agents")

if TYPE_CHECKING:
    from signalwire.agents._agent_base import AgentBase
    from signalwire.agents._contexts import (
        Context,
        ContextBuilder,
        GatherInfo,
        GatherQuestion,
        Step,
        create_simple_context,
    )
    from signalwire.agents._datamap import DataMap, create_expression_tool, create_simple_api_tool
    from signalwire.agents._errors import AgentsError, ContextValidationError, SchemaValidationError
    from signalwire.agents._function_result import FunctionResult, SwaigFunctionResult
    from signalwire.agents._hosting.agent_server import AgentServer
    from signalwire.agents._hosting.auth_handler import AuthHandler
    from signalwire.agents._hosting.config import ConfigLoader
    from signalwire.agents._hosting.security import SecurityConfig
    from signalwire.agents._hosting.web_service import WebService
    from signalwire.agents._logging import KVLogger, get_logger
    from signalwire.agents._pom import PomBuilder, PomSection, PromptObjectModel
    from signalwire.agents._swaig_function import SWAIGFunction
    from signalwire.agents._swml_builder import SWMLBuilder
    from signalwire.agents._swml_service import SWMLService
    from signalwire.agents.bedrock import BedrockAgent
    from signalwire.agents.skills import (
        SkillBase,
        add_skill_directory,
        list_skills,
        list_skills_with_params,
        register_skill,
    )

__all__ = [
    "AgentBase",
    "AgentServer",
    "AgentsError",
    "AuthHandler",
    "BedrockAgent",
    "ConfigLoader",
    "Context",
    "ContextBuilder",
    "ContextValidationError",
    "DataMap",
    "FunctionResult",
    "GatherInfo",
    "GatherQuestion",
    "KVLogger",
    "PomBuilder",
    "PomSection",
    "PromptObjectModel",
    "SWAIGFunction",
    "SWMLBuilder",
    "SWMLService",
    "SchemaValidationError",
    "SecurityConfig",
    "SkillBase",
    "Step",
    "SwaigFunctionResult",
    "WebService",
    "__version__",
    "add_skill_directory",
    "create_expression_tool",
    "create_simple_api_tool",
    "create_simple_context",
    "get_logger",
    "list_skills",
    "list_skills_with_params",
    "register_skill",
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
    "ContextBuilder": "signalwire.agents._contexts",
    "Context": "signalwire.agents._contexts",
    "Step": "signalwire.agents._contexts",
    "GatherInfo": "signalwire.agents._contexts",
    "GatherQuestion": "signalwire.agents._contexts",
    "create_simple_context": "signalwire.agents._contexts",
    "ContextValidationError": "signalwire.agents._errors",
    "DataMap": "signalwire.agents._datamap",
    "create_simple_api_tool": "signalwire.agents._datamap",
    "create_expression_tool": "signalwire.agents._datamap",
    "SWMLBuilder": "signalwire.agents._swml_builder",
    "AgentServer": "signalwire.agents._hosting.agent_server",
    "AuthHandler": "signalwire.agents._hosting.auth_handler",
    "ConfigLoader": "signalwire.agents._hosting.config",
    "SecurityConfig": "signalwire.agents._hosting.security",
    "WebService": "signalwire.agents._hosting.web_service",
    "KVLogger": "signalwire.agents._logging",
    "get_logger": "signalwire.agents._logging",
    "BedrockAgent": "signalwire.agents.bedrock",
    "SkillBase": "signalwire.agents.skills",
    "add_skill_directory": "signalwire.agents.skills",
    "list_skills": "signalwire.agents.skills",
    "list_skills_with_params": "signalwire.agents.skills",
    "register_skill": "signalwire.agents.skills",
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
