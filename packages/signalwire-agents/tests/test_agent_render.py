"""SWML rendering of AgentBase (README, "What is in the package"), every document validated against the schema."""

from __future__ import annotations

import json
from typing import Any

import pytest
from agents_testkit import CREDS, ai_of, token_from

from signalwire.agents import AgentBase, FunctionResult
from signalwire.testing.swml import SWMLValidationError, validate_swml


def render(agent: AgentBase, call_id: str | None = "call-1") -> dict[str, Any]:
    return validate_swml(agent.render_swml(call_id))


def noop(args: dict[str, Any], raw: dict[str, Any]) -> FunctionResult:
    return FunctionResult("ok")


def support_agent(monkeypatch: pytest.MonkeyPatch) -> AgentBase:
    monkeypatch.setenv("SWML_PROXY_URL_BASE", "https://agent.example.com")
    agent = AgentBase("support", route="/support", basic_auth=CREDS, swaig_secret="k" * 32)
    agent.prompt_add_section(
        "Role",
        "You are a support agent for Acme.",
        bullets=["Be concise", "Confirm account numbers"],
    )
    agent.set_post_prompt("Summarize the call as JSON with keys topic and resolved.")
    agent.add_hint("Acme")
    agent.add_language("English", "en-US", "rime.spore")
    agent.set_params({"end_of_speech_timeout": 700})
    agent.set_global_data({"company": "Acme"})
    agent.define_tool(
        "lookup_order",
        "Look up an order by number.",
        {"order_id": {"type": "string", "description": "Order number"}},
        noop,
        required=["order_id"],
        fillers={"en-US": ["Let me check that."]},
    )
    return agent


def test_concrete_example_document(monkeypatch: pytest.MonkeyPatch) -> None:
    agent = support_agent(monkeypatch)
    doc = render(agent, "b1c2d3e4-0000-4000-8000-000000000001")
    main = doc["sections"]["main"]
    assert main[0] == {"answer": {}}
    ai = main[1]["ai"]
    assert list(ai) == [
        "prompt", "post_prompt", "post_prompt_url", "SWAIG", "params", "hints", "languages",
        "global_data",
    ]  # fmt: skip
    assert ai["prompt"] == {
        "pom": [
            {
                "title": "Role",
                "body": "You are a support agent for Acme.",
                "bullets": ["Be concise", "Confirm account numbers"],
            }
        ]
    }
    assert ai["post_prompt"] == {"text": "Summarize the call as JSON with keys topic and resolved."}
    base = "https://signalwire:s3cret@agent.example.com/support"
    assert ai["post_prompt_url"].startswith(f"{base}/post_prompt/?__token=")
    fn = ai["SWAIG"]["functions"][0]
    assert {k: v for k, v in fn.items() if k != "web_hook_url"} == {
        "function": "lookup_order",
        "description": "Look up an order by number.",
        "parameters": {
            "type": "object",
            "properties": {"order_id": {"type": "string", "description": "Order number"}},
            "required": ["order_id"],
        },
        "fillers": {"en-US": ["Let me check that."]},
    }
    assert fn["web_hook_url"].startswith(f"{base}/swaig/?__token=")
    assert "%3D" in fn["web_hook_url"] or "=" not in token_from(fn["web_hook_url"])[:-2]
    assert ai["SWAIG"]["defaults"] == {"web_hook_url": f"{base}/swaig/"}
    assert ai["params"] == {"end_of_speech_timeout": 700}
    assert ai["hints"] == ["Acme"]
    assert ai["languages"] == [{"name": "English", "code": "en-US", "voice": "rime.spore"}]
    assert ai["global_data"] == {"company": "Acme"}
    # The token is bound to this call's id.
    token = token_from(fn["web_hook_url"])
    assert agent.validate_tool_token("lookup_order", token, "b1c2d3e4-0000-4000-8000-000000000001")
    assert not agent.validate_tool_token("lookup_order", token, "another-call")
    assert not agent.validate_tool_token(
        "other_tool", token, "b1c2d3e4-0000-4000-8000-000000000001"
    )


def test_empty_agent_gets_default_text_prompt_and_params() -> None:
    # The schema (and the platform) refuse an empty POM; signalwire-sdk 3.7.5 sends one.
    doc = render(AgentBase("x", basic_auth=CREDS))
    default = {"text": "You are x, a helpful AI assistant."}
    assert doc["sections"]["main"] == [{"answer": {}}, {"ai": {"prompt": default, "params": {}}}]


def test_use_pom_false_default_text() -> None:
    ai = ai_of(render(AgentBase("bob", basic_auth=CREDS, use_pom=False)))
    assert ai["prompt"] == {"text": "You are bob, a helpful AI assistant."}


def test_text_wins_and_llm_params_merge_into_prompt_objects() -> None:
    agent = AgentBase("x", basic_auth=CREDS)
    agent.prompt_add_section("S", "b")
    agent.set_prompt_text("Hello")
    agent.set_prompt_llm_params(temperature=0.3, model="gpt-4o-mini")
    agent.set_post_prompt("sum").set_post_prompt_llm_params(temperature=0.1)
    ai = ai_of(render(agent))
    assert ai["prompt"] == {"text": "Hello", "temperature": 0.3, "model": "gpt-4o-mini"}
    assert ai["post_prompt"] == {"text": "sum", "temperature": 0.1}
    assert agent.get_prompt() == "Hello"


def test_verb_order_record_call_and_pre_answer() -> None:
    agent = AgentBase("x", basic_auth=CREDS, record_call=True, auto_answer=False)
    agent.add_pre_answer_verb("play", {"urls": ["ring:us"], "auto_answer": False})
    agent.add_post_answer_verb("play", {"url": "say:welcome"})
    agent.add_post_ai_verb("hangup", {})
    main = render(agent)["sections"]["main"]
    assert [next(iter(v)) for v in main] == ["play", "record_call", "play", "ai", "hangup"]
    assert main[1] == {"record_call": {"format": "mp4", "stereo": True}}
    agent.auto_answer = True
    agent.add_answer_verb({"max_duration": 3600})
    main = render(agent)["sections"]["main"]
    assert [next(iter(v)) for v in main] == [
        "play",
        "answer",
        "record_call",
        "play",
        "ai",
        "hangup",
    ]
    assert main[1] == {"answer": {"max_duration": 3600}}
    agent.clear_pre_answer_verbs().clear_post_answer_verbs().clear_post_ai_verbs()
    assert [next(iter(v)) for v in render(agent)["sections"]["main"]] == [
        "answer",
        "record_call",
        "ai",
    ]


def test_pre_answer_rejects_unsafe_verbs() -> None:
    agent = AgentBase("x", basic_auth=CREDS)
    with pytest.raises(ValueError, match="cannot run before the call is answered"):
        agent.add_pre_answer_verb("ai", {})


def test_languages_voice_forms_and_fillers() -> None:
    agent = AgentBase("x", basic_auth=CREDS)
    agent.add_language("A", "en-US", "elevenlabs.rachel:eleven_turbo")
    agent.add_language("B", "en-US", "a.b:c", engine="E")
    agent.add_language("C", "en-US", "v", speech_fillers=["um"], function_fillers=["hold on"])
    agent.add_language("D", "en-US", "v", function_fillers=["f"])
    agent.add_language("E", "en-US", "v", params={"stability": 0.5})
    langs = ai_of(render(agent))["languages"]
    assert langs[0] == {
        "name": "A", "code": "en-US", "voice": "rachel", "engine": "elevenlabs",
        "model": "eleven_turbo",
    }  # fmt: skip
    assert langs[1] == {"name": "B", "code": "en-US", "voice": "a.b:c", "engine": "E"}
    assert langs[2]["speech_fillers"] == ["um"]
    assert langs[2]["function_fillers"] == ["hold on"]
    assert langs[3]["fillers"] == ["f"]
    assert "function_fillers" not in langs[3]
    assert langs[4]["params"] == {"stability": 0.5}
    assert agent.get_language_params("en-US") is None or isinstance(
        agent.get_language_params("en-US"), dict
    )
    agent.set_languages([{"name": "F", "code": "fr-FR", "voice": "x"}])
    agent.set_language_params("fr-FR", {"speed": 1})
    assert agent.get_language_params("fr-FR") == {"speed": 1}
    assert ai_of(render(agent))["languages"] == [
        {"name": "F", "code": "fr-FR", "voice": "x", "params": {"speed": 1}}
    ]


def test_ai_configuration_keys() -> None:
    agent = AgentBase("x", basic_auth=CREDS, native_functions=["check_time"])
    agent.add_hints(["a", "", 3, "b"])  # type: ignore[list-item]
    agent.add_pattern_hint("h", "p", "r", ignore_case=True)
    agent.add_pronunciation("API", "A P I", ignore_case=True)
    agent.add_pronunciation("SQL", "sequel")
    agent.set_param("ai_model", "gpt-4o-mini")
    agent.set_global_data({"a": 1}).set_global_data({"b": 2}).update_global_data({"c": 3})
    agent.add_internal_filler("next_step", "en-US", ["ok"])
    agent.add_function_include("https://x.example/f", ["remote"], meta_data={"k": 1})
    agent.set_multilingual({"languages": [{"language": "default", "voice": "rime.spore"}]})
    ai = ai_of(render(agent))
    assert ai["hints"] == [
        "a",
        "b",
        {"hint": "h", "pattern": "p", "replace": "r", "ignore_case": True},
    ]
    assert ai["pronounce"] == [
        {"replace": "API", "with": "A P I", "ignore_case": True},
        {"replace": "SQL", "with": "sequel"},
    ]
    assert ai["global_data"] == {"a": 1, "b": 2, "c": 3}
    assert ai["params"] == {"ai_model": "gpt-4o-mini"}
    assert list(ai["SWAIG"]) == ["native_functions", "includes", "internal_fillers"]
    assert ai["SWAIG"]["includes"] == [
        {"url": "https://x.example/f", "functions": ["remote"], "meta_data": {"k": 1}}
    ]
    assert "defaults" not in ai["SWAIG"]  # no functions, no defaults
    assert "multilingual" in ai


def test_webhook_urls_query_params_and_overrides() -> None:
    agent = AgentBase("x", route="/bot/", basic_auth=("u", "p:w@"), port=8080)
    agent.define_tool("open", "d", {}, noop, secure=False)
    agent.define_tool("closed", "d", {}, noop)
    agent.define_tool("ext", "d", {}, None, webhook_url="https://ext.example/hook")
    agent.add_swaig_query_params({"tenant": "acme", "empty": ""})
    agent.set_post_prompt("sum")
    agent.enable_debug_events(2)
    ai = ai_of(render(agent))
    base = "http://u:p%3Aw%40@localhost:8080/bot"
    fns = {f["function"]: f for f in ai["SWAIG"]["functions"]}
    assert fns["open"]["web_hook_url"] == f"{base}/swaig/?tenant=acme"
    assert fns["closed"]["web_hook_url"].startswith(f"{base}/swaig/?tenant=acme&__token=")
    assert fns["ext"]["web_hook_url"] == "https://ext.example/hook"
    assert ai["SWAIG"]["defaults"]["web_hook_url"] == f"{base}/swaig/?tenant=acme"
    assert ai["post_prompt_url"].startswith(f"{base}/post_prompt/?tenant=acme&__token=")
    assert ai["params"]["debug_webhook_url"] == f"{base}/debug_events/?tenant=acme"
    assert ai["params"]["debug_webhook_level"] == 2
    agent.clear_swaig_query_params()
    agent.set_web_hook_url("https://hooks.example/swaig")
    agent.set_post_prompt_url("https://hooks.example/summary")
    ai = ai_of(render(agent))
    assert ai["SWAIG"]["defaults"]["web_hook_url"] == "https://hooks.example/swaig"
    assert ai["post_prompt_url"] == "https://hooks.example/summary"
    fns = {f["function"]: f for f in ai["SWAIG"]["functions"]}
    assert "web_hook_url" not in fns["open"]
    assert fns["closed"]["web_hook_url"].startswith(f"{base}/swaig/?__token=")


def test_root_route_has_no_route_segment_and_get_full_url() -> None:
    agent = AgentBase("x", basic_auth=("u", "p"))
    agent.define_tool("t", "d", {}, noop, secure=False)
    ai = ai_of(render(agent))
    assert ai["SWAIG"]["defaults"]["web_hook_url"] == "http://u:p@localhost:3000/swaig/"
    assert agent.get_full_url() == "http://localhost:3000"
    assert agent.get_full_url(include_auth=True) == "http://u:p@localhost:3000"
    agent.manual_set_proxy_url("https://public.example/")
    ai = ai_of(render(agent))
    assert ai["SWAIG"]["defaults"]["web_hook_url"] == "https://u:p@public.example/swaig/"


def test_raw_function_dicts_wait_file_and_extra_fields() -> None:
    agent = AgentBase("x", basic_auth=CREDS)
    data_map = {
        "function": "weather",
        "description": "Weather",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        "data_map": {"webhooks": [{"url": "https://api.example/${args.city}", "method": "GET",
                                   "output": {"response": "ok"}}]},
    }  # fmt: skip
    agent.register_swaig_function(data_map)
    agent.define_tool(
        "slow", "d", {}, noop, secure=False, wait_file="/hold.mp3", wait_file_loops=2,
        meta_data={"a": 1}, meta_data_token="tok", skip_fillers=True, active=True,
    )  # fmt: skip
    fns = ai_of(render(agent))["SWAIG"]["functions"]
    assert fns[0] == data_map
    assert fns[1]["wait_file"] == "http://localhost:3000/hold.mp3"
    assert fns[1]["wait_file_loops"] == 2
    assert fns[1]["meta_data"] == {"a": 1}
    assert fns[1]["meta_data_token"] == "tok"
    with pytest.raises(ValueError, match="already exists"):
        agent.register_swaig_function(data_map)
    with pytest.raises(ValueError, match="already exists"):
        agent.define_tool("slow", "d", {}, noop)


def test_hooks_register_reserved_functions() -> None:
    agent = AgentBase("x", basic_auth=CREDS)
    agent.on_call_end(lambda call_log, raw: None)
    agent.on_call_start(lambda raw: None)
    ai = ai_of(render(agent))
    names = [f["function"] for f in ai["SWAIG"]["functions"]]
    assert set(names) == {"startup_hook", "hangup_hook"}
    assert ai["params"]["swaig_post_conversation"] is True


def test_render_cache_sees_every_change() -> None:
    agent = AgentBase("x", basic_auth=CREDS)
    first = render(agent)
    agent.prompt_add_section("Later", "added after the first render")
    agent.pom.add_to_section("Later", bullet="direct pom change")
    agent.add_hint("h")
    second = render(agent)
    assert first != second
    assert ai_of(second)["prompt"]["pom"][0]["bullets"] == ["direct pom change"]
    assert ai_of(second)["hints"] == ["h"]


def test_tokens_differ_per_render_and_bind_call_id() -> None:
    agent = AgentBase("x", basic_auth=CREDS, swaig_secret="shared")
    agent.define_tool("t", "d", {}, noop)
    urls = [ai_of(render(agent, cid))["SWAIG"]["functions"][0]["web_hook_url"] for cid in "ab"]
    assert urls[0] != urls[1]
    assert agent.validate_tool_token("t", token_from(urls[0]), "a")
    assert not agent.validate_tool_token("t", token_from(urls[0]), "b")


def test_prompt_sections_class_attribute() -> None:
    class Dict(AgentBase):
        PROMPT_SECTIONS = {
            "Role": "You help.",
            "Rules": ["one", "two"],
            "More": {"body": "b", "bullets": ["x"], "numbered": True,
                     "subsections": [{"title": "Sub", "body": "s"}]},
        }  # fmt: skip

    class Listed(AgentBase):
        PROMPT_SECTIONS = [{"title": "Role", "body": "You help."}]

    pom = ai_of(render(Dict("d", basic_auth=CREDS)))["prompt"]["pom"]
    assert pom[0] == {"title": "Role", "body": "You help."}
    assert pom[1] == {"title": "Rules", "bullets": ["one", "two"]}
    assert pom[2] == {
        "title": "More", "body": "b", "bullets": ["x"],
        "subsections": [{"title": "Sub", "body": "s"}], "numbered": True,
    }  # fmt: skip
    assert ai_of(render(Listed("l", basic_auth=CREDS)))["prompt"]["pom"] == [
        {"title": "Role", "body": "You help."}
    ]


def test_prompt_helpers() -> None:
    agent = AgentBase("x", basic_auth=CREDS)
    agent.prompt_add_to_section("A", body="one").prompt_add_to_section("A", body="two", bullet="b1")
    agent.prompt_add_to_section("A", bullets=["b2", "b3"])
    agent.prompt_add_subsection("P", "Child", "c", bullets=["x"])
    assert agent.prompt_has_section("A")
    assert agent.prompt_has_section("P")
    assert not agent.prompt_has_section("Nope")
    pom = agent.get_prompt()
    assert pom[0] == {"title": "A", "body": "one\n\ntwo", "bullets": ["b1", "b2", "b3"]}
    assert pom[1] == {
        "title": "P",
        "subsections": [{"title": "Child", "body": "c", "bullets": ["x"]}],
    }
    agent.set_prompt_pom([{"title": "New", "body": "n"}])
    assert agent.get_prompt() == [{"title": "New", "body": "n"}]
    with pytest.raises(ValueError, match="use_pom"):
        AgentBase("y", basic_auth=CREDS, use_pom=False).set_prompt_pom([])


def test_no_call_id_tokens_still_validate_for_the_real_call() -> None:
    agent = AgentBase("x", basic_auth=CREDS)
    agent.define_tool("t", "d", {}, noop)
    url = ai_of(render(agent, None))["SWAIG"]["functions"][0]["web_hook_url"]
    assert agent.validate_tool_token("t", token_from(url), "whatever-call-the-platform-uses")
    assert not agent.validate_tool_token("other", token_from(url), "x")


def test_validator_rejects_bad_documents() -> None:
    """The validator used everywhere here is not a rubber stamp."""
    with pytest.raises(SWMLValidationError, match="prompt"):
        validate_swml({"version": "1.0.0", "sections": {"main": [{"ai": {"prompt": "bare"}}]}})
    with pytest.raises(SWMLValidationError, match="unknown verb"):
        validate_swml({"version": "1.0.0", "sections": {"main": [{"dance": {}}]}})
    bad_fn = {"ai": {"prompt": {"text": "x"}, "SWAIG": {"functions": [{"name": "f"}]}}}
    with pytest.raises(SWMLValidationError):
        validate_swml({"version": "1.0.0", "sections": {"main": [bad_fn]}})


def test_document_helpers_return_the_agent_document() -> None:
    agent = AgentBase("x", basic_auth=CREDS)
    assert validate_swml(agent.get_document())["sections"]["main"][0] == {"answer": {}}
    assert json.loads(agent.render_document()) == agent.get_document()
    assert json.loads(agent._render_swml()) == agent.get_document()


def test_prompt_allowlist_entries_are_needed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The prompt-object entries of ALLOWLIST cover fields the schema alone rejects."""
    import signalwire.testing.swml as swml

    agent = AgentBase("x", basic_auth=CREDS)
    agent.set_prompt_text("p").set_prompt_llm_params(model="gpt-4o-mini", barge_confidence=0.5)
    agent.set_post_prompt("s").set_post_prompt_llm_params(model="gpt-4o-mini")
    doc = agent.render_swml()
    validate_swml(doc)
    prompt_entries = [e for e in swml.ALLOWLIST if e.path in (("prompt",), ("post_prompt",))]
    assert len(prompt_entries) == 3
    for entry in prompt_entries:
        assert entry.reason
        monkeypatch.setattr(swml, "ALLOWLIST", tuple(e for e in swml.ALLOWLIST if e != entry))
        with pytest.raises(SWMLValidationError, match=entry.key):
            validate_swml(doc)
        monkeypatch.undo()
