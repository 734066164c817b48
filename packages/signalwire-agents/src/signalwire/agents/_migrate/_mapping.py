"""Where each vendor import lives here: the one table the rewriter, the README and the
``signalwire_agents`` compatibility package follow.

Vendor paths are written with the ``signalwire.`` prefix; the older package name
``signalwire_agents`` (signalwire-agents 1.x) has the same sub-paths and is normalised to
it first. ``signalwire-migrate`` rewrites imports with this table, and the
``signalwire_agents`` package shipped in this wheel resolves 1.x module paths at import
time with the same lookups, so the two can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "Target",
    "Unmappable",
    "is_parent_of_mapped",
    "lookup_module",
    "lookup_name",
    "normalise",
]

AGENTS = "signalwire.agents"
SKILLS = "signalwire.agents.skills"
PREFABS = "signalwire.agents.prefabs"
REST = "signalwire.rest"
SECURITY = "signalwire.core.security"
AI_CHAT = "signalwire.agents.ai_chat"
MCP_GATEWAY = "signalwire.agents.mcp_gateway"
LIVEWIRE = "signalwire.agents.livewire"
POM = "signalwire.agents.pom"


@dataclass(frozen=True)
class Target:
    """A name's new home: ``from module import name``."""

    module: str
    name: str


@dataclass(frozen=True)
class Unmappable:
    """A vendor name with no counterpart here, and why."""

    reason: str
    #: False for the fallback given to a path the table does not list (an unknown name)
    listed: bool = True


# Names of the vendor's top-level ``signalwire`` package (and of ``signalwire_agents``).
_AGENTS_NAMES = (
    "AgentBase",
    "AgentServer",
    "BedrockAgent",
    "Context",
    "ContextBuilder",
    "DataMap",
    "FunctionResult",
    "GatherInfo",
    "GatherQuestion",
    "PomBuilder",
    "PromptObjectModel",
    "SWAIGFunction",
    "SWMLBuilder",
    "SWMLService",
    "SchemaValidationError",
    "Step",
    "SwaigFunctionResult",
    "WebService",
    "create_expression_tool",
    "create_simple_api_tool",
    "create_simple_context",
)
_SKILL_FUNCTIONS = (
    "add_skill_directory",
    "list_skills",
    "list_skills_with_params",
    "register_skill",
)

NOT_IMPLEMENTED = "not provided by signalwire-agents"
_LOGGING_CONFIG = Unmappable(
    "logging is configured by serve()/run(), or by you with logging.basicConfig(); "
    "use signalwire.agents.get_logger for key-value logging"
)
_VERB_HANDLER = Unmappable(
    "no base class is needed: register_verb_handler() takes any object with "
    "get_verb_name()/validate_config()"
)

TOP_LEVEL: dict[str, Target | Unmappable] = {
    **{name: Target(AGENTS, name) for name in _AGENTS_NAMES},
    **{name: Target(SKILLS, name) for name in _SKILL_FUNCTIONS},
    "RestClient": Target(REST, "RestClient"),
    # signalwire-agents 1.x's name for the REST client (same constructor: project, token, host).
    "SignalWireClient": Target(REST, "RestClient"),
    "configure_logging": _LOGGING_CONFIG,
    "start_agent": Unmappable("call agent.run() (or serve()) on the agent"),
    "run_agent": Unmappable("call agent.run() (or serve()) on the agent"),
    "SemanticGate": Target(AGENTS, "SemanticGate"),
    "AIChatClient": Target(AI_CHAT, "AIChatClient"),
}


#: Vendor modules whose names all move to one module here (``import x as y`` works too).
MODULE_TARGETS: dict[str, str] = {
    "signalwire": AGENTS,
    "signalwire.core": AGENTS,
    # AI Chat and the MCP gateway are one package each here, whatever the vendor module.
    **{f"signalwire.ai_chat{sub}": AI_CHAT for sub in ("", ".client", ".gateway", ".handoff")},
    **{
        f"signalwire.mcp_gateway{sub}": MCP_GATEWAY
        for sub in ("", ".gateway_service", ".mcp_manager", ".session_manager")
    },
    "signalwire.core.agent_base": AGENTS,
    "signalwire.core.function_result": AGENTS,
    "signalwire.core.swml_service": AGENTS,
    "signalwire.core.swml_builder": AGENTS,
    "signalwire.core.swaig_function": AGENTS,
    "signalwire.core.data_map": AGENTS,
    "signalwire.core.contexts": AGENTS,
    "signalwire.core.pom_builder": AGENTS,
    "signalwire.core.logging_config": AGENTS,
    "signalwire.core.security_config": AGENTS,
    "signalwire.core.config_loader": AGENTS,
    "signalwire.core.auth_handler": AGENTS,
    "signalwire.core.web": AGENTS,
    "signalwire.agent_server": AGENTS,
    "signalwire.web": AGENTS,
    "signalwire.web.web_service": AGENTS,
    "signalwire.pom": POM,
    "signalwire.pom.pom": POM,
    "signalwire.core.semantic_gate": AGENTS,
    "signalwire.utils.schema_utils": AGENTS,  # SchemaValidationError
    "signalwire.core.skill_base": SKILLS,
    "signalwire.core.skill_manager": SKILLS,
    "signalwire.core.security.webhook_validator": SECURITY,
    "signalwire.core.security.webhook_middleware": SECURITY,
}

#: Per-module exceptions to MODULE_TARGETS (names that go elsewhere or nowhere).
MODULE_NAMES: dict[str, dict[str, Target | Unmappable]] = {
    "signalwire": TOP_LEVEL,
    "signalwire.core": {
        "SWMLVerbHandler": _VERB_HANDLER,
        "VerbHandlerRegistry": _VERB_HANDLER,
    },
    "signalwire.core.logging_config": {"configure_logging": _LOGGING_CONFIG},
    "signalwire.rest": {"SignalWireClient": Target(REST, "RestClient")},
    "signalwire.core.security.webhook_middleware": {
        "SIGNALWIRE_SIGNATURE_HEADER": Unmappable("spell the header name out"),
        "SIGNALWIRE_SHA256_SIGNATURE_HEADER": Unmappable("spell the header name out"),
        "TWILIO_COMPAT_SIGNATURE_HEADER": Unmappable("spell the header name out"),
    },
}

#: Vendor module prefixes that map wholesale, sub-modules included.
PREFIXES: dict[str, str] = {
    "signalwire.livewire": LIVEWIRE,
    "signalwire.skills": SKILLS,
    "signalwire.prefabs": PREFABS,
}

#: Vendor modules (and their sub-modules) with no counterpart.
UNMAPPABLE_MODULES: dict[str, Unmappable] = {
    "signalwire.core.swml_handler": _VERB_HANDLER,
    "signalwire.core.mixins": Unmappable(
        "the mixins are internal; subclass AgentBase or SWMLService instead"
    ),
    "signalwire.core.agent": Unmappable("internal vendor module; use AgentBase"),
    "signalwire.core.swml_renderer": Unmappable("internal vendor module; use get_document()"),
    "signalwire.utils": Unmappable("internal vendor helpers with no public counterpart"),
    "signalwire.cli": Unmappable("the vendor CLI internals are not importable here"),
    "signalwire.pom.pom_tool": Unmappable("run the pom-tool command instead of importing it"),
}

#: Namespaces the older ``signalwire_agents`` package also had: its ``signalwire_agents.relay``
#: ``signalwire_agents.rest`` and ``signalwire_agents.search`` are this project's namespaces.
SAME_PATH = ("signalwire.agents", "signalwire.relay", "signalwire.rest", "signalwire.search")

#: Modules that already are this project's (left alone).
OURS = (
    "signalwire.agents",
    "signalwire.relay",
    "signalwire.rest",
    "signalwire.search",
    "signalwire.core.security",
    "signalwire.core.env",
)
#: Public names of this project's ``signalwire.core`` (left alone in ``from signalwire.core``).
OUR_CORE_NAMES = frozenset(
    {
        "EXTRA_FIELD",
        "UNSET",
        "Credentials",
        "SignalWireConfigError",
        "SignalWireError",
        "Space",
        "UnsetType",
        "WireError",
        "__version__",
        "configure_converter",
        "decode_jwt_claims",
        "is_loopback_host",
        "env",
        "security",
    }
)
#: Sub-modules of ``signalwire.core.security`` that keep their names here.
_SECURITY_NAMES = (
    "validate_request",
    "validate_webhook_signature",
    "validate_webhook_signature_sha256",
)


def normalise(module: str) -> str:
    """``signalwire_agents[.x]`` → ``signalwire[.x]`` (the older package, same sub-paths)."""
    if module == "signalwire_agents" or module.startswith("signalwire_agents."):
        return "signalwire" + module[len("signalwire_agents") :]
    return module


def _is_within(module: str, base: str) -> bool:
    return module == base or module.startswith(base + ".")


def is_vendor_module(module: str) -> bool:
    """True for a module path the rewriter must look at."""
    if module == "signalwire_agents" or module.startswith("signalwire_agents."):
        return True
    if module in MODULE_TARGETS or any(_is_within(module, b) for b in UNMAPPABLE_MODULES):
        return True
    if not _is_within(module, "signalwire"):
        return False
    return not any(_is_within(module, ours) for ours in OURS)


def lookup_module(module: str) -> str | Unmappable | None:
    """The module here that a whole vendor module becomes (``import x as y``), or why not.

    None means the module is already this project's and is left alone.
    """
    original = module
    module = normalise(module)
    if not is_vendor_module(original):
        return None
    if module in MODULE_TARGETS:
        return MODULE_TARGETS[module]
    for base, reason in UNMAPPABLE_MODULES.items():
        if _is_within(module, base):
            return reason
    if original != module and any(_is_within(module, same) for same in SAME_PATH):
        return module
    for base, target in PREFIXES.items():
        if _is_within(module, base):
            return target + module[len(base) :]
    if _is_within(module, "signalwire.core"):
        return Unmappable(
            f"{module} has no counterpart: signalwire.core is this project's credentials, "
            "errors and webhook-signature package",
            listed=False,
        )
    return Unmappable(f"{module} has no counterpart in signalwire-agents", listed=False)


def is_parent_of_mapped(module: str) -> bool:
    """True when a module with no counterpart of its own holds one that has (``x.utils``)."""
    prefix = normalise(module) + "."
    return any(key.startswith(prefix) for key in MODULE_TARGETS)


def lookup_name(module: str, name: str) -> Target | Unmappable | None:
    """Where ``from module import name`` goes; None when it is already ours."""
    norm = normalise(module)
    if norm == "signalwire.core" and name in OUR_CORE_NAMES and module == norm:
        return None
    if norm == SECURITY:
        return None if module == norm else Target(SECURITY, name)
    if norm.startswith(SECURITY + ".") and name in _SECURITY_NAMES:
        return Target(SECURITY, name)
    special = MODULE_NAMES.get(norm, {}).get(name)
    if special is not None:
        return special
    where = lookup_module(module)
    if where is None:
        return None
    if isinstance(where, Unmappable):
        return where
    if norm == "signalwire" and name not in TOP_LEVEL:
        # ``from signalwire import skills`` and the like: sub-packages of the top level.
        sub = lookup_module(f"signalwire.{name}")
        if isinstance(sub, str):
            parent, _, leaf = sub.rpartition(".")
            return Target(parent, leaf)
        return sub  # None: ours already (relay, rest); else why it cannot be mapped
    return Target(where, name)
