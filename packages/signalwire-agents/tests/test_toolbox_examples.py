"""The semantic-gate and POM-file examples in examples/agents, run offline."""

from __future__ import annotations

import runpy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from agents_testkit import ai_of, basic, client_for, swaig_body, swml_fetch_body
from agents_testkit import token_from as tok

from signalwire.testing.swml import validate_swml

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "agents"


@pytest.fixture(autouse=True)
def _creds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWML_BASIC_AUTH_USER", "signalwire")
    monkeypatch.setenv("SWML_BASIC_AUTH_PASSWORD", "s3cret")


async def test_semantic_gates_example() -> None:
    agent = runpy.run_path(str(EXAMPLES / "semantic_gates.py"), run_name="example")["agent"]
    async with client_for(agent.get_app()) as client:
        resp = await client.post("/accounts/", json=swml_fetch_body("g1"), headers=basic())
        ai = ai_of(validate_swml(resp.json()))
        fns: dict[str, Any] = {f["function"]: f for f in ai["SWAIG"]["functions"]}
        gates = fns["cancel_account"]["gates"]
        assert [g["id"] for g in gates] == ["explicit_request", "verified"]
        assert gates[0]["on_fail"]["response"]["tool_result"] == "cancel_account was not run."
        assert gates[1]["on_fail"] == {
            "response": "cancel_account was not run: verify the caller's identity first."
        }
        assert fns["cancel_account"]["gate_fillers"] == {
            "default": ["Let me make sure I have that right."]
        }
        assert "gates" not in fns["verify_identity"]
        assert ai["params"]["semantic_gate_timeout_ms"] == 4000
        # The gated tool itself still runs normally when the platform dispatches it.
        url = fns["cancel_account"]["web_hook_url"]
        done = await client.post(
            f"/accounts/swaig/?__token={tok(url)}",
            json=swaig_body("cancel_account", {}, "g1"),
            headers=basic(),
        )
        assert done.json() == {"response": "The account is cancelled."}


def test_pom_files_example_prints_the_prompt() -> None:
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES / "pom_files.py"), "--preview"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("## Role\n")
    assert "- We open at 17:00." in proc.stdout
    assert "### Large parties" in proc.stdout


async def test_pom_files_example_agent_serves_the_file_prompt(tmp_path: Path) -> None:
    example = runpy.run_path(str(EXAMPLES / "pom_files.py"), run_name="example")
    path = tmp_path / "prompt.json"
    example["write_prompt"](path)
    agent = example["build_agent"](path)
    async with client_for(agent.get_app()) as client:
        resp = await client.post("/bookings/", json=swml_fetch_body(), headers=basic())
        pom = ai_of(validate_swml(resp.json()))["prompt"]["pom"]
    assert [s["title"] for s in pom] == ["Role", "Rules"]
    assert pom[1]["bullets"][-1] == "We open at 17:00."
