"""The AI Chat and MCP gateway examples run offline against the local fakes."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import pytest

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "agents"


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SWML_BASIC_AUTH_USER", "signalwire")
    monkeypatch.setenv("SWML_BASIC_AUTH_PASSWORD", "s3cret")
    monkeypatch.setenv("SWML_ALLOW_PRIVATE_URLS", "1")
    for name in ("MCP_GATEWAY_AUTH_TOKEN", "MCP_GATEWAY_AUTH_USER", "MCP_GATEWAY_AUTH_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def load(name: str) -> dict[str, Any]:
    return runpy.run_path(str(EXAMPLES / name), run_name="example")


async def test_ai_chat_widget_demo() -> None:
    lines = await load("ai_chat_widget.py")["demo"]()
    assert lines == [
        "agent: Hello! How can I help?",
        "you: Where is order 1042?",
        "agent: You said: Where is order 1042?",
        "you: Thanks!",
        "agent: You said: Thanks!",
        "(5 messages in the transcript)",
    ]


def test_mcp_gateway_demo(tmp_path: Path) -> None:
    lines = load("mcp_gateway_demo/demo.py")["demo"]()
    assert lines[:2] == ["Added 'buy milk' (1 items)", "buy milk"]
    assert not list((tmp_path / "sandbox").glob("mcp_*"))  # the session's directory is gone
