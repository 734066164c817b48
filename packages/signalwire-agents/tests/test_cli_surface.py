"""Every documented command of the agents namespace is a console script accepting its flags.

The reference is the committed python-api.json (owner ``cli``); commands of areas with
their own package or subsystem (``mcp-gateway``, ``sw-search``) are checked there.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from signalwire_devtools.surface import surface_entries

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
SEPARATE_AREAS = {"mcp-gateway", "search"}
PARSERS = {
    "swaig-test": "signalwire.agents._cli._args",
    "sw-agent-init": "signalwire.agents._scaffold._main",
    "sw-agent-dokku": "signalwire.agents._dokku._main",
}
COMMANDS = [e for e in surface_entries("agents", {"cli"}) if e.get("area") not in SEPARATE_AREAS]


def scripts() -> dict[str, str]:
    text = PYPROJECT.read_text("utf-8")
    if sys.version_info >= (3, 11):
        import tomllib

        found: dict[str, str] = tomllib.loads(text)["project"]["scripts"]
        return found
    block = text.split("[project.scripts]", 1)[1].split("\n[", 1)[0]
    return dict(re.findall(r'^([\w-]+) = "([^"]+)"', block, re.M))


def all_options(parser: argparse.ArgumentParser) -> set[str]:
    found: set[str] = set()
    for action in parser._actions:
        found.update(action.option_strings)
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found |= all_options(sub)
    return found


def test_the_documented_commands_are_the_expected_ones() -> None:
    assert sorted(e["member"] for e in COMMANDS) == sorted(PARSERS)


@pytest.mark.parametrize("entry", COMMANDS, ids=lambda e: f"cli.{e['member']}")
def test_documented_command_is_present_with_its_flags(entry: dict[str, Any]) -> None:
    name = entry["member"]
    target = scripts().get(name)
    assert target, f"{name} is not a console script of signalwire-agents"
    module_name, _, func = target.partition(":")
    assert callable(getattr(importlib.import_module(module_name), func))
    parser = importlib.import_module(PARSERS[name]).build_parser()
    missing = set(entry["params"]) - all_options(parser)
    assert not missing, f"{name} lacks {sorted(missing)}"


@pytest.mark.parametrize("name", sorted(PARSERS))
def test_help_shows_an_example(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    module = importlib.import_module(scripts()[name].partition(":")[0])
    assert module.main(["--help"]) == 0
    text = capsys.readouterr().out
    assert "xamples:" in text and f"\n  {name} " in text
