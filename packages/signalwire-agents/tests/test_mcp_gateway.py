"""The MCP gateway end to end: real uvicorn, real MCP server processes (mcp_test_server.py)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from gateway_testkit import LiveServer, service

from signalwire.agents.mcp_gateway import MCPGateway

AUTH = ("admin", "s3cret-pass")


def make_config(tmp: Path, **session: Any) -> dict[str, Any]:
    return {
        "server": {
            "host": "127.0.0.1",
            "port": 8080,
            "auth_user": AUTH[0],
            "auth_password": AUTH[1],
        },
        "services": {
            "todo": service("ok"),
            "silent": service("silent"),
            "flood": service("flood"),
            "exiting": service("exit"),
            "badjson": service("badjson"),
            "chatty": service("chatty"),
            "off": {**service("ok"), "enabled": False},
        },
        "session": {
            "sandbox_dir": str(tmp / "sandbox"),
            "call_timeout": 2,
            "max_output_bytes": 64 * 1024,
            "max_sessions_per_service": 3,
            "default_timeout": 300,
            **session,
        },
        "rate_limiting": {"call_limit": "1000 per minute", "tools_limit": "1000 per minute"},
    }


@pytest.fixture
def gateway(tmp_path: Path) -> Iterator[tuple[MCPGateway, httpx.Client]]:
    gw = MCPGateway(config=make_config(tmp_path))
    with (
        LiveServer(gw.app) as server,
        httpx.Client(base_url=server.base_url, auth=AUTH, timeout=20) as client,
    ):
        yield gw, client
    assert not gw.session_manager.sessions, "shutdown left sessions behind"
    assert not list((tmp_path / "sandbox").glob("mcp_*")), "sandbox directories left behind"


def call(client: httpx.Client, svc: str, tool: str, sid: str, **body: Any) -> httpx.Response:
    return client.post(f"/services/{svc}/call", json={"tool": tool, "session_id": sid, **body})


def test_health_is_open_everything_else_needs_auth(gateway: Any) -> None:
    _gw, client = gateway
    health = httpx.get(f"{client.base_url}/health")
    assert health.status_code == 200 and health.json()["status"] == "healthy"
    assert health.headers["x-content-type-options"] == "nosniff"
    for auth in (None, ("admin", "wrong"), ("other", AUTH[1])):
        resp = httpx.get(f"{client.base_url}/services", auth=auth)
        assert resp.status_code == 401
        assert resp.json() == {"error": "Authentication required"}
        assert resp.headers["www-authenticate"] == 'Basic realm="MCP Gateway"'
        assert AUTH[1] not in resp.text
    resp = httpx.get(f"{client.base_url}/services", headers={"Authorization": "Basic !!!"})
    assert resp.status_code == 401


def test_services_and_tools(gateway: Any) -> None:
    _gw, client = gateway
    services = client.get("/services").json()
    assert set(services) == {"todo", "silent", "flood", "exiting", "badjson", "chatty"}
    assert "command" not in services["todo"]  # command lines stay server-side
    tools = client.get("/services/todo/tools").json()
    assert tools["service"] == "todo"
    assert [t["name"] for t in tools["tools"]][:3] == ["add_todo", "list_todos", "echo"]
    assert client.get("/services/nope/tools").status_code == 404
    assert client.get("/services/off/tools").status_code == 404
    assert client.get("/services/bad%20name/tools").status_code == 400


def test_a_session_keeps_its_server_and_sessions_are_isolated(gateway: Any) -> None:
    gw, client = gateway
    first = call(client, "todo", "add_todo", "call-1", arguments={"text": "milk"})
    assert first.status_code == 200, first.text
    assert first.json() == {
        "session_id": "call-1",
        "service": "todo",
        "tool": "add_todo",
        "result": "added #1: milk",
    }
    call(client, "todo", "add_todo", "call-1", arguments={"text": "eggs"})
    assert call(client, "todo", "list_todos", "call-1").json()["result"] == "milk; eggs"
    assert call(client, "todo", "list_todos", "call-2").json()["result"] == "(empty)"
    sessions = client.get("/sessions").json()
    assert set(sessions) == {"call-1", "call-2"}
    assert sessions["call-1"]["service_name"] == "todo"
    pid = gw.session_manager.sessions["call-1"].process.process.pid
    assert client.delete("/sessions/call-1").json() == {"message": "Session call-1 closed"}
    assert client.delete("/sessions/call-1").status_code == 404
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # the server process is gone, not just forgotten
    wrong = call(client, "chatty", "echo", "call-2")
    assert wrong.status_code == 400 and "another service" in wrong.json()["error"]


def test_tool_errors_are_flagged(gateway: Any) -> None:
    _gw, client = gateway
    out = call(client, "todo", "misbehave", "s-err").json()
    assert out["is_error"] is True


@pytest.mark.parametrize(
    ("svc", "status", "words"),
    [
        ("silent", 504, "did not answer tools/call within 2s"),
        ("flood", 502, "larger than 65536 bytes"),
        ("exiting", 502, "exited (code 3)"),
        ("badjson", 502, "invalid JSON"),
    ],
)
def test_a_misbehaving_server_fails_clearly_and_others_keep_working(
    gateway: Any, svc: str, status: int, words: str
) -> None:
    _gw, client = gateway
    assert call(client, "todo", "echo", "good", arguments={"text": "before"}).status_code == 200
    started = time.monotonic()
    resp = call(client, svc, "misbehave", f"bad-{svc}")
    assert time.monotonic() - started < 10
    assert resp.status_code == status
    assert words in resp.json()["error"]
    assert f"bad-{svc}" not in client.get("/sessions").json()  # the broken session is closed
    again = call(client, "todo", "echo", "good", arguments={"text": "after"})
    assert again.json()["result"] == "after"


def test_stderr_chatter_does_not_stall_a_server(gateway: Any) -> None:
    _gw, client = gateway
    for n in range(3):
        out = call(client, "chatty", "echo", "noisy", arguments={"text": str(n)})
        assert out.status_code == 200 and out.json()["result"] == str(n)


def test_session_count_limit_is_checked_before_spawning(gateway: Any) -> None:
    gw, client = gateway
    for n in range(3):
        assert call(client, "todo", "echo", f"s{n}").status_code == 200
    refused = call(client, "todo", "echo", "s3")
    assert refused.status_code == 429
    assert "session limit" in refused.json()["error"]
    assert len(gw.session_manager.sessions) == 3


def test_idle_sessions_are_reaped(gateway: Any) -> None:
    gw, client = gateway
    assert call(client, "todo", "echo", "short", timeout=0.2).status_code == 200
    proc = gw.session_manager.sessions["short"].process.process
    deadline = time.monotonic() + 10
    while "short" in client.get("/sessions").json():  # listing reaps idle sessions
        assert time.monotonic() < deadline, "the idle session was never reaped"
    assert proc.returncode is not None  # the reaper stopped the process


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"tool": "echo"}, 400),
        ({"tool": "bad tool", "session_id": "s"}, 400),
        ({"tool": "echo", "session_id": "bad/id"}, 400),
        ({"tool": "echo", "session_id": "s", "arguments": [1]}, 400),
        ({"tool": "echo", "session_id": "s", "metadata": "x"}, 400),
        ({"tool": "echo", "session_id": "s", "timeout": 0}, 400),
        ({"tool": "echo", "session_id": "s", "timeout": True}, 400),
        ({"tool": "echo", "session_id": "s", "timeout": 4000}, 400),
        ([], 400),
        ({}, 400),
    ],
)
def test_bad_calls_are_refused_with_json(gateway: Any, body: Any, status: int) -> None:
    _gw, client = gateway
    resp = client.post("/services/todo/call", json=body)
    assert resp.status_code == status and "error" in resp.json()


def test_non_json_and_oversized_bodies(gateway: Any) -> None:
    _gw, client = gateway
    resp = client.post("/services/todo/call", content=b"{nope")
    assert resp.status_code == 400 and resp.json() == {"error": "Invalid JSON"}
    big = client.post("/services/todo/call", content=b"[" * (2 * 1024 * 1024))
    assert big.status_code == 413
    deep = client.post("/services/todo/call", content=b"[" * 100_000 + b"]" * 100_000)
    assert deep.status_code == 400


def test_rate_limit(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    config["rate_limiting"]["tools_limit"] = "2 per minute"
    gw = MCPGateway(config=config)
    with LiveServer(gw.app) as server, httpx.Client(base_url=server.base_url, auth=AUTH) as c:
        assert [c.get("/services/todo/tools").status_code for _ in range(3)] == [200, 200, 429]
        assert c.get("/services/todo/tools").json() == {"error": "Rate limit exceeded"}


# -- the mcp_gateway skill against the running gateway ------------------------------------


@pytest.fixture
def skill_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MCP_GATEWAY_AUTH_TOKEN", "MCP_GATEWAY_AUTH_USER", "MCP_GATEWAY_AUTH_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.asyncio
async def test_the_skill_uses_the_real_gateway(gateway: Any, skill_env: None) -> None:
    from skills_testkit import call_tool, fetch, functions, new_agent

    _gw, client = gateway
    agent = new_agent()
    agent.add_skill(
        "mcp_gateway",
        {
            "gateway_url": str(client.base_url),
            "auth_user": AUTH[0],
            "auth_password": AUTH[1],
            "services": [{"name": "todo", "tools": ["add_todo", "list_todos"]}],
            "request_timeout": 10,
        },
    )
    fns = functions(await fetch(agent))
    assert {"mcp_todo_add_todo", "mcp_todo_list_todos"} <= set(fns)
    assert fns["mcp_todo_add_todo"]["parameters"]["required"] == ["text"]
    out = await call_tool(agent, "mcp_todo_add_todo", {"text": "call mom"}, call_id="c-77")
    assert out["response"] == "added #1: call mom"
    listed = await call_tool(agent, "mcp_todo_list_todos", {}, call_id="c-77")
    assert listed["response"] == "call mom"
    assert "c-77" in client.get("/sessions").json()
    await call_tool(agent, "hangup_hook", {}, call_id="c-77")
    assert "c-77" not in client.get("/sessions").json()


# -- the command ------------------------------------------------------------------------


def test_command_help_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from signalwire.agents.mcp_gateway._cli import main

    with pytest.raises(SystemExit) as help_exit:
        main(["--help"])
    assert help_exit.value.code == 0
    assert "example:" in capsys.readouterr().out
    with pytest.raises(SystemExit) as usage:
        main(["--nope"])
    assert usage.value.code == 2
    capsys.readouterr()
    assert main(["-c", str(tmp_path / "missing.json")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not found" in err
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"server": {"port": 99999, "auth_password": "x"}}))
    assert main(["-c", str(bad)]) == 1
    assert "server.port" in capsys.readouterr().err
    good = tmp_path / "good.json"
    config = make_config(tmp_path)
    config["services"] = {"todo": service("ok")}
    good.write_text(json.dumps(config))
    assert main(["-c", str(good), "--check"]) == 0
    assert capsys.readouterr().out == "todo: ok\n"
    assert main(["-c", str(good), "--port", "0"]) == 2


def test_config_substitution(monkeypatch: pytest.MonkeyPatch) -> None:
    from signalwire.agents.mcp_gateway import ConfigError, load_config

    monkeypatch.setenv("MCP_PORT", "9090")
    monkeypatch.setenv("MCP_AUTH_PASSWORD", "123456")
    monkeypatch.delenv("MCP_HOST", raising=False)
    cfg = load_config(
        data={
            "server": {
                "host": "${MCP_HOST|127.0.0.1}",
                "port": "${MCP_PORT}",
                "auth_password": "${MCP_AUTH_PASSWORD}",
            },
            "services": {"a": {"command": ["x", "--flag=${MCP_HOST|d}"]}},
        }
    )
    assert cfg["server"]["host"] == "127.0.0.1" and cfg["server"]["port"] == 9090
    assert cfg["server"]["auth_password"] == "123456"  # digits stay a password, not an int
    assert cfg["services"]["a"]["command"] == ["x", "--flag=d"]
    with pytest.raises(ConfigError, match="auth_password"):
        load_config(data={"server": {}})
    with pytest.raises(ConfigError, match="command"):
        load_config(data={"server": {"auth_password": "p"}, "services": {"a": {"command": "x"}}})


def test_the_default_password_only_listens_on_loopback() -> None:
    gw = MCPGateway(config={"server": {"host": "0.0.0.0", "auth_password": "changeme"}})
    assert gw.bind_address() == ("127.0.0.1", 8080)


def test_the_background_reaper_stops_sessions_of_callers_that_vanished(tmp_path: Path) -> None:
    gw = MCPGateway(config=make_config(tmp_path, cleanup_interval=0.1))
    with LiveServer(gw.app) as server, httpx.Client(base_url=server.base_url, auth=AUTH) as c:
        assert call(c, "todo", "echo", "gone", timeout=0.3).status_code == 200
        proc = gw.session_manager.sessions["gone"].process.process
        assert proc is not None
        # No further request: only the reaper can notice the caller is gone.
        deadline = time.monotonic() + 10
        while "gone" in gw.session_manager.sessions or proc.returncode is None:
            assert time.monotonic() < deadline, "the reaper never stopped the idle session"
            time.sleep(0.05)
