"""Random workflows: each either renders a schema-valid document or raises a clear error."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from signalwire.agents._contexts import ContextBuilder
from signalwire.agents._errors import ContextValidationError
from signalwire.testing.swml import validate_swml

CONTEXT_NAMES = ["default", "sales", "support"]
STEP_NAMES = ["a", "b", "c"]
TOOLS = ["lookup", "next_step"]

step_spec = st.fixed_dictionaries(
    {
        "name": st.sampled_from(STEP_NAMES),
        "body": st.sampled_from(["text", "sections", "text", "sections", "none"]),
        "valid_steps": st.one_of(
            st.none(), st.lists(st.sampled_from([*STEP_NAMES, "next"]), max_size=2)
        ),
        "valid_contexts": st.one_of(
            st.none(), st.lists(st.sampled_from(CONTEXT_NAMES), max_size=2)
        ),
        "functions": st.one_of(
            st.none(), st.just("none"), st.lists(st.sampled_from([*TOOLS, "typo"]), max_size=2)
        ),
        "gather": st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {
                    "keys": st.one_of(
                        st.lists(
                            st.sampled_from(["k1", "k2"]), min_size=1, max_size=2, unique=True
                        ),
                        st.lists(st.sampled_from(["k1", "k2"]), max_size=3),
                    ),
                    "action": st.sampled_from([None, "next_step", *STEP_NAMES, "nowhere"]),
                }
            ),
        ),
        "end": st.booleans(),
        "history": st.sampled_from([None, "keep", "hide"]),
    }
)
context_spec = st.fixed_dictionaries(
    {
        "name": st.sampled_from(CONTEXT_NAMES),
        "steps": st.lists(step_spec, min_size=1, max_size=3),
        "initial_step": st.sampled_from([None, None, None, None, *STEP_NAMES]),
        "valid_contexts": st.one_of(
            st.none(), st.lists(st.sampled_from(CONTEXT_NAMES), max_size=2)
        ),
        "prompt": st.sampled_from([None, "text", "pom"]),
        "isolated": st.booleans(),
    }
)


# Mostly-valid workflows: a "default" context first, then others.
workflows = st.builds(
    lambda first, rest: [{**first, "name": "default"}, *rest],
    context_spec,
    st.lists(context_spec, max_size=2),
)


def build(spec: list[dict[str, Any]]) -> ContextBuilder:
    builder = ContextBuilder()
    for cspec in spec:
        if builder.get_context(cspec["name"]) is not None:
            continue
        ctx = builder.add_context(cspec["name"]).set_isolated(cspec["isolated"])
        if cspec["prompt"] == "text":
            ctx.set_prompt("Context prompt")
        elif cspec["prompt"] == "pom":
            ctx.add_section("Goal", "Help").add_bullets("Rules", ["Be brief"])
        if cspec["initial_step"]:
            ctx.set_initial_step(cspec["initial_step"])
        if cspec["valid_contexts"] is not None:
            ctx.set_valid_contexts(cspec["valid_contexts"])
        for sspec in cspec["steps"]:
            if ctx.get_step(sspec["name"]) is not None:
                continue
            step = ctx.add_step(sspec["name"])
            if sspec["body"] == "text":
                step.set_text("Do the thing")
            elif sspec["body"] == "sections":
                step.add_section("Task", "x").add_bullets("Process", ["y"])
            if sspec["valid_steps"] is not None:
                step.set_valid_steps(sspec["valid_steps"])
            if sspec["valid_contexts"] is not None:
                step.set_valid_contexts(sspec["valid_contexts"])
            if sspec["functions"] is not None:
                step.set_functions(sspec["functions"])
            if sspec["gather"] is not None:
                step.set_gather_info(output_key="out", completion_action=sspec["gather"]["action"])
                for key in sspec["gather"]["keys"]:
                    step.add_gather_question(key, f"What is {key}?")
            step.set_end(sspec["end"])
            if sspec["history"]:
                step.set_history(sspec["history"])
    return builder


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    spec=st.lists(context_spec, max_size=3),
    tools=st.lists(st.sampled_from(["lookup", "other"]), max_size=2),
)
def test_random_workflow_renders_valid_or_raises_clearly(
    spec: list[dict[str, Any]], tools: list[str]
) -> None:
    builder = build(spec)
    try:
        contexts = builder.to_dict(tool_names=tools)
    except ContextValidationError as exc:
        error = exc
    else:
        validate_swml(
            {
                "version": "1.0.0",
                "sections": {
                    "main": [{"ai": {"prompt": {"text": "You are X", "contexts": contexts}}}]
                },
            }
        )
        return
    # The message names the broken rule, and the context when one is at fault.
    message = str(error)
    assert message
    assert error.context is None or f"context {error.context!r}" in message
    assert error.step is None or f"step {error.step!r}" in message
