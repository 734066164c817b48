"""Importing signalwire.agents reads no environment, opens nothing, configures no logging
and loads none of the libraries this namespace does not need."""

from __future__ import annotations

from signalwire_devtools.hygiene import assert_clean_import


def test_import_is_side_effect_free() -> None:
    assert_clean_import("signalwire.agents")


def test_skills_and_prefabs_import_cleanly_and_load_no_builtin_skill() -> None:
    for module in (
        "signalwire.agents.skills",
        "signalwire.agents.prefabs",
        "signalwire.agents.bedrock",
    ):
        result = assert_clean_import(module)
        assert not {"uvicorn", "websockets"} & set(result["top_level"])
        skills = [m for m in result["modules"] if m.startswith("signalwire.agents.skills.")]
        assert not [m for m in skills if m.endswith(".skill")], skills
