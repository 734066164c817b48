"""SkillManager: loads skills into one agent and takes them out again."""

from __future__ import annotations

import logging
from typing import Any

from signalwire.agents.skills._host import SkillHost
from signalwire.agents.skills._params import resolve_params
from signalwire.agents.skills._skill_base import SkillBase
from signalwire.agents.skills.registry import check_skill_class, skill_registry

__all__ = ["SkillManager"]

log = logging.getLogger("signalwire.agents.skills")


class _Contribution:
    """What one loaded skill added to its agent, so removing it can take it all back."""

    __slots__ = ("global_keys", "hints", "sections", "tools")

    def __init__(self) -> None:
        self.tools: list[str] = []
        self.hints: list[Any] = []
        self.global_keys: list[str] = []
        self.sections: list[str] = []


class SkillManager:
    """The skills loaded into one agent, by instance key (``agent.skill_manager``)."""

    def __init__(self, agent: SkillHost, inherit: SkillManager | None = None) -> None:
        self.agent = agent
        self.loaded_skills: dict[str, SkillBase] = {}
        self._contributions: dict[str, _Contribution] = {}
        self._inherited: set[str] = set()
        if inherit is not None:
            # A per-request copy already carries these skills' tools, hints, prompt
            # and global data; they are tracked, not set up again.
            self.loaded_skills.update(inherit.loaded_skills)
            self._contributions.update(inherit._contributions)
            self._inherited.update(inherit.loaded_skills)

    def load_skill(
        self,
        skill_name: str,
        skill_class: type[SkillBase] | None = None,
        params: dict[str, Any] | None = None,
    ) -> tuple[bool, str]:
        """Load a skill; returns ``(True, "")`` or ``(False, reason)``."""
        try:
            self._load(skill_name, skill_class, params)
        except Exception as exc:  # noqa: BLE001 - any failure becomes add_skill's ValueError
            reason = str(exc) or type(exc).__name__
            log.error("could not load skill %r: %s", skill_name, reason)
            return False, reason
        return True, ""

    def _load(
        self, skill_name: str, skill_class: type[SkillBase] | None, params: dict[str, Any] | None
    ) -> None:
        # 1. Find the class and check its schema; 2. the parameters against it.
        if skill_class is None:
            skill_class = skill_registry.require_skill_class(skill_name)
        else:
            check_skill_class(skill_class)
        resolved = resolve_params(skill_name, skill_class.get_parameter_schema(), params)
        # 3. Instantiate; one instance per key.
        skill = skill_class(self.agent, resolved)
        key = skill.get_instance_key()
        if key in self.loaded_skills:
            if key in self._inherited or skill.SUPPORTS_MULTIPLE_INSTANCES:
                log.debug("skill instance %r is already loaded", key)
                return
            raise ValueError(
                f"skill {skill_name!r} is already loaded and does not support multiple instances"
            )
        # 4. Environment and packages; 5. setup().
        if not skill.validate_env_vars():
            missing = [v for v in skill.REQUIRED_ENV_VARS if not _env(v)]
            raise ValueError(f"missing required environment variables: {', '.join(missing)}")
        if not skill.validate_packages():
            raise ValueError(f"missing required packages: {', '.join(skill.REQUIRED_PACKAGES)}")
        if not skill.setup():
            raise ValueError(f"setup of skill {skill_name!r} failed")
        # 6. Tools, then hints, global data and prompt sections, all recorded.
        agent = self.agent
        done = _Contribution()
        before = set(agent._registered_tool_names())
        try:
            skill.register_tools()
        except BaseException:
            agent._remove_tools([n for n in agent._registered_tool_names() if n not in before])
            raise
        done.tools = [n for n in agent._registered_tool_names() if n not in before]
        hints = [h for h in skill.get_hints() if isinstance(h, str) and h]
        if hints:
            agent.add_hints(hints)
            done.hints = hints
        global_data = skill.get_global_data()
        if global_data:
            agent.update_global_data(global_data)
            done.global_keys = list(global_data)
        for section in skill.get_prompt_sections():
            agent.prompt_add_section(**section)
            done.sections.append(str(section.get("title", "")))
        self.loaded_skills[key] = skill
        self._contributions[key] = done
        log.debug("loaded skill instance %r (skill %r)", key, skill_name)

    def unload_skill(self, skill_identifier: str) -> bool:
        """Remove a skill with its tools, hints, global data and prompt sections."""
        skill = self.loaded_skills.pop(skill_identifier, None)
        if skill is None:
            log.warning("skill %r is not loaded", skill_identifier)
            return False
        done = self._contributions.pop(skill_identifier, None) or _Contribution()
        inherited = skill_identifier in self._inherited
        self._inherited.discard(skill_identifier)
        agent = self.agent
        agent._remove_tools(done.tools)
        agent._remove_hints(done.hints)
        agent._remove_global_data(done.global_keys)
        agent._remove_prompt_sections(done.sections)
        if not inherited:  # the original agent still uses an inherited instance
            try:
                skill.cleanup()
            except Exception:
                log.exception("cleanup of skill %r failed", skill_identifier)
        return True

    def list_loaded_skills(self) -> list[str]:
        """Instance keys of the loaded skills, in load order."""
        return list(self.loaded_skills)

    def has_skill(self, skill_identifier: str) -> bool:
        """Whether a skill with this instance key is loaded."""
        return skill_identifier in self.loaded_skills

    def get_skill(self, skill_identifier: str) -> SkillBase | None:
        """The loaded skill instance with this key, or None."""
        return self.loaded_skills.get(skill_identifier)


def _env(name: str) -> str | None:
    import os

    return os.environ.get(name) or None
