"""Webhook signature validation (opt-in with signing_key / SIGNALWIRE_SIGNING_KEY)."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import pytest
from agents_testkit import CREDS, basic, client_for, swaig_body, swml_fetch_body

from signalwire.agents import AgentBase

KEY = "PSK_test_signing_key"


def sign(url: str, body: bytes, algo: Any = hashlib.sha1) -> str:
    return hmac.new(KEY.encode(), url.encode() + body, algo).hexdigest()


def agent(**kw: Any) -> AgentBase:
    a = AgentBase("signed", route="/bot", basic_auth=CREDS, **kw)
    a.define_tool("t", "d", {}, lambda args, raw: "ran", secure=False)
    return a


async def test_signed_posts_accepted_unsigned_refused() -> None:
    body = json.dumps(swml_fetch_body()).encode()
    headers = {**basic(), "Content-Type": "application/json"}
    async with client_for(agent(signing_key=KEY).get_app()) as client:
        url = "http://agent.test/bot/"
        ok = await client.post(
            "/bot/", content=body, headers={**headers, "X-SignalWire-Signature": sign(url, body)}
        )
        assert ok.status_code == 200
        sha = {**headers, "X-SignalWire-Sha256-Signature": sign(url, body, hashlib.sha256)}
        assert (await client.post("/bot/", content=body, headers=sha)).status_code == 200
        twilio = {**headers, "X-Twilio-Signature": sign(url, body)}
        assert (await client.post("/bot/", content=body, headers=twilio)).status_code == 200
        for bad in (
            {},
            {"X-SignalWire-Signature": "00" * 20},
            {"X-SignalWire-Sha256-Signature": sign(url, body)},
        ):
            resp = await client.post("/bot/", content=body, headers={**headers, **bad})
            assert resp.status_code == 403
            assert "signature" in resp.json()["error"]
        # Tampered body.
        tampered = body.replace(b"inbound", b"outbound")
        resp = await client.post(
            "/bot/",
            content=tampered,
            headers={**headers, "X-SignalWire-Signature": sign(url, body)},
        )
        assert resp.status_code == 403
        # GETs and open routes are not signed.
        assert (await client.get("/bot/", headers=basic())).status_code == 200
        assert (await client.get("/health")).status_code == 200
        # The SWAIG endpoint is covered too; signature uses the full URL with its query.
        swaig = json.dumps(swaig_body("t", {})).encode()
        swaig_url = "http://agent.test/bot/swaig/?x=1"
        resp = await client.post(
            "/bot/swaig/?x=1",
            content=swaig,
            headers={**headers, "X-SignalWire-Signature": sign(swaig_url, swaig)},
        )
        assert resp.json() == {"response": "ran"}
        resp = await client.post("/bot/swaig/", content=swaig, headers=headers)
        assert resp.status_code == 403


async def test_signature_url_uses_proxy_base(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNALWIRE_SIGNING_KEY", KEY)
    monkeypatch.setenv("SWML_PROXY_URL_BASE", "https://public.example")
    body = b"{}"
    headers = {**basic(), "Content-Type": "application/json"}
    async with client_for(agent().get_app()) as client:
        good = sign("https://public.example/bot/", body)
        resp = await client.post(
            "/bot/", content=body, headers={**headers, "X-SignalWire-Signature": good}
        )
        assert resp.status_code == 200
        local = sign("http://agent.test/bot/", body)
        resp = await client.post(
            "/bot/", content=body, headers={**headers, "X-SignalWire-Signature": local}
        )
        assert resp.status_code == 403


async def test_trust_proxy_for_signature_uses_forwarded_headers() -> None:
    body = b"{}"
    fwd = {"X-Forwarded-Host": "edge.example", "X-Forwarded-Proto": "https"}
    headers = {**basic(), "Content-Type": "application/json", **fwd}
    signature = sign("https://edge.example/bot/", body)
    async with client_for(agent(signing_key=KEY, trust_proxy_for_signature=True).get_app()) as c:
        resp = await c.post(
            "/bot/", content=body, headers={**headers, "X-SignalWire-Signature": signature}
        )
        assert resp.status_code == 200
    async with client_for(agent(signing_key=KEY).get_app()) as c:
        resp = await c.post(
            "/bot/", content=body, headers={**headers, "X-SignalWire-Signature": signature}
        )
        assert resp.status_code == 403


async def test_signature_url_includes_the_mount_prefix() -> None:
    from starlette.applications import Starlette

    app = Starlette()
    agent(signing_key=KEY).mount(app, prefix="/v1")
    body = b"{}"
    headers = {**basic(), "Content-Type": "application/json"}
    async with client_for(app) as client:
        good = sign("http://agent.test/v1/bot/", body)
        resp = await client.post(
            "/v1/bot/", content=body, headers={**headers, "X-SignalWire-Signature": good}
        )
        assert resp.status_code == 200
        unmounted = sign("http://agent.test/bot/", body)
        resp = await client.post(
            "/v1/bot/", content=body, headers={**headers, "X-SignalWire-Signature": unmounted}
        )
        assert resp.status_code == 403
