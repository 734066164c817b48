"""The prefab agents and BedrockAgent: documented constructors, schema-valid SWML, tools via /swaig/."""

from __future__ import annotations

import inspect
import logging
from typing import Any

import pytest
from agents_testkit import CREDS, ai_of
from skills_testkit import call_tool, fetch, functions

from signalwire.agents.prefabs import (
    ConciergeAgent,
    FAQBotAgent,
    InfoGathererAgent,
    ReceptionistAgent,
    SurveyAgent,
)
from signalwire_devtools.surface import surface_entries

PREFABS = {
    "InfoGathererAgent": InfoGathererAgent,
    "SurveyAgent": SurveyAgent,
    "ReceptionistAgent": ReceptionistAgent,
    "FAQBotAgent": FAQBotAgent,
    "ConciergeAgent": ConciergeAgent,
}


@pytest.mark.parametrize("owner", sorted(PREFABS))
def test_documented_constructor_and_tools(owner: str) -> None:
    entries = surface_entries("agents", {owner})
    ctor = next(e for e in entries if e["kind"] == "constructor")
    params = inspect.signature(PREFABS[owner].__init__).parameters
    for name in ctor["params"]:
        assert name in params, f"{owner} lacks {name!r}"
    assert any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    documented_tools = next(e for e in entries if e["kind"] == "class")["tools"]
    agent = sample(owner)
    for tool in documented_tools:
        assert tool in agent._tools, f"{owner} lacks the tool {tool!r}"


def sample(owner: str) -> Any:
    """An instance of each prefab built from the smallest documented arguments."""
    args: dict[str, dict[str, Any]] = {
        "InfoGathererAgent": {"questions": QUESTIONS},
        "SurveyAgent": {"survey_name": "s", "questions": SURVEY},
        "ReceptionistAgent": {"departments": DEPARTMENTS},
        "FAQBotAgent": {"faqs": FAQS},
        "ConciergeAgent": {"venue_name": "v", "services": ["spa"], "amenities": {}},
    }
    return PREFABS[owner](**args[owner], basic_auth=CREDS)


@pytest.mark.parametrize("owner", sorted(PREFABS))
async def test_every_prefab_renders_schema_valid_swml(owner: str) -> None:
    doc = await fetch(sample(owner))  # fetch() validates against the SWML schema
    assert ai_of(doc)["prompt"]["pom"]


QUESTIONS = [
    {"key_name": "name", "question_text": "What is your name?"},
    {"key_name": "phone", "question_text": "What is your phone number?", "confirm": True},
]


async def test_info_gatherer_static_questions_round_trip() -> None:
    agent = InfoGathererAgent(questions=QUESTIONS, basic_auth=CREDS)
    assert agent.route == "/info_gatherer" and agent.name == "info_gatherer"
    doc = await fetch(agent)
    ai = ai_of(doc)
    assert set(functions(doc)) == {"start_questions", "submit_answer"}
    state = ai["global_data"]
    assert state == {"questions": QUESTIONS, "question_index": 0, "answers": []}
    first = await call_tool(agent, "start_questions", {}, global_data=state)
    assert "What is your name?" in first["response"]
    assert first["action"] == [{"replace_in_history": "Let me ask you a few questions."}]
    second = await call_tool(agent, "submit_answer", {"answer": "Ana"}, global_data=state)
    assert "What is your phone number?" in second["response"]
    assert "confirms" in second["response"]
    update = second["action"][-1]["set_global_data"]
    assert update == {"answers": [{"key_name": "name", "answer": "Ana"}], "question_index": 1}
    done = await call_tool(
        agent, "submit_answer", {"answer": "555"}, global_data={**state, **update}
    )
    assert done["response"].startswith("Thank you")
    assert done["action"][-1]["set_global_data"]["question_index"] == 2
    again = await call_tool(
        agent, "submit_answer", {"answer": "x"}, global_data={**state, "question_index": 2}
    )
    assert "already been answered" in again["response"]


async def test_info_gatherer_per_call_questions() -> None:
    agent = InfoGathererAgent(basic_auth=CREDS)
    seen: list[dict[str, Any]] = []

    def questions_for(query: dict[str, Any], body: dict[str, Any], headers: dict[str, Any]) -> Any:
        seen.append(query)
        if query.get("set") == "broken":
            raise RuntimeError("boom")
        if query.get("set") == "bad":
            return [{"nope": 1}]
        return [{"key_name": "issue", "question_text": "What went wrong?"}]

    default = ai_of(await fetch(agent))["global_data"]["questions"]
    assert [q["key_name"] for q in default] == ["name", "message"]  # no callback yet
    agent.set_question_callback(questions_for)
    doc = await fetch(agent, "?set=support")
    assert ai_of(doc)["global_data"]["questions"] == [
        {"key_name": "issue", "question_text": "What went wrong?"}
    ]
    assert seen[-1] == {"set": "support"}
    for broken in ("broken", "bad"):
        fallback = ai_of(await fetch(agent, f"?set={broken}"))["global_data"]["questions"]
        assert [q["key_name"] for q in fallback] == ["name", "message"]


def test_info_gatherer_rejects_bad_questions() -> None:
    with pytest.raises(ValueError, match="question_text"):
        InfoGathererAgent(questions=[{"key_name": "a"}], basic_auth=CREDS)
    with pytest.raises(ValueError, match="non-empty list"):
        InfoGathererAgent(questions=[], basic_auth=CREDS)


SURVEY = [
    {"id": "stars", "text": "How would you rate us?", "type": "rating"},
    {"id": "color", "text": "Pick a color", "type": "multiple_choice", "options": ["Red", "Blue"]},
    {"id": "again", "text": "Would you come back?", "type": "yes_no"},
    {"text": "Anything else?", "type": "open_ended", "required": False},
]


async def test_survey_validates_and_logs_responses(caplog: pytest.LogCaptureFixture) -> None:
    agent = SurveyAgent(
        survey_name="Visit survey", questions=SURVEY, brand_name="Acme", basic_auth=CREDS
    )
    doc = await fetch(agent)
    ai = ai_of(doc)
    assert {"validate_response", "log_response"} <= set(functions(doc))
    assert ai["params"]["static_greeting"].startswith("Welcome to the Visit survey")
    assert ai["global_data"]["questions"][0]["scale"] == 5
    assert ai["global_data"]["questions"][3]["id"] == "question_4"
    assert "survey_name" in ai["post_prompt"]["text"]
    cases = [
        ("stars", "4", "is valid"),
        ("stars", "9", "from 1 to 5"),
        ("stars", "four", "from 1 to 5"),
        ("color", "blue", "is valid"),
        ("color", "green", "Red, Blue"),
        ("again", "Y", "is valid"),
        ("again", "maybe", "yes or no"),
        ("question_4", "", "is valid"),
        ("missing", "x", "no question with the ID"),
    ]
    for question_id, response, says in cases:
        answer = await call_tool(
            agent, "validate_response", {"question_id": question_id, "response": response}
        )
        assert says in answer["response"], (question_id, response, answer)
    logged = await call_tool(
        agent,
        "log_response",
        {"question_id": "stars", "response": "4"},
        global_data={"survey_responses": {"color": "Red"}},
    )
    assert logged["response"] == "The answer to 'How would you rate us?' has been recorded."
    assert logged["action"] == [
        {"set_global_data": {"survey_responses": {"color": "Red", "stars": "4"}}}
    ]
    with caplog.at_level(logging.INFO, logger="signalwire.agents.prefabs"):
        agent.on_summary({"responses": {"stars": "4"}})
    assert "Visit survey" in caplog.text


@pytest.mark.parametrize(
    ("questions", "message"),
    [
        ([{"text": "q", "type": "essay"}], "invalid type"),
        ([{"text": "q", "type": "multiple_choice"}], "needs options"),
        ([{"type": "rating"}], "needs a 'text'"),
        ([{"id": "a", "text": "q", "type": "yes_no"}] * 2, "unique"),
    ],
)
def test_survey_rejects_bad_questions(questions: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SurveyAgent(survey_name="s", questions=questions, basic_auth=CREDS)


DEPARTMENTS = [
    {"name": "sales", "description": "New orders", "number": "+15551230001"},
    {"name": "support", "description": "Help with a product", "number": "+15551230002"},
]


async def test_receptionist_collects_info_and_transfers() -> None:
    agent = ReceptionistAgent(departments=DEPARTMENTS, basic_auth=CREDS)
    doc = await fetch(agent)
    ai = ai_of(doc)
    assert ai["params"]["transfer_summary"] is True
    assert ai["languages"][0] == {"name": "English", "code": "en-US", "voice": "rime.spore"}
    assert ai["global_data"] == {"departments": DEPARTMENTS, "caller_info": {}}
    transfer = functions(doc)["transfer_call"]
    assert transfer["parameters"]["properties"]["department"]["enum"] == ["sales", "support"]
    info = await call_tool(agent, "collect_caller_info", {"name": "Ana", "reason": "an order"})
    assert info["action"] == [
        {"set_global_data": {"caller_info": {"name": "Ana", "reason": "an order"}}}
    ]
    # The number comes from the agent's configuration even if the call's data says otherwise.
    spoofed = {
        "departments": [{"name": "sales", "number": "+19990000000"}],
        "caller_info": {"name": "Ana"},
    }
    moved = await call_tool(agent, "transfer_call", {"department": "sales"}, global_data=spoofed)
    assert moved["response"].endswith("Thank you for calling, Ana!")
    assert moved["post_process"] is True
    connect = moved["action"][0]
    assert connect["SWML"]["sections"]["main"][0] == {"connect": {"to": "+15551230001"}}
    assert connect["transfer"] == "true"
    nowhere = await call_tool(agent, "transfer_call", {"department": "moon"})
    assert "couldn't find" in nowhere["response"] and "sales, support" in nowhere["response"]
    missing = await call_tool(agent, "collect_caller_info", {})
    assert "still need" in missing["response"]


def test_receptionist_rejects_bad_departments() -> None:
    with pytest.raises(ValueError, match="'number'"):
        ReceptionistAgent(departments=[{"name": "a", "description": "d"}], basic_auth=CREDS)
    with pytest.raises(ValueError, match="non-empty list"):
        ReceptionistAgent(departments=[], basic_auth=CREDS)


FAQS = [
    {"question": "What are your opening hours?", "answer": "9 to 5.", "categories": ["hours"]},
    {
        "question": "Do you ship abroad?",
        "answer": "Yes, to 40 countries.",
        "categories": ["shipping"],
    },
    {"question": "How do I return an item?", "answer": "Use the returns form.", "categories": []},
]


async def test_faq_bot_searches() -> None:
    agent = FAQBotAgent(faqs=FAQS, basic_auth=CREDS)
    doc = await fetch(agent)
    ai = ai_of(doc)
    assert ai["global_data"] == {"faq_count": 3, "categories": ["hours", "shipping"]}
    titles = [s["title"] for s in ai["prompt"]["pom"]]
    assert "FAQ Database" in titles and "Related Questions" in titles
    hit = await call_tool(agent, "search_faqs", {"query": "opening hours"})
    assert hit["response"].startswith(
        "Here are the most relevant FAQs:\n\n1. What are your opening"
    )
    by_category = await call_tool(agent, "search_faqs", {"query": "", "category": "Shipping"})
    assert "Do you ship abroad?" in by_category["response"]
    words = await call_tool(agent, "search_faqs", {"query": "can I return something"})
    assert "How do I return an item?" in words["response"]
    none = await call_tool(agent, "search_faqs", {"query": "zebra"})
    assert none["response"] == "No matching FAQs found."
    empty = await call_tool(agent, "search_faqs", {"query": ""})
    assert "what you would like to know" in empty["response"]
    plain = FAQBotAgent(faqs=FAQS, suggest_related=False, persona="You are Bob.", basic_auth=CREDS)
    pom = ai_of(await fetch(plain))["prompt"]["pom"]
    assert pom[0]["body"] == "You are Bob."
    assert "Related Questions" not in [s["title"] for s in pom]


async def test_concierge_checks_availability_and_directions() -> None:
    agent = ConciergeAgent(
        venue_name="Hotel Aurora",
        services=["spa", "restaurant"],
        amenities={
            "pool": {"hours": "7 AM - 9 PM", "location": "Floor 2"},
            "gym": {"hours": "24h"},
        },
        welcome_message="Welcome to Hotel Aurora!",
        basic_auth=CREDS,
    )
    doc = await fetch(agent)
    ai = ai_of(doc)
    assert ai["params"]["static_greeting"] == "Welcome to Hotel Aurora!"
    assert ai["global_data"]["hours"] == {"default": "9 AM - 5 PM"}
    assert {"check_availability", "get_directions"} <= set(functions(doc))
    yes = await call_tool(
        agent, "check_availability", {"service": "Spa", "date": "2026-12-24", "time": "15:00"}
    )
    assert yes["response"].startswith("Yes, spa is available on 2026-12-24 at 15:00")
    no = await call_tool(agent, "check_availability", {"service": "golf"})
    assert "don't offer golf" in no["response"]
    bad_date = await call_tool(agent, "check_availability", {"service": "spa", "date": "soon"})
    assert "Which date" in bad_date["response"]
    there = await call_tool(agent, "get_directions", {"location": "pool"})
    assert there["response"].startswith("The pool is at Floor 2.")
    unknown = await call_tool(agent, "get_directions", {"location": "gym"})
    assert "front desk" in unknown["response"]


def test_concierge_rejects_bad_amenities() -> None:
    with pytest.raises(ValueError, match="amenities"):
        ConciergeAgent(venue_name="v", services=[], amenities={"pool": "x"}, basic_auth=CREDS)  # type: ignore[dict-item]


async def test_prefabs_take_skills_too() -> None:
    agent = FAQBotAgent(faqs=FAQS, basic_auth=CREDS).add_skill("datetime")
    assert "get_current_time" in functions(await fetch(agent))


# -- BedrockAgent ------------------------------------------------------------------------------


async def test_bedrock_renders_amazon_bedrock_and_runs_tools(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from signalwire.agents import BedrockAgent
    from signalwire.agents.bedrock import BedrockAgent as FromModule

    assert BedrockAgent is FromModule
    agent = BedrockAgent(system_prompt="You are a concise helper.", basic_auth=CREDS)
    assert (agent.name, agent.route) == ("bedrock_agent", "/bedrock")
    agent.add_skill("math").add_hint("dropped").set_post_prompt("Summarise.")
    agent.set_global_data({"tier": "gold"})
    with caplog.at_level(logging.WARNING, logger="signalwire.agents.bedrock"):
        doc = await fetch(agent)
        await fetch(agent)
    main = doc["sections"]["main"]
    assert not any("ai" in verb for verb in main)
    bedrock = next(verb["amazon_bedrock"] for verb in main if "amazon_bedrock" in verb)
    assert bedrock["prompt"] == {
        "text": "You are a concise helper.",
        "voice_id": "matthew",
        "temperature": 0.7,
        "top_p": 0.9,
        "max_tokens": 1024,
    }
    assert bedrock["global_data"] == {"tier": "gold"}
    assert "hints" not in bedrock and "post_prompt_url" in bedrock
    assert caplog.text.count("speech hints") == 1  # warned once per agent
    fn = next(f for f in bedrock["SWAIG"]["functions"] if f["function"] == "calculate")
    path = fn["web_hook_url"].split("agent.test", 1)[1]
    from agents_testkit import basic, client_for, swaig_body

    async with client_for(agent.get_app()) as client:
        resp = await client.post(
            path, json=swaig_body("calculate", {"expression": "2 + 3 * 4"}), headers=basic()
        )
    assert resp.json() == {"response": "2 + 3 * 4 = 14"}


async def test_bedrock_settings() -> None:
    from signalwire.agents import BedrockAgent

    agent = BedrockAgent(voice_id="amy", temperature="0.5", basic_auth=CREDS)
    agent.set_voice("tiffany")
    agent.set_inference_params(top_p=0.5, max_tokens=256)
    agent.set_llm_temperature(0.3)
    agent.set_prompt_llm_params(temperature=0.2, confidence=0.5)
    agent.set_llm_model("gpt-x")
    agent.set_post_prompt_llm_params(temperature=0.1)
    prompt = (await fetch(agent))["sections"]["main"][-1]["amazon_bedrock"]["prompt"]
    assert prompt["voice_id"] == "tiffany"
    assert (prompt["temperature"], prompt["top_p"], prompt["max_tokens"]) == (0.2, 0.5, 256)
    with pytest.raises(ValueError, match="max_tokens must be an integer"):
        agent.set_inference_params(max_tokens=1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="temperature must be a number"):
        BedrockAgent(temperature="hot", basic_auth=CREDS)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="top_p must be a number"):
        agent.set_inference_params(top_p=float("nan"))
    assert repr(agent) == "BedrockAgent(name='bedrock_agent', route='/bedrock', voice='tiffany')"


async def test_bedrock_per_call_changes_apply() -> None:
    from signalwire.agents import BedrockAgent

    agent = BedrockAgent(basic_auth=CREDS)
    agent.set_dynamic_config_callback(lambda q, b, h, a: a.set_global_data({"who": q.get("who")}))
    doc = await fetch(agent, "?who=ana")
    assert doc["sections"]["main"][-1]["amazon_bedrock"]["global_data"] == {"who": "ana"}
