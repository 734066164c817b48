"""Constructor configuration: credentials, ports, routes, config files, env vars, reprs."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from agents_testkit import CREDS, basic, client_for

from signalwire.agents import AgentBase, SWMLService
from signalwire.core import SignalWireConfigError
from signalwire.testing.swml import validate_swml


def test_credentials_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert AgentBase("a", basic_auth=("u", "p")).get_basic_auth_credentials(True) == (
        "u",
        "p",
        "provided",
    )
    monkeypatch.setenv("SWML_BASIC_AUTH_USER", "envu")
    monkeypatch.setenv("SWML_BASIC_AUTH_PASSWORD", "envp")
    assert AgentBase("a").get_basic_auth_credentials(include_source=True) == (
        "envu",
        "envp",
        "environment",
    )
    monkeypatch.delenv("SWML_BASIC_AUTH_USER")
    cfg = tmp_path / "agent.json"
    cfg.write_text(
        json.dumps(
            {"security": {"auth": {"basic": {"user": "cfgu", "password": "${CFG_PW|fallback}"}}}}
        )
    )
    assert AgentBase("a", config_file=str(cfg)).get_basic_auth_credentials(True) == (
        "cfgu",
        "fallback",
        "config file",
    )


def test_generated_password_is_logged_without_the_secret(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="signalwire.agents"):
        agent = AgentBase("gen")
    user, password, source = agent.get_basic_auth_credentials(include_source=True)
    assert (user, source) == ("signalwire", "generated")
    assert len(password) >= 32
    assert caplog.records
    assert all(password not in r.getMessage() for r in caplog.records)
    assert password not in repr(agent)
    assert password not in repr(agent._auth)


def test_port_and_route(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert AgentBase("a", basic_auth=CREDS).port == 3000
    monkeypatch.setenv("PORT", "8123")
    assert AgentBase("a", basic_auth=CREDS).port == 8123
    assert AgentBase("a", basic_auth=CREDS, port=9000).port == 9000
    cfg = tmp_path / "c.json"
    cfg.write_text(json.dumps({"service": {"port": 7000, "route": "/cfg", "host": "127.0.0.1"}}))
    agent = AgentBase("a", basic_auth=CREDS, config_file=str(cfg))
    assert (agent.port, agent.route, agent.host) == (7000, "/cfg", "127.0.0.1")
    assert AgentBase("a", basic_auth=CREDS, route="/x/").route == "/x"
    assert AgentBase("a", basic_auth=CREDS, route="/").route == ""
    with pytest.raises(ValueError, match="route"):
        AgentBase("a", basic_auth=CREDS, route="nope")
    with pytest.raises(ValueError, match="port"):
        AgentBase("a", basic_auth=CREDS, port="abc")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="name"):
        AgentBase("", basic_auth=CREDS)
    with pytest.raises(ValueError, match="non-empty"):
        AgentBase("a", basic_auth=("", "p"))


def test_bad_config_files_raise_config_errors(tmp_path: Path) -> None:
    with pytest.raises(SignalWireConfigError, match="cannot read"):
        AgentBase("a", basic_auth=CREDS, config_file=str(tmp_path / "missing.json"))
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    with pytest.raises(SignalWireConfigError, match="not valid JSON"):
        AgentBase("a", basic_auth=CREDS, config_file=str(bad))


def test_schema_validation_of_added_verbs(monkeypatch: pytest.MonkeyPatch) -> None:
    from signalwire.agents import SchemaValidationError

    agent = AgentBase("a", basic_auth=CREDS)
    with pytest.raises(SchemaValidationError):
        agent.add_post_ai_verb("play", {"volume": "loud"})
    monkeypatch.setenv("SWML_SKIP_SCHEMA_VALIDATION", "1")
    relaxed = AgentBase("a", basic_auth=CREDS)
    assert not relaxed.full_validation_enabled
    relaxed.add_post_ai_verb("play", {"volume": "loud"})


async def test_swml_service_on_request_and_head() -> None:
    class Custom(SWMLService):
        def on_request(self, request_data: Any = None, callback_path: Any = None) -> dict[str, Any]:
            caller = (request_data or {}).get("call", {}).get("from", "unknown")
            return {"sections": {"main": [{"play": {"url": f"say:Hello {caller}"}}]}}

    svc = Custom("svc", basic_auth=CREDS)
    svc.add_verb("hangup", {})
    async with client_for(svc.get_app()) as client:
        resp = await client.post("/", json={"call": {"from": "+1555"}}, headers=basic())
        assert validate_swml(resp.json())["sections"]["main"] == [
            {"play": {"url": "say:Hello +1555"}}
        ]
        head = await client.head("/", headers=basic())
        assert head.status_code == 200
        assert head.content == b""
    assert svc.get_document()["sections"]["main"] == [{"hangup": {}}]
