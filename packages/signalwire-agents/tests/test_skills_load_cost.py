"""What loading the key-free built-in skills costs: nothing that can wait for a tool call."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from signalwire.agents.skills import list_skills_with_params

# Parameters the key-free skills require (none of them a secret).
SAMPLE: dict[str, dict[str, Any]] = {
    "play_background_file": {
        "files": [{"key": "hold", "description": "hold music", "url": "https://x.test/h.mp3"}]
    },
    "swml_transfer": {"transfers": {"/sales/i": {"address": "+15551230001"}}},
    "info_gatherer": {"questions": [{"key_name": "name", "question_text": "Your name?"}]},
    "native_vector_search": {"index_file": "missing.swsearch"},
}

# Modules a skill needs only once a tool runs (or never, for a built-in name).
DEFERRED = [
    "asyncio",
    "httpx",
    "ssl",
    "socket",
    "zoneinfo",
    "html.parser",
    "urllib.robotparser",
    "importlib.metadata",
]


def key_free() -> list[str]:
    """Built-in skills with no secret parameter (the benchmark derives its list the same way)."""
    schemas = list_skills_with_params()
    return sorted(
        name
        for name, info in schemas.items()
        if info["source"] == "built-in"
        and not info["required_env_vars"]
        and not any(spec.get("hidden") for spec in info["parameters"].values())
    )


def test_the_key_free_skills_are_the_expected_ones() -> None:
    assert key_free() == [
        "claude_skills",
        "datetime",
        "info_gatherer",
        "math",
        "native_vector_search",
        "play_background_file",
        "spider",
        "swml_transfer",
        "wikipedia_search",
    ]


def test_adding_every_key_free_skill_imports_nothing_a_tool_call_can_load(
    tmp_path: Path,
) -> None:
    (tmp_path / "returns").mkdir()
    (tmp_path / "returns" / "SKILL.md").write_text(
        "---\nname: returns\ndescription: How returns work\n---\nExplain returns.\n"
    )
    configs = {name: SAMPLE.get(name, {}) for name in key_free()}
    configs["claude_skills"] = {"skills_path": str(tmp_path)}
    code = (
        "import json, sys\n"
        "from signalwire.agents import AgentBase\n"
        "agent = AgentBase('x', basic_auth=('u', 'p'))\n"
        "before = set(sys.modules)\n"
        f"for name, params in json.loads({json.dumps(configs)!r}).items():\n"
        "    agent.add_skill(name, params)\n"
        "print(json.dumps(sorted(set(sys.modules) - before)))\n"
        "print(json.dumps(agent.list_skills()))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    new_modules, loaded = (json.loads(line) for line in out.stdout.strip().splitlines())
    assert len(loaded) == len(configs)
    assert [m for m in DEFERRED if m in new_modules] == []
    # The loaded skills' own modules did come in: the check above saw real loading.
    assert "signalwire.agents.skills.spider.skill" in new_modules
