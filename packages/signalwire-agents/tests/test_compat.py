"""``signalwire_agents``: signalwire-agents 1.x import paths resolve to this project's objects.

The package is a table lookup (the one signalwire-migrate rewrites imports with) behind an
import hook; these tests walk that table through the 1.x spelling, and run a 1.x script in
a fresh interpreter to see the warning a user sees.
"""

from __future__ import annotations

import importlib
import importlib.util
import subprocess
import sys
import warnings
from pathlib import Path
from types import ModuleType

import pytest

from signalwire.agents._migrate import _mapping
from signalwire.agents._migrate._mapping import MODULE_TARGETS, PREFIXES, TOP_LEVEL, Target

HERE = Path(__file__).parent
SCRIPT = HERE / "compat_1x" / "agent_1x.py"
HAS_REST = importlib.util.find_spec("signalwire.rest") is not None


@pytest.fixture(scope="module")
def sa() -> ModuleType:
    """``signalwire_agents``, imported once for the module (its warning is tested apart)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return importlib.import_module("signalwire_agents")


def _one_x(path: str) -> str:
    """A table key (``signalwire.x``) in the 1.x spelling (``signalwire_agents.x``)."""
    return "signalwire_agents" + path[len("signalwire") :]


def test_top_level_names_are_the_same_objects(sa: ModuleType) -> None:
    checked = 0
    for name, target in TOP_LEVEL.items():
        if not isinstance(target, Target):
            continue
        if target.module.startswith("signalwire.rest") and not HAS_REST:
            with pytest.raises(ImportError, match="pip install signalwire-rest"):
                getattr(sa, name)
            continue
        assert getattr(sa, name) is getattr(importlib.import_module(target.module), target.name)
        checked += 1
    assert checked >= 20


@pytest.mark.usefixtures("sa")
@pytest.mark.parametrize("vendor_path", sorted(MODULE_TARGETS))
def test_every_mapped_module_path_imports_in_its_1x_spelling(vendor_path: str) -> None:
    if vendor_path == "signalwire":
        return
    module = importlib.import_module(_one_x(vendor_path))
    target = importlib.import_module(MODULE_TARGETS[vendor_path])
    # Every public name of the target is reachable through the 1.x path (same object),
    # unless the table sends it elsewhere.
    special = _mapping.MODULE_NAMES.get(vendor_path, {})
    for name in getattr(target, "__all__", [])[:40]:
        if name in special or name.startswith("__"):
            continue
        assert getattr(module, name) is getattr(target, name), (vendor_path, name)


@pytest.mark.usefixtures("sa")
@pytest.mark.parametrize(
    ("path", "name", "ours"),
    [
        ("signalwire_agents.core.function_result", "SwaigFunctionResult", "signalwire.agents"),
        ("signalwire_agents.core.agent_base", "AgentBase", "signalwire.agents"),
        ("signalwire_agents.core.data_map", "DataMap", "signalwire.agents"),
        ("signalwire_agents.core.data_map", "create_simple_api_tool", "signalwire.agents"),
        ("signalwire_agents.core.swml_service", "SWMLService", "signalwire.agents"),
        ("signalwire_agents.core.swml_builder", "SWMLBuilder", "signalwire.agents"),
        ("signalwire_agents.core.contexts", "ContextBuilder", "signalwire.agents"),
        ("signalwire_agents.core.logging_config", "get_logger", "signalwire.agents"),
        ("signalwire_agents.agent_server", "AgentServer", "signalwire.agents"),
        ("signalwire_agents.web", "WebService", "signalwire.agents"),
        ("signalwire_agents.core.skill_base", "SkillBase", "signalwire.agents.skills"),
        ("signalwire_agents.skills", "SkillBase", "signalwire.agents.skills"),
        ("signalwire_agents.skills.registry", "skill_registry", "signalwire.agents.skills"),
        (
            "signalwire_agents.skills.datetime.skill",
            "DateTimeSkill",
            "signalwire.agents.skills.datetime.skill",
        ),
        ("signalwire_agents.prefabs", "InfoGathererAgent", "signalwire.agents.prefabs"),
        (
            "signalwire_agents.prefabs.receptionist",
            "ReceptionistAgent",
            "signalwire.agents.prefabs",
        ),
        ("signalwire_agents.agents.bedrock", "BedrockAgent", "signalwire.agents.bedrock"),
        ("signalwire_agents.utils.schema_utils", "SchemaValidationError", "signalwire.agents"),
        ("signalwire_agents.ai_chat", "AIChatClient", "signalwire.agents.ai_chat"),
        ("signalwire_agents.ai_chat.gateway", "ChatGateway", "signalwire.agents.ai_chat"),
        ("signalwire_agents.ai_chat.handoff", "NonceEntry", "signalwire.agents.ai_chat"),
        (
            "signalwire_agents.mcp_gateway.gateway_service",
            "MCPGateway",
            "signalwire.agents.mcp_gateway",
        ),
        ("signalwire_agents.mcp_gateway.mcp_manager", "MCPClient", "signalwire.agents.mcp_gateway"),
    ],
)
def test_1x_module_paths_public_code_uses(path: str, name: str, ours: str) -> None:
    module = importlib.import_module(path)
    assert getattr(module, name) is getattr(importlib.import_module(ours), name)
    # ``from path import name`` goes the same way.
    namespace: dict[str, object] = {}
    exec(f"from {path} import {name}", namespace)  # the statement under test
    assert namespace[name] is getattr(module, name)


def test_submodules_are_reachable_as_attributes(sa: ModuleType) -> None:
    from signalwire_agents.core import function_result  # type: ignore[import-not-found]

    assert function_result.SwaigFunctionResult is sa.SwaigFunctionResult
    importlib.import_module("signalwire_agents.core.data_map")
    assert sa.core.data_map.DataMap is sa.DataMap


@pytest.mark.usefixtures("sa")
def test_relay_and_rest_keep_their_1x_paths() -> None:
    assert _mapping.lookup_module("signalwire_agents.relay") == "signalwire.relay"
    assert _mapping.lookup_module("signalwire_agents.rest") == "signalwire.rest"
    rest_client = _mapping.lookup_name("signalwire_agents.rest", "SignalWireClient")
    assert rest_client == Target("signalwire.rest", "RestClient")
    if importlib.util.find_spec("signalwire.relay") is not None:
        relay = importlib.import_module("signalwire_agents.relay")
        assert relay.RelayClient is importlib.import_module("signalwire.relay").RelayClient
    if not HAS_REST:
        with pytest.raises(ImportError, match="from the signalwire-rest package"):
            from signalwire_agents.rest import SignalWireClient  # noqa: F401


@pytest.mark.usefixtures("sa")
def test_a_module_with_no_counterpart_names_the_reason() -> None:
    with pytest.raises(ImportError, match=r"signalwire_agents\.core\.mixins is not available"):
        importlib.import_module("signalwire_agents.core.mixins")
    with pytest.raises(ImportError, match="signalwire-migrate --check"):
        importlib.import_module("signalwire_agents.utils.url_validator")


def test_names_with_no_counterpart(sa: ModuleType) -> None:
    with pytest.raises(ImportError, match="logging is configured by serve"):
        from signalwire_agents import configure_logging  # noqa: F401
    with pytest.raises(AttributeError, match="has no attribute 'NoSuchThing'"):
        sa.NoSuchThing  # noqa: B018
    assert not hasattr(sa, "NoSuchThing")
    assert sa.__version__ == importlib.import_module("signalwire.agents").__version__
    assert "AgentBase" in dir(sa)


def test_every_prefix_maps_to_an_existing_package() -> None:
    for target in PREFIXES.values():
        assert importlib.util.find_spec(target) is not None, target


def _run(code_or_script: str | Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable]
    command += [str(code_or_script)] if isinstance(code_or_script, Path) else ["-c", code_or_script]
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_a_1x_script_runs_and_warns_exactly_once() -> None:
    result = _run(SCRIPT)
    assert result.returncode == 0, result.stderr
    assert "opening_hours says 'We are open from nine to five.'" in result.stdout
    assert "lookup_order" in result.stdout
    lines = [line for line in result.stderr.splitlines() if "Warning" in line]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"{SCRIPT}:")
    assert "DeprecationWarning" in lines[0] and "signalwire-migrate" in lines[0]


def test_the_warning_is_once_per_process_and_names_the_importer() -> None:
    code = (
        "import sys, warnings\n"
        "warnings.simplefilter('always')\n"
        "with warnings.catch_warnings(record=True) as seen:\n"
        "    warnings.simplefilter('always')\n"
        "    import signalwire_agents\n"
        "    import signalwire_agents.core.function_result\n"
        "    del sys.modules['signalwire_agents']\n"
        "    import signalwire_agents\n"
        "assert len(seen) == 1, [str(w.message) for w in seen]\n"
        "assert seen[0].category is DeprecationWarning\n"
        "assert seen[0].filename == '<string>', seen[0].filename\n"
        "print(seen[0].message)\n"
    )
    result = _run(code)
    assert result.returncode == 0, result.stderr
    assert "signalwire-migrate" in result.stdout


def test_importing_signalwire_agents_installs_no_hook() -> None:
    code = (
        "import sys, signalwire.agents\n"
        "from signalwire.agents import AgentBase\n"
        "assert not any(type(f).__module__.startswith('signalwire') for f in sys.meta_path)\n"
        "assert 'signalwire_agents' not in sys.modules\n"
        "assert not [m for m in sys.modules if m.startswith('signalwire.agents._migrate')]\n"
    )
    result = _run(code)
    assert result.returncode == 0, result.stderr
