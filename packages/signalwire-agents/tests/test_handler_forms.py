"""Every documented tool-handler form is called correctly through ``/swaig/``.

Forms (vendor docs): ``(args, raw_data)``, ``(args)``, typed keyword
parameters with and without ``raw_data``, no parameters; sync and async;
methods and plain functions; registered with ``define_tool`` or the decorators.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

import pytest
from agents_testkit import CREDS, basic, client_for, swaig_body

from signalwire.agents import AgentBase, FunctionResult, SWAIGFunction


class FormsAgent(AgentBase):
    def __init__(self) -> None:
        super().__init__("forms", basic_auth=CREDS, swaig_secret="s")
        self.prompt_add_section("Role", "Test handler forms.")
        reason = {"reason": {"type": "string", "description": "Why"}}
        self.define_tool("get_time", "Time", {}, self.get_time, secure=False)
        self.define_tool("end_session", "End", reason, self.end_session, secure=False)
        self.define_tool("end_raw", "End", reason, self.end_raw, secure=False)
        self.define_tool("legacy", "Legacy", reason, self.legacy, secure=False)
        self.define_tool("args_only", "Args", reason, self.args_only, secure=False)
        self.define_tool("aget_time", "Async time", {}, self.aget_time, secure=False)
        self.define_tool("aend", "Async end", reason, self.aend, secure=False)

    def get_time(self) -> FunctionResult:
        return FunctionResult("noon")

    def end_session(self, reason: str) -> FunctionResult:
        return FunctionResult(f"ended because {reason}")

    def end_raw(self, reason: str, raw_data: dict[str, Any]) -> str:
        return f"{reason} on {raw_data['call_id']}"

    def legacy(self, args: dict[str, Any], raw_data: dict[str, Any]) -> str:
        return f"legacy {args['reason']} {raw_data['call_id']}"

    def args_only(self, args: dict[str, Any]) -> str:
        return f"only {sorted(args)}"

    async def aget_time(self) -> str:
        await asyncio.sleep(0)
        return "async noon"

    async def aend(self, reason: str, raw_data: dict[str, Any]) -> str:
        return f"async {reason} {raw_data['call_id']}"

    @AgentBase.tool(secure=False)
    def class_tool(self) -> str:
        """A decorated method with no parameters."""
        return "class tool ran"

    @AgentBase.tool(name="renamed", description="Typed, renamed", secure=False)
    def typed_method(self, city: str, days: int = 1) -> str:
        return f"{city} for {days}"


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("get_time", {}, "noon"),
        ("get_time", {"ignored": 1}, "noon"),
        ("end_session", {"reason": "done"}, "ended because done"),
        ("end_raw", {"reason": "bye"}, "bye on call-9"),
        ("legacy", {"reason": "r"}, "legacy r call-9"),
        ("args_only", {"reason": "r"}, "only ['reason']"),
        ("aget_time", {}, "async noon"),
        ("aend", {"reason": "x"}, "async x call-9"),
        ("class_tool", {}, "class tool ran"),
        ("renamed", {"city": "Oslo", "days": 3}, "Oslo for 3"),
        ("renamed", {"city": "Rome"}, "Rome for 1"),
    ],
)
async def test_method_forms_over_http(name: str, args: dict[str, Any], expected: str) -> None:
    agent = FormsAgent()
    async with client_for(agent.get_app()) as client:
        resp = await client.post("/swaig/", json=swaig_body(name, args, "call-9"), headers=basic())
    assert resp.status_code == 200
    assert resp.json() == {"response": expected}


async def test_function_forms_and_instance_decorator() -> None:
    agent = AgentBase("fns", basic_auth=CREDS, swaig_secret="s")
    agent.define_tool("nothing", "No params", {}, lambda: "nothing", secure=False)

    def typed(order_id: str) -> str:
        return f"order {order_id}"

    async def atyped(order_id: str, raw_data: dict[str, Any]) -> str:
        return f"async order {order_id} from {raw_data['caller_id_num']}"

    order = {"order_id": {"type": "string"}}
    agent.define_tool("typed", "Typed", order, typed, secure=False)
    agent.define_tool("atyped", "Async typed", order, atyped, secure=False)

    @agent.tool
    def bare() -> str:
        return "bare"

    @agent.tool(secure=False)
    async def deco_async(count: int) -> str:
        """Count things.

        Args:
            count: How many
        """
        return f"counted {count}"

    expected = {
        "nothing": ({}, "nothing"),
        "typed": ({"order_id": "7"}, "order 7"),
        "atyped": ({"order_id": "8"}, "async order 8 from +15551230000"),
        "deco_async": ({"count": 2}, "counted 2"),
    }
    async with client_for(agent.get_app()) as client:
        for name, (args, text) in expected.items():
            resp = await client.post("/swaig/", json=swaig_body(name, args), headers=basic())
            assert resp.json() == {"response": text}, name
    # The decorators return the function itself, still callable by user code.
    assert bare() == "bare"
    assert "bare" in [t.name for t in agent.define_tools() if isinstance(t, SWAIGFunction)]
    assert agent.define_tools()[-1].parameters == {  # type: ignore[union-attr]
        "count": {"type": "integer", "description": "How many"}
    }


def test_direct_calls_use_the_same_forms() -> None:
    fn = SWAIGFunction("t", lambda reason: f"r={reason}", "d", {"reason": {"type": "string"}})
    assert fn({"reason": "x"}) == "r=x"
    assert fn.execute({"reason": "y"}, {}) == {"response": "r=y"}
    none = SWAIGFunction("n", lambda: "ok", "d")
    assert none.execute({}) == {"response": "ok"}
    # A handler whose parameter names are not the tool's parameters gets the dict whole.
    whole = SWAIGFunction("w", lambda data: sorted(data), "d", {"a": {"type": "string"}})
    assert whole({"a": "1"}) == ["a"]


def test_parameters_keeps_the_documented_shape() -> None:
    props = {"location": {"type": "string", "description": "City name"}}
    fn = SWAIGFunction("get_weather", lambda a, r: None, "Weather", props, required=["location"])
    assert fn.parameters == props
    assert fn.required == ["location"]
    assert fn.to_dict()["parameters"] == {
        "type": "object",
        "properties": props,
        "required": ["location"],
    }
    full = {"type": "object", "properties": props}
    assert SWAIGFunction("f", None, "d", full).parameters == full
    assert SWAIGFunction("f", None, "d").parameters == {}


# -- failures and timeouts -------------------------------------------------------------------


def failing_agent(**attrs: Any) -> AgentBase:
    agent = AgentBase("failing", basic_auth=CREDS, swaig_secret="s")
    for key, value in attrs.items():
        setattr(agent, key, value)

    def lookup(args: dict[str, Any], raw_data: dict[str, Any]) -> str:
        raise RuntimeError("database down (secret=hunter2)")

    agent.define_tool("lookup", "Look up", {}, lookup, secure=False)
    agent.define_tool("lookup_open", "Look up", {}, lookup, secure=False, expose_errors=True)
    return agent


async def test_failure_reply_is_generic_and_detail_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    agent = failing_agent()
    async with client_for(agent.get_app()) as client:
        with caplog.at_level(logging.ERROR, logger="signalwire.agents"):
            resp = await client.post(
                "/swaig/", json=swaig_body("lookup", {}, "call-42"), headers=basic()
            )
        opened = await client.post("/swaig/", json=swaig_body("lookup_open", {}), headers=basic())
    assert resp.status_code == 200
    assert resp.json() == {"response": "Sorry, the lookup function is not working right now."}
    assert "hunter2" not in resp.text
    record = next(r for r in caplog.records if "call-42" in r.getMessage())
    assert record.exc_info is not None and "hunter2" in str(record.exc_info[1])
    assert opened.json() == {
        "response": "Error executing function 'lookup_open': database down (secret=hunter2)"
    }


async def test_agent_wide_opt_in_exposes_the_reason() -> None:
    agent = failing_agent(expose_tool_errors=True)
    async with client_for(agent.get_app()) as client:
        resp = await client.post("/swaig/", json=swaig_body("lookup", {}), headers=basic())
    assert "database down" in resp.json()["response"]


async def test_tool_timeout_answers_a_speakable_reply(caplog: pytest.LogCaptureFixture) -> None:
    agent = AgentBase("slow", basic_auth=CREDS, swaig_secret="s")
    release = threading.Event()
    started = asyncio.Event()

    async def hang(args: dict[str, Any], raw_data: dict[str, Any]) -> str:
        started.set()
        await asyncio.Event().wait()  # never finishes on its own
        return "never"

    def blocking(args: dict[str, Any], raw_data: dict[str, Any]) -> str:
        release.wait(5)
        return "late"

    agent.define_tool("hang", "Hangs", {}, hang, secure=False, timeout=0.05)
    agent.define_tool("blocking", "Blocks", {}, blocking, secure=False)
    agent.define_tool("quick", "Quick", {}, lambda: "quick", secure=False)
    agent.tool_timeout = 0.05
    try:
        async with client_for(agent.get_app()) as client:
            with caplog.at_level(logging.ERROR, logger="signalwire.agents"):
                hung = await client.post("/swaig/", json=swaig_body("hang", {}), headers=basic())
                blocked = await client.post(
                    "/swaig/", json=swaig_body("blocking", {}, "call-t"), headers=basic()
                )
            quick = await client.post("/swaig/", json=swaig_body("quick", {}), headers=basic())
    finally:
        release.set()
    assert started.is_set()
    assert hung.json() == {
        "response": "Sorry, the hang function is taking too long. Please try again later."
    }
    assert blocked.json()["response"].startswith("Sorry, the blocking function is taking")
    assert quick.json() == {"response": "quick"}
    assert any("timed out" in r.getMessage() and "call-t" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("bad", [0, -1, "5", True])
def test_timeout_must_be_positive(bad: Any) -> None:
    agent = AgentBase("t", basic_auth=CREDS)
    with pytest.raises(ValueError, match="timeout must be a positive number"):
        agent.define_tool("x", "d", {}, lambda: "", timeout=bad)


async def test_decorator_timeout_and_expose_errors() -> None:
    agent = AgentBase("deco", basic_auth=CREDS, swaig_secret="s")

    @agent.tool(secure=False, timeout=0.05)
    async def stuck() -> str:
        await asyncio.Event().wait()
        return "never"

    @agent.tool(secure=False, expose_errors=True)
    def broken() -> str:
        raise ValueError("quota exceeded")

    async with client_for(agent.get_app()) as client:
        slow = await client.post("/swaig/", json=swaig_body("stuck", {}), headers=basic())
        fail = await client.post("/swaig/", json=swaig_body("broken", {}), headers=basic())
    assert slow.json()["response"].startswith("Sorry, the stuck function is taking too long")
    assert fail.json() == {"response": "Error executing function 'broken': quota exceeded"}
    # Neither option leaks into the SWML function entry.
    entry = next(
        f for f in agent.define_tools() if isinstance(f, SWAIGFunction) and f.name == "stuck"
    ).to_dict()
    assert "timeout" not in entry and "expose_errors" not in entry


async def test_typed_define_tool_handler_missing_argument_is_named() -> None:
    agent = AgentBase("typed", basic_auth=CREDS, swaig_secret="s")

    def end_session(reason: str) -> str:
        return reason

    agent.define_tool(
        "end_session",
        "End",
        {"reason": {"type": "string"}},
        end_session,
        secure=False,
        required=["reason"],
    )
    async with client_for(agent.get_app()) as client:
        resp = await client.post("/swaig/", json=swaig_body("end_session", {}), headers=basic())
    text = resp.json()["response"]
    assert "invalid arguments" in text and "'reason'" in text
