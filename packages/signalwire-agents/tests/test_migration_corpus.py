"""The corpus of vendor-style scripts runs unchanged after ``signalwire-migrate``.

Each script is copied to a temporary tree, the command rewrites the copy, a
second ``--check`` run finds nothing left to do (no rewrite, and no notice: the notices
that concern code written for signalwire-sdk are not given once it is migrated), and then
every agent renders
valid SWML and answers its tools through ``/swaig/`` (with the token of the
rendered ``web_hook_url`` for secure tools).
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from agents_testkit import basic, client_for, swaig_body, swml_fetch_body

from signalwire.agents import AgentBase
from signalwire.agents._migrate import main as migrate
from signalwire.testing.swml import validate_swml

CORPUS = Path(__file__).parent / "migration_corpus"

#: script → {tool: (arguments, expected response)}
CALLS: dict[str, dict[str, tuple[dict[str, Any], str]]] = {
    "decorators_agent": {
        "check_room": ({"room": "204"}, "Room 204 is free tonight."),
        "get_time": ({}, "It is half past nine."),
        "end_session": ({"reason": "done"}, "Goodbye (done)."),
        "spell": ({"word": "abc"}, "A-B-C"),
    },
    "define_tool_agent": {
        "refill": ({"rx_number": "RX1"}, "Refill of RX1 requested."),
        "store_hours": ({}, "We are open from 8 to 8."),
        "cancel": ({"rx_number": "RX2"}, "Cancelled RX2 for +15551230000."),
        "pickup": ({"rx_number": "RX3"}, "RX3 is ready after 4pm."),
    },
    "contexts_agent": {"lookup_patient": ({"name": "Ada"}, "Found patient Ada.")},
    "datamap_agent": {"coverage": ({}, "We cover every capital city.")},
    "actions_agent": {
        "transfer_sales": ({}, "Transferring you to sales."),
        "send_link": ({}, "I sent you a text."),
        "hold": ({}, "Please hold."),
        "conference": ({}, "Joining."),
    },
    "deep_imports_agent": {
        "version": ({}, "Version two."),
        "kind": ({}, "An agent is a SWMLService"),
    },
    "logging_agent": {"note": ({"text": "call back"}, "Noted: call back")},
    "fastapi_mount_agent": {"place_order": ({"item": "lamp"}, "Ordered one lamp.")},
}
#: scripts that need the [fastapi] extra (run by the agents_fastapi nox target)
NEEDS_FASTAPI = {"fastapi_mount_agent"}
HAS_FASTAPI = importlib.util.find_spec("fastapi") is not None


def test_every_corpus_script_has_expectations() -> None:
    assert {p.stem for p in CORPUS.glob("*.py")} == set(CALLS)


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = tmp_path_factory.mktemp("corpus")
    for script in CORPUS.glob("*.py"):
        shutil.copy(script, tree / script.name)
    assert migrate([str(tree)]) == 0
    return tree


def _load(path: Path) -> Any:
    name = f"corpus_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(name, None)
    return module


def _one_x_only(script: Path) -> bool:
    """True when the script imports only signalwire-agents 1.x paths (``signalwire_agents``)."""
    return not re.search(r"^\s*(from|import) signalwire[ .]", script.read_text(), re.M)


def test_originals_do_not_import_here() -> None:
    """Without the migration the signalwire-sdk paths fail, so the corpus really exercises it;
    a script using only 1.x paths runs unchanged through the ``signalwire_agents`` package."""
    with warnings.catch_warnings():  # importing signalwire_agents warns (test_compat.py)
        warnings.simplefilter("ignore", DeprecationWarning)
        one_x = _import_originals()
    assert one_x >= 1  # the corpus holds a 1.x script


def _import_originals() -> int:
    one_x = 0
    for script in CORPUS.glob("*.py"):
        if script.stem in NEEDS_FASTAPI and not HAS_FASTAPI:
            continue
        if _one_x_only(script):
            assert isinstance(_load(script).agent, AgentBase), script.name
            one_x += 1
            continue
        with pytest.raises(ImportError) as err:
            _load(script)
        assert (err.value.name or "").startswith("signalwire"), (script.name, err.value)
    return one_x


def test_migrated_tree_needs_nothing_more(
    migrated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert migrate(["--check", str(migrated)]) == 0
    assert "would rewrite 0 file(s); 0 unmappable" in capsys.readouterr().err


@pytest.mark.parametrize("script", sorted(CALLS))
async def test_migrated_script_renders_and_runs_its_tools(migrated: Path, script: str) -> None:
    if script in NEEDS_FASTAPI and not HAS_FASTAPI:
        pytest.skip("needs FastAPI (the agents_fastapi nox target runs it)")
    source = (migrated / f"{script}.py").read_text()
    assert "signalwire_agents" not in source.replace("import signalwire.agents as", "")
    agent = _load(migrated / f"{script}.py").agent
    assert isinstance(agent, AgentBase)
    route = agent.route
    async with client_for(agent.get_app()) as client:
        resp = await client.post(
            f"{route}/",
            json=swml_fetch_body("call-m"),
            headers=basic(*agent.get_basic_auth_credentials()),
        )
        assert resp.status_code == 200, resp.text
        doc = validate_swml(resp.json())
        ai = next(v["ai"] for v in doc["sections"]["main"] if "ai" in v)
        urls = {f["function"]: f.get("web_hook_url", "") for f in ai["SWAIG"].get("functions", [])}
        for tool, (args, expected) in CALLS[script].items():
            assert tool in urls, f"{script}: {tool} not rendered"
            token = parse_qs(urlsplit(urls[tool]).query).get("__token", [""])[0]
            resp = await client.post(
                f"{route}/swaig/?__token={token}",
                json=swaig_body(tool, args, "call-m"),
                headers=basic(*agent.get_basic_auth_credentials()),
            )
            assert resp.status_code == 200
            assert resp.json()["response"] == expected, (script, tool)
        if script == "fastapi_mount_agent":
            assert (await client.get("/status")).json() == {"open": True}
            assert (await client.get("/admin/orders")).status_code == 403
            admin = await client.get("/admin/orders", headers={"x-api-key": "letmein"})
            assert admin.json() == {"orders": []}
