"""The skills that call outside services match their documented surface.

For each ``skills`` entry of the vendor's documented API that this module
covers: the skill is registered, accepts every documented parameter, and
registers the documented tools under their default names.
"""

from __future__ import annotations

from typing import Any

import pytest
from skills_testkit import fetch, functions, new_agent

from signalwire.agents.skills import skill_registry
from signalwire_devtools.surface import surface_entries

SERVICE_SKILLS = {
    "web_search",
    "wikipedia_search",
    "weather_api",
    "joke",
    "api_ninjas_trivia",
    "google_maps",
    "datasphere",
    "datasphere_serverless",
    "spider",
    "mcp_gateway",
}
#: Parameters that let each skill load without reaching a real service.
MINIMAL: dict[str, dict[str, Any]] = {
    "web_search": {"api_key": "k", "search_engine_id": "e"},
    "weather_api": {"api_key": "k"},
    "joke": {"api_key": "k"},
    "api_ninjas_trivia": {"api_key": "k"},
    "google_maps": {"api_key": "k"},
    "datasphere": {"space_name": "s", "project_id": "p", "token": "t", "document_id": "d"},
    "datasphere_serverless": {
        "space_name": "s",
        "project_id": "p",
        "token": "t",
        "document_id": "d",
    },
}

ENTRIES = [e for e in surface_entries("agents", {"skills"}) if e["member"] in SERVICE_SKILLS]


def test_every_service_skill_is_documented() -> None:
    assert {e["member"] for e in ENTRIES} == SERVICE_SKILLS


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["member"])
def test_documented_parameters_are_in_the_schema(entry: dict[str, Any]) -> None:
    cls = skill_registry.get_skill_class(entry["member"])
    assert cls is not None and entry["member"] == cls.SKILL_NAME
    schema = cls.get_parameter_schema()
    missing = [p for p in entry["params"] if p not in schema]
    assert not missing, f"{entry['member']} lacks documented parameters {missing}"
    for name, spec in schema.items():
        assert spec.get("description"), f"{entry['member']}.{name} has no description"


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "entry",
    [e for e in ENTRIES if e.get("tools") and e["member"] != "mcp_gateway"],
    ids=lambda e: e["member"],
)
async def test_documented_tools_are_registered(entry: dict[str, Any]) -> None:
    agent = new_agent()
    agent.add_skill(entry["member"], MINIMAL.get(entry["member"], {}))
    names = set(functions(await fetch(agent)))
    assert set(entry["tools"]) <= names


def test_only_the_needed_skill_module_loads() -> None:
    import subprocess
    import sys

    code = (
        "import sys; import signalwire.agents as a; "
        "ag = a.AgentBase('x', basic_auth=('u', 'p')); ag.add_skill('joke', {'api_key': 'k'}); "
        "mods = [m for m in sys.modules if m.startswith('signalwire.agents.skills.')]; "
        "print(sorted(m for m in mods if m.count('.') == 3)); print('httpx' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded, httpx_loaded = out.stdout.strip().splitlines()
    assert "signalwire.agents.skills.joke" in loaded
    for other in ("web_search", "spider", "mcp_gateway", "google_maps"):
        assert f"signalwire.agents.skills.{other}" not in loaded
    assert httpx_loaded == "False"  # a DataMap skill needs no HTTP client in the agent
