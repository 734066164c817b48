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


def test_ai_chat_and_mcp_gateway_load_only_when_imported() -> None:
    result = assert_clean_import("signalwire.agents")
    loaded = set(result["modules"])
    assert not {
        m
        for m in loaded
        if m.startswith(("signalwire.agents.ai_chat", "signalwire.agents.mcp_gateway"))
    }
    for module in ("signalwire.agents.ai_chat", "signalwire.agents.mcp_gateway"):
        sub = assert_clean_import(module)
        assert not {"uvicorn", "starlette", "websockets"} & set(sub["top_level"]), module


def test_toolbox_subsystems_are_not_imported_by_the_package() -> None:
    result = assert_clean_import("signalwire.agents")
    loaded = set(result["modules"])
    for module in (
        "signalwire.agents.livewire",
        "signalwire.agents._pom_model",
        "signalwire.agents._pom_tool",
        "signalwire.agents._semantic_gate",
    ):
        assert module not in loaded, module


def test_livewire_imports_cleanly() -> None:
    result = assert_clean_import("signalwire.agents.livewire")
    assert "signalwire.agents.livewire._build" not in result["modules"]
