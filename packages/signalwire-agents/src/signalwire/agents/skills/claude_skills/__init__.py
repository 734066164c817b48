"""The ``claude_skills`` skill: Claude-style ``SKILL.md`` folders as agent tools."""
