"""Semantic gates: built, checked when the tool is defined, and rendered into the SWML."""

from __future__ import annotations

import json
from typing import Any

import pytest
from agents_testkit import ai_of, basic, client_for, swml_fetch_body
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signalwire.agents import AgentBase, DataMap, FunctionResult, SemanticGate, SWAIGFunction
from signalwire.testing.swml import validate_swml

OK_FAIL = {"response": "The tool was not run."}


def agent() -> AgentBase:
    a = AgentBase("gates", basic_auth=("signalwire", "s3cret"))
    a.prompt_add_section("Role", "You help.")
    return a


async def render(a: AgentBase) -> dict[str, Any]:
    async with client_for(a.get_app()) as client:
        resp = await client.post("/", json=swml_fetch_body(), headers=basic())
        return validate_swml(resp.json())


def test_gate_to_dict_key_order_and_on_fail_forms() -> None:
    gate = SemanticGate(
        "Has the caller confirmed in `conversation`?",
        threshold=0.9,
        on_fail=FunctionResult(tool_result="not run", tool_prompt="Ask again.").update_global_data(
            {"tries": 1}
        ),
        id="confirmed",
        true_means="They said yes.",
        false_means="Anything else.",
        visual_input=True,
    )
    data = gate.to_dict()
    assert list(data) == ["id", "question", "criteria", "threshold", "on_fail", "visual_input"]
    assert data["criteria"] == {"true": "They said yes.", "false": "Anything else."}
    assert data["on_fail"] == {
        "response": {"tool_result": "not run", "tool_prompt": "Ask again."},
        "action": [{"set_global_data": {"tries": 1}}],
    }
    assert SemanticGate("q?", 1, "No.").to_dict() == {
        "question": "q?",
        "threshold": 1,
        "on_fail": {"response": "No."},
    }
    raw = {"response": "x", "action": []}
    assert SemanticGate("q?", 0.5, raw).to_dict()["on_fail"] is not raw


async def test_define_tool_renders_gates_and_fillers_into_schema_valid_swml() -> None:
    a = agent()
    a.define_tool(
        "cancel_account",
        "Cancel the account.",
        {},
        lambda args, raw: "Cancelled.",
        gates=[SemanticGate("Did the caller ask to cancel?", 0.95, "Not cancelled.")],
        gate_fillers={"default": ["Let me check."]},
    )
    a.set_semantic_gates(enabled=True, timeout_ms=4000, history=30)
    ai = ai_of(await render(a))
    fn = ai["SWAIG"]["functions"][0]
    assert fn["gates"] == [
        {
            "question": "Did the caller ask to cancel?",
            "threshold": 0.95,
            "on_fail": {"response": "Not cancelled."},
        }
    ]
    assert fn["gate_fillers"] == {"default": ["Let me check."]}
    assert ai["params"]["semantic_gate_timeout_ms"] == 4000
    assert ai["params"]["semantic_gate_history"] == 30
    assert ai["params"]["semantic_gates_enabled"] is True


async def test_decorator_and_datamap_take_gates() -> None:
    a = agent()

    @a.tool(
        description="Refund an order",
        gates=[{"question": "Refund asked?", "threshold": 0.8, "on_fail": OK_FAIL}],
    )
    def refund(order_id: str) -> str:
        return "Refunded."

    dm = (
        DataMap("lookup")
        .purpose("Look it up")
        .fallback_output(FunctionResult("Found."))
        .gate(SemanticGate("Is it asked?", 0.7, "No lookup."))
        .gate_fillers({"en-US": ["Checking."]})
    )
    a.register_swaig_function(dm.to_swaig_function())
    fns = {f["function"]: f for f in ai_of(await render(a))["SWAIG"]["functions"]}
    assert fns["refund"]["gates"][0]["threshold"] == 0.8
    assert fns["lookup"]["gates"][0]["on_fail"] == {"response": "No lookup."}
    assert fns["lookup"]["gate_fillers"] == {"en-US": ["Checking."]}


GOOD = {"question": "q?", "threshold": 0.5, "on_fail": OK_FAIL}


@pytest.mark.parametrize(
    ("gates", "message"),
    [
        ([{**GOOD, "colour": "red"}], "unknown field(s) colour"),
        ([{**GOOD, "threshold": 0}], "threshold must be a number above 0"),
        ([{**GOOD, "threshold": 1.5}], "threshold"),
        ([{**GOOD, "threshold": True}], "threshold"),
        ([{**GOOD, "threshold": "0.5"}], "threshold"),
        ([{**GOOD, "question": ""}], "question must be a non-empty string"),
        ([{**GOOD, "question": 7}], "question must be a non-empty string"),
        ([{**GOOD, "question": "x" * 8193}], "longer than 8192 bytes"),
        ([{**GOOD, "on_fail": "text"}], "on_fail must be an object"),
        ([{**GOOD, "on_fail": {"action": []}}], "on_fail needs a response"),
        ([{**GOOD, "on_fail": {"response": {"tool_prompt": "p"}}}], "tool_result"),
        ([{**GOOD, "on_fail": {"response": "x", "action": {}}}], "action must be a list"),
        ([{**GOOD, "criteria": {"maybe": "x"}}], "only have the keys"),
        ([{**GOOD, "criteria": {}}], "criteria must be a non-empty object"),
        ([{**GOOD, "visual_input": 6}], "visual_input"),
        ([{**GOOD, "id": "has space"}], "id must be"),
        ([GOOD, {**GOOD, "id": "gate_1"}], "id 'gate_1' is used twice"),
        ([{**GOOD, "question": "a\x00b"}], "NUL"),
        ([GOOD] * 9, "1 to 8 gates"),
        ([], "1 to 8 gates"),
        ("not a list", "must be a list"),
        ({"question": "q"}, "must be a list"),
        ([42], "must be a SemanticGate or a dict"),
    ],
)
def test_bad_gates_are_refused_when_the_tool_is_defined(gates: Any, message: str) -> None:
    a = agent()
    with pytest.raises(ValueError, match=r"^fn: ") as exc:
        a.define_tool("fn", "d", {}, lambda args, raw: "x", gates=gates)
    assert message in str(exc.value)
    assert "fn" not in a._tools


def test_gates_on_reserved_names_fillers_without_gates_and_unknown_tools() -> None:
    a = agent()
    with pytest.raises(ValueError, match="reserved function 'end_call'"):
        a.define_tool("end_call", "d", {}, lambda args, raw: "x", gates=[GOOD])
    with pytest.raises(ValueError, match="gate_fillers needs gates"):
        a.define_tool("f", "d", {}, lambda args, raw: "x", gate_fillers={"default": ["x"]})
    toggle = FunctionResult("Blocked.").toggle_functions([{"function": "unlock", "active": True}])
    with pytest.raises(ValueError, match="toggles the tool 'unlock', which is not defined"):
        a.define_tool("g", "d", {}, lambda args, raw: "x", gates=[SemanticGate("q?", 0.5, toggle)])
    a.define_tool("unlock", "d", {}, lambda args, raw: "x")
    a.define_tool("g", "d", {}, lambda args, raw: "x", gates=[SemanticGate("q?", 0.5, toggle)])
    with pytest.raises(ValueError, match="needs a description"):
        a.register_swaig_function({"function": "raw", "gates": [GOOD], "data_map": {}})
    with pytest.raises(ValueError, match="not null"):
        a.register_swaig_function({"function": "raw", "description": "d", "gates": None})


def test_semantic_gate_constructor_checks_its_own_values() -> None:
    with pytest.raises(ValueError, match="threshold"):
        SemanticGate("q?", 2, "x")
    with pytest.raises(ValueError, match="on_fail text must not be empty"):
        SemanticGate("q?", 0.5, "")
    with pytest.raises(ValueError, match="on_fail must be a str"):
        SemanticGate("q?", 0.5, 42)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"timeout_ms": 499},
        {"timeout_ms": 10001},
        {"history": -1},
        {"history": 101},
        {"enabled": "yes"},
        {"history": True},
    ],
)
def test_set_semantic_gates_ranges(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        agent().set_semantic_gates(**kwargs)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
GATE_KEYS = st.sampled_from(
    ["id", "question", "threshold", "on_fail", "criteria", "visual_input", "x"]
)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=150)
@given(st.lists(st.dictionaries(GATE_KEYS, json_values, max_size=6), max_size=3))
def test_any_gate_input_is_accepted_whole_or_refused_with_value_error(gates: list[Any]) -> None:
    error: ValueError | None = None
    try:
        rendered = SWAIGFunction("fn", None, "d", gates=gates).extra_swaig_fields["gates"]
    except ValueError as exc:
        error = exc
    if error is not None:
        assert str(error).startswith("fn: ")
        return
    json.dumps(rendered)
    assert 1 <= len(rendered) <= 8


def test_a_question_reading_missing_global_data_is_refused() -> None:
    a = agent()
    gate = {"question": "Is ${global_data.plan} gold?", "threshold": 0.5, "on_fail": OK_FAIL}
    with pytest.raises(ValueError, match="reads the global-data key 'plan'"):
        a.define_tool("upgrade", "d", {}, lambda args, raw: "x", gates=[gate])
    a.set_global_data({"plan": "basic"})
    a.define_tool("upgrade", "d", {}, lambda args, raw: "x", gates=[gate])
    state = {"question": "Is ${semantic_state.ok} true?", "threshold": 0.5, "on_fail": OK_FAIL}
    a.define_tool("other", "d", {}, lambda args, raw: "x", gates=[state])
    with pytest.raises(ValueError, match="global-data key 'tier'"):
        a.register_swaig_function(
            {
                "function": "raw",
                "description": "d",
                "data_map": {"output": {"response": "ok"}},
                "gates": [{**state, "question": "Tier ${tier}?"}],
            }
        )
