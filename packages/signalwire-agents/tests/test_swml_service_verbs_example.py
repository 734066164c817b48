"""examples/agents/ivr_swml_service.py renders a schema-valid document with --dump."""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path
from typing import Any

import pytest

from signalwire.testing.swml import validate_swml

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "agents" / "ivr_swml_service.py"


def dump(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    monkeypatch.setattr(sys, "argv", [str(EXAMPLE), "--dump"])
    runpy.run_path(str(EXAMPLE), run_name="__main__")
    document: dict[str, Any] = json.loads(capsys.readouterr().out)
    validate_swml(document)
    return document


def test_ivr_example(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    document = dump(monkeypatch, capsys)
    sections = document["sections"]
    assert set(sections) == {"main", "sales", "support"}
    assert [next(iter(v)) for v in sections["main"]] == [
        "answer",
        "record_call",
        "prompt",
        "switch",
    ]
    assert [next(iter(v)) for v in sections["support"]] == ["play", "record", "hangup"]
