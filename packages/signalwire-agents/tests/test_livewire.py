"""LiveWire: livekit-agents-style code becomes an AgentBase, its SWML and its /swaig/ tools."""

from __future__ import annotations

import logging
import runpy
from pathlib import Path
from typing import Any

import pytest
from agents_testkit import ai_of, basic, client_for, swaig_body, swml_fetch_body
from agents_testkit import token_from as tok
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signalwire.agents import FunctionResult
from signalwire.agents.livewire import (
    NOT_GIVEN,
    Agent,
    AgentHandoff,
    AgentServer,
    AgentSession,
    JobContext,
    RunContext,
    ToolError,
    build,
    function_tool,
    inference,
    llm_ns,
    voice,
)
from signalwire.agents.livewire._notice import reset_notices
from signalwire.agents.livewire.plugins import CartesiaTTS, OpenAILLM
from signalwire.testing.swml import validate_swml

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "agents" / "livewire_handoff.py"
AUTH = {"basic_auth": ("signalwire", "s3cret")}


def server_for(make_session: Any) -> AgentServer:
    server = AgentServer()

    @server.rtc_session()
    async def entrypoint(ctx: JobContext) -> None:
        session, agent = make_session()
        await session.start(agent)

    return server


async def fetch(agent: Any, call_id: str = "c1") -> dict[str, Any]:
    async with client_for(agent.get_app()) as client:
        resp = await client.post("/", json=swml_fetch_body(call_id), headers=basic())
        assert resp.status_code == 200, resp.text
        return validate_swml(resp.json())


def functions(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["function"]: f for f in ai_of(doc)["SWAIG"]["functions"]}


async def call_tool(
    client: Any, doc: dict[str, Any], name: str, args: dict[str, Any], call_id: str = "c1"
) -> dict[str, Any]:
    url = functions(doc)[name]["web_hook_url"]
    resp = await client.post(
        f"/swaig/?__token={tok(url)}", json=swaig_body(name, args, call_id), headers=basic()
    )
    assert resp.status_code == 200, resp.text
    body: dict[str, Any] = resp.json()
    return body


# -- the example ---------------------------------------------------------------------------


async def test_example_renders_schema_valid_swml_with_the_mapped_settings() -> None:
    agent = build(runpy.run_path(str(EXAMPLE), run_name="example")["server"], **AUTH)
    doc = await fetch(agent)
    ai = ai_of(doc)
    assert ai["prompt"]["text"].startswith("You take bread orders")
    assert "## Initial Greeting\n\nGreet the caller" in ai["prompt"]["text"]
    assert ai["params"]["model"] == "gpt-4.1-mini"
    assert ai["params"]["end_of_speech_timeout"] == 500
    # attention_timeout (the idle prompt, >= 10 s) is not what max_endpointing_delay means.
    assert "attention_timeout" not in ai["params"]
    fns = functions(doc)
    assert set(fns) == {"price_of", "add_to_order", "go_to_checkout", "order_total"}
    assert fns["order_total"]["active"] is False
    assert "active" not in fns["price_of"]
    assert fns["add_to_order"]["parameters"]["properties"]["quantity"]["type"] == "integer"
    assert fns["add_to_order"]["parameters"]["required"] == ["item"]
    assert "ctx" not in fns["add_to_order"]["parameters"]["properties"]


async def test_example_tools_userdata_and_handoff_per_call() -> None:
    agent = build(runpy.run_path(str(EXAMPLE), run_name="example")["server"], **AUTH)
    doc = await fetch(agent)
    async with client_for(agent.get_app()) as client:
        assert await call_tool(client, doc, "price_of", {"item": "Baguette"}) == {
            "response": "A Baguette costs $3.25."
        }
        added = await call_tool(client, doc, "add_to_order", {"item": "croissant", "quantity": 2})
        assert added == {"response": "Added 2 croissant."}
        # order_total belongs to Checkout: not callable before the handoff.
        early = await call_tool(client, doc, "order_total", {})
        assert "not available" in early["response"]
        handoff = await call_tool(client, doc, "go_to_checkout", {})
        assert handoff["response"] == "Let me take you to checkout."
        switch = handoff["action"][0]["context_switch"]
        assert switch["system_prompt"].startswith("You read back the order")
        assert switch["user_prompt"] == "Read back the order and its total."
        toggles = {t["function"]: t["active"] for t in handoff["action"][1]["toggle_functions"]}
        assert toggles == {
            "price_of": False,
            "add_to_order": False,
            "go_to_checkout": False,
            "order_total": True,
        }
        total = await call_tool(client, doc, "order_total", {})
        assert total == {"response": "2 items, $5.50 in total."}
        # Another call still talks to the front desk.
        other_doc = await fetch(agent, "c2")
        other = await call_tool(client, other_doc, "order_total", {}, call_id="c2")
        assert "not available" in other["response"]


# -- tools -----------------------------------------------------------------------------------


def test_function_tool_bare_and_with_arguments() -> None:
    @function_tool
    def plain(city: str) -> str:
        """Weather for a city."""
        return city

    @function_tool(name="renamed", description="Custom text")
    def other() -> str:
        return ""

    agent = Agent(instructions="x", tools=[plain, other, lambda: "not a tool"])
    assert [(i.name, i.description) for i in agent.tool_infos()] == [
        ("plain", "Weather for a city."),
        ("renamed", "Custom text"),
    ]
    assert plain("Oslo") == "Oslo"
    assert llm_ns.tool is function_tool and voice.Agent is Agent


async def test_handler_forms_results_and_errors() -> None:
    seen: dict[str, Any] = {}

    @function_tool
    def sync_tool(city: str, days: int = 1) -> str:
        """Sync."""
        return f"{city}:{days}"

    @function_tool
    async def async_tool(context: RunContext, raw_data: dict[str, Any]) -> FunctionResult:
        """Async with a context and the raw request."""
        seen["call_id"] = raw_data["call_id"]
        context.userdata["hits"] = context.userdata.get("hits", 0) + 1
        return FunctionResult("async ok").update_global_data({"k": 1})

    @function_tool
    def returns_dict() -> dict[str, Any]:
        """A plain dict is given to the model as JSON."""
        return {"temp": 21}

    @function_tool
    def fails() -> str:
        """Fails with a message for the model."""
        raise ToolError("The store is closed.")

    @function_tool
    async def hands_off() -> AgentHandoff:
        """Hand off."""
        return AgentHandoff(Agent(instructions="second"), returns="over")

    session = AgentSession(userdata={})
    agent = build(
        server_for(
            lambda: (
                session,
                Agent(
                    instructions="tools",
                    tools=[sync_tool, async_tool, returns_dict, fails, hands_off],
                ),
            )
        ),
        **AUTH,
    )
    doc = await fetch(agent)
    async with client_for(agent.get_app()) as client:
        assert await call_tool(client, doc, "sync_tool", {"city": "Oslo"}) == {"response": "Oslo:1"}
        body = await call_tool(client, await fetch(agent, "x9"), "async_tool", {}, call_id="x9")
        assert body["response"] == "async ok" and body["action"]
        assert seen["call_id"] == "x9" and session.userdata == {"hits": 1}
        assert await call_tool(client, doc, "returns_dict", {}) == {"response": '{"temp": 21}'}
        assert await call_tool(client, doc, "fails", {}) == {"response": "The store is closed."}
        handoff = await call_tool(client, doc, "hands_off", {})
        assert handoff["response"] == "over"
        assert handoff["action"][0] == {"context_switch": "second"}


async def test_session_and_agent_options_map_onto_params() -> None:
    def make() -> tuple[AgentSession, Agent]:
        session = AgentSession(llm=OpenAILLM(model="gpt-4o"), allow_interruptions=True)
        session.say("Hello there.")
        session.say("How can I help?")
        agent = Agent(
            instructions="Be brief.",
            allow_interruptions=False,
            min_endpointing_delay=0.8,
            max_endpointing_delay=5,
        )
        return session, agent

    ai = ai_of(await fetch(build(server_for(make), **AUTH)))
    assert ai["params"]["static_greeting"] == "Hello there. How can I help?"
    assert ai["params"]["model"] == "gpt-4o"
    assert ai["params"]["enable_barge"] is False
    assert ai["params"]["end_of_speech_timeout"] == 800
    assert "attention_timeout" not in ai["params"]
    assert ai["prompt"]["text"] == "Be brief."


def test_ignored_options_are_logged_once_at_info(caplog: pytest.LogCaptureFixture) -> None:
    reset_notices()
    with caplog.at_level(logging.INFO, logger="signalwire.agents.livewire"):
        Agent(instructions="x", tts=CartesiaTTS(voice="v"))
        Agent(instructions="y", tts="cartesia/sonic")
        AgentSession(vad="silero", max_tool_steps=5)
    messages = [r.getMessage() for r in caplog.records]
    assert all(r.levelno == logging.INFO for r in caplog.records)
    assert sum("Agent(tts=...)" in m for m in messages) == 1
    assert sum("CartesiaTTS" in m for m in messages) == 1
    assert any("AgentSession(vad=...)" in m for m in messages)
    assert any("max_tool_steps" in m for m in messages)
    assert Agent().llm is NOT_GIVEN
    assert inference.LLM("openai/gpt-4o").model == "openai/gpt-4o"


def test_build_refuses_an_app_without_entrypoint_or_session() -> None:
    with pytest.raises(ValueError, match="no entrypoint"):
        build(AgentServer())
    server = AgentServer()

    @server.rtc_session
    def entrypoint(ctx: JobContext) -> None:
        pass

    with pytest.raises(ValueError, match="started no session"):
        build(server)


def test_setup_fnc_userdata_reaches_the_entrypoint() -> None:
    seen: dict[str, Any] = {}
    server = AgentServer(setup_fnc=lambda proc: proc.userdata.update(model="m"))

    @server.rtc_session(agent_name="a")
    async def entrypoint(ctx: JobContext) -> None:
        seen.update(ctx.proc.userdata)
        await AgentSession().start(Agent(instructions="x"))

    build(server, **AUTH)
    assert seen == {"model": "m"}


def test_run_app_exits_with_status_1_when_nothing_to_serve(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from signalwire.agents.livewire import run_app

    with pytest.raises(SystemExit) as exc:
        run_app(AgentServer())
    assert exc.value.code == 1
    assert "SignalWire" in capsys.readouterr().err


json_values = st.recursive(
    # JSON has no NaN or infinity: the platform can never send them.
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=10,
)
FUZZ_AGENT = build(runpy.run_path(str(EXAMPLE), run_name="example")["server"], **AUTH)


@settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(["price_of", "add_to_order", "go_to_checkout", "order_total"]),
    args=st.dictionaries(
        st.sampled_from(["item", "quantity", "ctx", "x"]), json_values, max_size=3
    ),
)
async def test_livewire_tools_answer_any_arguments_without_a_server_error(
    name: str, args: dict[str, Any]
) -> None:
    doc = await fetch(FUZZ_AGENT, "fuzz")
    async with client_for(FUZZ_AGENT.get_app()) as client:
        url = functions(doc)[name]["web_hook_url"]
        resp = await client.post(
            f"/swaig/?__token={tok(url)}", json=swaig_body(name, args, "fuzz"), headers=basic()
        )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert isinstance(body.get("response"), (str, dict)), body
