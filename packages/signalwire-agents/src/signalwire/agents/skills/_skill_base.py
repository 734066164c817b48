"""SkillBase: the class every skill subclasses."""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar

from signalwire.agents.skills._host import SkillHost
from signalwire.agents.skills._params import tool_name_param

if TYPE_CHECKING:
    from signalwire.agents._function_result import FunctionResult

__all__ = ["SkillBase"]


class SkillBase(ABC):
    """A reusable bundle of tools, prompt sections, hints and global data.

    Subclass it, set ``SKILL_NAME`` and ``SKILL_DESCRIPTION``, describe the
    parameters in :meth:`get_parameter_schema`, and register tools in
    :meth:`register_tools`; the agent loads it with ``agent.add_skill(name, params)``.

    Attributes:
        agent: The agent the skill is loaded into (what a skill may use of it: SkillHost).
        params: The skill's parameters (validated against the schema, defaults filled).
        swaig_fields: Extra SWAIG fields merged into every tool the skill defines.
        logger: The skill's logger, ``signalwire.agents.skills.<SKILL_NAME>``.
    """

    SKILL_NAME: ClassVar[str | None] = None
    """Unique name the skill is loaded by (required)."""
    SKILL_DESCRIPTION: ClassVar[str | None] = None
    """One-line description (required)."""
    SKILL_VERSION: ClassVar[str] = "1.0.0"
    """The skill's version."""
    REQUIRED_PACKAGES: ClassVar[list[str]] = []
    """Importable modules the skill needs; checked before ``setup()``."""
    REQUIRED_ENV_VARS: ClassVar[list[str]] = []
    """Environment variables that must be set; checked before ``setup()``."""
    SUPPORTS_MULTIPLE_INSTANCES: ClassVar[bool] = False
    """Whether the skill can be added several times (each with its own ``tool_name``)."""

    def __init__(self, agent: SkillHost, params: dict[str, Any] | None = None) -> None:
        if self.SKILL_NAME is None:
            raise ValueError(f"{type(self).__name__} must define SKILL_NAME")
        if self.SKILL_DESCRIPTION is None:
            raise ValueError(f"{type(self).__name__} must define SKILL_DESCRIPTION")
        self.agent = agent
        self.params: dict[str, Any] = dict(params or {})
        self.logger = logging.getLogger(f"signalwire.agents.skills.{self.SKILL_NAME}")
        fields = self.params.pop("swaig_fields", None) or {}
        self.swaig_fields: dict[str, Any] = dict(fields)

    # -- what a skill implements ------------------------------------------------------------

    @abstractmethod
    def setup(self) -> bool:
        """Prepare the skill (check configuration, build clients); False fails the load."""

    @abstractmethod
    def register_tools(self) -> None:
        """Register the skill's tools, normally with :meth:`define_tool`."""

    def define_tool(self, **kwargs: Any) -> None:
        """``agent.define_tool(**kwargs)`` with the skill's ``swaig_fields`` merged in.

        Keyword arguments given here win over ``swaig_fields``.
        """
        merged = {**self.swaig_fields, **kwargs}
        self.agent.define_tool(**merged)

    def get_hints(self) -> list[str]:
        """Speech-recognition hints the skill adds to the agent."""
        return []

    def get_global_data(self) -> dict[str, Any]:
        """Keys the skill merges into the agent's global data."""
        return {}

    def get_prompt_sections(self) -> list[dict[str, Any]]:
        """Prompt sections (``{title, body, bullets}``) to add; none when ``skip_prompt``."""
        if self.params.get("skip_prompt"):
            return []
        return self._get_prompt_sections()

    def _get_prompt_sections(self) -> list[dict[str, Any]]:
        """Override to return the skill's prompt sections."""
        return []

    def cleanup(self) -> None:  # noqa: B027 - an optional hook, not an abstract method
        """Release what the skill holds; called when it is removed."""

    # -- checks -----------------------------------------------------------------------------

    def validate_env_vars(self) -> bool:
        """Whether every variable in ``REQUIRED_ENV_VARS`` is set (missing ones are logged)."""
        missing = [name for name in self.REQUIRED_ENV_VARS if not os.environ.get(name)]
        if missing:
            self.logger.error("missing required environment variables: %s", missing)
            return False
        return True

    def validate_packages(self) -> bool:
        """Whether every module in ``REQUIRED_PACKAGES`` can be imported (missing ones logged)."""
        missing = [name for name in self.REQUIRED_PACKAGES if not _importable(name)]
        if missing:
            self.logger.error("missing required packages: %s", missing)
            return False
        return True

    # -- instances and state ----------------------------------------------------------------

    def get_instance_key(self) -> str:
        """The key the agent tracks this instance by.

        ``SKILL_NAME``, or ``f"{SKILL_NAME}_{tool_name}"`` for a skill that
        supports several instances (``tool_name`` defaults to the skill name).
        """
        name = self.SKILL_NAME or ""
        if not self.SUPPORTS_MULTIPLE_INSTANCES:
            return name
        return f"{name}_{self.params.get('tool_name') or name}"

    def _get_skill_namespace(self) -> str:
        prefix = self.params.get("prefix")
        return f"skill:{prefix}" if prefix else f"skill:{self.get_instance_key()}"

    def get_skill_data(self, raw_data: dict[str, Any]) -> dict[str, Any]:
        """This instance's state from a tool call's ``raw_data["global_data"]``.

        The state lives at ``global_data["skill:<prefix or instance key>"]``;
        missing or malformed state reads as ``{}``.
        """
        global_data = raw_data.get("global_data") if isinstance(raw_data, dict) else None
        if not isinstance(global_data, dict):
            return {}
        data = global_data.get(self._get_skill_namespace())
        return data if isinstance(data, dict) else {}

    def update_skill_data(self, result: FunctionResult, data: dict[str, Any]) -> FunctionResult:
        """Store ``data`` as this instance's state through ``result`` (a global-data update)."""
        result.update_global_data({self._get_skill_namespace(): data})
        return result

    # -- schema -----------------------------------------------------------------------------

    @classmethod
    def get_parameter_schema(cls) -> dict[str, dict[str, Any]]:
        """The parameters the skill accepts: ``{name: {type, description, default, ...}}``.

        Keys of each entry: ``type`` (``string``, ``integer``, ``number``,
        ``boolean``, ``object``, ``array``), ``description``, ``default``,
        ``required``, ``hidden`` (secrets), ``env_var`` (read when the parameter
        is not passed), ``enum``, ``min`` and ``max``. Subclasses extend the
        base schema (``swaig_fields``, ``skip_prompt`` and, for multi-instance
        skills, ``tool_name``) with their own parameters.
        """
        schema: dict[str, dict[str, Any]] = {
            "swaig_fields": {
                "type": "object",
                "description": "Extra SWAIG fields merged into every tool of the skill",
                "default": {},
                "required": False,
            },
            "skip_prompt": {
                "type": "boolean",
                "description": "Leave the skill's prompt sections out of the prompt",
                "default": False,
                "required": False,
            },
        }
        if cls.SUPPORTS_MULTIPLE_INSTANCES:
            schema["tool_name"] = tool_name_param(
                "Name of this instance's tool (one per instance)", cls.SKILL_NAME
            )
        return schema


_FOUND: set[str] = set()
"""Modules already found importable: each ``add_skill`` need not search ``sys.path`` again."""


def _importable(module: str) -> bool:
    if module in _FOUND or module in sys.modules:
        return True
    try:
        found = importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False
    if found:  # only a hit is remembered: a package installed later is still seen
        _FOUND.add(module)
    return found
