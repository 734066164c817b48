"""A per-call configuration callback changes its request's copy of the agent, never the agent.

The copy is made by copying the agent's one state object (``AgentState``); these tests drive
real HTTP requests through the agent's app, call every public mutator on the copy, and
compare the agent's rendered SWML and state before and after.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any

from agents_testkit import CREDS, basic, client_for, post_prompt_body, swaig_body, swml_fetch_body

from signalwire.agents import AgentBase, FunctionResult
from signalwire.agents._agent_state import AgentState
from signalwire.agents._pom import PomBuilder
from signalwire.agents._swaig_function import SWAIGFunction
from signalwire.agents._verbs_generated import SWMLVerbsMixin
from signalwire.testing.swml import validate_swml

PerCall = Callable[[dict[str, str], dict[str, Any], dict[str, str], AgentBase], Any]


def configured_agent() -> AgentBase:
    """An agent with something in every container a per-call callback could edit in place."""
    agent = AgentBase("percall", basic_auth=CREDS, swaig_secret="s3cret")
    agent.prompt_add_section("Role", "You answer questions.", bullets=["Be brief."])
    agent.set_post_prompt("Summarise the call.")
    agent.set_prompt_llm_params(temperature=0.3)
    agent.set_post_prompt_llm_params(temperature=0.1)
    agent.add_hints(["SignalWire"])
    agent.add_language("English", "en-US", "rime.spore:mistv2", params={"speed": 1})
    agent.add_pronunciation("SW", "SignalWire")
    agent.set_params({"end_of_speech_timeout": 700})
    agent.set_global_data({"tier": "basic", "nested": {"n": 1}})
    agent.set_native_functions(["check_time"])
    agent.add_internal_filler("check_time", "en-US", ["One moment."])
    agent.add_function_include("https://fns.example.com/swaig", ["remote_fn"])
    agent.add_mcp_server("https://mcp.example.com/mcp", headers={"x": "1"})
    agent.add_pre_answer_verb("set", {"stage": "pre"})
    agent.add_post_answer_verb("set", {"stage": "post-answer"})
    agent.add_post_ai_verb("set", {"stage": "post-ai"})
    agent.add_swaig_query_params({"tenant": "t1"})
    agent.define_tool("lookup", "Look up", {}, lambda args, raw: FunctionResult("found"))
    agent.add_skill("datetime")
    agent.on_call_start(lambda raw: None)
    agent.on_debug_event(lambda kind, data: None)
    agent.register_sip_username("percall")
    return agent


def _plain(value: Any) -> Any:
    """A comparable picture of a value: containers copied, objects by identity and content."""
    if isinstance(value, PomBuilder):
        return ("pom", value.to_dict())
    if isinstance(value, SWAIGFunction):
        return ("tool", id(value), value.to_dict())
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, set):
        return sorted(map(repr, value))
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    to_dict = getattr(value, "to_dict", None)
    return (type(value).__name__, id(value), to_dict() if callable(to_dict) else None)


def snapshot(agent: AgentBase) -> dict[str, Any]:
    state = agent._state
    swml = re.sub(r"__token=[^\"&]+", "__token=T", agent.render_swml("call-x"))
    own = {
        k: (v if v is None or isinstance(v, (str, int, float, bool)) else id(v))
        for k, v in vars(agent).items()
        # made on first use by serving (the app, the token signer), not configuration
        if k not in {"_cache", "_version", "_base_cache", "_app", "_signer"}
    }
    return {
        "swml": swml,
        "state": {f.name: _plain(getattr(state, f.name)) for f in dataclasses.fields(state)},
        "state_id": id(state),
        "attributes": own,
        "skills": agent.list_skills(),
    }


async def drive(agent: AgentBase, requests: int) -> None:
    """SWML fetches, tool calls and post-prompt posts, as the platform sends them."""
    async with client_for(agent.get_app()) as client:
        for n in range(requests):
            kind = n % 3
            if kind == 0:
                resp = await client.post("/", json=swml_fetch_body(f"c-{n}"), headers=basic())
                assert resp.status_code == 200, resp.text
                validate_swml(resp.json())
            elif kind == 1:
                body = swaig_body("get_current_time", {}, call_id=f"c-{n}")
                resp = await client.post("/swaig/", json=body, headers=basic())
                assert resp.status_code == 200, resp.text
            else:
                resp = await client.post(
                    "/post_prompt/", json=post_prompt_body(f"c-{n}"), headers=basic()
                )
                assert resp.status_code in (200, 403), resp.text


# -- the callback that adds a callback ---------------------------------------------------------


async def test_a_callback_added_per_call_does_not_grow_the_agents_callbacks() -> None:
    agent = configured_agent()
    runs: list[str] = []

    def added(query: Any, body: Any, headers: Any, copy: AgentBase) -> None:
        runs.append("added")

    def per_call(query: Any, body: Any, headers: Any, copy: AgentBase) -> None:
        runs.append("per_call")
        copy.add_per_call_config(added)

    agent.add_per_call_config(per_call)
    async with client_for(agent.get_app()) as client:
        for n in range(3):
            resp = await client.post("/", json=swml_fetch_body(f"c-{n}"), headers=basic())
            assert resp.status_code == 200
            validate_swml(resp.json())
            assert agent._dynamic_callbacks == [per_call]
    # Each request ran the agent's one callback; the one added on a copy ended with it.
    assert runs == ["per_call"] * 3


async def test_replacing_the_callback_per_call_keeps_the_agents_callback() -> None:
    agent = configured_agent()
    seen: list[int] = []

    def per_call(query: Any, body: Any, headers: Any, copy: AgentBase) -> None:
        seen.append(1)
        copy.set_dynamic_config_callback(lambda *a: None)

    agent.set_dynamic_config_callback(per_call)
    await drive(agent, 6)
    assert agent._dynamic_callbacks == [per_call]
    assert len(seen) == 6


# -- every mutator, 1,000 requests --------------------------------------------------------------


class _Handler:
    """A custom verb handler, as ``register_verb_handler`` takes."""

    def get_verb_name(self) -> str:
        return "percall_verb"

    def validate_config(self, config: Any) -> tuple[bool, list[str]]:
        return True, []


def _define_contexts(copy: AgentBase) -> None:
    builder = copy.define_contexts()
    builder.add_context("default").add_step("greet").set_text("Say hello.")


def _decorated_tool(copy: AgentBase) -> None:
    @copy.tool(name="decorated_per_call")
    def decorated_per_call() -> str:
        """A tool added with the decorator."""
        return "ok"


#: Every public method or settable attribute that changes what an agent renders or how it
#: answers, each called on the per-call copy.
MUTATORS: dict[str, Callable[[AgentBase], Any]] = {
    "prompt_add_section": lambda a: a.prompt_add_section("Per call", "Extra.", bullets=["x"]),
    "prompt_add_to_section": lambda a: a.prompt_add_to_section("Role", bullet="Added."),
    "prompt_add_subsection": lambda a: a.prompt_add_subsection("Role", "Sub", "Body."),
    "set_prompt_llm_params": lambda a: a.set_prompt_llm_params(temperature=0.9, top_p=0.5),
    "set_post_prompt_llm_params": lambda a: a.set_post_prompt_llm_params(temperature=0.9),
    "set_post_prompt": lambda a: a.set_post_prompt("Other summary."),
    "set_prompt_pom": lambda a: a.set_prompt_pom([{"title": "Whole", "body": "New pom."}]),
    "set_prompt_text": lambda a: a.set_prompt_text("Plain text prompt."),
    "pom": lambda a: setattr(a, "pom", PomBuilder()),
    "use_pom": lambda a: setattr(a, "use_pom", True),
    "define_contexts": _define_contexts,
    "contexts": lambda a: a.contexts.get_context("default"),
    "reset_contexts": lambda a: a.reset_contexts(),
    "add_hint": lambda a: a.add_hint("PerCall"),
    "add_hints": lambda a: a.add_hints(["One", "Two"]),
    "add_pattern_hint": lambda a: a.add_pattern_hint("pc", "p.c", "PC"),
    "add_language": lambda a: a.add_language("French", "fr-FR", "rime.cove"),
    "set_language_params": lambda a: a.set_language_params("en-US", {"speed": 2}),
    "set_languages": lambda a: a.set_languages([{"name": "G", "code": "de-DE", "voice": "v"}]),
    "set_multilingual": lambda a: a.set_multilingual(
        {"languages": [{"language": "default", "voice": "rime.spore"}]}
    ),
    "add_pronunciation": lambda a: a.add_pronunciation("AI", "A I", ignore_case=True),
    "set_pronunciations": lambda a: a.set_pronunciations([{"replace": "x", "with": "y"}]),
    "set_param": lambda a: a.set_param("temperature", 0.2),
    "set_params": lambda a: a.set_params({"end_of_speech_timeout": 900, "new": 1}),
    "set_semantic_gates": lambda a: a.set_semantic_gates(timeout_ms=4000),
    "set_global_data": lambda a: a.set_global_data({"tier": "gold", "per_call": True}),
    "update_global_data": lambda a: a.update_global_data({"more": 1}),
    "set_native_functions": lambda a: a.set_native_functions(["wait_seconds"]),
    "native_functions": lambda a: setattr(a, "native_functions", ["check_time", "wait_for_user"]),
    "add_internal_filler": lambda a: a.add_internal_filler("check_time", "fr-FR", ["Un instant"]),
    "set_internal_fillers": lambda a: a.set_internal_fillers({"wait_seconds": {"en-US": ["Ok"]}}),
    "add_function_include": lambda a: a.add_function_include("https://x.example/s", ["f"]),
    "set_function_includes": lambda a: a.set_function_includes(
        [{"url": "https://y.example/s", "functions": ["g"]}]
    ),
    "add_mcp_server": lambda a: a.add_mcp_server("https://mcp2.example.com/mcp"),
    "enable_debug_events": lambda a: a.enable_debug_events(2),
    "on_debug_event": lambda a: a.on_debug_event(lambda kind, data: None),
    "add_pre_answer_verb": lambda a: a.add_pre_answer_verb("set", {"per_call": 1}),
    "add_answer_verb": lambda a: a.add_answer_verb({"max_duration": 60}),
    "add_post_answer_verb": lambda a: a.add_post_answer_verb("set", {"per_call": 2}),
    "add_post_ai_verb": lambda a: a.add_post_ai_verb("set", {"per_call": 3}),
    "clear_pre_answer_verbs": lambda a: a.clear_pre_answer_verbs(),
    "clear_post_answer_verbs": lambda a: a.clear_post_answer_verbs(),
    "clear_post_ai_verbs": lambda a: a.clear_post_ai_verbs(),
    "auto_answer": lambda a: setattr(a, "auto_answer", False),
    "add_swaig_query_params": lambda a: a.add_swaig_query_params({"tenant": "t2", "x": "1"}),
    "clear_swaig_query_params": lambda a: a.clear_swaig_query_params(),
    "set_web_hook_url": lambda a: a.set_web_hook_url("https://hooks.example.com/swaig"),
    "set_post_prompt_url": lambda a: a.set_post_prompt_url("https://hooks.example.com/pp"),
    "manual_set_proxy_url": lambda a: a.manual_set_proxy_url("https://proxy.example.com"),
    "define_tool": lambda a: a.define_tool("per_call_tool", "Per call", {}, lambda *x: "ok"),
    "tool": _decorated_tool,
    "register_swaig_function": lambda a: a.register_swaig_function(
        {"function": "dm_per_call", "description": "d", "data_map": {"output": {"response": "r"}}}
    ),
    "add_skill": lambda a: a.add_skill("math"),
    "remove_skill": lambda a: a.remove_skill("datetime"),
    "on_call_start": lambda a: a.on_call_start(lambda raw: None),
    "on_call_end": lambda a: a.on_call_end(lambda log, raw: None),
    "add_per_call_config": lambda a: a.add_per_call_config(lambda *x: None),
    "set_dynamic_config_callback": lambda a: a.set_dynamic_config_callback(lambda *x: None),
    "register_routing_callback": lambda a: a.register_routing_callback(lambda b, h: None, "/r"),
    "enable_sip_routing": lambda a: a.enable_sip_routing(),
    "register_sip_username": lambda a: a.register_sip_username("someone"),
    "auto_map_sip_usernames": lambda a: a.auto_map_sip_usernames(),
    "enable_mcp_server": lambda a: a.enable_mcp_server(),
    "register_verb_handler": lambda a: a.register_verb_handler(_Handler()),
    "add_verb": lambda a: a.add_verb("play", {"url": "https://media.example.com/a.mp3"}),
    "add_section": lambda a: a.add_section("per_call_section"),
    "add_verb_to_section": lambda a: a.add_verb_to_section("other", "hangup", {}),
    "reset_document": lambda a: a.reset_document(),
    "verb methods": lambda a: a.play(url="https://media.example.com/b.mp3"),
    "tool_timeout": lambda a: setattr(a, "tool_timeout", 1.0),
    "expose_tool_errors": lambda a: setattr(a, "expose_tool_errors", True),
}

#: Public names that read, serve or are overridden, never changing the configuration.
NOT_MUTATORS = {
    # readers
    "PROMPT_SECTIONS", "agent_id", "define_tools", "extract_sip_username", "full_validation_enabled",
    "get_basic_auth_credentials", "get_document", "get_full_url", "get_language_params",
    "get_name", "get_post_prompt", "get_prompt", "has_skill", "list_skills",
    "prompt_has_section", "render_document", "render_swml", "schema_utils", "skill_manager",
    "validate_basic_auth", "validate_tool_token", "verb_registry",
    # hooks a subclass overrides
    "on_function_call", "on_request", "on_summary", "on_swml_request",
    # serving: these run the agent's app, not one call's configuration
    "as_router", "get_app", "handle_serverless_request", "mount", "run", "serve", "stop",
    # documented no-ops
    "enable_debug_routes", "setup_graceful_shutdown",
}  # fmt: skip
VERB_METHODS = {n for n in vars(SWMLVerbsMixin) if not n.startswith("_")}


def test_every_public_name_is_either_exercised_or_known_not_to_mutate() -> None:
    public = {n for n in dir(AgentBase) if not n.startswith("_")}
    unclassified = public - set(MUTATORS) - NOT_MUTATORS - VERB_METHODS
    assert not unclassified, f"add these to MUTATORS or NOT_MUTATORS: {sorted(unclassified)}"


async def test_every_mutator_called_per_call_leaves_the_agent_unchanged_over_1000_requests() -> (
    None
):
    agent = configured_agent()
    calls: dict[str, int] = dict.fromkeys(MUTATORS, 0)
    failures: list[str] = []

    def per_call(query: Any, body: Any, headers: Any, copy: AgentBase) -> None:
        assert copy is not agent
        for name, mutate in MUTATORS.items():
            try:
                mutate(copy)
            except Exception as exc:  # collected and reported below
                failures.append(f"{name}: {exc!r}")
            calls[name] += 1

    agent.set_dynamic_config_callback(per_call)
    before = snapshot(agent)
    await drive(agent, 1000)
    assert not failures, failures[:5]
    assert set(calls.values()) == {1000}
    after = snapshot(agent)
    for key in before:
        assert after[key] == before[key], key
    # The agent itself still renders its own configuration.
    doc = agent.get_document()
    validate_swml(doc)
    assert '"per_call' not in agent.render_swml()


async def test_the_copy_does_carry_the_per_call_changes() -> None:
    # The test above must be able to fail: the same callback does change what the call gets.
    agent = configured_agent()
    agent.set_dynamic_config_callback(
        lambda q, b, h, copy: (copy.set_global_data({"tier": "gold"}), copy.add_hint("PerCall"))
    )
    async with client_for(agent.get_app()) as client:
        resp = await client.post("/", json=swml_fetch_body("c-1"), headers=basic())
    doc = resp.json()
    validate_swml(doc)
    ai = next(v["ai"] for v in doc["sections"]["main"] if "ai" in v)
    assert ai["global_data"]["tier"] == "gold"
    assert "PerCall" in ai["hints"]
    assert agent._global_data["tier"] == "basic"
    assert "PerCall" not in agent._hints


def test_the_agents_mutable_attributes_all_live_in_its_state() -> None:
    # A new mutable container set on the agent outside AgentState would be shared by every
    # per-call copy: it belongs in AgentState (or here, with the reason it may be shared).
    shared_on_purpose = {
        "_cache": "replaced on each copy",
        "_render_lock": "replaced on each copy",
        "_base_cache": "URL bases by request headers, the same for every copy",
        "_config": "the parsed config file, read-only after construction",
        "security": "security settings from the environment, read-only",
        "_auth": "credentials, read-only",
        "_skill_manager": "each copy makes its own (SkillMixin.skill_manager)",
    }
    agent = configured_agent()
    agent.skill_manager  # noqa: B018
    mutable = {k for k, v in vars(agent).items() if isinstance(v, (list, dict, set, bytearray))}
    objects = {
        k
        for k, v in vars(agent).items()
        if not isinstance(v, (str, int, float, bool, type(None), tuple, list, dict, set))
    }
    assert isinstance(agent._state, AgentState)
    assert mutable - set(shared_on_purpose) == set()
    unexpected = objects - set(shared_on_purpose) - {"_state", "log", "_signer", "_app"}
    assert unexpected == set()


async def test_contexts_edited_per_call_through_contexts_builder_stay_on_the_copy() -> None:
    agent = configured_agent()
    agent.define_contexts().add_context("default").add_step("greet").set_text("Say hello.")
    seen: list[bool] = []

    def per_call(query: Any, body: Any, headers: Any, copy: AgentBase) -> None:
        builder = copy._contexts_builder
        # The copy's builder is its own and points at the copy, not at the agent.
        seen.append(builder is not agent._contexts_builder and builder._agent is copy)
        builder.get_context("default").add_step("extra").set_text("Only for this call.")

    agent.set_dynamic_config_callback(per_call)
    before = snapshot(agent)
    async with client_for(agent.get_app()) as client:
        resp = await client.post("/", json=swml_fetch_body("c-1"), headers=basic())
    validate_swml(resp.json())
    assert "Only for this call." in resp.text
    assert seen == [True]
    assert snapshot(agent) == before
    assert "Only for this call." not in agent.render_swml()
