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

from signalwire.agents._version import __version__
from signalwire.core._lazy import lazy_exports

# A plain flag (not typing.TYPE_CHECKING): importing typing here would cost time, and
# mypy treats any name TYPE_CHECKING as true. Deleted below so dir() shows only the API.
TYPE_CHECKING = False
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
    from signalwire.agents._pom import PomBuilder, PomSection
    from signalwire.agents._pom_model import PromptObjectModel
    from signalwire.agents._semantic_gate import SemanticGate
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
    "SemanticGate",
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

__getattr__, __dir__ = lazy_exports(
    globals(),
    {
        "._agent_base": ("AgentBase",),
        "._errors": ("AgentsError", "ContextValidationError", "SchemaValidationError"),
        "._function_result": ("FunctionResult", "SwaigFunctionResult"),
        "._pom": ("PomBuilder", "PomSection"),
        "._pom_model": ("PromptObjectModel",),
        "._semantic_gate": ("SemanticGate",),
        "._swaig_function": ("SWAIGFunction",),
        "._swml_service": ("SWMLService",),
        "._contexts": (
            "Context",
            "ContextBuilder",
            "GatherInfo",
            "GatherQuestion",
            "Step",
            "create_simple_context",
        ),
        "._datamap": ("DataMap", "create_expression_tool", "create_simple_api_tool"),
        "._swml_builder": ("SWMLBuilder",),
        "._hosting.agent_server": ("AgentServer",),
        "._hosting.auth_handler": ("AuthHandler",),
        "._hosting.config": ("ConfigLoader",),
        "._hosting.security": ("SecurityConfig",),
        "._hosting.web_service": ("WebService",),
        "._logging": ("KVLogger", "get_logger"),
        ".bedrock": ("BedrockAgent",),
        ".skills": (
            "SkillBase",
            "add_skill_directory",
            "list_skills",
            "list_skills_with_params",
            "register_skill",
        ),
    },
)

del TYPE_CHECKING, lazy_exports
