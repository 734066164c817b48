"""Generated tool arguments and global data never make a skill or prefab tool fail over HTTP."""

from __future__ import annotations

import asyncio
from typing import Any

from agents_testkit import CREDS, basic, client_for, swaig_body
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signalwire.agents import AgentBase
from signalwire.agents.prefabs import (
    ConciergeAgent,
    FAQBotAgent,
    InfoGathererAgent,
    ReceptionistAgent,
    SurveyAgent,
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
ARG_NAMES = [
    "timezone", "expression", "answer", "confirmed_by_user", "arguments", "section", "query",
    "category", "question_id", "response", "name", "reason", "department", "service", "date",
    "time", "location",
]  # fmt: skip
arguments = st.dictionaries(st.sampled_from(ARG_NAMES), json_values, max_size=4)
global_data = st.dictionaries(
    st.sampled_from(["skill:info_gatherer", "questions", "question_index", "answers", "caller_info",
                     "survey_responses"]),
    json_values,
    max_size=3,
)  # fmt: skip


def build_agents() -> list[tuple[AgentBase, str]]:
    skills = AgentBase("fuzz", route="/fuzz", basic_auth=CREDS, swaig_secret="s")
    skills.add_skill("datetime").add_skill("math")
    skills.add_skill("info_gatherer", {"questions": [{"key_name": "a", "question_text": "q?"}]})
    survey = [{"id": "r", "text": "Rate", "type": "rating"}, {"text": "Why", "type": "open_ended"}]
    dept = [{"name": "sales", "description": "d", "number": "+15551230001"}]
    out: list[AgentBase] = [
        skills,
        InfoGathererAgent(questions=[{"key_name": "a", "question_text": "q?"}], basic_auth=CREDS),
        SurveyAgent(survey_name="s", questions=survey, basic_auth=CREDS),
        ReceptionistAgent(departments=dept, basic_auth=CREDS),
        FAQBotAgent(faqs=[{"question": "Open?", "answer": "Yes."}], basic_auth=CREDS),
        ConciergeAgent(venue_name="v", services=["spa"], amenities={"pool": {}}, basic_auth=CREDS),
    ]
    return [(agent, name) for agent in out for name in agent._tools]


TARGETS = build_agents()


async def _call(agent: AgentBase, name: str, args: Any, data: Any) -> None:
    token = agent._token_signer.mint(name, "call-1").replace("=", "%3D")
    body = {**swaig_body(name, {}, "call-1"), "global_data": data}
    body["argument"] = {"parsed": [args]}
    async with client_for(agent.get_app()) as client:
        resp = await client.post(
            f"{agent.route.rstrip('/')}/swaig/?__token={token}", json=body, headers=basic()
        )
    assert resp.status_code == 200, resp.text
    result = resp.json()
    assert isinstance(result.get("response"), str) and result["response"], result
    assert "Traceback" not in result["response"]
    assert not result["response"].startswith("Error executing function"), result


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(TARGETS), arguments, global_data)
def test_tools_answer_any_arguments_with_a_sentence(
    target: tuple[AgentBase, str], args: dict[str, Any], data: dict[str, Any]
) -> None:
    agent, name = target
    asyncio.run(_call(agent, name, args, data))
