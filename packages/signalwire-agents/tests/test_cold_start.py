"""Serverless cold start: what a function's first request loads, and the loop-free path.

A Lambda (or Cloud Functions, Azure, CGI) invocation answers through the agent's own
ASGI handler while ``get_app()`` was never called, and without an event loop while
nothing needs one (``_hosting/loopless.py``). These tests pin both rules and check that
every case that does need a loop (async handlers and callbacks, tool timeouts) still
answers exactly as server mode does.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap
from typing import Any

import pytest
from agents_testkit import CREDS, ai_of, basic, swaig_body, swml_fetch_body

from signalwire.agents import AgentBase, FunctionResult
from signalwire.agents._hosting import loopless, serverless
from signalwire.testing.swml import validate_swml

JSON = {"Content-Type": "application/json"}


def answer(agent: AgentBase, method: str, path: str, body: Any) -> tuple[int, Any]:
    event = serverless.lambda_event(
        method, path, headers={**basic(), **JSON}, body=json.dumps(body)
    )
    reply = agent.run(event, None, force_mode="lambda")
    return reply["statusCode"], json.loads(reply["body"])


def plain_agent() -> AgentBase:
    agent = AgentBase("cold", route="/", basic_auth=CREDS, swaig_secret="s")
    agent.prompt_add_section("Role", "You answer quickly.")
    return agent


_PROBE = textwrap.dedent(
    """
    import json, sys
    from signalwire.agents import AgentBase, FunctionResult
    from signalwire.agents._hosting import serverless

    agent = AgentBase("cold", route="/", basic_auth=("u", "p"))
    agent.prompt_add_section("Role", "You answer quickly.")

    def lookup(args, raw_data):
        return FunctionResult("order " + args["order_id"] + " shipped")

    agent.define_tool("lookup", "Look up an order", {"order_id": {"type": "string"}},
                      lookup, secure=False)
    import base64
    auth = {"authorization": "Basic " + base64.b64encode(b"u:p").decode()}
    fetch = serverless.lambda_event("POST", "/", headers=auth, body=json.dumps({"call": {}}))
    first = agent.run(fetch, None, force_mode="lambda")
    call = serverless.lambda_event("POST", "/swaig/", headers=auth, body=json.dumps(
        {"function": "lookup", "argument": {"parsed": [{"order_id": "7"}]}}))
    second = agent.run(call, None, force_mode="lambda")
    heavy = sorted(m for m in sys.modules
                   if m.split(".")[0] in {"asyncio", "uvicorn", "starlette", "fastapi", "httpx"})
    print(json.dumps({"status": [first["statusCode"], second["statusCode"]],
                      "tool": json.loads(second["body"]), "loaded": heavy}))
    """
)


def test_first_lambda_requests_load_no_server_stack_and_no_event_loop() -> None:
    """A SWML fetch and a plain tool call: no uvicorn, starlette, httpx or asyncio."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["status"] == [200, 200]
    assert report["tool"] == {"response": "order 7 shipped"}
    assert report["loaded"] == []


def test_get_app_once_called_is_what_serverless_requests_go_through() -> None:
    """Routes a user adds to get_app() are served in serverless mode too."""
    from starlette.responses import JSONResponse

    agent = plain_agent()

    async def ping(request: Any) -> JSONResponse:
        return JSONResponse({"pong": True})

    agent.get_app().add_route("/ping", ping, methods=["GET"])
    event = serverless.lambda_event("GET", "/ping", headers=basic())
    reply = agent.run(event, None, force_mode="lambda")
    assert (reply["statusCode"], json.loads(reply["body"])) == (200, {"pong": True})


def test_async_tool_and_async_callback_fall_back_to_a_loop() -> None:
    agent = plain_agent()
    seen: list[str] = []

    @agent.tool
    async def slow_lookup(order_id: str) -> FunctionResult:
        """Look up an order after a short wait."""
        await asyncio.sleep(0.01)
        seen.append(order_id)
        return FunctionResult(f"order {order_id} is late")

    async def configure(query: Any, body: Any, headers: Any, clone: AgentBase) -> None:
        await asyncio.sleep(0)
        clone.add_hint("configured")

    agent.set_dynamic_config_callback(configure)
    status, doc = answer(agent, "POST", "/", swml_fetch_body("a-1"))
    assert status == 200
    validate_swml(doc)
    assert "configured" in ai_of(doc)["hints"]
    url = next(
        f["web_hook_url"]
        for f in ai_of(doc)["SWAIG"]["functions"]
        if f["function"] == "slow_lookup"
    )
    query = url.split("?", 1)[1]
    event = serverless.lambda_event(
        "POST",
        "/swaig/",
        query=query,
        headers={**basic(), **JSON},
        body=json.dumps(swaig_body("slow_lookup", {"order_id": "5"}, "a-1")),
    )
    reply = agent.run(event, None, force_mode="lambda")
    assert json.loads(reply["body"]) == {"response": "order 5 is late"}
    # The handler ran once: the loop-free attempt stopped before any user code.
    assert seen == ["5"]


def test_a_tool_timeout_still_answers_in_serverless_mode() -> None:
    agent = plain_agent()
    calls: list[int] = []

    def stuck(args: dict[str, Any], raw_data: dict[str, Any]) -> FunctionResult:
        calls.append(1)
        import time

        time.sleep(0.5)
        return FunctionResult("too late")

    agent.define_tool("stuck", "Never in time", {}, stuck, secure=False, timeout=0.05)
    status, reply = answer(agent, "POST", "/swaig/", swaig_body("stuck", {}))
    assert status == 200
    assert reply["response"] != "too late"
    assert calls == [1]


def test_sync_dynamic_callback_runs_inline_once_per_request() -> None:
    agent = plain_agent()
    runs: list[str] = []

    def configure(query: Any, body: Any, headers: Any, clone: AgentBase) -> None:
        runs.append(body["call"]["call_id"])
        clone.add_hint("per-call")

    agent.set_dynamic_config_callback(configure)
    for call_id in ("c-1", "c-2"):
        status, doc = answer(agent, "POST", "/", swml_fetch_body(call_id))
        assert status == 200
        assert ai_of(doc)["hints"] == ["per-call"]
    assert runs == ["c-1", "c-2"]


async def test_loopless_run_inside_a_running_loop_host() -> None:
    """An async host calling a serverless handler: loop-free works there too, and the
    fallback runs the request on a private thread's loop."""
    agent = plain_agent()

    async def waits(args: dict[str, Any], raw_data: dict[str, Any]) -> FunctionResult:
        await asyncio.sleep(0)
        return FunctionResult("done")

    agent.define_tool("waits", "Wait a moment", {}, waits, secure=False)
    assert answer(agent, "POST", "/", swml_fetch_body())[0] == 200
    assert answer(agent, "POST", "/swaig/", swaig_body("waits", {})) == (
        200,
        {"response": "done"},
    )


def test_loopless_run_helper() -> None:
    async def plain() -> int:
        return 1

    async def suspends() -> int:
        await asyncio.sleep(0)
        return 2

    async def needs() -> int:
        loopless.require_loop()
        return 3

    on_loop_calls: list[str] = []

    def on_loop(coro: Any) -> int:
        on_loop_calls.append(coro.__name__)
        return asyncio.run(coro)

    assert loopless.run(plain, on_loop) == 1
    assert loopless.run(suspends, on_loop) == 2
    assert loopless.run(needs, on_loop) == 3
    assert on_loop_calls == ["suspends", "needs"]
    assert not loopless.active()
    loopless.require_loop()  # outside a loop-free run it is a no-op


@pytest.mark.parametrize("kind", ["error", "base"])
def test_loopless_run_propagates_failures(kind: str) -> None:
    async def fails() -> None:
        if kind == "error":
            raise ValueError("boom")
        raise KeyboardInterrupt

    expected = ValueError if kind == "error" else KeyboardInterrupt
    with pytest.raises(expected):
        loopless.run(fails, asyncio.run)
    assert not loopless.active()


def test_swaig_test_list_tools_loads_no_server_stack_and_no_event_loop(tmp_path: Any) -> None:
    """``swaig-test FILE --list-tools`` and ``--dump-swml`` answer through the agent's own
    handler, without starlette, uvicorn, httpx or asyncio."""
    script = tmp_path / "agent_file.py"
    script.write_text(
        textwrap.dedent(
            """
            from signalwire.agents import AgentBase, FunctionResult

            agent = AgentBase("listed", route="/")

            @agent.tool
            def lookup(order_id: str) -> FunctionResult:
                '''Look up an order.'''
                return FunctionResult("ok")
            """
        )
    )
    probe = (
        "import json, sys\n"
        "from signalwire.agents._cli._main import main\n"
        f"codes = [main([{str(script)!r}, '--list-tools']), main([{str(script)!r}, '--dump-swml'])]\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'asyncio', 'uvicorn', 'starlette', 'httpx'})\n"
        "print(json.dumps({'codes': codes, 'loaded': heavy}), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "lookup" in done.stdout
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report == {"codes": [0, 0], "loaded": []}


def test_a_plain_wrapper_returning_a_coroutine_runs_its_body_once(
    recwarn: pytest.WarningsRecorder,
) -> None:
    """A ``def`` handler that returns a coroutine needs the loop: the coroutine made in
    the loop-free attempt is closed (no "never awaited" warning), its body runs once."""
    agent = plain_agent()
    bodies: list[str] = []

    async def body(order_id: str) -> FunctionResult:
        await asyncio.sleep(0)
        bodies.append(order_id)
        return FunctionResult(f"order {order_id} wrapped")

    def wrapper(args: dict[str, Any], raw_data: dict[str, Any]) -> Any:
        return body(args["order_id"])

    agent.define_tool(
        "wrapped",
        "A wrapped async handler",
        {"order_id": {"type": "string"}},
        wrapper,
        secure=False,
    )
    status, reply = answer(agent, "POST", "/swaig/", swaig_body("wrapped", {"order_id": "3"}))
    assert (status, reply) == (200, {"response": "order 3 wrapped"})
    assert bodies == ["3"]
    assert not [w for w in recwarn if "never awaited" in str(w.message)]
