"""examples/agents/contexts_agent.py renders a schema-valid document with --dump."""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path
from typing import Any

import pytest

from signalwire.testing.swml import validate_swml

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "agents" / "contexts_agent.py"


def dump(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    monkeypatch.setattr(sys, "argv", [str(EXAMPLE), "--dump"])
    runpy.run_path(str(EXAMPLE), run_name="__main__")
    document: dict[str, Any] = json.loads(capsys.readouterr().out)
    validate_swml(document)
    return document


def test_contexts_example(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    document = dump(monkeypatch, capsys)
    ai = next(v["ai"] for v in document["sections"]["main"] if "ai" in v)
    contexts = ai["prompt"]["contexts"]
    assert list(contexts) == ["default", "billing", "technical"]
    details = contexts["default"]["steps"][1]
    assert [q["key"] for q in details["gather_info"]["questions"]] == [
        "name",
        "account_id",
        "topic",
    ]
    tools = {f["function"] for f in ai["SWAIG"]["functions"]}
    assert {"lookup_invoice", "run_line_test"} <= tools
