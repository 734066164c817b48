"""The built-in skills that need no outside service: documented wire shapes, tools via /swaig/."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from agents_testkit import ai_of
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from skills_testkit import call_tool, fetch, functions, new_agent

from signalwire_devtools.surface import surface_entries


def run_expressions(function: dict[str, Any], args: dict[str, Any]) -> dict[str, Any]:
    """Answer a DataMap call the way the platform does: the first matching expression wins."""

    def substitute(text: str) -> str:
        return re.sub(r"\$\{args\.(\w+)\}", lambda m: str(args.get(m.group(1), "")), text)

    for expr in function["data_map"]["expressions"]:
        pattern = expr["pattern"]
        flags = 0
        wrapped = re.fullmatch(r"/(.*)/([a-z]*)", pattern, re.S)
        if wrapped:
            pattern, flags = wrapped.group(1), re.I if "i" in wrapped.group(2) else 0
        if re.search(pattern, substitute(expr["string"]), flags):
            output: dict[str, Any] = expr["output"]
            return output
    raise AssertionError("no expression matched")


# -- datetime ---------------------------------------------------------------------------------


async def test_datetime_tools_answer_in_utc_and_named_zones() -> None:
    agent = new_agent().add_skill("datetime")
    doc = await fetch(agent)
    assert set(functions(doc)) == {"get_current_time", "get_current_date"}
    assert functions(doc)["get_current_time"]["parameters"]["properties"]["timezone"]["type"] == (
        "string"
    )
    answer = (await call_tool(agent, "get_current_time", {}))["response"]
    assert re.fullmatch(r"The current time is \d\d:\d\d:\d\d [AP]M UTC", answer), answer
    answer = (await call_tool(agent, "get_current_time", {"timezone": "Asia/Tokyo"}))["response"]
    assert answer.endswith("JST")
    tokyo = datetime.now(timezone(timedelta(hours=9)))
    dates = {
        (tokyo + timedelta(minutes=d)).strftime("%A, %B %d, %Y") for d in (-1, 0, 1)
    }  # either side of midnight
    answer = (await call_tool(agent, "get_current_date", {"timezone": "Asia/Tokyo"}))["response"]
    assert answer.removeprefix("Today's date is ") in dates


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "../../etc/passwd", "x" * 5000, 42, ""])
async def test_datetime_bad_timezone_gets_a_speakable_refusal(zone: Any) -> None:
    agent = new_agent().add_skill("datetime")
    for tool in ("get_current_time", "get_current_date"):
        answer = (await call_tool(agent, tool, {"timezone": zone}))["response"]
        if zone == "":
            assert "UTC" in answer or "date" in answer
        else:
            assert "timezone" in answer and len(answer) < 200, answer


# -- math -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "answer"),
    [
        ("2 + 3 * 4", "2 + 3 * 4 = 14"),
        ("(10 + 5) / 3", "(10 + 5) / 3 = 5.0"),
        ("2 ** 10", "2 ** 10 = 1024"),
        ("-7 % 3", "-7 % 3 = 2"),
        ("  1.5 * 4 ", "1.5 * 4 = 6.0"),
    ],
)
async def test_math_calculates(expression: str, answer: str) -> None:
    agent = new_agent().add_skill("math")
    assert (await call_tool(agent, "calculate", {"expression": expression}))["response"] == answer


@pytest.mark.parametrize(
    ("expression", "says"),
    [
        ("(" * 10_000 + "1" + ")" * 10_000, "too long"),
        ("(" * 100 + "1" + ")" * 100, "nested too deeply"),
        ("-" * 400 + "1", "nested too deeply"),
        ("9**9**9", "too large"),
        ("10 ** 5000", "too large"),
        ("(9 ** 999) ** 999", "too large"),
        ("2.5 ** 999", "too large"),
        ("1 / 0", "divide by zero"),
        ("5 % 0", "divide by zero"),
        ("0 ** -1", "divide by zero"),
        ("(-8) ** 0.5", "no real-number answer"),
        ("__import__('os').system('true')", "only work out"),
        ("abs(-1)", "only work out"),
        ("'a' * 3", "only work out"),
        ("True + 1", "only work out"),
        ("2 +", "only work out"),
        ("", "tell me the calculation"),
        ("   ", "tell me the calculation"),
    ],
)
async def test_math_refuses_bad_expressions_with_a_sentence(expression: str, says: str) -> None:
    agent = new_agent().add_skill("math")
    answer = (await call_tool(agent, "calculate", {"expression": expression}))["response"]
    assert says in answer, answer
    assert len(answer) < 200


async def test_math_missing_or_wrong_argument() -> None:
    agent = new_agent().add_skill("math")
    assert "tell me" in (await call_tool(agent, "calculate", {}))["response"]
    assert "tell me" in (await call_tool(agent, "calculate", {"expression": 5}))["response"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet="0123456789+-*/%(). e", max_size=60))
def test_math_evaluator_never_raises_unexpected_errors(expression: str) -> None:
    from signalwire.agents.skills.math.skill import CalculationError, evaluate

    try:
        value = evaluate(expression)
    except (CalculationError, ZeroDivisionError, OverflowError):
        return
    assert isinstance(value, (int, float))


# -- play_background_file -------------------------------------------------------------------

FILES = [
    {"key": "welcome", "description": "the welcome video", "url": "https://cdn.test/w.mp4"},
    {"key": "hold", "description": "hold music", "url": "https://cdn.test/h.mp3", "wait": True},
]


async def test_play_background_file_renders_a_datamap_with_start_and_stop() -> None:
    agent = new_agent().add_skill("play_background_file", {"files": FILES})
    assert agent.list_skills() == ["play_background_file_play_background_file"]
    doc = await fetch(agent)
    fn = functions(doc)["play_background_file"]
    action = fn["parameters"]["properties"]["action"]
    assert action["enum"] == ["start_welcome", "start_hold", "stop"]
    assert fn["parameters"]["required"] == ["action"]
    assert fn["wait_for_fillers"] is True and fn["skip_fillers"] is True
    assert run_expressions(fn, {"action": "start_welcome"})["action"] == [
        {"playback_bg": {"file": "https://cdn.test/w.mp4", "wait": False}}
    ]
    assert run_expressions(fn, {"action": "start_hold"})["action"] == [
        {"playback_bg": {"file": "https://cdn.test/h.mp3", "wait": True}}
    ]
    assert run_expressions(fn, {"action": "stop"})["action"] == [{"stop_playback_bg": True}]


async def test_play_background_file_several_instances() -> None:
    agent = new_agent()
    agent.add_skill("play_background_file", {"files": FILES[:1], "tool_name": "play_video"})
    agent.add_skill("play_background_file", {"files": FILES[1:], "tool_name": "play_music"})
    assert {"play_video", "play_music"} <= set(functions(await fetch(agent)))


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([], "non-empty list"),
        ([{"key": "a b", "description": "d", "url": "u"}], "may hold only"),
        ([{"key": "a", "url": "u"}], r"files\[0\].description"),
        ([{"key": "a", "description": "d", "url": "u", "wait": "yes"}], "true or false"),
        ([FILES[0], FILES[0]], "used twice"),
        (["x"], r"files\[0\] must be a dict"),
    ],
)
def test_play_background_file_checks_its_files(files: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        new_agent().add_skill("play_background_file", {"files": files})


def test_play_background_file_needs_files() -> None:
    with pytest.raises(ValueError, match="needs the parameter 'files'"):
        new_agent().add_skill("play_background_file")


# -- swml_transfer --------------------------------------------------------------------------

TRANSFERS = {
    "/sales|buy/i": {"url": "https://user:pw@sales.test/agent", "message": "Connecting sales."},
    "/support/i": {"address": "+15551230002", "final": False, "from_addr": "+15550000000"},
}


async def test_swml_transfer_matches_patterns_to_destinations() -> None:
    agent = new_agent().add_skill("swml_transfer", {"transfers": TRANSFERS})
    assert agent.list_skills() == ["swml_transfer_transfer_call"]
    doc = await fetch(agent)
    ai = ai_of(doc)
    fn = functions(doc)["transfer_call"]
    assert fn["parameters"]["required"] == ["transfer_type"]
    sales = run_expressions(fn, {"transfer_type": "I want to buy"})
    assert sales["response"] == "Connecting sales."
    swml = sales["action"][0]["SWML"]
    assert swml["sections"]["main"][1] == {"transfer": {"dest": "https://user:pw@sales.test/agent"}}
    support = run_expressions(fn, {"transfer_type": "Support please"})
    assert support["action"][0]["SWML"]["sections"]["main"][0]["connect"] == {
        "to": "+15551230002",
        "from": "+15550000000",
    }
    assert support["action"][0]["transfer"] == "false"
    other = run_expressions(fn, {"transfer_type": "the moon"})
    assert other["response"] == "Please tell me which department or person you need."
    assert {"sales", "buy", "support", "transfer"} <= set(ai["hints"])
    prompt = str(ai["prompt"]["pom"])
    assert "pw@" not in prompt and "sales.test" in prompt


async def test_swml_transfer_required_fields_are_saved_as_call_data() -> None:
    agent = new_agent().add_skill(
        "swml_transfer",
        {
            "transfers": TRANSFERS,
            "required_fields": {"name": "The caller's name"},
            "tool_name": "route_call",
            "parameter_name": "department",
        },
    )
    fn = functions(await fetch(agent))["route_call"]
    assert fn["parameters"]["required"] == ["department", "name"]
    out = run_expressions(fn, {"department": "sales", "name": "Ana"})
    assert {"set_global_data": {"call_data": {"name": "${args.name}"}}} in out["action"]


@pytest.mark.parametrize(
    ("transfers", "message"),
    [
        ({}, "non-empty dict"),
        ({"/x/": {"url": "u", "address": "a"}}, "exactly one of"),
        ({"/x/": {}}, "exactly one of"),
        ({"/x/": "u"}, "must be a dict"),
    ],
)
def test_swml_transfer_checks_its_transfers(transfers: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        new_agent().add_skill("swml_transfer", {"transfers": transfers})


# -- info_gatherer --------------------------------------------------------------------------

QUESTIONS = [
    {"key_name": "name", "question_text": "What is your name?"},
    {"key_name": "email", "question_text": "What is your email?", "confirm": True},
]


async def test_info_gatherer_walks_the_questions_through_global_data() -> None:
    agent = new_agent().add_skill("info_gatherer", {"questions": QUESTIONS})
    doc = await fetch(agent)
    state = ai_of(doc)["global_data"]["skill:info_gatherer"]
    assert state == {"questions": QUESTIONS, "question_index": 0, "answers": []}
    first = await call_tool(
        agent, "start_questions", {}, global_data={"skill:info_gatherer": state}
    )
    assert '[Question 1 of 2]: "What is your name?"' in first["response"]
    saved = await call_tool(
        agent, "submit_answer", {"answer": "Ana"}, global_data={"skill:info_gatherer": state}
    )
    assert '[Question 2 of 2]: "What is your email?"' in saved["response"]
    state = saved["action"][0]["set_global_data"]["skill:info_gatherer"]
    assert state["question_index"] == 1
    assert state["answers"] == [{"key_name": "name", "answer": "Ana"}]
    unconfirmed = await call_tool(
        agent, "submit_answer", {"answer": "a@b.test"}, global_data={"skill:info_gatherer": state}
    )
    assert "confirm" in unconfirmed["response"] and "action" not in unconfirmed
    done = await call_tool(
        agent,
        "submit_answer",
        {"answer": "a@b.test", "confirmed_by_user": True},
        global_data={"skill:info_gatherer": state},
    )
    assert done["response"].startswith("Thank you")
    assert done["action"][0] == {
        "toggle_functions": [
            {"function": "start_questions", "active": False},
            {"function": "submit_answer", "active": False},
        ]
    }
    final = done["action"][1]["set_global_data"]["skill:info_gatherer"]
    assert final["answers"][1] == {"key_name": "email", "answer": "a@b.test"}


async def test_info_gatherer_prefixes_and_bad_input() -> None:
    agent = new_agent()
    agent.add_skill("info_gatherer", {"questions": QUESTIONS[:1], "prefix": "intake"})
    agent.add_skill("info_gatherer", {"questions": QUESTIONS[1:], "prefix": "billing"})
    assert agent.list_skills() == ["info_gatherer_intake", "info_gatherer_billing"]
    doc = await fetch(agent)
    assert {"intake_start_questions", "billing_submit_answer"} <= set(functions(doc))
    assert set(ai_of(doc)["global_data"]) == {"skill:intake", "skill:billing"}
    # Garbage state and a missing answer get sentences, not errors.
    empty = await call_tool(agent, "intake_submit_answer", {}, global_data={"skill:intake": 7})
    assert "did not get an answer" in empty["response"]
    over = {"skill:intake": {"question_index": 99}}
    assert (
        "no questions left"
        in (await call_tool(agent, "intake_start_questions", {}, global_data=over))["response"]
    )


@pytest.mark.parametrize(
    ("questions", "message"),
    [
        ([], "non-empty list"),
        ([{"key_name": "a"}], "question_text"),
        ([{"key_name": "a", "question_text": "q"}] * 2, "repeats"),
    ],
)
def test_info_gatherer_checks_questions(questions: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        new_agent().add_skill("info_gatherer", {"questions": questions})


# -- documented parameters ------------------------------------------------------------------

OURS = [
    "datetime",
    "math",
    "play_background_file",
    "swml_transfer",
    "info_gatherer",
    "claude_skills",
]


@pytest.mark.parametrize("skill", OURS)
def test_documented_parameters_and_tools(skill: str) -> None:
    from signalwire.agents import list_skills_with_params

    entry = next(e for e in surface_entries("agents", {"skills"}) if e["member"] == skill)
    params = list_skills_with_params()[skill]["parameters"]
    for name in entry["params"]:
        assert name in params, f"{skill} lacks documented parameter {name!r}"
    assert {"swaig_fields", "skip_prompt"} <= set(params)


async def test_info_gatherer_ignores_malformed_questions_in_the_call_state() -> None:
    agent = new_agent().add_skill("info_gatherer", {"questions": QUESTIONS})
    state = {"skill:info_gatherer": {"questions": [{"nope": 1}], "question_index": 0}}
    answer = await call_tool(agent, "start_questions", {}, global_data=state)
    assert "What is your name?" in answer["response"]
