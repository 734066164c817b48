"""AgentSession against real agents (in process over ASGI, and over a real socket)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from signalwire.agents import AgentBase, DataMap, FunctionResult
from signalwire.testing import execute_datamap as top_level_execute_datamap
from signalwire.testing.agents import (
    AgentSession,
    AgentSessionError,
    DataMapError,
    ToolCallError,
    ToolNotAllowedError,
    execute_datamap,
)
from signalwire.testing.swml import SWMLValidationError


def _agent() -> AgentBase:
    agent = AgentBase(name="shop", route="/shop", basic_auth=("u", "p"))
    agent.prompt_add_section("Role", "You sell shoes.")
    agent.set_global_data({"store": "north"})
    agent.set_post_prompt("Summarize the call as JSON.")
    summaries: list[Any] = []
    agent.summaries = summaries  # type: ignore[attr-defined]
    agent.on_summary = lambda summary, raw=None: summaries.append(summary)  # type: ignore[method-assign]

    @agent.tool(
        name="lookup",
        description="Look up an order",
        parameters={"order": {"type": "string", "description": "id"}},
    )
    def lookup(args: dict[str, Any], raw: dict[str, Any]) -> FunctionResult:
        seen = raw.get("global_data", {}).get("store")
        return (
            FunctionResult(f"order {args['order']} from {seen} ships today")
            .update_global_data({"order": args["order"]})
            .toggle_functions([{"function": "lookup", "active": False}])
        )

    @agent.tool(name="text_me", description="Text the caller", parameters={})
    def text_me(args: dict[str, Any], raw: dict[str, Any]) -> FunctionResult:
        return FunctionResult("sent").send_sms(
            to_number="+15550100001", from_number="+15550100009", body="Your order ships"
        )

    @agent.tool(name="goodbye", description="End the call", parameters={})
    def goodbye(args: dict[str, Any], raw: dict[str, Any]) -> FunctionResult:
        return FunctionResult("bye").connect("+15550100077").hangup()

    return agent


def _contexts_agent() -> AgentBase:
    agent = AgentBase(name="flow", route="/flow", basic_auth=("u", "p"))
    agent.define_tool(
        "check", "Check", {}, lambda a, r: FunctionResult("ok").swml_change_step("done")
    )
    agent.define_tool("other", "Other", {}, lambda a, r: FunctionResult("no"))
    ctx = agent.define_contexts().add_context("default")
    ctx.add_step("start", task="Check first.").set_functions(["check"]).set_valid_steps(["done"])
    ctx.add_step("done", task="Say goodbye.").set_functions(["other"])
    return agent


async def test_fetch_validates_and_lists_tools() -> None:
    async with AgentSession(
        _agent(), from_number="+15550100005", query_params={"lang": "en"}
    ) as call:
        assert call.ai["global_data"] == {"store": "north"}
        assert call.tools() == ["lookup", "text_me", "goodbye"]
        assert call.token_for("lookup")
        assert call.call_request["call"]["from"] == "+15550100005"


async def test_tool_call_applies_global_data_and_toggles() -> None:
    async with AgentSession(_agent()) as call:
        reply = await call.call_tool("lookup", {"order": "A1"})
        assert reply["response"] == "order A1 from north ships today"
        assert call.state.global_data == {"store": "north", "order": "A1"}
        assert "lookup" not in call.tools()
        with pytest.raises(ToolNotAllowedError, match="'lookup' is toggled off"):
            await call.call_tool("lookup", {"order": "A2"})


async def test_sms_transfer_and_hangup_are_recorded() -> None:
    async with AgentSession(_agent()) as call:
        await call.call_tool("text_me")
        assert call.state.sms[0]["body"] == "Your order ships"
        await call.call_tool("goodbye")
        assert call.state.transfers == [{"connect": {"to": "+15550100077"}}]
        assert call.state.hung_up
        with pytest.raises(ToolNotAllowedError, match="hung up"):
            await call.call_tool("text_me")


async def test_token_of_another_call_is_refused_with_a_clear_error() -> None:
    agent = _agent()
    async with AgentSession(agent) as first, AgentSession(agent) as second:
        with pytest.raises(
            ToolCallError, match=r"'lookup' was called with a token this call"
        ) as info:
            await second.call_tool("lookup", {"order": "A1"}, token=first.token_for("lookup"))
        # The agent really refused it: no order was looked up, no state changed.
        assert "ships today" not in str(info.value.body)
        assert second.state.global_data == {"store": "north"}
        assert second.replies == []


async def test_unknown_tool_names_the_known_ones() -> None:
    async with AgentSession(_agent()) as call:
        with pytest.raises(
            ToolNotAllowedError, match=r"no tool 'nope' in the SWML \(tools: \['goodbye'"
        ):
            await call.call_tool("nope")


async def test_steps_restrict_tools_and_actions_move_steps() -> None:
    async with AgentSession(_contexts_agent()) as call:
        assert (call.state.context, call.state.step) == ("default", "start")
        assert call.tools() == ["check"]
        with pytest.raises(ToolNotAllowedError, match="'other' is not allowed in step 'start'"):
            await call.call_tool("other")
        await call.call_tool("check")
        assert call.state.step == "done"
        assert call.tools() == ["other"]
        with pytest.raises(AgentSessionError, match="unknown step 'nowhere'"):
            call.change_step("nowhere")


async def test_scripted_step_move_must_be_valid() -> None:
    async with AgentSession(_contexts_agent()) as call:
        with pytest.raises(AgentSessionError, match="does not allow switching to context"):
            call.change_context("billing")
        call.change_step("done")
        assert call.state.step == "done"


async def test_post_prompt_summary_reaches_on_summary() -> None:
    agent = _agent()
    async with AgentSession(agent) as call:
        await call.post_summary({"outcome": "sold"})
    assert agent.summaries == [{"outcome": "sold"}]  # type: ignore[attr-defined]


async def test_invalid_swml_is_reported() -> None:
    async def bad(request: Request) -> JSONResponse:
        return JSONResponse({"version": "1.0.0", "sections": {"main": [{"no_such_verb": {}}]}})

    app = Starlette(routes=[Route("/", bad, methods=["POST"])])
    with pytest.raises(SWMLValidationError):
        async with AgentSession(app):
            pass


async def test_non_200_swml_fetch_is_reported() -> None:
    with pytest.raises(AgentSessionError, match="HTTP 401"):
        async with AgentSession(_agent().get_app(), route="/shop", auth=("u", "wrong")):
            pass


# -- DataMap -----------------------------------------------------------------------------


def _weather_service() -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/down":
            return httpx.Response(503, json={"error": "down"})
        if request.url.path == "/list":
            return httpx.Response(200, json={"items": [{"t": "a"}, {"t": "b"}, {"t": "c"}]})
        city = request.url.params.get("q", "")
        return httpx.Response(200, json={"temp": 21, "city": city})

    return httpx.MockTransport(handler)


def _weather_fn(url: str = "https://weather.test/now?q=${enc:args.city}") -> dict[str, Any]:
    dm = (
        DataMap("weather")
        .purpose("Weather")
        .parameter("city", "string", "City", required=True)
        .webhook("GET", url)
        .error_keys(["error"])
        .output(FunctionResult("It is ${temp} in ${city} (asked: ${input.args.city})"))
        .fallback_output(FunctionResult("No weather right now"))
    )
    return dm.to_swaig_function()


def test_datamap_webhook_output() -> None:
    reply = execute_datamap(_weather_fn(), {"city": "New York&x=1"}, transport=_weather_service())
    # enc: kept the value whole; the output reads the answer at the root, the call under input.
    assert reply["response"] == "It is 21 in New York&x=1 (asked: New York&x=1)"


def test_datamap_failed_webhook_uses_fallback() -> None:
    reply = execute_datamap(
        _weather_fn("https://weather.test/down"), {"city": "x"}, transport=_weather_service()
    )
    assert reply["response"] == "No weather right now"


def test_datamap_foreach() -> None:
    fn = (
        DataMap("listing")
        .purpose("List")
        .webhook("GET", "https://weather.test/list")
        .foreach({"input_key": "items", "output_key": "joined", "max": 2, "append": "%{this.T};"})
        .output(FunctionResult("got ${joined}"))
        .to_swaig_function()
    )
    assert execute_datamap(fn, {}, transport=_weather_service())["response"] == "got a;b;"


def test_only_the_first_eligible_webhook_is_tried() -> None:
    fn = (
        DataMap("two")
        .purpose("Two")
        .webhook("GET", "https://weather.test/down")
        .error_keys(["http_code"])
        .output(FunctionResult("first"))
        .webhook("GET", "https://weather.test/now")
        .output(FunctionResult("second"))
        .to_swaig_function()
    )
    with pytest.raises(
        DataMapError,
        match=r"two: .*webhook 0 GET https://weather.test/down: HTTP 503, .*\['http_code'\]",
    ):
        execute_datamap(fn, {}, transport=_weather_service())


def test_error_keys_fail_the_webhook_and_nomatch_output_answers() -> None:
    fn = (
        DataMap("keys")
        .purpose("Keys")
        .parameter("c", "string", "c")
        .expression(
            "${args.c}", r"^x$", FunctionResult("x!"), nomatch_output=FunctionResult("not x")
        )
        .to_swaig_function()
    )
    assert execute_datamap(fn, {"c": "y"})["response"] == "not x"
    hook = (
        DataMap("errs")
        .purpose("Errs")
        .webhook("GET", "https://weather.test/now")
        .error_keys(["temp"])
        .output(FunctionResult("ok"))
        .fallback_output(FunctionResult("fell back"))
        .to_swaig_function()
    )
    assert execute_datamap(hook, {}, transport=_weather_service())["response"] == "fell back"


def test_datamap_expressions_and_no_match() -> None:
    fn = (
        DataMap("color")
        .purpose("Color")
        .parameter("c", "string", "Color")
        .expression("${args.c}", r"^red$", FunctionResult("stop"))
        .to_swaig_function()
    )
    assert execute_datamap(fn, {"c": "red"})["response"] == "stop"
    with pytest.raises(
        DataMapError, match=r"color: .*'\$\{args.c\}' -> 'blue' did not match '\^red\$'"
    ):
        execute_datamap(fn, {"c": "blue"})


def test_top_level_hook_for_swaig_test() -> None:
    reply = top_level_execute_datamap(
        _weather_fn(), {"city": "Rome"}, {}, transport=_weather_service()
    )
    assert reply["response"] == "It is 21 in Rome (asked: Rome)"


async def test_session_runs_datamap_tools_against_a_served_url() -> None:
    agent = _agent()
    agent.register_swaig_function(_weather_fn("http://weather.test/now?q=${args.city}"))

    async def now(request: Request) -> JSONResponse:
        return JSONResponse({"temp": 5, "city": request.query_params["q"]})

    service = Starlette(routes=[Route("/now", now)])
    transport = httpx.ASGITransport(app=service)
    async with AgentSession(agent, datamap_transport=transport) as call:
        reply = await call.call_tool("weather", {"city": "Bergen"})
    assert reply["response"] == "It is 5 in Bergen (asked: Bergen)"
    assert call.replies == [("weather", reply)]


async def test_session_over_a_real_socket(agent_url: str) -> None:
    async with AgentSession(agent_url, auth=("u", "p")) as call:
        reply = await call.call_tool("lookup", {"order": "Z9"})
    assert "Z9" in reply["response"]


@pytest.fixture
def agent_url() -> Any:
    """The test agent served by uvicorn on 127.0.0.1 (a free port) in a thread."""
    import socket
    import threading

    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)  # connections queue in the backlog until uvicorn accepts: no wait needed
    port = sock.getsockname()[1]
    config = uvicorn.Config(_agent().get_app(), log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}/shop"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@settings(max_examples=60, deadline=None)
@given(value=st.text(max_size=20), pattern=st.sampled_from([r"^\d+$", r"yes|no", r"[", r"."]))
def test_datamap_expressions_fuzz(value: str, pattern: str) -> None:
    """Any argument against any pattern: a reply or a DataMapError naming the tool, no crash."""
    fn = {
        "function": "fz",
        "data_map": {
            "expressions": [
                {"string": "${args.v}", "pattern": pattern, "output": {"response": "hit ${args.v}"}}
            ]
        },
    }
    import re

    try:
        hit = re.search(pattern, value) is not None
    except re.error:
        hit = None
    if hit:
        assert execute_datamap(fn, {"v": value}) == {"response": f"hit {value}"}
    else:
        with pytest.raises(DataMapError, match=r"^fz: "):
            execute_datamap(fn, {"v": value})
