"""Agents test configuration: make agents_testkit importable; isolate the environment."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "SWML_PROXY_URL_BASE",
        "SWML_BASIC_AUTH_USER",
        "SWML_BASIC_AUTH_PASSWORD",
        "SIGNALWIRE_SWAIG_SECRET",
        "SIGNALWIRE_SIGNING_KEY",
        "SWML_SKIP_SCHEMA_VALIDATION",
        "PORT",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def fresh_registry(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The global skill registry with its external sources emptied for one test."""
    from signalwire.agents.skills.registry import skill_registry

    builtins = {
        k: v
        for k, v in skill_registry._skills.items()
        if skill_registry._sources.get(k) == "built-in"
    }
    monkeypatch.setattr(skill_registry, "_skills", dict(builtins))
    monkeypatch.setattr(skill_registry, "_sources", dict.fromkeys(builtins, "built-in"))
    monkeypatch.setattr(skill_registry, "_registered", {})
    monkeypatch.setattr(skill_registry, "_external_paths", [])
    monkeypatch.setattr(skill_registry, "_entry_points", None)
    monkeypatch.delenv("SIGNALWIRE_SKILL_PATHS", raising=False)
    return skill_registry
