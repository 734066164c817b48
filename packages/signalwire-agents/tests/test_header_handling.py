"""Headers are read once per request, and every check sees the values the service uses.

These drive the agent's ASGI app with the scope uvicorn builds from the wire, because an
HTTP client will not send two Host headers or a non-ASCII Content-Length.
"""

from __future__ import annotations

import json
from typing import Any

from agents_testkit import CREDS, basic, swml_fetch_body

from signalwire.agents import AgentBase
from signalwire.testing.swml import validate_swml

AUTH = basic()["Authorization"].encode()


def make_agent(**kwargs: Any) -> AgentBase:
    agent = AgentBase("headers", route="/", basic_auth=CREDS, **kwargs)
    agent.prompt_add_section("Role", "Answer.")
    agent.define_tool("ping", "Ping", {}, lambda args, raw: "pong")
    return agent


async def call(
    app: Any, headers: list[tuple[bytes, bytes]], body: bytes, path: str = "/"
) -> tuple[int, dict[str, bytes], Any]:
    sent: list[dict[str, Any]] = []
    messages = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("203.0.113.9", 40000),
        "server": ("127.0.0.1", 3000),
    }
    await app(scope, receive, send)
    start = sent[0]
    body_out = b"".join(m.get("body", b"") for m in sent[1:])
    return start["status"], dict(start["headers"]), json.loads(body_out)


def base_headers(body: bytes) -> list[tuple[bytes, bytes]]:
    return [
        (b"authorization", AUTH),
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]


async def test_two_host_headers_are_refused_so_the_checked_host_is_the_one_used() -> None:
    app = make_agent().get_app()
    body = json.dumps(swml_fetch_body()).encode()
    headers = [(b"host", b"agent.example.com"), (b"host", b"evil.example"), *base_headers(body)]
    status, _, answer = await call(app, headers, body)
    assert status == 400
    assert "Host" in answer["error"]


async def test_one_host_header_builds_the_urls_and_a_repeated_other_header_is_fine() -> None:
    app = make_agent().get_app()
    body = json.dumps(swml_fetch_body()).encode()
    headers = [
        (b"host", b"agent.example.com"),
        (b"accept", b"*/*"),
        (b"accept", b"application/json"),
        *base_headers(body),
    ]
    status, _, doc = await call(app, headers, body)
    assert status == 200, doc
    validate_swml(doc)
    urls = [f["web_hook_url"] for f in doc["sections"]["main"][-1]["ai"]["SWAIG"]["functions"]]
    assert urls and all("@agent.example.com/swaig/" in u for u in urls)


async def test_allowed_hosts_checks_the_host_the_service_sees() -> None:
    agent = make_agent()
    agent.security.allowed_hosts = ["agent.example.com"]
    app = agent.get_app()
    body = json.dumps(swml_fetch_body()).encode()
    ok, _, _ = await call(app, [(b"host", b"agent.example.com"), *base_headers(body)], body)
    assert ok == 200
    refused, _, answer = await call(app, [(b"host", b"evil.example"), *base_headers(body)], body)
    assert refused == 400
    assert answer == {"error": "Invalid host header"}


async def test_a_non_ascii_content_length_is_a_400_not_a_crash() -> None:
    app = make_agent().get_app()
    body = b"{}"
    headers = [
        (b"host", b"127.0.0.1:3000"),
        (b"authorization", AUTH),
        (b"content-type", b"application/json"),
        (b"content-length", "²".encode("latin-1")),
    ]
    status, _, answer = await call(app, headers, body)
    assert status == 400
    assert answer == {"error": "invalid Content-Length"}


async def test_content_type_with_parameters_and_json_suffix_pass_others_get_415() -> None:
    app = make_agent().get_app()
    body = json.dumps(swml_fetch_body()).encode()
    for ctype, expected in (
        (b"application/json; charset=utf-8", 200),
        (b"Application/JSON", 200),
        (b"application/vnd.signalwire+json", 200),
        (b"text/plain", 415),
    ):
        headers = [
            (b"host", b"127.0.0.1:3000"),
            (b"authorization", AUTH),
            (b"content-type", ctype),
            (b"content-length", str(len(body)).encode()),
        ]
        status, _, _ = await call(app, headers, body)
        assert status == expected, ctype
