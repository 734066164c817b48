"""examples/agents/datamap_weather.py renders a schema-valid document with --dump."""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path
from typing import Any

import pytest

from signalwire.testing.swml import validate_swml

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "agents" / "datamap_weather.py"


def dump(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    monkeypatch.setattr(sys, "argv", [str(EXAMPLE), "--dump"])
    runpy.run_path(str(EXAMPLE), run_name="__main__")
    document: dict[str, Any] = json.loads(capsys.readouterr().out)
    validate_swml(document)
    return document


def test_datamap_example(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WEATHER_API_KEY", "k123")
    document = dump(monkeypatch, capsys)
    ai = next(v["ai"] for v in document["sections"]["main"] if "ai" in v)
    functions = {f["function"]: f for f in ai["SWAIG"]["functions"]}
    assert set(functions) == {"get_weather", "get_astronomy", "set_units"}
    weather = functions["get_weather"]
    assert "web_hook_url" not in weather  # runs on the platform
    (hook,) = weather["data_map"]["webhooks"]
    assert hook["url"].startswith("https://api.weatherapi.com/v1/current.json?key=k123&q=")
    assert hook["error_keys"] == ["error"]
