"""Every documented ContextBuilder, Context, Step, GatherInfo, GatherQuestion, DataMap and SWMLBuilder member exists with the documented parameters (python-api.json)."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

import signalwire.agents as agents
from signalwire_devtools.surface import all_surface_entries


def entries(owners: set[str], functions: set[str]) -> list[dict[str, Any]]:
    return [
        e
        for e in all_surface_entries()
        if e["namespace"] == "agents"
        and (e["owner"] in owners or (e["owner"] == "signalwire" and e["member"] in functions))
    ]


def check_entry(entry: dict[str, Any]) -> None:
    owner, member, kind = entry["owner"], entry["member"], entry["kind"]
    if owner == "signalwire":
        target: Any = getattr(agents, member)
    else:
        cls = getattr(agents, owner)
        if kind == "class":
            assert inspect.isclass(cls)
            assert cls.__doc__
            return
        target = cls.__init__ if kind == "constructor" else getattr(cls, member)
    if kind == "property":
        assert isinstance(target, property) or not callable(target), (owner, member)
        return
    assert callable(target), (owner, member)
    assert kind == "constructor" or target.__doc__, (owner, member)
    params = inspect.signature(target).parameters
    names = [n for n in params if n != "self"]
    has_kwargs = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    for documented in entry.get("params") or []:
        name = documented.lstrip("*")
        if documented.startswith("**"):
            assert has_kwargs, (owner, member, documented)
        else:
            assert name in names or has_kwargs, (owner, member, documented, names)


OWNERS = {
    "ContextBuilder",
    "Context",
    "Step",
    "GatherInfo",
    "GatherQuestion",
    "DataMap",
    "SWMLBuilder",
}
FUNCTIONS = {"create_simple_context", "create_simple_api_tool", "create_expression_tool"}
ENTRIES = entries(OWNERS, FUNCTIONS)


def test_surface_is_covered() -> None:
    assert {e["owner"] for e in ENTRIES} == OWNERS | {"signalwire"}
    assert len(ENTRIES) > 90


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: f"{e['owner']}.{e['member']}")
def test_documented_member(entry: dict[str, Any]) -> None:
    check_entry(entry)


def test_documented_names_are_exported() -> None:
    for name in OWNERS | FUNCTIONS:
        assert name in agents.__all__
