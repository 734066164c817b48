"""Contexts and steps: wire shape, methods and every validation rule."""

from __future__ import annotations

import json
from typing import Any

import pytest

from signalwire.agents._contexts import (
    MAX_CONTEXTS,
    MAX_STEPS_PER_CONTEXT,
    Context,
    ContextBuilder,
    GatherInfo,
    GatherQuestion,
    Step,
    create_simple_context,
    render_contexts,
)
from signalwire.agents._errors import AgentsError, ContextValidationError
from signalwire.testing.swml import validate_swml


def in_document(contexts: dict[str, Any]) -> dict[str, Any]:
    """Wrap rendered contexts the way the agent does (inside ai.prompt) and validate."""
    document = {
        "version": "1.0.0",
        "sections": {
            "main": [
                {"answer": {}},
                {
                    "ai": {
                        "prompt": {
                            "pom": [{"title": "Role", "body": "You are X"}],
                            "contexts": contexts,
                        }
                    }
                },
            ]
        },
    }
    validate_swml(document)
    return document


def sample_builder() -> ContextBuilder:
    builder = ContextBuilder()
    ctx = builder.add_context("default")
    ctx.add_step("greet").set_text("Greet").set_step_criteria("greeted").set_valid_steps(["next"])
    ctx.add_step("collect", task="Collect", bullets=["a", "b"], functions="none")
    ctx.add_step("info").set_text("Gather").set_gather_info(
        output_key="info", completion_action="next_step", prompt="Ask"
    ).add_gather_question("name", "What is your name?", confirm=True)
    ctx.add_step("done").set_text("bye").set_end(True)
    return builder


# --------------------------------------------------------------------------- wire shape


def test_documented_example_wire_shape() -> None:
    rendered = sample_builder().to_dict()
    assert rendered == {
        "default": {
            "steps": [
                {
                    "name": "greet",
                    "text": "Greet",
                    "step_criteria": "greeted",
                    "valid_steps": ["next"],
                },
                {
                    "name": "collect",
                    "text": "## Task\nCollect\n\n## Process\n- a\n- b",
                    "functions": "none",  # as signalwire-sdk 3.7.5 writes it
                },
                {
                    "name": "info",
                    "text": "Gather",
                    "gather_info": {
                        "questions": [
                            {"key": "name", "question": "What is your name?", "confirm": True}
                        ],
                        "prompt": "Ask",
                        "output_key": "info",
                        "completion_action": "next_step",
                    },
                },
                {"name": "done", "text": "bye", "end": True},
            ]
        }
    }
    in_document(rendered)


def test_every_context_key_in_order() -> None:
    builder = ContextBuilder()
    builder.add_context("other").add_step("o").set_text("o")
    ctx = (
        builder.add_context("default")
        .set_valid_contexts(["other"])
        .set_valid_steps(["next"])
        .set_initial_step("s1")
        .set_post_prompt("pp")
        .add_system_section("Sys", "be nice")
        .add_system_bullets("Rules", ["a", "b"])
        .set_consolidate(True)
        .set_full_reset(True)
        .set_user_prompt("up")
        .set_isolated(True)
        .add_section("Role", "You are")
        .add_bullets("Do", ["x", "y"])
        .set_enter_fillers({"en-US": ["hello"]})
        .add_exit_filler("default", ["bye"])
        .set_history("keep")
    )
    assert isinstance(ctx, Context)
    ctx.add_step("s1").set_text("t")
    rendered = builder.to_dict()["default"]
    assert list(rendered) == [
        "steps",
        "valid_contexts",
        "valid_steps",
        "initial_step",
        "post_prompt",
        "system_prompt",
        "consolidate",
        "full_reset",
        "user_prompt",
        "isolated",
        "pom",
        "enter_fillers",
        "exit_fillers",
        "history",
    ]
    assert rendered["system_prompt"] == "## Sys\nbe nice\n\n## Rules\n- a\n- b"
    assert rendered["pom"] == [
        {"title": "Role", "body": "You are"},
        {"title": "Do", "bullets": ["x", "y"]},
    ]
    assert rendered["enter_fillers"] == {"en-US": ["hello"]}
    assert rendered["exit_fillers"] == {"default": ["bye"]}
    in_document(builder.to_dict())


def test_context_plain_prompt_is_sent_as_text() -> None:
    builder = ContextBuilder()
    ctx = builder.add_context("default").set_prompt("Be brief").set_system_prompt("sys")
    ctx.add_step("a").set_text("x")
    rendered = builder.to_dict()["default"]
    assert rendered["text"] == "Be brief"
    assert rendered["system_prompt"] == "sys"
    assert "pom" not in rendered
    in_document(builder.to_dict())


def test_every_step_key_in_order() -> None:
    builder = ContextBuilder()
    builder.add_context("billing").add_step("b").set_text("b")
    ctx = builder.add_context("default")
    step = (
        ctx.add_step("s1")
        .set_text("hello")
        .set_step_criteria("done")
        .set_functions(["lookup"])
        .set_valid_steps(["s2"])
        .set_valid_contexts(["billing"])
        .set_end(True)
        .set_skip_user_turn(True)
        .set_skip_to_next_step(True)
        .set_history("hide")
        .set_reset_system_prompt("rs")
        .set_reset_user_prompt("ru")
        .set_reset_consolidate(True)
        .set_reset_full_reset(True)
        .set_gather_info(output_key="o", completion_action="s2", prompt="p", isolated=True)
        .add_gather_question(
            "k",
            "q?",
            type="number",
            confirm=True,
            prompt="qp",
            functions=["lookup"],
            isolated=False,
        )
    )
    assert isinstance(step, Step)
    ctx.add_step("s2").set_text("t")
    rendered = builder.to_dict(tool_names=["lookup"])["default"]["steps"][0]
    assert rendered == {
        "name": "s1",
        "text": "hello",
        "step_criteria": "done",
        "functions": ["lookup"],
        "valid_steps": ["s2"],
        "valid_contexts": ["billing"],
        "end": True,
        "skip_user_turn": True,
        "skip_to_next_step": True,
        "history": "hide",
        "reset": {
            "system_prompt": "rs",
            "user_prompt": "ru",
            "consolidate": True,
            "full_reset": True,
        },
        "gather_info": {
            "questions": [
                {
                    "key": "k",
                    "question": "q?",
                    "type": "number",
                    "confirm": True,
                    "prompt": "qp",
                    "functions": ["lookup"],
                    "isolated": False,
                }
            ],
            "prompt": "p",
            "output_key": "o",
            "completion_action": "s2",
            "isolated": True,
        },
    }
    assert list(rendered) == list(rendered)  # order checked by the dict literal above
    assert list(rendered)[:3] == ["name", "text", "step_criteria"]
    in_document(builder.to_dict(tool_names=["lookup"]))


def test_false_flags_are_omitted() -> None:
    builder = ContextBuilder()
    ctx = builder.add_context("default").set_isolated(False).set_consolidate(False)
    ctx.add_step("a").set_text("x").set_end(False).set_skip_user_turn(False)
    assert in_document(builder.to_dict()) and builder.to_dict() == {
        "default": {"steps": [{"name": "a", "text": "x"}]}
    }


def test_set_functions_forms() -> None:
    step = Step("s").set_text("x")
    # Sent as given, as signalwire-sdk 3.7.5 sends it (the validator allowlists the strings).
    assert step.set_functions("none").to_dict()["functions"] == "none"
    assert step.set_functions([]).to_dict()["functions"] == []
    assert step.set_functions("lookup").to_dict()["functions"] == "lookup"
    assert step.set_functions(["a", "b"]).to_dict()["functions"] == ["a", "b"]
    with pytest.raises(TypeError, match="set_functions"):
        step.set_functions(5)  # type: ignore[arg-type]
    in_document({"default": {"steps": [step.to_dict()]}})


def test_step_without_text_cannot_render() -> None:
    with pytest.raises(ContextValidationError, match="step 's': has no text"):
        Context("default").add_step("s").to_dict()


def test_gather_classes() -> None:
    assert GatherQuestion("k", "q").to_dict() == {"key": "k", "question": "q"}
    info = GatherInfo(output_key="o").add_question("a", "b", confirm=True)
    assert isinstance(info, GatherInfo)
    assert info.to_dict() == {
        "questions": [{"key": "a", "question": "b", "confirm": True}],
        "output_key": "o",
    }
    assert GatherInfo(isolated=True).add_question("a", "b").to_dict()["isolated"] is True


def test_clear_sections_allows_switching_forms() -> None:
    step = Step("s").add_section("T", "b").clear_sections().set_text("plain")
    assert step.to_dict()["text"] == "plain"


def test_create_simple_context() -> None:
    ctx = create_simple_context()
    assert isinstance(ctx, Context)
    assert ctx.name == "default"
    assert create_simple_context("sales").name == "sales"


def test_step_management() -> None:
    builder = ContextBuilder()
    ctx = builder.add_context("default")
    for name in ("a", "b", "c"):
        ctx.add_step(name).set_text(name)
    assert ctx.get_step("b") is not None
    assert ctx.get_step("zz") is None
    assert ctx.move_step("c", 0) is ctx
    assert [s.name for s in ctx.steps] == ["c", "a", "b"]
    assert ctx.remove_step("a") is ctx
    assert ctx.remove_step("missing") is ctx
    assert [s["name"] for s in builder.to_dict()["default"]["steps"]] == ["c", "b"]
    in_document(builder.to_dict())
    with pytest.raises(ValueError, match="'zz' not found"):
        ctx.move_step("zz", 0)


def test_builder_management() -> None:
    builder = ContextBuilder()
    ctx = builder.add_context("default")
    assert builder.get_context("default") is ctx
    assert builder.get_context("nope") is None
    assert builder.reset() is builder
    assert builder.get_context("default") is None


# --------------------------------------------------------------------------- call-time errors


def test_duplicate_context_raises() -> None:
    builder = ContextBuilder()
    builder.add_context("default")
    with pytest.raises(ValueError, match="'default' already exists"):
        builder.add_context("default")


def test_too_many_contexts_raises() -> None:
    builder = ContextBuilder()
    for i in range(MAX_CONTEXTS):
        builder.add_context(f"c{i}")
    with pytest.raises(ValueError, match="more than 50 contexts"):
        builder.add_context("one_more")


def test_duplicate_step_raises() -> None:
    ctx = Context("default")
    ctx.add_step("a")
    with pytest.raises(ValueError, match="context 'default': step 'a' already exists"):
        ctx.add_step("a")


def test_too_many_steps_raises() -> None:
    ctx = Context("default")
    for i in range(MAX_STEPS_PER_CONTEXT):
        ctx.add_step(f"s{i}")
    with pytest.raises(ValueError, match="more than 100 steps"):
        ctx.add_step("one_more")


def test_step_named_next_raises() -> None:
    with pytest.raises(ValueError, match="'next' is reserved"):
        Context("default").add_step("next")


@pytest.mark.parametrize(
    "calls",
    [
        lambda s: s.set_text("x").add_section("T", "b"),
        lambda s: s.set_text("x").add_bullets("T", ["b"]),
        lambda s: s.add_section("T", "b").set_text("x"),
    ],
)
def test_step_text_and_sections_are_exclusive(calls: Any) -> None:
    ctx = Context("sales")
    with pytest.raises(ValueError, match="context 'sales', step 's'"):
        calls(ctx.add_step("s"))


@pytest.mark.parametrize(
    "calls",
    [
        lambda c: c.set_prompt("x").add_section("T", "b"),
        lambda c: c.set_prompt("x").add_bullets("T", ["b"]),
        lambda c: c.add_bullets("T", ["b"]).set_prompt("x"),
        lambda c: c.set_system_prompt("x").add_system_section("T", "b"),
        lambda c: c.set_system_prompt("x").add_system_bullets("T", ["b"]),
        lambda c: c.add_system_section("T", "b").set_system_prompt("x"),
    ],
)
def test_context_prompt_forms_are_exclusive(calls: Any) -> None:
    with pytest.raises(ValueError, match="context 'sales'"):
        calls(Context("sales"))


def test_history_mode_is_checked() -> None:
    with pytest.raises(ValueError, match="history must be one of"):
        Step("s").set_history("forget")
    with pytest.raises(ValueError, match="history must be one of"):
        Context("c").set_history("forget")


def test_gather_question_needs_gather_info() -> None:
    with pytest.raises(ValueError, match="set_gather_info\\(\\) before add_gather_question"):
        Context("default").add_step("s").add_gather_question("k", "q")


# --------------------------------------------------------------------------- render-time rules


def rule_error(
    builder: ContextBuilder, tool_names: list[str] | None = None
) -> ContextValidationError:
    with pytest.raises(ContextValidationError) as info:
        builder.to_dict(tool_names)
    assert isinstance(info.value, AgentsError)
    assert isinstance(info.value, ValueError)
    return info.value


def one_context(name: str = "default") -> tuple[ContextBuilder, Context]:
    builder = ContextBuilder()
    return builder, builder.add_context(name)


def test_rule1_at_least_one_context() -> None:
    err = rule_error(ContextBuilder())
    assert "no contexts defined" in str(err)


def test_rule2_single_context_must_be_default() -> None:
    builder, ctx = one_context("sales")
    ctx.add_step("a").set_text("x")
    err = rule_error(builder)
    assert err.context == "sales"
    assert "context 'sales': a single context must be named 'default'" in str(err)


def test_rule2_several_contexts_need_no_default() -> None:
    # Only a lone context must be `default`; several are accepted without one, as
    # signalwire-sdk 3.7.5 accepts them (the validator allowlists the form).
    builder = ContextBuilder()
    builder.add_context("sales").add_step("a").set_text("x").set_valid_contexts(["support"])
    builder.add_context("support").add_step("b").set_text("y")
    in_document(builder.to_dict())
    builder.add_context("default").add_step("c").set_text("z").set_valid_contexts(["sales"])
    in_document(builder.to_dict())


def test_rule3_every_context_has_steps() -> None:
    builder, ctx = one_context()
    ctx.add_step("a").set_text("x")
    builder.add_context("empty")
    err = rule_error(builder)
    assert (err.context, err.step) == ("empty", None)
    assert "context 'empty': has no steps" in str(err)


def test_every_step_has_text() -> None:
    builder, ctx = one_context()
    ctx.add_step("blank")
    err = rule_error(builder)
    assert (err.context, err.step) == ("default", "blank")
    assert "context 'default', step 'blank': has no text" in str(err)


def test_rule4_initial_step_exists() -> None:
    builder, ctx = one_context()
    ctx.add_step("a").set_text("x")
    ctx.set_initial_step("b")
    err = rule_error(builder)
    assert "context 'default': initial_step 'b' is not a step" in str(err)


def test_rule5_step_valid_steps_exist() -> None:
    builder, ctx = one_context()
    ctx.add_step("a").set_text("x").set_valid_steps(["next", "b"])
    err = rule_error(builder)
    assert (err.context, err.step) == ("default", "a")
    assert "valid_steps names 'b'" in str(err)


def test_rule5_next_and_same_context_steps_are_valid() -> None:
    builder, ctx = one_context()
    ctx.add_step("a").set_text("x").set_valid_steps(["next", "b"])
    ctx.add_step("b").set_text("y").set_valid_steps(["a"])
    in_document(builder.to_dict())


def test_rule5_context_valid_steps_exist() -> None:
    builder, ctx = one_context()
    ctx.add_step("a").set_text("x")
    ctx.set_valid_steps(["ghost"])
    err = rule_error(builder)
    assert (err.context, err.step) == ("default", None)
    assert "valid_steps names 'ghost'" in str(err)


def test_rule5_step_of_another_context_is_invalid() -> None:
    builder = ContextBuilder()
    builder.add_context("default").add_step("a").set_text("x").set_valid_steps(["b"])
    builder.add_context("other").add_step("b").set_text("y")
    assert rule_error(builder).step == "a"


def test_rule6_context_valid_contexts_exist() -> None:
    builder, ctx = one_context()
    ctx.add_step("a").set_text("x")
    ctx.set_valid_contexts(["billing"])
    err = rule_error(builder)
    assert "context 'default': valid_contexts names unknown context 'billing'" in str(err)


def test_rule6_step_valid_contexts_exist() -> None:
    builder, ctx = one_context()
    ctx.add_step("a").set_text("x").set_valid_contexts(["billing"])
    err = rule_error(builder)
    assert (err.context, err.step) == ("default", "a")


def test_rule7_gather_needs_questions() -> None:
    builder, ctx = one_context()
    ctx.add_step("a").set_text("x").set_gather_info(output_key="o")
    err = rule_error(builder)
    assert (err.context, err.step) == ("default", "a")
    assert "gather_info has no questions" in str(err)


def test_rule7_gather_keys_unique() -> None:
    builder, ctx = one_context()
    step = ctx.add_step("a").set_text("x").set_gather_info()
    step.add_gather_question("k", "q1").add_gather_question("k", "q2")
    err = rule_error(builder)
    assert "two questions with key 'k'" in str(err)
    assert err.step == "a"


def test_rule7_next_step_not_on_last_step() -> None:
    builder, ctx = one_context()
    ctx.add_step("a").set_text("x")
    ctx.add_step("b").set_text("y").set_gather_info(
        completion_action="next_step"
    ).add_gather_question("k", "q")
    err = rule_error(builder)
    assert (err.context, err.step) == ("default", "b")
    assert "last step" in str(err)


def test_rule7_completion_action_names_a_step() -> None:
    builder, ctx = one_context()
    ctx.add_step("a").set_text("x").set_gather_info(
        completion_action="nowhere"
    ).add_gather_question("k", "q")
    err = rule_error(builder)
    assert "completion_action 'nowhere'" in str(err)


def test_rule7_completion_action_to_a_step_renders() -> None:
    builder, ctx = one_context()
    ctx.add_step("a").set_text("x").set_gather_info(completion_action="b").add_gather_question(
        "k", "q"
    )
    ctx.add_step("b").set_text("y")
    in_document(builder.to_dict())


def test_rule8_reserved_tool_names() -> None:
    builder, ctx = one_context()
    ctx.add_step("a").set_text("x")
    err = rule_error(builder, tool_names=["lookup", "next_step"])
    assert "'next_step' is reserved" in str(err)


def test_rule9_step_functions_are_registered() -> None:
    builder, ctx = one_context()
    ctx.add_step("a").set_text("x").set_functions(["lookup", "typo"])
    err = rule_error(builder, tool_names=["lookup"])
    assert (err.context, err.step) == ("default", "a")
    assert "functions names 'typo'" in str(err)


def test_rule9_native_names_are_allowed() -> None:
    builder, ctx = one_context()
    ctx.add_step("a").set_text("x").set_functions(["lookup", "next_step", "change_context"])
    in_document(builder.to_dict(tool_names=["lookup"]))


def test_tool_rules_use_the_agents_registry() -> None:
    class FakeAgent:
        def _registered_tool_names(self) -> list[str]:
            return ["lookup"]

    builder = ContextBuilder(FakeAgent())
    builder.add_context("default").add_step("a").set_text("x").set_functions(["nope"])
    assert "functions names 'nope'" in str(rule_error(builder))


def test_tool_rules_skipped_when_tools_unknown() -> None:
    builder, ctx = one_context()
    ctx.add_step("a").set_text("x").set_functions(["anything"])
    builder.validate()  # no agent, no tool list: nothing to check against


# --------------------------------------------------------------------------- render_contexts


def test_render_contexts_from_dict() -> None:
    data = {"default": {"steps": [{"name": "a", "text": "x"}]}}
    assert render_contexts(data) == data
    in_document(render_contexts(data))


def test_render_contexts_from_context_objects() -> None:
    ctx = create_simple_context()
    ctx.add_step("a").set_text("x")
    assert render_contexts({"default": ctx}) == {"default": {"steps": [{"name": "a", "text": "x"}]}}


def test_render_contexts_from_builder() -> None:
    assert render_contexts(sample_builder()) == sample_builder().to_dict()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "no contexts"),
        ({"sales": {"steps": [{"name": "a", "text": "x"}]}}, "named 'default'"),
        ({"a": {"steps": [{"name": "a", "text": "x"}]}, "b": {"steps": []}}, "has no steps"),
        ({"default": {"steps": []}}, "has no steps"),
        ({"default": "nope"}, "must be a Context or a dict"),
    ],
)
def test_render_contexts_checks_dicts(data: Any, message: str) -> None:
    with pytest.raises(ContextValidationError, match=message):
        render_contexts(data)


def test_render_contexts_rejects_other_types() -> None:
    with pytest.raises(TypeError, match="ContextBuilder or a mapping"):
        render_contexts(["default"])  # type: ignore[arg-type]


# --------------------------------------------------------------------------- on an agent


def agent_prompt(agent: Any) -> dict[str, Any]:
    document = validate_swml(json.loads(agent.render_swml()))
    ai = next(v["ai"] for v in document["sections"]["main"] if "ai" in v)
    prompt: dict[str, Any] = ai["prompt"]
    return prompt


def new_agent() -> Any:
    from signalwire.agents import AgentBase

    agent = AgentBase("ctx", basic_auth=("u", "p"))
    agent.prompt_add_section("Role", "You are X")
    return agent


def test_agent_builder_renders_inside_prompt() -> None:
    agent = new_agent()
    builder = agent.define_contexts()
    assert isinstance(builder, ContextBuilder)
    builder.add_context("default").add_step("a").set_text("x")
    prompt = agent_prompt(agent)
    assert prompt["pom"] == [{"title": "Role", "body": "You are X"}]
    assert prompt["contexts"] == {"default": {"steps": [{"name": "a", "text": "x"}]}}


def test_agent_renders_a_separately_built_builder() -> None:
    agent = new_agent()
    agent.define_contexts(sample_builder())
    assert agent_prompt(agent)["contexts"] == sample_builder().to_dict()


def test_agent_renders_a_dict() -> None:
    agent = new_agent()
    data = {"default": {"steps": [{"name": "a", "text": "x"}]}}
    agent.define_contexts(data)
    assert agent_prompt(agent)["contexts"] == data


def test_agent_checks_step_functions_against_its_tools() -> None:
    agent = new_agent()
    agent.define_tool("lookup", "Look up", {}, lambda args, raw: "ok")
    agent.define_contexts().add_context("default").add_step("a").set_text("x").set_functions(
        ["lookup"]
    )
    assert agent_prompt(agent)["contexts"]["default"]["steps"][0]["functions"] == ["lookup"]
    agent.define_contexts().get_context("default").add_step("b").set_text("y").set_functions(
        ["nope"]
    )
    with pytest.raises(ContextValidationError, match="step 'b': functions names 'nope'"):
        agent.render_swml()
