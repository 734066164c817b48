"""The HTTP layer enforces SecurityConfig: hosts, CORS, size, HSTS, trusted forwarded headers,
and refuses JSON with unpaired surrogate escapes with a 4xx."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from agents_testkit import (
    CREDS,
    ai_of,
    basic,
    client_for,
    post_prompt_body,
    swaig_body,
    swml_fetch_body,
)

from signalwire.agents import AgentBase, FunctionResult
from signalwire.testing.swml import validate_swml


def make_agent(**kwargs: Any) -> AgentBase:
    agent = AgentBase("guard", basic_auth=CREDS, swaig_secret="s", **kwargs)
    agent.prompt_add_section("Role", "Guard.")
    agent.set_post_prompt("Summarise.")
    agent.define_tool("ping", "Ping.", {}, lambda args, raw: "pong", secure=False)
    return agent


def client(agent: AgentBase, peer: str = "127.0.0.1", base: str = "http://agent.test") -> Any:
    transport = httpx.ASGITransport(app=agent.get_app(), client=(peer, 4321))
    return httpx.AsyncClient(transport=transport, base_url=base)


async def test_allowed_hosts_answer_400_for_another_host(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWML_ALLOWED_HOSTS", "agent.example,.corp.example")
    agent = make_agent()
    async with client(agent, base="http://agent.example") as c:
        ok = await c.post("/", json=swml_fetch_body(), headers=basic())
        assert ok.status_code == 200
        validate_swml(ok.json())
        bad = await c.post("/", json=swml_fetch_body(), headers={**basic(), "Host": "evil.example"})
        assert bad.status_code == 400 and bad.json() == {"error": "Invalid host header"}
        sub = await c.get("/", headers={**basic(), "Host": "eu.corp.example:8443"})
        assert sub.status_code == 200
        # Probes reach /health by IP: it stays open.
        health = await c.get("/health", headers={"Host": "10.1.2.3:3000"})
        assert health.status_code == 200


async def test_any_host_by_default() -> None:
    async with client(make_agent()) as c:
        resp = await c.get("/", headers={**basic(), "Host": "whatever.example"})
        assert resp.status_code == 200


async def test_cors_wildcard_answers_without_credentials() -> None:
    async with client(make_agent()) as c:
        resp = await c.get("/", headers={**basic(), "Origin": "https://app.example"})
        assert resp.headers["access-control-allow-origin"] == "*"
        assert "access-control-allow-credentials" not in resp.headers
        pre = await c.options(
            "/swaig/",
            headers={
                "Origin": "https://app.example",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type",
            },
        )
        assert pre.status_code == 200  # before auth: a preflight carries no credentials
        assert pre.headers["access-control-allow-headers"] == "authorization, content-type"
        assert "POST" in pre.headers["access-control-allow-methods"]


async def test_cors_origin_list_is_enforced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWML_CORS_ORIGINS", "https://app.example")
    async with client(make_agent()) as c:
        good = await c.get("/", headers={**basic(), "Origin": "https://app.example"})
        assert good.headers["access-control-allow-origin"] == "https://app.example"
        assert good.headers["access-control-allow-credentials"] == "true"
        other = await c.get("/", headers={**basic(), "Origin": "https://evil.example"})
        assert other.status_code == 200 and "access-control-allow-origin" not in other.headers
        pre = await c.options(
            "/", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
        )
        assert pre.status_code == 400 and pre.json() == {"error": "Disallowed CORS origin"}
        # A plain OPTIONS without the preflight headers is an ordinary (authenticated) request.
        plain = await c.options("/", headers={"Origin": "https://app.example"})
        assert plain.status_code == 401


async def test_max_request_size_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWML_MAX_REQUEST_SIZE", "200")
    async with client(make_agent()) as c:
        small = await c.post("/swaig/", json=swaig_body("ping", {}), headers=basic())
        assert small.status_code == 413  # the platform's SWAIG body is over 200 bytes
        assert small.json() == {"error": "request body larger than 200 bytes"}
        ok = await c.post(
            "/", content=b"{}", headers={**basic(), "Content-Type": "application/json"}
        )
        assert ok.status_code == 200


async def test_max_request_size_streamed_body(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWML_MAX_REQUEST_SIZE", "64")

    async def chunks() -> Any:
        for _ in range(10):
            yield b'{"pad": "' + b"x" * 10 + b'"}'

    async with client(make_agent()) as c:
        resp = await c.post("/", content=chunks(), headers=basic())
        assert resp.status_code == 413 and "64 bytes" in resp.json()["error"]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"SWML_SSL_ENABLED": "true"}, "max-age=31536000; includeSubDomains"),
        (
            {"SWML_SSL_ENABLED": "true", "SWML_HSTS_MAX_AGE": "600"},
            "max-age=600; includeSubDomains",
        ),
        ({"SWML_SSL_ENABLED": "true", "SWML_USE_HSTS": "false"}, None),
        ({}, None),
    ],
)
async def test_hsts(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: str | None
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    async with client(make_agent()) as c:
        resp = await c.get("/", headers=basic())
        assert resp.headers.get("strict-transport-security") == expected
        health = await c.get("/health")
        assert health.headers.get("strict-transport-security") == expected


async def _webhook(c: Any, headers: dict[str, str]) -> str:
    resp = await c.post("/", json=swml_fetch_body(), headers={**basic(), **headers})
    assert resp.status_code == 200
    doc = resp.json()
    validate_swml(doc)
    return str(ai_of(doc)["SWAIG"]["defaults"]["web_hook_url"])


async def test_forwarded_headers_from_an_untrusted_peer_are_ignored() -> None:
    evil = {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"}
    async with client(make_agent(), peer="203.0.113.7", base="http://agent.example") as c:
        url = await _webhook(c, evil)
        assert "evil.example" not in url and url.startswith(
            "http://signalwire:s3cret@agent.example/"
        )
        url = await _webhook(c, {"Forwarded": "host=evil.example;proto=https"})
        assert "evil.example" not in url
    async with client(make_agent(), peer="127.0.0.1") as c:  # a local proxy is trusted
        assert (await _webhook(c, evil)).startswith("https://signalwire:s3cret@evil.example/")


async def test_trusted_proxies_are_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    fwd = {"X-Forwarded-Host": "public.example", "X-Forwarded-Proto": "https"}
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.0.0.0/8")
    async with client(make_agent(), peer="10.2.3.4") as c:
        assert "@public.example/" in await _webhook(c, fwd)
    async with client(make_agent(), peer="127.0.0.1") as c:
        assert "public.example" not in await _webhook(c, fwd)
    monkeypatch.delenv("FORWARDED_ALLOW_IPS")
    monkeypatch.setenv("SWML_TRUST_PROXY_HEADERS", "1")
    async with client(make_agent(), peer="198.51.100.1") as c:
        assert "@public.example/" in await _webhook(c, fwd)


async def test_forwarded_host_must_be_an_allowed_host(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWML_ALLOWED_HOSTS", "agent.example")
    async with client(make_agent(), base="http://agent.example") as c:
        url = await _webhook(c, {"X-Forwarded-Host": "evil.example"})
        assert "evil.example" not in url and "@agent.example/" in url


async def test_proxy_url_base_beats_every_header(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWML_PROXY_URL_BASE", "https://fixed.example")
    async with client(make_agent()) as c:
        url = await _webhook(c, {"X-Forwarded-Host": "other.example"})
        assert url.startswith("https://signalwire:s3cret@fixed.example/")


LONE = b'"\\ud800"'


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/", b'{"call_id": ' + LONE + b"}"),
        ("/", b'{"call": {"call_id": "x", "to": ' + LONE + b"}}"),
        ("/", b"{" + LONE + b": 1}"),
        ("/", b'{"vars": {"userVariables": {"a": ["ok", ' + LONE + b"]}}}"),
        ("/swaig/", b'{"function": "ping", "call_id": ' + LONE + b"}"),
        ("/swaig/", b'{"function": "ping", "argument": {"parsed": [{"a": "\\uDFFF"}]}}'),
        ("/post_prompt/", b'{"call_id": "\\udc00x", "post_prompt_data": {}}'),
        ("/sip", b'{"call": {"to": "sip:\\ud83d@x"}}'),
    ],
)
async def test_unpaired_surrogate_escapes_are_a_400(path: str, body: bytes) -> None:
    agent = make_agent()
    agent.enable_sip_routing()
    async with client(agent) as c:
        resp = await c.post(
            path, content=body, headers={**basic(), "Content-Type": "application/json"}
        )
    assert resp.status_code == 400, resp.text
    assert "surrogate" in resp.json()["error"]


async def test_paired_surrogate_escapes_are_fine() -> None:
    body = b'{"call_id": "emoji-\\ud83d\\ude00", "call": {"call_id": "c"}}'
    async with client(make_agent()) as c:
        resp = await c.post(
            "/", content=body, headers={**basic(), "Content-Type": "application/json"}
        )
        assert resp.status_code == 200
        validate_swml(resp.json())
        swaig = swaig_body("ping", {"q": "\U0001f600"}, call_id="\U0001f600")
        ok = await c.post("/swaig/", json=swaig, headers=basic())
        assert ok.status_code == 200 and ok.json() == {"response": "pong"}
        pp = await c.post("/post_prompt/", json=post_prompt_body(), headers=basic())
        assert pp.status_code == 403  # no token: refused as usual, not a 5xx


def vault_agent() -> AgentBase:
    """An agent with one secure tool and a fixed SWAIG secret (the HSTS test's agent)."""
    agent = AgentBase("review", basic_auth=CREDS, swaig_secret="s3cret")
    agent.prompt_add_section("Role", "Test.")
    agent.define_tool("vault", "Secure", {}, lambda a, r: FunctionResult("opened"))
    return agent


async def test_hsts_only_when_serving_tls() -> None:
    plain = vault_agent()
    async with client_for(plain.get_app()) as client:
        resp = await client.get("/health")
        assert "strict-transport-security" not in resp.headers
    tls = vault_agent()
    tls.ssl_enabled = True
    async with client_for(tls.get_app(), base_url="https://agent.test") as client:
        resp = await client.post("/", json=swml_fetch_body("c-1"), headers=basic())
        assert resp.status_code == 200
        assert resp.headers["strict-transport-security"].startswith("max-age=")
