"""``sw-agent dev``: the inspector's routes, records, redaction, tool calls, replay and reload.

In process through the dev app (httpx's ASGI transport), plus the real command in a
subprocess for what needs a socket: the event stream and reload on a file change.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import httpx
import pytest
from agents_testkit import CREDS, basic, client_for, post_prompt_body, swaig_body, swml_fetch_body
from devserver_helpers import APP, DevProcess
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signalwire.agents import AgentBase, AgentServer, FunctionResult
from signalwire.agents._cli._dev._app import DevApp, Served
from signalwire.agents._cli._dev._recorder import LogCapture, Recorder
from signalwire.agents._cli._dev._redact import MASK, redact_headers, redact_text
from signalwire.agents._cli._dev._runner import DevServer, LoadError
from signalwire.testing.swml import validate_swml

INSPECT = "/agent/_inspector"
XI = {"X-Inspector": "1"}


def make_agent() -> AgentBase:
    agent = AgentBase("dev", route="/agent", basic_auth=CREDS, swaig_secret="k" * 32)
    agent.set_prompt_text("Help the caller.")
    agent.set_post_prompt("Summarize.")
    logger = agent.log

    @agent.tool(description="Look an order up")
    def lookup(order_id: str, express: bool = False) -> FunctionResult:
        logger.info("looking up %s", order_id)
        return FunctionResult(f"Order {order_id} shipped").update_global_data({"o": order_id})

    return agent


@pytest.fixture
def capture() -> Any:
    import logging

    handler = LogCapture(logging.DEBUG)
    root = logging.getLogger()
    root.addHandler(handler)
    old = logging.getLogger("signalwire").level
    logging.getLogger("signalwire").setLevel(logging.INFO)
    yield handler
    root.removeHandler(handler)
    logging.getLogger("signalwire").setLevel(old)


def dev_app(agent: AgentBase) -> DevApp:
    return DevApp(Served(agent.get_app(), [agent]), Recorder(10))


async def swml(client: httpx.AsyncClient) -> dict[str, Any]:
    resp = await client.post("/agent", json=swml_fetch_body("call-7"), headers=basic())
    assert resp.status_code == 200
    return validate_swml(resp.json())


def tool_url(doc: dict[str, Any], name: str) -> str:
    ai = next(v["ai"] for v in doc["sections"]["main"] if "ai" in v)
    return str(next(f["web_hook_url"] for f in ai["SWAIG"]["functions"] if f["function"] == name))


# -- never outside the dev command ---------------------------------------------------------


@pytest.mark.parametrize("path", [INSPECT + "/", INSPECT + "/events", INSPECT + "/api/tools"])
async def test_a_normal_app_has_no_inspector(path: str) -> None:
    agent = make_agent()
    async with client_for(agent.get_app()) as client:
        assert (await client.get(path, headers=basic())).status_code == 404
    server = AgentServer()
    server.register(make_agent(), "/agent")
    async with client_for(server.app) as client:
        assert (await client.get(path, headers=basic())).status_code == 404


def test_importing_the_agents_package_loads_no_dev_code() -> None:
    code = "import signalwire.agents, sys; print(any('_cli' in m for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- the page and its API -----------------------------------------------------------------


async def test_the_inspector_needs_the_agents_credentials() -> None:
    async with client_for(dev_app(make_agent())) as client:
        for path in ("/", "/events", "/api/records", "/api/tools", "/inspector.js"):
            resp = await client.get(INSPECT + path)
            assert resp.status_code == 401, path
            assert resp.headers["www-authenticate"].startswith("Basic")
        wrong = basic(CREDS[0], "nope")
        assert (await client.get(INSPECT + "/", headers=wrong)).status_code == 401
        page = await client.get(INSPECT + "/", headers=basic())
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert f'data-base="{INSPECT}/"' in page.text


async def test_the_page_is_self_contained() -> None:
    async with client_for(dev_app(make_agent())) as client:
        bodies = [
            (await client.get(INSPECT + p, headers=basic())).text
            for p in ("/", "/inspector.css", "/inspector.js")
        ]
    for body in bodies:  # no CDN, no external fonts or scripts
        assert not re.search(r"https?://", body.replace("http://www.w3.org", ""))
        assert "@import" not in body and "url(" not in body


async def test_a_swml_fetch_is_recorded_validated_and_redacted() -> None:
    app = dev_app(make_agent())
    async with client_for(app) as client:
        await swml(client)
        views = (await client.get(INSPECT + "/api/records", headers=basic())).json()
    (view,) = views
    assert view["kind"] == "swml" and view["status"] == 200
    assert view["validation"] == {"valid": True, "errors": []}
    assert view["request"]["call"]["call_id"] == "call-7"
    shown = json.dumps(view)
    assert CREDS[1] not in shown  # neither the Authorization header nor the URLs' user:password
    assert view["headers"]["authorization"] == f"Basic {MASK}"
    url = tool_url(view["response"], "lookup")
    assert url.endswith(f"__token={MASK}") and f"//{MASK}@" in url
    real = app.recorder.records[0].response.decode()
    token = re.search(r"__token=([^\"&]+)", real)
    assert token is not None and token.group(1) not in shown


async def test_an_invalid_document_names_the_failing_path() -> None:
    class Broken(AgentBase):
        def on_swml_request(self, *args: Any) -> Any:
            return {"prompt": {"text": 5}}  # the schema wants a string

    agent = Broken("b", route="/agent", basic_auth=CREDS)
    async with client_for(dev_app(agent)) as client:
        await client.post("/agent", json=swml_fetch_body(), headers=basic())
        (view,) = (await client.get(INSPECT + "/api/records", headers=basic())).json()
    assert view["validation"]["valid"] is False
    paths = [e["path"] for e in view["validation"]["errors"]]
    assert "$.sections.main[1].ai.prompt.text" in paths


async def test_a_tool_call_shows_arguments_answer_actions_and_its_log_lines(capture: Any) -> None:
    async with client_for(dev_app(make_agent())) as client:
        doc = await swml(client)
        url = tool_url(doc, "lookup")
        await client.post(url, json=swaig_body("lookup", {"order_id": "A1"}, call_id="call-7"))
        views = (await client.get(INSPECT + "/api/records", headers=basic())).json()
    call = views[-1]
    assert call["kind"] == "swaig" and call["function"] == "lookup"
    assert call["arguments"] == {"order_id": "A1"}
    assert call["answer"] == "Order A1 shipped"
    assert call["actions"] == [{"set_global_data": {"o": "A1"}}]
    assert call["duration_ms"] > 0
    assert [line["message"] for line in call["logs"]] == ["looking up A1"]
    assert views[0]["logs"] == []  # each request keeps only its own lines


async def test_post_prompt_payloads_are_recorded() -> None:
    async with client_for(dev_app(make_agent())) as client:
        doc = await swml(client)
        url = next(v["ai"] for v in doc["sections"]["main"] if "ai" in v)["post_prompt_url"]
        await client.post(url, json=post_prompt_body("call-7", parsed={"ok": True}))
        views = (await client.get(INSPECT + "/api/records", headers=basic())).json()
    assert views[-1]["kind"] == "post_prompt"
    assert views[-1]["request"]["post_prompt_data"]["parsed"] == [{"ok": True}]


async def test_the_tool_form_api_lists_and_calls_tools() -> None:
    async with client_for(dev_app(make_agent())) as client:
        tools = (await client.get(INSPECT + "/api/tools", headers=basic())).json()
        assert tools[0]["name"] == "lookup" and tools[0]["callable"] is True
        assert tools[0]["parameters"]["required"] == ["order_id"]
        payload = {"function": "lookup", "arguments": {"order_id": "B2"}}
        refused = await client.post(INSPECT + "/api/call", json=payload, headers=basic())
        assert refused.status_code == 403  # a cross-site form cannot add X-Inspector
        resp = await client.post(INSPECT + "/api/call", json=payload, headers={**basic(), **XI})
        bad = await client.post(
            INSPECT + "/api/call", json={"function": 3}, headers={**basic(), **XI}
        )
    assert resp.status_code == 200
    view = resp.json()
    assert view["answer"] == "Order B2 shipped" and view["source"] == "inspector"
    assert bad.status_code == 400 and "function" in bad.json()["error"]


async def test_replay_sends_the_recorded_request_again() -> None:
    calls: list[str] = []
    agent = make_agent()

    @agent.tool(description="Count calls", secure=True)
    def count(n: int) -> str:
        calls.append(str(n))
        return f"call {len(calls)}"

    async with client_for(dev_app(agent)) as client:
        doc = await swml(client)
        await client.post(tool_url(doc, "count"), json=swaig_body("count", {"n": 1}, "call-7"))
        first = (await client.get(INSPECT + "/api/records", headers=basic())).json()[-1]
        resp = await client.post(
            f"{INSPECT}/api/replay/{first['id']}", json={}, headers={**basic(), **XI}
        )
        missing = await client.post(f"{INSPECT}/api/replay/999", json={}, headers={**basic(), **XI})
    replayed = resp.json()
    assert replayed["replay_of"] == first["id"] and replayed["source"] == "replay"
    assert replayed["answer"] == "call 2"  # the token minted for the call still works
    assert calls == ["1", "1"]
    assert missing.status_code == 404


def test_redaction_rules() -> None:
    text = "https://u:p@h/x?__token=abc&a=1 token=zz mytoken=keep"
    assert redact_text(text) == f"https://{MASK}@h/x?__token={MASK}&a=1 token={MASK} mytoken=keep"
    shown = redact_headers([(b"Authorization", b"Basic dTpw"), (b"x-a", b"1")])
    assert shown == {"authorization": f"Basic {MASK}", "x-a": "1"}


# -- loading and reloading ------------------------------------------------------------------


def test_reload_keeps_credentials_and_picks_up_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    for name in ("SWML_BASIC_AUTH_USER", "SWML_BASIC_AUTH_PASSWORD", "SIGNALWIRE_SWAIG_SECRET"):
        monkeypatch.setenv(name, "")  # generated by the dev server, put back after the test
    app_file = tmp_path / "app.py"
    app_file.write_text(APP)
    env = os.environ
    server = DevServer(str(app_file), port=0, out=open(tmp_path / "out", "w"))  # noqa: SIM115
    try:
        before = server.build().served.agents[0]
        creds = before.get_basic_auth_credentials()[:2]
        assert creds == (env["SWML_BASIC_AUTH_USER"], env["SWML_BASIC_AUTH_PASSWORD"])
        app_file.write_text(APP.replace("shipped", "delivered").replace("dev-demo", "renamed"))
        assert server.reload_now() >= 0
        after = server.app.served.agents[0] if server.app else None
        assert after is not None and after is not before and after.name == "renamed"
        assert after.get_basic_auth_credentials()[:2] == creds
        app_file.write_text("this is not python(")
        assert server.reload_now() == -1.0  # a broken edit keeps the last good version
        assert server.app is not None and server.app.served.agents[0] is after
    finally:
        server.out.close()


def test_load_errors_are_clear(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(DevServer, "_credentials", lambda self: None)
    with pytest.raises(LoadError, match="no such file"):
        DevServer(str(tmp_path / "missing.py"), environ={}).build()
    empty = tmp_path / "empty.py"
    empty.write_text("x = 1\n")
    with pytest.raises(LoadError, match="no agent"):
        DevServer(str(empty), environ={}).build()


def test_an_agent_server_file_is_served_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(DevServer, "_credentials", lambda self: None)
    app_file = tmp_path / "multi.py"
    app_file.write_text(
        APP
        + textwrap.dedent("""
        from signalwire.agents import AgentServer
        other = AgentBase("other", route="/other")
        server = AgentServer()
        server.register(agent, "/agent")
        server.register(other, "/other")
        """)
    )
    served = DevServer(str(app_file), environ={}).build().served
    assert sorted(a.route for a in served.agents) == ["/agent", "/other"]


# -- the real command ----------------------------------------------------------------------


@pytest.fixture
def dev_process(tmp_path: Path) -> Any:
    app_file = tmp_path / "app.py"
    app_file.write_text(APP)
    proc = DevProcess(app_file)
    proc.app_file = app_file  # type: ignore[attr-defined]
    yield proc
    proc.stop()


def test_the_command_streams_records_and_reloads_on_change(dev_process: DevProcess) -> None:
    auth = dev_process.auth
    with httpx.Client(base_url=dev_process.base, auth=auth, timeout=10) as client:
        with client.stream("GET", INSPECT + "/events") as stream:
            lines = stream.iter_lines()
            assert next(lines) == "retry: 500"
            assert next(lines) == ""
            assert next(lines) == "event: hello"
            assert next(lines) == 'data: {"route": "/agent"}'
            assert next(lines) == ""
            doc = validate_swml(client.post("/agent", json=swml_fetch_body("call-1")).json())
            event = [next(lines) for _ in range(3)]
            assert event[0] == "event: " + "record" and event[1].startswith("data: ")
            assert json.loads(event[1][len("data: ") :])["kind"] == "swml"
        mark = len(dev_process.lines)
        app_file: Path = dev_process.app_file  # type: ignore[attr-defined]
        app_file.write_text(APP.replace("shipped", "delivered"))
        line = dev_process.wait_for(re.compile(r"reloaded .* in (\d+) ms"), 30, mark)
        assert line, "".join(dev_process.lines)
        # The URL handed out before the reload still works (same secret, same credentials).
        answer = client.post(tool_url(doc, "lookup"), json=swaig_body("lookup", {"order_id": "Z"}))
    assert answer.json()["response"] == "Order Z delivered"


def test_the_command_reports_a_missing_file(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "signalwire.agents._cli._dev", "dev", str(tmp_path / "nope.py")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2 and "no such file" in out.stderr


# -- bad input ----------------------------------------------------------------------------

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    path=st.sampled_from(["/api/call", "/api/replay/1", "/api/replay/x", "/api/nothing"]),
    body=st.one_of(
        _json_values.map(lambda v: json.dumps(v).encode()),
        st.binary(max_size=64),
        st.integers(min_value=1, max_value=5000).map(lambda n: b"[" * n + b"]" * n),
        st.integers(min_value=1, max_value=5000).map(
            lambda n: b'{"function":"lookup","arguments":' + b'{"a":' * n + b"1" + b"}" * n + b"}"
        ),
    ),
)
async def test_inspector_api_answers_bad_input_with_a_json_4xx(path: str, body: bytes) -> None:
    async with client_for(dev_app(make_agent())) as client:
        resp = await client.post(
            INSPECT + path,
            content=body,
            headers={**basic(), **XI, "content-type": "application/json"},
        )
    assert resp.status_code in (200, 400, 404), (resp.status_code, resp.text)
    assert isinstance(resp.json(), dict)


async def test_a_deeply_nested_platform_request_is_recorded_as_text() -> None:
    nested = b"[" * 5000 + b"]" * 5000
    async with client_for(dev_app(make_agent())) as client:
        resp = await client.post(
            "/agent", content=nested, headers={**basic(), "content-type": "application/json"}
        )
        assert resp.status_code == 400  # the agent's own answer
        (view,) = (await client.get(INSPECT + "/api/records", headers=basic())).json()
    assert view["status"] == 400 and isinstance(view["request"], str)


async def test_each_agent_of_a_server_has_its_own_inspector() -> None:
    sales = make_agent()
    support = AgentBase("support", route="/support", basic_auth=("s", "pw"), swaig_secret="k" * 32)
    server = AgentServer()
    server.register(sales, "/agent")
    server.register(support, "/support")
    app = DevApp(Served(server.app, [sales, support]), Recorder(10))
    async with client_for(app) as client:
        await swml(client)
        resp = await client.post("/support", json=swml_fetch_body(), headers=basic("s", "pw"))
        assert resp.status_code == 200
        validate_swml(resp.json())
        mine = (
            await client.get("/support/_inspector/api/records", headers=basic("s", "pw"))
        ).json()
        # The sales agent's credentials do not open the support agent's inspector.
        other = await client.get("/support/_inspector/api/records", headers=basic())
        sales_view = (await client.get(INSPECT + "/api/records", headers=basic())).json()
    assert [v["route"] for v in mine] == ["/support"]
    assert other.status_code == 401
    assert [v["route"] for v in sales_view] == ["/agent"]


@pytest.mark.parametrize(
    ("argv", "example"),
    [
        (["--help"], "\n  sw-agent dev agent.py "),
        (["dev", "--help"], "\n  sw-agent dev app.py --route "),
    ],
)
def test_help_shows_an_example(
    argv: list[str], example: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from signalwire.agents._cli._dev._cli import main

    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    assert "Example" in text and example in text
