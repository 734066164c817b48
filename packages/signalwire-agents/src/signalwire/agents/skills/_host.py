"""SkillHost: what skills and the SkillManager need from the agent they are loaded into.

The skills package names its host here instead of importing AgentBase (which
imports the skills package for its ``add_skill`` methods), so the import arrows
point one way: ``_agent_base`` → ``skills`` → this Protocol.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

__all__ = ["SkillHost"]


class SkillHost(Protocol):
    """An agent skills can be loaded into (``AgentBase`` is one).

    A skill adds tools, hints, global data and prompt sections through the
    public methods; the SkillManager takes them out again with the ``_remove_*``
    methods when the skill is removed. A skill that needs more of the agent
    (languages, contexts, ...) may ``cast`` its ``agent`` to ``AgentBase``.
    """

    name: str

    def define_tool(self, *args: Any, **kwargs: Any) -> object:
        """Register a tool (``AgentBase.define_tool``)."""
        ...

    def register_swaig_function(self, function_dict: Mapping[str, Any]) -> object:
        """Register a raw function dict such as a DataMap tool."""
        ...

    def add_hints(self, hints: Iterable[str]) -> object:
        """Add speech-recognition hints."""
        ...

    def update_global_data(self, data: Mapping[str, Any]) -> object:
        """Merge keys into the AI's global data."""
        ...

    def prompt_add_section(
        self,
        title: str,
        body: str = "",
        bullets: list[str] | None = None,
        numbered: bool = False,
        numbered_bullets: bool = False,
        subsections: list[dict[str, Any]] | None = None,
    ) -> object:
        """Add a prompt section."""
        ...

    def _registered_tool_names(self) -> list[str]:
        """Names of the registered tools, in registration order."""
        ...

    def _remove_tools(self, names: Iterable[str]) -> None:
        """Unregister these tools (unknown names are ignored)."""
        ...

    def _remove_hints(self, hints: Iterable[Any]) -> None:
        """Remove one occurrence of each of these hints."""
        ...

    def _remove_global_data(self, keys: Iterable[str]) -> None:
        """Remove these global-data keys."""
        ...

    def _remove_prompt_sections(self, titles: Iterable[str]) -> None:
        """Remove the last top-level prompt section with each of these titles."""
        ...
