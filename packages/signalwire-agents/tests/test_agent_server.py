"""AgentServer: registration, routes with and without slash, health, SIP routing, static files,
and a real server process running the SIP example."""

from __future__ import annotations

import asyncio
import os
import runpy
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from agents_testkit import CREDS, ai_of, basic, client_for, swaig_body, swml_fetch_body, token_from

from signalwire.agents import AgentBase, AgentServer, FunctionResult
from signalwire.testing.swml import validate_swml

REPO = Path(__file__).resolve().parents[3]
JSON = {"Content-Type": "application/json"}


def agent(name: str, route: str = "/") -> AgentBase:
    a = AgentBase(name, route=route, basic_auth=CREDS, swaig_secret="shared")
    a.prompt_add_section("Role", f"You are {name}.")

    @a.tool
    def whoami() -> FunctionResult:
        """Say who answers."""
        return FunctionResult(f"this is {name}")

    return a


def server_with(*agents: tuple[AgentBase, str | None]) -> AgentServer:
    server = AgentServer(port=3100)
    for a, route in agents:
        server.register(a, route)
    return server


def test_constructor_and_properties() -> None:
    server = AgentServer()
    assert (server.host, server.port, server.log_level) == ("0.0.0.0", 3000, "info")
    server = AgentServer(host="127.0.0.1", port=8080, log_level="DEBUG")
    assert (server.host, server.port, server.log_level) == ("127.0.0.1", 8080, "debug")
    assert server.agents == {} and server.get_agents() == []
    assert server.app is server.app  # built once
    with pytest.raises(ValueError, match="port must be an integer"):
        AgentServer(port="http")  # type: ignore[arg-type]


def test_register_unregister_and_lookup() -> None:
    sales, support = agent("sales"), agent("support", "/support")
    server = AgentServer()
    server.register(sales, "sales/")
    server.register(support)
    assert [r for r, _ in server.get_agents()] == ["/sales", "/support"]
    assert server.get_agent("/sales/") is sales and server.get_agent("nope") is None
    assert sales.route == "/sales"  # webhook URLs follow where it is served
    with pytest.raises(ValueError, match="already registered"):
        server.register(agent("again"), "/sales")
    with pytest.raises(TypeError, match="needs an agent"):
        server.register(object(), "/x")  # type: ignore[arg-type]
    assert server.unregister("/sales") is True
    assert server.unregister("/sales") is False
    assert list(server.agents) == ["/support"]


async def test_health_and_ready() -> None:
    server = server_with((agent("a"), "/a"), (agent("b"), "/b"))
    async with client_for(server.app) as c:
        assert (await c.get("/health")).json() == {
            "status": "ok",
            "agents": 2,
            "routes": ["/a", "/b"],
        }
        assert (await c.get("/ready")).json() == {"status": "ready", "agents": 2}
        server.register(agent("c"), "/c")  # after the app exists
        assert (await c.get("/ready")).json()["agents"] == 3


@pytest.mark.parametrize("path", ["/sales", "/sales/", "/sales//"])
async def test_route_with_and_without_slash_from_the_first_request(path: str) -> None:
    server = server_with((agent("sales"), "/sales"), (agent("root"), "/"))
    async with client_for(server.app) as c:
        resp = await c.post(path, json=swml_fetch_body("c-1"), headers=basic())
        assert resp.status_code == 200
        doc = validate_swml(resp.json())
        url = ai_of(doc)["SWAIG"]["functions"][0]["web_hook_url"]
        assert url.startswith("http://signalwire:s3cret@agent.test/sales/swaig/?__token=")
        tool = await c.post(
            f"/sales/swaig?__token={token_from(url)}",
            json=swaig_body("whoami", {}, "c-1"),
            headers=basic(),
        )
        assert tool.json() == {"response": "this is sales"}


async def test_longest_route_wins_and_root_agent_gets_the_rest() -> None:
    server = server_with((agent("root"), "/"), (agent("deep"), "/a/b"), (agent("a"), "/a"))
    async with client_for(server.app) as c:

        async def answered_by(path: str) -> str:
            resp = await c.post(path, json=swml_fetch_body(), headers=basic())
            assert resp.status_code == 200, (path, resp.text)
            doc = validate_swml(resp.json())
            return str(ai_of(doc)["prompt"]["pom"][0]["body"])

        assert await answered_by("/a/b/") == "You are deep."
        assert await answered_by("/a") == "You are a."
        assert await answered_by("/") == "You are root."
        assert (await c.get("/a/b/swaig", headers=basic())).status_code == 200


async def test_unknown_paths_and_auth() -> None:
    server = server_with((agent("sales"), "/sales"))
    async with client_for(server.app) as c:
        miss = await c.get("/nowhere")
        assert miss.status_code == 404 and miss.json() == {"detail": "Not Found"}
        inner = await c.get("/sales/nope", headers=basic())
        assert inner.status_code == 404 and miss.headers["content-type"] == "application/json"
        assert (await c.post("/sales/", json={})).status_code == 401
        assert miss.headers["x-content-type-options"] == "nosniff"


def sip_body(to: str) -> dict[str, Any]:
    body = swml_fetch_body()
    body["call"]["to"] = to
    return body


async def test_sip_routing_redirects_with_307() -> None:
    server = server_with((agent("Sales Team"), "/sales"), (agent("support"), "/help/support"))
    server.setup_sip_routing()
    server.register_sip_username("Billing", "/help/support")
    late = agent("late")
    server.register(late, "/late")  # registered after setup: routed too
    async with client_for(server.app) as c:

        async def post(path: str, to: str) -> httpx.Response:
            return await c.post(path, json=sip_body(to), headers=basic())

        for to, target in [
            ("sip:support@example.sip.signalwire.com", "/help/support"),
            ("sip:salesteam@x", "/sales"),  # cleaned agent name
            ("sip:sales@x", "/sales"),  # last route segment
            ("sip:BILLING@x", "/help/support"),
            ("sip:late@x", "/late"),
        ]:
            resp = await post("/sales/sip", to)
            assert resp.status_code == 307, (to, resp.text)
            assert resp.headers["location"] == target
        unknown = await post("/late/sip/", "sip:nobody@x")
        assert unknown.status_code == 200
        assert ai_of(validate_swml(unknown.json()))["prompt"]["pom"][0]["body"] == "You are late."
        assert (await c.post("/sales/sip", json=sip_body("sip:sales@x"))).status_code == 401
    assert server.unregister("/late")
    assert server._sip_target("late") is None


async def test_global_routing_callback_on_every_agent() -> None:
    server = server_with((agent("a"), "/a"))
    seen: list[str] = []

    def route(body: dict[str, Any], headers: dict[str, str]) -> str | None:
        seen.append(headers.get("x-tag", ""))
        return "/b" if body.get("go") == "b" else None

    server.register_global_routing_callback(route, "route/")
    server.register(agent("b"), "/b")
    async with client_for(server.app) as c:
        resp = await c.post("/b/route", json={"go": "b"}, headers={**basic(), "X-Tag": "t1"})
        assert resp.status_code == 307 and resp.headers["location"] == "/b"
        stay = await c.post("/a/route/", json={"go": "x"}, headers=basic())
        assert stay.status_code == 200
        validate_swml(stay.json())
    assert seen == ["t1", ""]
    with pytest.raises(TypeError):
        server.register_global_routing_callback("nope", "/x")  # type: ignore[arg-type]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "docs").mkdir(parents=True)
    (root / "index.html").write_text("<h1>home</h1>")
    (root / "style.css").write_text("body{}")
    (root / "docs" / "index.html").write_text("<h1>docs</h1>")
    (root / "empty").mkdir()
    (tmp_path / "secret.txt").write_text("top secret")
    (root / "link.txt").symlink_to(tmp_path / "secret.txt")
    return root


async def test_static_files(site: Path) -> None:
    server = server_with((agent("sales"), "/sales"))
    server.serve_static_files(str(site))
    server.serve_static_files(str(site / "docs"), "/manual")
    async with client_for(server.app) as c:
        home = await c.get("/")
        assert home.status_code == 200 and home.text == "<h1>home</h1>"
        assert home.headers["content-type"] == "text/html; charset=utf-8"
        assert home.headers["x-frame-options"] == "DENY"
        assert (await c.get("/style.css")).headers["content-type"] == "text/css; charset=utf-8"
        assert (await c.get("/docs")).text == "<h1>docs</h1>"
        assert (await c.get("/docs/")).text == "<h1>docs</h1>"
        assert (await c.get("/manual/")).text == "<h1>docs</h1>"
        head = await c.head("/style.css")
        assert head.status_code == 200 and head.content == b""
        for bad in [
            "/missing.html",
            "/empty/",
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/docs/%2e%2e/%2e%2e/secret.txt",
            "/link.txt",
            "/..%5csecret.txt",
            "/%00index.html",
        ]:
            resp = await c.get(bad)
            assert resp.status_code == 404, bad
            assert "secret" not in resp.text
        # Agent routes take priority over the static tree.
        assert (await c.get("/sales/")).status_code == 401
    with pytest.raises(ValueError, match="does not exist"):
        server.serve_static_files(str(site / "nope"))


async def test_static_files_refuse_other_methods(site: Path) -> None:
    server = AgentServer()
    server.serve_static_files(str(site), "/")
    async with client_for(server.app) as c:
        resp = await c.post("/index.html", content=b"x")
        assert resp.status_code == 405 and "error" in resp.json()


async def test_server_allowed_hosts_and_hsts(monkeypatch: pytest.MonkeyPatch, site: Path) -> None:
    monkeypatch.setenv("SWML_ALLOWED_HOSTS", "agent.test")
    monkeypatch.setenv("SWML_SSL_ENABLED", "true")
    server = server_with((agent("sales"), "/sales"))
    server.serve_static_files(str(site))
    async with client_for(server.app) as c:
        assert (await c.get("/")).status_code == 200
        bad = await c.get("/", headers={"Host": "evil.example"})
        assert bad.status_code == 400 and bad.json() == {"error": "Invalid host header"}
        agent_bad = await c.get("/sales/", headers={**basic(), "Host": "evil.example"})
        assert agent_bad.status_code == 400
        health = await c.get("/health", headers={"Host": "10.0.0.1"})
        assert (
            health.status_code == 200 and "max-age=" in health.headers["strict-transport-security"]
        )


def test_sip_example_routes_in_process() -> None:
    server = runpy.run_path(str(REPO / "examples/agents/agent_server_sip.py"), run_name="x")[
        "build_server"
    ]()
    assert [r for r, _ in server.get_agents()] == ["/sales", "/support"]
    assert server._sip_target("help") == "/support"


async def test_sip_example_over_a_real_server_process() -> None:
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    env = {
        **os.environ,
        "PORT": str(port),
        "PYTHONUNBUFFERED": "1",
        "SWML_BASIC_AUTH_USER": CREDS[0],
        "SWML_BASIC_AUTH_PASSWORD": CREDS[1],
        "SWML_ALLOWED_HOSTS": f"127.0.0.1:{port},public.example",
        "SWML_MAX_REQUEST_SIZE": "4096",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(REPO / "examples/agents/agent_server_sip.py"),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    output: list[str] = []
    try:

        async def until_running() -> None:
            assert proc.stdout is not None
            while True:
                line = (await proc.stdout.readline()).decode()
                if not line:
                    raise AssertionError(f"example exited early: {output}")
                output.append(line)
                if "Uvicorn running" in line or "Application startup complete" in line:
                    return

        await asyncio.wait_for(until_running(), 30)
        assert any("Basic auth: signalwire:s3cret (environment)" in line for line in output)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as c:
            health = await c.get("/health")
            assert health.json() == {"status": "ok", "agents": 2, "routes": ["/sales", "/support"]}
            redirect = await c.post(
                "/sales/sip", json=sip_body("sip:help@example"), auth=CREDS, follow_redirects=False
            )
            assert redirect.status_code == 307 and redirect.headers["location"] == "/support"
            followed = await c.post(
                "/sales/sip", json=sip_body("sip:help@example"), auth=CREDS, follow_redirects=True
            )
            doc = validate_swml(followed.json())
            assert ai_of(doc)["prompt"]["pom"][0]["body"].startswith("You help")
            tool = await c.post(
                "/support/swaig",
                json=swaig_body("open_ticket", {"summary": "no dial tone"}),
                auth=CREDS,
            )
            assert tool.json() == {"response": "Ticket opened: no dial tone"}
            # The settings hold on the real server: foreign Host, oversize body.
            evil = await c.post("/sales/", json={}, auth=CREDS, headers={"Host": "evil.example"})
            assert evil.status_code == 400 and evil.json() == {"error": "Invalid host header"}
            big = await c.post(
                "/sales/", content=b"{" + b" " * 5000 + b"}", auth=CREDS, headers=JSON
            )
            assert big.status_code == 413 and "4096" in big.json()["error"]
            # A proxy on loopback is trusted, even when it adds X-Forwarded-For (uvicorn must not
            # rewrite the peer address before the app checks it).
            proxied = await c.post(
                "/sales/",
                json=swml_fetch_body(),
                auth=CREDS,
                headers={
                    "X-Forwarded-Host": "public.example",
                    "X-Forwarded-Proto": "https",
                    "X-Forwarded-For": "203.0.113.9",
                },
            )
            url = ai_of(validate_swml(proxied.json()))["SWAIG"]["defaults"]["web_hook_url"]
            assert url == "https://signalwire:s3cret@public.example/sales/swaig/"
            spoofed = await c.post(
                "/sales/", json={}, auth=CREDS, headers={"X-Forwarded-Host": "evil.example"}
            )
            url = ai_of(validate_swml(spoofed.json()))["SWAIG"]["defaults"]["web_hook_url"]
            assert "evil.example" not in url  # not an allowed host
    finally:
        proc.terminate()
        await asyncio.wait_for(proc.wait(), 10)
