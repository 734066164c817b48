"""Serverless and CGI adapters: events of each documented shape get the answers server mode gives."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import os
import runpy
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from agents_testkit import (
    CREDS,
    ai_of,
    basic,
    client_for,
    post_prompt_body,
    swaig_body,
    swml_fetch_body,
    token_from,
)

from signalwire.agents import AgentBase, AgentServer, FunctionResult
from signalwire.agents._hosting import serverless
from signalwire.testing.swml import validate_swml

REPO = Path(__file__).resolve().parents[3]
JSON = {"Content-Type": "application/json"}


def make_agent(route: str = "/") -> AgentBase:
    agent = AgentBase("cloud", route=route, basic_auth=CREDS, swaig_secret="shared")
    agent.prompt_add_section("Role", "You run anywhere.")
    agent.set_post_prompt("Summarise.")

    @agent.tool
    def lookup(order_id: str) -> FunctionResult:
        """Look up an order."""
        return FunctionResult(f"order {order_id} shipped")

    return agent


# -- detection and base URLs ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "mode"),
    [
        ({}, "server"),
        ({"GATEWAY_INTERFACE": "CGI/1.1", "AWS_LAMBDA_FUNCTION_NAME": "f"}, "cgi"),
        ({"AWS_LAMBDA_FUNCTION_NAME": "f"}, "lambda"),
        ({"LAMBDA_TASK_ROOT": "/var/task"}, "lambda"),
        ({"FUNCTION_TARGET": "main"}, "google_cloud_function"),
        ({"K_SERVICE": "svc"}, "server"),  # Cloud Run serves HTTP itself
        ({"AZURE_FUNCTIONS_ENVIRONMENT": "Production"}, "azure_function"),
        ({"FUNCTIONS_WORKER_RUNTIME": "python"}, "azure_function"),
        ({"AzureWebJobsStorage": "x"}, "azure_function"),
    ],
)
def test_execution_mode(env: dict[str, str], mode: str) -> None:
    assert serverless.get_execution_mode(env) == mode


def test_resolve_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    assert serverless.resolve_mode("gcf", None) == "google_cloud_function"
    assert serverless.resolve_mode("Azure", None) == "azure_function"
    assert serverless.resolve_mode(None, {"rawPath": "/"}) == "lambda"
    assert serverless.resolve_mode(None, None) == "server"
    with pytest.raises(ValueError, match="unknown mode 'heroku'"):
        serverless.resolve_mode("heroku", None)
    with pytest.raises(TypeError, match="cannot tell the platform"):
        serverless.resolve_mode(None, 42)
    monkeypatch.setenv("FUNCTION_TARGET", "main")
    assert serverless.resolve_mode(None, {"rawPath": "/"}) == "google_cloud_function"


@pytest.mark.parametrize(
    ("mode", "env", "event", "base"),
    [
        ("lambda", {"AWS_LAMBDA_FUNCTION_URL": "https://fn.example/"}, None, "https://fn.example"),
        (
            "lambda",
            {"AWS_LAMBDA_FUNCTION_NAME": "bot", "AWS_REGION": "eu-west-1"},
            None,
            "https://bot.lambda-url.eu-west-1.on.aws",
        ),
        (
            "lambda",
            {},
            {
                "requestContext": {
                    "domainName": "x.execute-api.us-east-1.amazonaws.com",
                    "stage": "prod",
                }
            },
            "https://x.execute-api.us-east-1.amazonaws.com/prod",
        ),
        (
            "lambda",
            {},
            {"requestContext": {"domainName": "api.example", "stage": "prod"}},
            "https://api.example",
        ),
        (
            "google_cloud_function",
            {"FUNCTION_URL": "https://g.example/f"},
            None,
            "https://g.example/f",
        ),
        (
            "google_cloud_function",
            {"FUNCTION_REGION": "us-central1", "GCP_PROJECT": "proj", "FUNCTION_TARGET": "agent"},
            None,
            "https://us-central1-proj.cloudfunctions.net/agent",
        ),
        (
            "google_cloud_function",
            {
                "GOOGLE_CLOUD_REGION": "eu",
                "GOOGLE_CLOUD_PROJECT": "p",
                "K_SERVICE": "svc",
                "FUNCTION_TARGET": "t",
            },
            None,
            "https://eu-p.cloudfunctions.net/svc",
        ),
        (
            "azure_function",
            {"AZURE_FUNCTION_URL": "https://a.example/api/f"},
            None,
            "https://a.example/api/f",
        ),
        (
            "azure_function",
            {"WEBSITE_SITE_NAME": "site", "AZURE_FUNCTION_NAME": "agent"},
            None,
            "https://site.azurewebsites.net/api/agent",
        ),
        (
            "cgi",
            {"HTTP_HOST": "h.example", "SCRIPT_NAME": "/cgi-bin/a.py", "HTTPS": "on"},
            None,
            "https://h.example/cgi-bin/a.py",
        ),
        ("cgi", {"SERVER_NAME": "s.example"}, None, "http://s.example"),
        ("google_cloud_function", {}, None, None),
        ("server", {}, None, None),
    ],
)
def test_public_base_url(mode: str, env: dict[str, str], event: Any, base: str | None) -> None:
    assert serverless.public_base_url(mode, env, event) == base


# -- Lambda ---------------------------------------------------------------------------------------


def lambda_answer(agent_or_app: Any, event: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
    app = agent_or_app.get_app() if hasattr(agent_or_app, "get_app") else agent_or_app
    answer = serverless.handle_lambda(app, event, None)
    assert set(answer) == {"statusCode", "headers", "body", "isBase64Encoded"}
    body = answer["body"]
    return answer["statusCode"], answer["headers"], json.loads(body) if body else None


@pytest.mark.parametrize("version", ["2.0", "1.0"])
@pytest.mark.parametrize("b64", [False, True])
def test_lambda_swml_then_secure_tool(version: str, b64: bool) -> None:
    agent = make_agent()
    fetch = serverless.lambda_event(
        "POST",
        "/",
        headers={**basic(), **JSON},
        body=json.dumps(swml_fetch_body("L1")),
        version=version,
        base64_body=b64,
    )
    status, headers, doc = lambda_answer(agent, fetch)
    assert status == 200 and headers["content-type"] == "application/json"
    assert headers["x-content-type-options"] == "nosniff"
    validate_swml(doc)
    url = ai_of(doc)["SWAIG"]["functions"][0]["web_hook_url"]
    host = (
        "abc123.lambda-url.us-east-1.on.aws"
        if version == "2.0"
        else "abc123.execute-api.us-east-1.amazonaws.com/prod"
    )
    assert url.startswith(f"https://signalwire:s3cret@{host}/swaig/?__token=")
    call = serverless.lambda_event(
        "POST",
        "/swaig/",
        query=urlsplit(url).query,
        headers={**basic(), **JSON},
        body=json.dumps(swaig_body("lookup", {"order_id": "9"}, "L1")),
        version=version,
        base64_body=b64,
    )
    assert lambda_answer(agent, call)[2] == {"response": "order 9 shipped"}
    other_call = json.dumps(swaig_body("lookup", {"order_id": "9"}, "someone-else"))
    call["body"] = base64.b64encode(other_call.encode()).decode() if b64 else other_call
    refused = lambda_answer(agent, call)[2]
    assert "invalid or expired" in refused["response"]


def test_lambda_v2_with_a_stage_and_a_route() -> None:
    agent = make_agent("/bot")
    event = serverless.lambda_event("POST", "/dev/bot/", headers={**basic(), **JSON}, body="{}")
    event["requestContext"]["stage"] = "dev"
    event["requestContext"]["domainName"] = "q.execute-api.us-east-1.amazonaws.com"
    status, _, doc = lambda_answer(agent, event)
    assert status == 200
    validate_swml(doc)
    assert ai_of(doc)["SWAIG"]["defaults"]["web_hook_url"] == (
        "https://signalwire:s3cret@q.execute-api.us-east-1.amazonaws.com/dev/bot/swaig/"
    )


def test_lambda_v1_path_from_proxy_and_query_params() -> None:
    agent = make_agent()
    event = serverless.lambda_event("GET", "/", headers=basic(), query="call_id=q1", version="1.0")
    event["path"] = None
    event["pathParameters"] = {"proxy": "check_for_input"}
    event["queryStringParameters"] = {"conversation_id": "conv-1"}
    event["multiValueQueryStringParameters"] = None
    status, _, body = lambda_answer(agent, event)
    assert status == 200 and body["conversation_id"] == "conv-1"


def test_lambda_bad_events_are_400() -> None:
    app = make_agent().get_app()
    assert serverless.handle_lambda(app, "nope")["statusCode"] == 400
    event = serverless.lambda_event("POST", "/", headers=basic(), body="{}")
    event["isBase64Encoded"] = True
    event["body"] = "!!!not base64"
    status, _, body = lambda_answer(app, event)
    assert status == 400 and "base64" in body["error"]
    event = serverless.lambda_event("POST", "/", headers=basic())
    event["body"] = {"already": "parsed"}
    assert lambda_answer(app, event)[0] == 400


def test_lambda_binary_static_answer_is_base64(tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\xff\x00")
    server = AgentServer()
    server.serve_static_files(str(tmp_path), "/static")
    answer = serverless.handle_lambda(
        server.app, serverless.lambda_event("GET", "/static/logo.png")
    )
    assert answer["isBase64Encoded"] is True
    assert base64.b64decode(answer["body"]) == b"\x89PNG\xff\x00"


# -- the same answers as server mode --------------------------------------------------------------

CASES = [
    ("POST", "/", {}, swml_fetch_body("S1"), True),
    ("GET", "/", {}, None, True),
    ("POST", "/", {}, {}, False),
    ("POST", "/nope", {}, {}, True),
    ("POST", "/swaig/", {}, {"function": "bad name"}, True),
    ("POST", "/swaig/", {}, swaig_body("lookup", {"order_id": "1"}), True),
    ("POST", "/post_prompt/", {}, post_prompt_body(), True),
    ("POST", "/", {"Content-Type": "text/plain"}, "hi", True),
    ("POST", "/", {}, b'{"call_id": "\\ud800"}', True),
    ("POST", "/", {}, b'{"broken', True),
    ("DELETE", "/", {}, None, True),
    ("GET", "/health", {}, None, False),
]


def _normalise(body: Any) -> Any:
    text = json.dumps(body)
    for host in (
        "agent.test",
        "abc123.lambda-url.us-east-1.on.aws",
        "agent.example/cgi-bin/agent.py",
        "fn.example",
    ):
        text = text.replace(f"http://{host}", "BASE").replace(f"https://{host}", "BASE")
        text = text.replace(f"http://signalwire:s3cret@{host}", "BASE").replace(
            f"https://signalwire:s3cret@{host}", "BASE"
        )
    data = json.loads(text)
    if isinstance(data, dict) and "sections" in data:
        ai = ai_of(data)
        ai["post_prompt_url"] = ai["post_prompt_url"].split("?")[0]  # tokens carry a nonce
        for fn in ai["SWAIG"]["functions"]:
            fn["web_hook_url"] = fn["web_hook_url"].split("?")[0]
    return data


def _payload(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    return body.encode() if isinstance(body, str) else json.dumps(body).encode()


async def _server_answers(agent: AgentBase) -> list[tuple[int, Any]]:
    out = []
    async with client_for(agent.get_app()) as client:
        for method, path, headers, body, auth in CASES:
            all_headers = {**JSON, **headers, **(basic() if auth else {})}
            resp = await client.request(method, path, content=_payload(body), headers=all_headers)
            out.append((resp.status_code, _normalise(resp.json())))
    return out


class FakeFlaskRequest:
    """The attributes of a Flask request that Cloud Functions hands over."""

    def __init__(
        self, method: str, path: str, headers: dict[str, str], body: bytes, query: str = ""
    ) -> None:
        self.method, self.path, self.headers = method, path, headers
        self.query_string = query.encode()
        self.remote_addr = "198.51.100.30"
        self._body = body

    def get_data(self) -> bytes:
        return self._body


class FakeAzureRequest:
    """The attributes of azure.functions.HttpRequest."""

    def __init__(
        self, method: str, url: str, headers: dict[str, str], body: bytes, route: str | None
    ) -> None:
        self.method, self.url, self.headers = method, url, headers
        self.params: dict[str, str] = dict(parse_qs(urlsplit(url).query))  # type: ignore[arg-type]
        self.params = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        self.route_params = {"route": route} if route is not None else {}
        self._body = body

    def get_body(self) -> bytes:
        return self._body


def _flask_parts(result: Any) -> tuple[int, bytes]:
    if isinstance(result, tuple):
        return result[1], result[0]
    return result.status_code, result.get_data()  # pragma: no cover - with Flask installed


def _mode_answers(mode: str, agent: AgentBase) -> list[tuple[int, Any]]:
    app = agent.get_app()
    out = []
    for method, path, headers, body, auth in CASES:
        all_headers = {**JSON, **headers, **(basic() if auth else {})}
        payload = _payload(body)
        if mode == "lambda":
            answer = serverless.handle_lambda(
                app, serverless.lambda_event(method, path, headers=all_headers, body=payload)
            )
            status, data = answer["statusCode"], answer["body"].encode()
        elif mode == "gcf":
            status, data = _flask_parts(
                serverless.handle_gcf(app, FakeFlaskRequest(method, path, all_headers, payload))
            )
        elif mode == "azure":
            url = f"https://site.azurewebsites.net/api/agent{path}"
            result = serverless.handle_azure(
                app, FakeAzureRequest(method, url, all_headers, payload, path.lstrip("/"))
            )
            status, data = result.status_code, result.get_body()
        else:
            env = serverless.cgi_environ(method, path, headers=all_headers, body=payload)
            text = serverless.handle_cgi(app, env, io.BytesIO(payload), io.StringIO())
            head, _, rest = text.partition("\r\n\r\n")
            status, data = int(head.split()[1]), rest.encode()
        out.append((status, _normalise(json.loads(data))))
    return out


@pytest.mark.parametrize("mode", ["lambda", "gcf", "azure", "cgi"])
async def test_every_mode_answers_like_server_mode(
    mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FUNCTION_URL", "https://fn.example")
    monkeypatch.setenv("AZURE_FUNCTION_URL", "https://fn.example")
    agent = make_agent()
    expected = await _server_answers(agent)
    got = await asyncio.to_thread(_mode_answers, mode, agent)
    assert (
        [s for s, _ in got]
        == [s for s, _ in expected]
        == [200, 200, 401, 404, 400, 200, 403, 415, 400, 400, 405, 200]
    )
    assert got == expected
    validate_swml(got[0][1])


def test_limits_apply_in_serverless_modes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWML_MAX_REQUEST_SIZE", "100")
    monkeypatch.setenv("SWML_ALLOWED_HOSTS", "agent.example")
    app = make_agent().get_app()
    big = serverless.lambda_event(
        "POST",
        "/",
        headers={**basic(), **JSON, "host": "agent.example"},
        body="{" + " " * 200 + "}",
    )
    assert serverless.handle_lambda(app, big)["statusCode"] == 413
    evil = serverless.lambda_event(
        "POST", "/", headers={**basic(), **JSON, "host": "evil.example"}, body="{}"
    )
    assert serverless.handle_lambda(app, evil)["statusCode"] == 400


def test_gcf_and_azure_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_FUNCTION_NAME", "agent")
    app = make_agent("/bot").get_app()
    req = FakeAzureRequest("GET", "https://s.azurewebsites.net/api/agent/bot/", basic(), b"", None)
    result = serverless.handle_azure(app, req)
    assert result.status_code == 200 and result.mimetype == "application/json"
    validate_swml(json.loads(result.get_body()))
    _, status, headers = serverless.handle_gcf(app, FakeFlaskRequest("GET", "/bot", basic(), b""))
    assert status == 200 and headers["content-type"] == "application/json"
    assert serverless.handle_gcf(app, object())[1] == 400
    assert serverless.handle_azure(app, object()).status_code == 400


# -- run() and the examples ----------------------------------------------------------------------


def test_run_dispatches_by_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    agent = make_agent()
    event = serverless.lambda_event("POST", "/", headers={**basic(), **JSON}, body="{}")
    assert agent.run(event, None)["statusCode"] == 200  # an event without a platform env: Lambda
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "fn")
    assert agent.handle_serverless_request(event, None)["statusCode"] == 200
    result = agent.run(
        FakeFlaskRequest("GET", "/", basic(), b""), force_mode="google_cloud_function"
    )
    assert result[1] == 200
    with pytest.raises(ValueError, match="needs the Flask request"):
        agent.handle_serverless_request(None, None, "gcf")


def test_agent_server_run_in_lambda_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "fn")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_URL", raising=False)
    server = AgentServer()
    server.register(make_agent(), "/sales")
    deep = make_agent()
    deep.name = "deep"
    server.register(deep, "/sales/deep")
    event = serverless.lambda_event("POST", "/sales/deep", headers={**basic(), **JSON}, body="{}")
    del event["requestContext"]["domainName"]
    answer = server.run(event, None)
    doc = validate_swml(json.loads(answer["body"]))
    assert ai_of(doc)["SWAIG"]["defaults"]["web_hook_url"] == (
        "https://signalwire:s3cret@fn.lambda-url.us-east-1.on.aws/sales/deep/swaig/"
    )
    assert (
        json.loads(server.run(serverless.lambda_event("GET", "/health"), None)["body"])["agents"]
        == 2
    )
    assert server.run(serverless.lambda_event("GET", "/other"), None)["statusCode"] == 404


def test_lambda_example_handler(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWML_BASIC_AUTH_USER", CREDS[0])
    monkeypatch.setenv("SWML_BASIC_AUTH_PASSWORD", CREDS[1])
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_URL", "https://fn.example")
    handler = runpy.run_path(str(REPO / "examples/agents/lambda_handler.py"), run_name="x")[
        "handler"
    ]
    answer = handler(
        serverless.lambda_event(
            "POST", "/", headers={**basic(), **JSON}, body=json.dumps(swml_fetch_body("E1"))
        ),
        None,
    )
    doc = validate_swml(json.loads(answer["body"]))
    url = ai_of(doc)["SWAIG"]["functions"][0]["web_hook_url"]
    assert url.startswith("https://signalwire:s3cret@fn.example/swaig/?__token=")
    call = serverless.lambda_event(
        "POST",
        "/swaig/",
        query=f"__token={token_from(url)}",
        headers={**basic(), **JSON},
        body=json.dumps(swaig_body("account_status", {"account_id": "42"}, "E1")),
    )
    assert json.loads(handler(call, None)["body"]) == {"response": "Account 42 is active."}
    assert handler(serverless.lambda_event("POST", "/", body="{}"), None)["statusCode"] == 401


def test_lambda_example_runs_as_a_script() -> None:
    env = {**os.environ, "SWML_BASIC_AUTH_USER": "u", "SWML_BASIC_AUTH_PASSWORD": "p"}
    done = subprocess.run(
        [sys.executable, str(REPO / "examples/agents/lambda_handler.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    head, _, doc = done.stdout.partition("\n")
    assert head == "HTTP 200"
    validate_swml(json.loads(doc))


CGI_SCRIPT = """
import sys
sys.path.insert(0, {tests!r})
from agents_testkit import CREDS
from signalwire.agents import AgentBase
agent = AgentBase("cgi", basic_auth=CREDS, swaig_secret="shared")
agent.prompt_add_section("Role", "CGI.")
agent.set_post_prompt("Summarise.")
agent.run()
"""


def test_cgi_mode_in_a_real_process(tmp_path: Path) -> None:
    script = tmp_path / "agent.py"
    script.write_text(CGI_SCRIPT.format(tests=str(Path(__file__).parent)))
    body = json.dumps(swml_fetch_body("C1")).encode()
    env = {
        **os.environ,
        **serverless.cgi_environ("POST", "/", headers={**basic(), **JSON}, body=body),
    }
    done = subprocess.run(
        [sys.executable, str(script)],
        input=body,
        env=env,
        capture_output=True,
        timeout=60,
        check=True,
    )
    head, _, payload = done.stdout.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    assert lines[0] == "Status: 200 OK"
    assert "content-type: application/json" in lines
    assert f"content-length: {len(payload)}" in lines
    doc = validate_swml(json.loads(payload))
    assert ai_of(doc)["post_prompt_url"].startswith(
        "https://signalwire:s3cret@agent.example/cgi-bin/agent.py/post_prompt/?__token="
    )
    env["HTTP_AUTHORIZATION"] = "Basic bm9wZTpub3Bl"
    denied = subprocess.run(
        [sys.executable, str(script)],
        input=body,
        env=env,
        capture_output=True,
        timeout=60,
        check=True,
    )
    assert denied.stdout.startswith(b"Status: 401 Unauthorized\r\n")


class _UnreadableBody(Exception):
    """What a platform raises when the body cannot be read (a client gone mid-upload)."""


class BrokenFlaskRequest(FakeFlaskRequest):
    def get_data(self) -> bytes:
        raise _UnreadableBody("client disconnected while sending the body")


class BrokenAzureRequest(FakeAzureRequest):
    def get_body(self) -> bytes:
        raise OSError("stream closed")


def test_a_request_whose_body_cannot_be_read_is_a_400() -> None:
    app = make_agent().get_app()
    gcf = serverless.handle_gcf(app, BrokenFlaskRequest("POST", "/", basic(), b""))
    status, data = _flask_parts(gcf)
    assert status == 400
    assert "could not read" in json.loads(data)["error"]
    azure = serverless.handle_azure(
        app, BrokenAzureRequest("POST", "https://fn.example/api/agent", basic(), b"", None)
    )
    assert azure.status_code == 400
    assert "could not read" in json.loads(azure.get_body())["error"]
