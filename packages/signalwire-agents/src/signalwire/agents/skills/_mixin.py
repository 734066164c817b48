"""The skill methods of AgentBase (``add_skill``, ``remove_skill``, ...)."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from signalwire.agents.skills._host import SkillHost
from signalwire.agents.skills._manager import SkillManager

__all__ = ["SkillMixin"]

_Agent = TypeVar("_Agent", bound="SkillMixin")


class SkillMixin:
    """Adds skills to an agent; the manager is created on first use."""

    @property
    def skill_manager(self) -> SkillManager:
        """The agent's SkillManager (a per-request copy gets its own, inheriting the skills)."""
        # The class this is mixed into (AgentBase) provides the SkillHost methods.
        host = cast(SkillHost, self)
        manager: SkillManager | None = self.__dict__.get("_skill_manager")
        if manager is None or manager.agent is not host:
            # A per-request copy shares the original's __dict__ entries: give it its own
            # manager so skills added or removed there stay with that request.
            manager = SkillManager(host, inherit=manager)
            self.__dict__["_skill_manager"] = manager
        return manager

    def add_skill(self: _Agent, skill_name: str, params: dict[str, Any] | None = None) -> _Agent:
        """Load a skill by name with its parameters; raises ValueError when it cannot load.

        The message says why: an unknown name lists the available skills, a
        missing or mistyped parameter is named (with its environment variable).
        """
        ok, reason = self.skill_manager.load_skill(skill_name, params=params)
        if not ok:
            raise ValueError(f"Failed to load skill '{skill_name}': {reason}")
        return self

    def remove_skill(self: _Agent, skill_name: str) -> _Agent:
        """Remove a loaded skill (by instance key) with its tools, hints, data and prompt."""
        self.skill_manager.unload_skill(skill_name)
        return self

    def list_skills(self) -> list[str]:
        """Instance keys of the loaded skills."""
        return self.skill_manager.list_loaded_skills()

    def has_skill(self, skill_name: str) -> bool:
        """Whether a skill with this instance key is loaded."""
        return self.skill_manager.has_skill(skill_name)
