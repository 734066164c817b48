"""signalwire.agents.skills: reusable abilities an agent adds in one line.

::

    agent.add_skill("datetime")
    agent.add_skill("math")

A skill is a :class:`SkillBase` subclass that registers tools and adds prompt
sections, hints and global data. Built-in skills live in one subpackage each
(``signalwire/agents/skills/<name>/skill.py``) and are imported only when an
agent asks for them. Write your own by subclassing :class:`SkillBase` and make
it available with :func:`register_skill`, :func:`add_skill_directory`,
``SIGNALWIRE_SKILL_PATHS`` or an entry point in the ``signalwire.skills`` group.
"""

from __future__ import annotations

from signalwire.agents.skills._host import SkillHost
from signalwire.agents.skills._manager import SkillManager
from signalwire.agents.skills._params import SkillParameterError
from signalwire.agents.skills._skill_base import SkillBase
from signalwire.agents.skills.registry import (
    SkillNotFoundError,
    SkillRegistry,
    add_skill_directory,
    list_skills,
    list_skills_with_params,
    register_skill,
    skill_registry,
)

__all__ = [
    "SkillBase",
    "SkillHost",
    "SkillManager",
    "SkillNotFoundError",
    "SkillParameterError",
    "SkillRegistry",
    "add_skill_directory",
    "list_skills",
    "list_skills_with_params",
    "register_skill",
    "skill_registry",
]
