"""Public agent code written for signalwire-sdk 3.x / signalwire-agents 1.x runs unchanged.

Each test is an idiom seen in public code; the expected SWML is what 3.7.5 renders
(checked against the vendor by hand), validated against the SWML schema with the
allowlisted vendor forms.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from agents_testkit import CREDS, ai_of, basic, client_for, swaig_body, swml_fetch_body

from signalwire.agents import AgentBase, FunctionResult
from signalwire.testing.swml import validate_swml


def agent_named(name: str = "compat", **kwargs: Any) -> AgentBase:
    agent = AgentBase(name, route="/", basic_auth=CREDS, swaig_secret="s", **kwargs)
    return agent


async def rendered(agent: AgentBase, call_id: str = "call-1") -> dict[str, Any]:
    async with client_for(agent.get_app()) as client:
        resp = await client.post("/", json=swml_fetch_body(call_id), headers=basic())
        assert resp.status_code == 200, resp.text
        return validate_swml(resp.json())


def functions(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["function"]: f for f in ai_of(doc)["SWAIG"]["functions"]}


# -- tool("Get the current time") --------------------------------------------------------------


async def test_a_positional_sentence_is_the_tool_name_with_one_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    agent = agent_named()
    agent.prompt_add_section("Role", "Tell the time.")
    with caplog.at_level(logging.WARNING, logger="signalwire.agents"):

        @agent.tool("Get the current time")
        def now(args: dict[str, Any], raw_data: dict[str, Any]) -> FunctionResult:
            return FunctionResult("It is noon.")

        @agent.tool("lookup_order")
        def lookup(args: dict[str, Any], raw_data: dict[str, Any]) -> FunctionResult:
            return FunctionResult("shipped")

    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    text = warnings[0].getMessage()
    assert "'Get the current time'" in text and "description=" in text
    fn = functions(await rendered(agent))["Get the current time"]
    assert fn["description"] == "Function Get the current time"  # as 3.7.5
    async with client_for(agent.get_app()) as client:
        from agents_testkit import token_from

        doc = validate_swml(
            (await client.post("/", json=swml_fetch_body("c-1"), headers=basic())).json()
        )
        token = token_from(functions(doc)["Get the current time"]["web_hook_url"])
        resp = await client.post(
            f"/swaig/?__token={token}",
            json=swaig_body("Get the current time", {}, "c-1"),
            headers=basic(),
        )
        assert resp.json() == {"response": "It is noon."}


def test_class_decorator_takes_a_positional_name_too(caplog: pytest.LogCaptureFixture) -> None:
    class Clock(AgentBase):
        @AgentBase.tool("What time is it")
        def now(self, args: dict[str, Any], raw_data: dict[str, Any]) -> str:
            return "noon"

    with caplog.at_level(logging.WARNING, logger="signalwire.agents"):
        clock = Clock("clock", basic_auth=CREDS)
    assert "What time is it" in {f.name for f in clock.define_tools() if not isinstance(f, dict)}
    assert sum("What time is it" in r.getMessage() for r in caplog.records) == 1


def test_empty_or_non_string_tool_names_are_still_refused() -> None:
    agent = agent_named()
    for bad in ("", "   ", 5, None):
        with pytest.raises((ValueError, TypeError), match="tool name"):
            agent.define_tool(bad, "d", {}, lambda a, r: "x")  # type: ignore[arg-type]


# -- fillers=[...] ------------------------------------------------------------------------------


async def test_fillers_given_as_a_list_render_as_3_7_5_does() -> None:
    agent = agent_named()
    agent.prompt_add_section("Role", "Search.")

    @agent.tool(name="search", description="Search", fillers=["Searching..."])
    def search(args: dict[str, Any], raw_data: dict[str, Any]) -> str:
        return "found"

    agent.define_tool("look", "Look", {}, lambda a, r: "x", fillers=["Looking...", "One moment"])
    agent.define_tool("keyed", "Keyed", {}, lambda a, r: "x", fillers={"en-US": ["Hold on"]})
    fns = functions(await rendered(agent))
    assert fns["search"]["fillers"] == ["Searching..."]
    assert fns["look"]["fillers"] == ["Looking...", "One moment"]
    assert fns["keyed"]["fillers"] == {"en-US": ["Hold on"]}
    with pytest.raises(TypeError, match="fillers"):
        agent.define_tool("bad", "Bad", {}, lambda a, r: "x", fillers="Searching...")  # type: ignore[arg-type]


# -- contexts -----------------------------------------------------------------------------------


async def test_several_contexts_without_default_and_prompt_only_in_contexts() -> None:
    agent = agent_named()
    agent.define_tool("lookup", "Look up", {}, lambda a, r: "x")
    builder = agent.define_contexts()
    sales = builder.add_context("sales")
    sales.add_step("greet").set_text("Greet the caller.").set_functions("none")
    sales.add_step("look").set_text("Look it up.").set_functions("lookup")
    sales.add_step("see").set_text("Look at the video.").set_functions(
        ["get_visual_input", "next_step", "lookup"]
    )
    builder.add_context("support").add_step("help").set_text("Help.")
    prompt = ai_of(await rendered(agent))["prompt"]
    assert prompt["pom"] == []  # as 3.7.5: no text the developer never wrote
    assert list(prompt["contexts"]) == ["sales", "support"]
    steps = prompt["contexts"]["sales"]["steps"]
    assert [s.get("functions") for s in steps] == [
        "none",
        "lookup",
        ["get_visual_input", "next_step", "lookup"],
    ]


def test_a_lone_context_must_still_be_default_and_unknown_tools_are_named() -> None:
    from signalwire.agents import ContextValidationError

    agent = agent_named()
    agent.define_contexts().add_context("sales").add_step("greet").set_text("Hi.")
    with pytest.raises(ContextValidationError, match="'default'"):
        agent.render_swml()
    other = agent_named()
    other.define_contexts().add_context("default").add_step("s").set_text("Hi.").set_functions(
        ["not_a_tool"]
    )
    with pytest.raises(ContextValidationError, match="not_a_tool"):
        other.render_swml()


async def test_an_agent_with_no_prompt_at_all_still_gets_the_default_text() -> None:
    prompt = ai_of(await rendered(agent_named()))["prompt"]
    assert "text" in prompt and "pom" not in prompt


# -- get_prompt() overrides --------------------------------------------------------------------


async def test_a_subclass_get_prompt_override_is_rendered() -> None:
    class Texty(AgentBase):
        def get_prompt(self) -> str:
            return "You are a pirate. Answer in pirate speak."

    class Structured(AgentBase):
        def get_prompt(self) -> list[dict[str, Any]]:
            return [{"title": "Role", "body": f"You serve {self.name}."}]

    texty = Texty("texty", route="/", basic_auth=CREDS)
    texty.prompt_add_section("Ignored", "The override wins.")
    assert ai_of(await rendered(texty))["prompt"] == {
        "text": "You are a pirate. Answer in pirate speak."
    }
    structured = Structured("store", route="/", basic_auth=CREDS)
    assert ai_of(await rendered(structured))["prompt"] == {
        "pom": [{"title": "Role", "body": "You serve store."}]
    }


# -- private names public code reads (present in 1.1.0 and 3.7.5) ----------------------------


async def test_contexts_builder_alias_also_inside_per_call_callbacks() -> None:
    from signalwire.agents import ContextBuilder

    agent = agent_named()
    assert agent._contexts_builder is None
    builder = agent.define_contexts()
    assert agent._contexts_builder is builder and isinstance(builder, ContextBuilder)
    builder.add_context("default").add_step("greet").set_text("Greet the caller.")
    seen: list[Any] = []

    def per_call(query: Any, body: Any, headers: Any, copy: AgentBase) -> None:
        # Public code edits the call's contexts through the private name.
        ctx = copy._contexts_builder
        seen.append(ctx)
        ctx.get_context("default").get_step("greet").set_text("Greet the VIP by name.")

    agent.set_dynamic_config_callback(per_call)
    for _ in range(2):
        prompt = ai_of(await rendered(agent))["prompt"]
        steps = prompt["contexts"]["default"]["steps"]
        assert steps[0]["text"] == "Greet the VIP by name."
    assert seen[0] is not builder  # the call's own copy
    assert builder.get_context("default").get_step("greet").to_dict()["text"] == (
        "Greet the caller."
    )


def test_build_webhook_url_alias(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SWML_PROXY_URL_BASE", raising=False)
    agent = AgentBase("hooks", route="/bot", basic_auth=("u", "p"))
    assert agent._build_webhook_url("swaig") == "http://u:p@localhost:3000/bot/swaig/"
    assert (
        agent._build_webhook_url("post_prompt", {"x": "1", "empty": ""})
        == "http://u:p@localhost:3000/bot/post_prompt/?x=1"
    )
    monkeypatch.setenv("SWML_PROXY_URL_BASE", "https://proxy.example.com/base/")
    proxied = AgentBase("hooks", route="/bot", basic_auth=("u", "p"))
    assert proxied._build_webhook_url("swaig") == "https://u:p@proxy.example.com/base/bot/swaig/"


def test_get_full_url_with_a_proxy_base_is_the_base(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWML_PROXY_URL_BASE", "https://proxy.example.com/base/")
    agent = AgentBase("media", route="/bot", basic_auth=("u", "p"))
    # As both vendor versions: the base, no route (media URLs are built from it).
    assert agent.get_full_url() == "https://proxy.example.com/base"
    assert agent.get_full_url(include_auth=True) == "https://u:p@proxy.example.com/base"
    monkeypatch.delenv("SWML_PROXY_URL_BASE")
    plain = AgentBase("media", route="/bot", basic_auth=("u", "p"))
    assert plain.get_full_url() == "http://localhost:3000/bot"


def test_schema_utils_schema_alias() -> None:
    agent = agent_named()
    schema = agent.schema_utils.schema
    assert schema is agent.schema_utils.load_schema()
    assert "ai" in agent.schema_utils.get_all_verb_names()


def test_agent_server_stores_the_root_route_as_the_vendor_does() -> None:
    from signalwire.agents import AgentServer

    server = AgentServer()
    root = agent_named("root")
    server.register(root, "/")
    other = AgentBase("other", route="/x/", basic_auth=CREDS)
    server.register(other)
    assert list(server.agents) == ["", "/x"]  # as 1.1.0 and 3.7.5 store them
    assert server.get_agent("/") is root and server.get_agent("") is root
    assert server.unregister("/") is True and list(server.agents) == ["/x"]


# -- prompt_add_section ------------------------------------------------------------------------


async def test_prompt_add_section_positional_form_and_wrong_types() -> None:
    agent = agent_named()
    agent.prompt_add_section(
        "Rules", "Follow these.", ["Be brief", "Be kind"], True, True,
        [{"title": "Tone", "body": "Warm."}],
    )  # fmt: skip
    (section,) = ai_of(await rendered(agent))["prompt"]["pom"]
    assert section["title"] == "Rules" and section["bullets"] == ["Be brief", "Be kind"]
    assert section["numbered"] is True and section["numberedBullets"] is True
    assert section["subsections"] == [{"title": "Tone", "body": "Warm."}]
    cases = [
        (("Role", ["a list"]), "body"),
        (("Role", "b", 5), "bullets"),
        (("Role", "b", ["x", 1]), "bullets"),
        (("Role", "b", None, "yes"), "numbered"),
        (("Role", "b", None, False, 1), "numbered_bullets"),
        (("Role", "b", None, False, False, "sub"), "subsections"),
        ((5,), "title"),
    ]
    for args, name in cases:
        with pytest.raises(TypeError, match=rf"prompt_add_section\(\): {name} must be"):
            agent.prompt_add_section(*args)  # type: ignore[arg-type]


# -- handler signatures --------------------------------------------------------------------------


def test_handlers_no_call_form_fits_are_refused_at_definition() -> None:
    agent = agent_named()

    def three(order: Any, customer: Any, extra: Any) -> str:
        return "never"

    def positional_only(args: Any, raw_data: Any, /, more: Any) -> str:
        return "never"

    def typed_unknown(self_like: Any, *, region: str) -> str:
        return "never"

    for handler, params in (
        (three, {}),
        (positional_only, {}),
        (typed_unknown, {"city": {"type": "string"}}),
    ):
        with pytest.raises(TypeError, match=r"handler\(args, raw_data\), handler\(args\)"):
            agent.define_tool(handler.__name__, "d", params, handler)
    with pytest.raises(TypeError, match="cannot be called"):

        @agent.tool(parameters={"city": {"type": "string"}})
        def weather(city: str, country: str, unit: str) -> str:
            return "never"

    # Every documented form is still accepted.
    agent.define_tool("a", "d", {}, lambda args, raw_data: "x")
    agent.define_tool("b", "d", {}, lambda args: "x")
    agent.define_tool("c", "d", {"city": {"type": "string"}}, lambda city, raw_data=None: "x")
    agent.define_tool("d", "d", {}, lambda: "x")
    agent.define_tool("e", "d", {}, lambda args, raw_data, extra=None: "x")
    agent.define_tool("f", "d", {}, lambda *args: "x")
    agent.define_tool("g", "d", {}, lambda **kwargs: "x")
