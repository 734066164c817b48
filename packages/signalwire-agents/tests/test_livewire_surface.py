"""Every documented LiveWire entry (``area`` livewire in python-api.json) exists.

LiveWire's ``AgentServer`` (with ``rtc_session``) is not ``signalwire.agents.AgentServer``:
the entries are told apart by ``area``, and these are looked up in the livewire package.
"""

from __future__ import annotations

import inspect
from typing import Any

import pytest

import signalwire.agents as agents
from signalwire.agents import livewire
from signalwire_devtools.surface import surface_entries

ENTRIES = [e for e in surface_entries("agents") if e.get("area") == "livewire"]

#: Documentation pages grouping several names under one heading, and the names they cover.
GROUPS: dict[str, tuple[str, ...]] = {
    "LiveWire": ("function_tool", "run_app", "AgentServer", "Agent", "AgentSession"),
    "Infrastructure": ("JobContext", "JobProcess", "Room", "AgentServer", "run_app"),
    "Plugins": (
        "DeepgramSTT",
        "OpenAILLM",
        "CartesiaTTS",
        "ElevenLabsTTS",
        "SileroVAD",
        "InferenceSTT",
        "InferenceLLM",
        "InferenceTTS",
    ),
    "Signals": ("StopResponse", "ToolError", "AgentHandoff"),
}


def owner_object(owner: str) -> Any:
    if owner == "LiveWire":
        return livewire
    return getattr(livewire, owner)


def test_the_reference_has_livewire_entries() -> None:
    assert len(ENTRIES) >= 20
    owners = {e["owner"] for e in ENTRIES}
    assert {"Agent", "AgentSession", "AgentServer", "RunContext", "LiveWire"} <= owners


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: f"{e['owner']}.{e['member']}")
def test_documented_livewire_member_exists_with_documented_parameters(
    entry: dict[str, Any],
) -> None:
    owner, member = entry["owner"], entry["member"]
    if entry["kind"] == "class":
        if owner in GROUPS:
            for name in GROUPS[owner]:
                assert callable(getattr(livewire, name)), name
            return
        cls = getattr(livewire, member)
        assert inspect.isclass(cls) and cls.__doc__
        return
    target = getattr(owner_object(owner), member)
    params = inspect.signature(target).parameters
    accepts_kwargs = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    for name in entry["params"]:
        assert name in params or accepts_kwargs, f"{owner}.{member} lacks parameter {name!r}"


def test_livewire_agent_server_is_not_the_agents_agent_server() -> None:
    assert livewire.AgentServer is not agents.AgentServer
    assert hasattr(livewire.AgentServer, "rtc_session")
    assert not hasattr(agents.AgentServer, "rtc_session")


def test_every_public_livewire_name_has_a_docstring() -> None:
    for name in livewire.__all__:
        obj = getattr(livewire, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert obj.__doc__, name
