"""Tool registration: define_tool, @tool (instance and class body), typed-handler inference."""

from __future__ import annotations

from typing import Any, Literal, Optional

import pytest
from agents_testkit import CREDS, basic, client_for, swaig_body

from signalwire.agents import AgentBase, FunctionResult, SWAIGFunction
from signalwire.testing.swml import validate_swml


def functions(agent: AgentBase) -> dict[str, dict[str, Any]]:
    import json

    doc = validate_swml(json.loads(agent.render_swml("c")))
    ai = doc["sections"]["main"][-1]["ai"]
    return {f["function"]: f for f in ai["SWAIG"]["functions"]}


def test_parameters_wrapping_rules() -> None:
    agent = AgentBase("a", basic_auth=CREDS)
    agent.define_tool("bare", "d", {"x": {"type": "integer"}}, lambda a, r: None, required=["x"])
    full = {"type": "object", "properties": {"y": {"type": "string"}}, "required": ["y"]}
    agent.define_tool("full", "d", full, lambda a, r: None)
    agent.define_tool("empty", "d", {}, lambda a, r: None)
    fns = functions(agent)
    assert fns["bare"]["parameters"] == {
        "type": "object",
        "properties": {"x": {"type": "integer"}},
        "required": ["x"],
    }
    assert fns["full"]["parameters"] == full
    assert fns["empty"]["parameters"] == {"type": "object", "properties": {}}
    assert all(f["web_hook_url"].count("__token=") == 1 for f in fns.values())  # secure default


def test_typed_inference_from_hints_and_docstring() -> None:
    agent = AgentBase("a", basic_auth=CREDS)

    @agent.tool(secure=False)
    def book(
        city: str,
        nights: int,
        budget: float = 100.0,
        pets: bool = False,
        tags: list[str] | None = None,
        extras: dict[str, Any] | None = None,
        room: Literal["single", "double"] = "single",
        note: Optional[str] = None,  # noqa: UP045 - the typing.Optional spelling must work too
    ) -> str:
        """Book a hotel room.

        Longer text that is not the summary.

        Args:
            city: Where to stay
            nights: How many nights,
                at least one
        Returns:
            A confirmation.
        """
        return f"{city}:{nights}:{budget}:{pets}:{room}"

    fn = functions(agent)["book"]
    assert fn["description"] == "Book a hotel room."
    params = fn["parameters"]
    assert params["required"] == ["city", "nights"]
    props = params["properties"]
    assert props["city"] == {"type": "string", "description": "Where to stay"}
    assert props["nights"] == {"type": "integer", "description": "How many nights, at least one"}
    assert props["budget"] == {"type": "number"}
    assert props["pets"] == {"type": "boolean"}
    assert props["tags"] == {"type": "array", "items": {"type": "string"}}
    assert props["extras"] == {"type": "object"}
    assert props["room"] == {"type": "string", "enum": ["single", "double"]}
    assert props["note"] == {"type": "string"}
    assert "web_hook_url" not in fn


async def test_typed_handler_receives_kwargs_and_raw_data() -> None:
    agent = AgentBase("a", basic_auth=CREDS)
    seen: list[Any] = []

    @agent.tool(name="greet", description="Greets", secure=False)
    def greet(name: str, raw_data: dict[str, Any]) -> FunctionResult:
        seen.append(raw_data["call_id"])
        return FunctionResult(f"hello {name}")

    @agent.tool
    async def shout(word: str) -> str:
        """Shout a word."""
        return word.upper()

    assert "raw_data" not in functions(agent)["greet"]["parameters"]["properties"]
    async with client_for(agent.get_app()) as client:
        body = swaig_body("greet", {"name": "Ana", "unexpected": 1}, "call-5")
        resp = await client.post("/swaig/", json=body, headers=basic())
        assert resp.json() == {"response": "hello Ana"}
        # shout is secure (the default): no token, no call.
        resp = await client.post(
            "/swaig/", json=swaig_body("shout", {"word": "hi"}), headers=basic()
        )
        assert "security token" in resp.json()["response"]
        # A missing required argument is reported to the AI, not raised as a 500.
        resp = await client.post("/swaig/", json=swaig_body("greet", {}), headers=basic())
        assert resp.status_code == 200
        assert resp.json()["response"] == (
            "Function 'greet' was called with invalid arguments: missing required argument "
            "'name'. Call it again with corrected arguments."
        )
        # A wrong type is refused before the typed handler runs, naming the argument.
        resp = await client.post("/swaig/", json=swaig_body("greet", {"name": 5}), headers=basic())
        assert "argument 'name' should be string, got int" in resp.json()["response"]
    assert seen == ["call-5"]


def test_legacy_signature_and_varargs_disable_inference() -> None:
    agent = AgentBase("a", basic_auth=CREDS)

    @agent.tool(parameters={"q": {"type": "string"}})
    def explicit(args: dict[str, Any], raw_data: dict[str, Any]) -> str:
        """Explicit schema."""
        return "x"

    @agent.tool
    def legacy(args: dict[str, Any], raw_data: dict[str, Any]) -> str:
        return "x"

    @agent.tool
    def loose(*args: Any, **kwargs: Any) -> str:
        return "x"

    fns = functions(agent)
    assert fns["explicit"]["parameters"]["properties"] == {"q": {"type": "string"}}
    assert fns["explicit"]["description"] == "Explicit schema."
    assert fns["legacy"]["parameters"] == {"type": "object", "properties": {}}
    assert fns["legacy"]["description"] == "Function legacy"
    assert fns["loose"]["parameters"] == {"type": "object", "properties": {}}


async def test_class_body_tools_are_bound_per_instance() -> None:
    class Shop(AgentBase):
        def __init__(self, store: str) -> None:
            self.store = store
            super().__init__("shop", basic_auth=CREDS)

        @AgentBase.tool(secure=False, fillers={"en-US": ["One moment"]})
        def where(self, item: str) -> str:
            """Find an item."""
            return f"{item} is in {self.store}"

        @AgentBase.tool(name="hours", description="Opening hours", secure=False)
        def opening(self, args: dict[str, Any], raw_data: dict[str, Any]) -> FunctionResult:
            return FunctionResult(f"{self.store} opens at 9")

    a, b = Shop("Paris"), Shop("Lyon")
    fn = functions(a)["where"]
    assert fn["description"] == "Find an item."
    assert fn["fillers"] == {"en-US": ["One moment"]}
    assert fn["parameters"]["required"] == ["item"]
    async with client_for(a.get_app()) as ca, client_for(b.get_app()) as cb:
        resp = await ca.post("/swaig/", json=swaig_body("where", {"item": "tea"}), headers=basic())
        assert resp.json() == {"response": "tea is in Paris"}
        resp = await cb.post("/swaig/", json=swaig_body("hours", {}), headers=basic())
        assert resp.json() == {"response": "Lyon opens at 9"}


async def test_handler_return_coercion_and_on_function_call_override() -> None:
    class Routed(AgentBase):
        def on_function_call(self, name: str, args: dict[str, Any], raw_data: Any = None) -> Any:
            if name == "intercepted":
                return {"response": "intercepted by override"}
            return super().on_function_call(name, args, raw_data)

    agent = Routed("r", basic_auth=CREDS)
    agent.define_tool("as_dict", "d", {}, lambda a, r: {"response": "dict"}, secure=False)
    agent.define_tool("as_int", "d", {}, lambda a, r: 42, secure=False)
    agent.define_tool("as_none", "d", {}, lambda a, r: None, secure=False)
    agent.define_tool("intercepted", "d", {}, lambda a, r: "never", secure=False)
    expected = {
        "as_dict": {"response": "dict"},
        "as_int": {"response": "42"},
        "as_none": {"response": "Function executed successfully"},
        "intercepted": {"response": "intercepted by override"},
    }
    async with client_for(agent.get_app()) as client:
        for name, want in expected.items():
            resp = await client.post("/swaig/", json=swaig_body(name, {}), headers=basic())
            assert resp.json() == want, name


def test_platform_side_tools_are_not_run_locally() -> None:
    agent = AgentBase("a", basic_auth=CREDS)
    agent.register_swaig_function({"function": "dm", "description": "d", "data_map": {}})
    agent.define_tool("ext", "d", {}, None, webhook_url="https://x.example/hook")
    assert "runs on the platform" in agent.on_function_call("dm", {})["response"]
    assert "runs on the platform" in agent.on_function_call("ext", {})["response"]
    assert [getattr(t, "name", None) or t["function"] for t in agent.define_tools()] == [
        "dm",
        "ext",
    ]
    with pytest.raises(ValueError, match="'function'"):
        agent.register_swaig_function({"description": "no name"})


def test_swaig_function_class() -> None:
    fn = SWAIGFunction(
        "lookup",
        lambda args, raw: FunctionResult(f"found {args['id']}"),
        "Look up",
        parameters={"id": {"type": "integer"}},
        required=["id"],
        wait_file="https://x/w.mp3",
        wait_file_loops=2,
        meta_data_token="t",
    )
    assert fn.secure is False  # the class default differs from define_tool's
    assert fn.is_external is False
    assert fn.execute({"id": 3}) == {"response": "found 3"}
    assert fn({"id": 4}).to_dict() == {"response": "found 4"}
    assert fn.validate_args({"id": 3}) == (True, [])
    ok, errors = fn.validate_args({"id": "x"})
    assert not ok
    assert "integer" in errors[0]
    assert fn.validate_args({}) == (False, ["missing required argument 'id'"])
    entry = fn.to_swaig("https://u:p@host/agent", token="tok", call_id="c")
    assert entry["web_hook_url"] == "https://u:p@host/agent/swaig/?__token=tok&call_id=c"
    assert entry["meta_data_token"] == "t"
    assert entry["wait_file_loops"] == 2
    failing = SWAIGFunction("bad", lambda a, r: 1 / 0, "d")
    assert failing.execute({}) == {"response": "Sorry, the bad function is not working right now."}
    exposing = SWAIGFunction("bad", lambda a, r: 1 / 0, "d", expose_errors=True)
    assert exposing.execute({}) == {"response": "Error executing function 'bad': division by zero"}
    with pytest.raises(ValueError, match="tool name"):
        SWAIGFunction("", None, "d")
    assert SWAIGFunction("any text", None, "d").name == "any text"  # the platform takes any
    with pytest.raises(TypeError, match="callable"):
        AgentBase("a", basic_auth=CREDS).define_tool("x", "d", {}, "not callable")  # type: ignore[arg-type]


async def test_wrong_argument_types_get_an_actionable_response() -> None:
    agent = AgentBase("a", basic_auth=CREDS)

    @agent.tool(secure=False)
    def repeat(word: str, times: int) -> str:
        """Repeat a word."""
        return " ".join([word] * times)

    async with client_for(agent.get_app()) as client:
        body = swaig_body("repeat", {"word": "hi", "times": "three"})
        resp = await client.post("/swaig/", json=body, headers=basic())
        assert resp.status_code == 200
        assert resp.json()["response"] == (
            "Function 'repeat' was called with invalid arguments: argument 'times' should be "
            "integer, got str. Call it again with corrected arguments."
        )
        body = swaig_body("repeat", {"word": "hi", "times": 2})
        assert (await client.post("/swaig/", json=body, headers=basic())).json() == {
            "response": "hi hi"
        }


def test_unsupported_features_fail_clearly() -> None:
    agent = AgentBase("a", basic_auth=CREDS, native_functions=["check_time"])
    assert agent.native_functions == ["check_time"]
    with pytest.raises(ValueError, match="Failed to load skill 'no_such_skill'"):
        agent.add_skill("no_such_skill")
    assert agent.list_skills() == []
    assert agent.has_skill("no_such_skill") is False
    assert agent.remove_skill("no_such_skill") is agent


async def test_result_that_is_not_json_is_reported_not_crashed() -> None:
    import datetime

    agent = AgentBase("a", basic_auth=CREDS)
    agent.define_tool(
        "when", "d", {}, lambda a, r: {"response": datetime.datetime.now()}, secure=False
    )
    async with client_for(agent.get_app()) as client:
        resp = await client.post("/swaig/", json=swaig_body("when", {}), headers=basic())
    assert resp.status_code == 200
    assert resp.json() == {"response": "Error executing function 'when': result is not JSON"}


def test_handler_taking_only_args() -> None:
    agent = AgentBase("a", basic_auth=CREDS)
    agent.define_tool("one", "d", {}, lambda args: f"got {args}", secure=False)

    @agent.tool(secure=False)
    def legacy_one(args: dict[str, Any]) -> str:
        return f"legacy {args}"

    assert agent.on_function_call("one", {"x": 1}) == "got {'x': 1}"
    assert agent.on_function_call("legacy_one", {"y": 2}) == "legacy {'y': 2}"
