"""Generated bodies and headers never produce a 5xx (or a traceback) from the agent."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from agents_testkit import CREDS, basic, client_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signalwire.agents import AgentBase, FunctionResult

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
swaig_like = st.fixed_dictionaries(
    {},
    optional={
        "function": st.sampled_from(["typed", "legacy", "nope", "", "x y", "vault"]) | json_values,
        "argument": st.fixed_dictionaries(
            {}, optional={"parsed": json_values, "raw": st.text(max_size=30) | json_values}
        )
        | json_values,
        "arguments": json_values,
        "call_id": st.text(max_size=20) | json_values,
        "call": json_values,
        "conversation_id": json_values,
        "post_prompt_data": json_values,
        "summary": json_values,
        "action": st.sampled_from(["post_conversation", "fetch_conversation"]) | json_values,
    },
)
bodies = (
    swaig_like.map(lambda d: json.dumps(d).encode())
    | json_values.map(lambda v: json.dumps(v).encode())
    | st.binary(max_size=64)
)
header_values = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40)
extra_headers = st.dictionaries(
    st.sampled_from(
        [
            "Content-Type",
            "X-Forwarded-Host",
            "X-Forwarded-Proto",
            "Forwarded",
            "Host",
            "X-SignalWire-Signature",
            "Authorization",
        ]
    ),
    header_values,
    max_size=3,
)
paths = st.sampled_from(
    ["/", "/swaig/", "/post_prompt/", "/swaig", "/debug_events/", "/check_for_input/", "/sip/"]
)
queries = st.sampled_from(["", "?__token=abc", "?call_id=x&__token=", "?token=%ZZ", "?a=%00"])


def make_agent() -> AgentBase:
    agent = AgentBase("fuzz", basic_auth=CREDS, swaig_secret="s")
    agent.set_post_prompt("sum")
    agent.enable_sip_routing()

    @agent.tool(secure=False)
    def typed(count: int, name: str = "x") -> str:
        """Typed."""
        return name * count

    agent.define_tool(
        "legacy",
        "d",
        {"a": {"type": "integer"}},
        lambda args, raw: FunctionResult(str(args["a"] + 1)),
        secure=False,
    )
    agent.define_tool("vault", "d", {}, lambda args, raw: "secret")
    agent.add_per_call_config(lambda q, b, h, a: a.set_global_data({"q": q}))
    return agent


AGENT = make_agent()


@settings(max_examples=250, deadline=None, suppress_health_check=list(HealthCheck))
@given(path=paths, query=queries, body=bodies, headers=extra_headers, auth=st.booleans())
def test_no_5xx(path: str, query: str, body: bytes, headers: dict[str, str], auth: bool) -> None:
    async def go() -> Any:
        all_headers = {"Content-Type": "application/json", **headers}
        if auth:
            all_headers.update(basic())
        async with client_for(AGENT.get_app()) as client:
            return await client.post(path + query, content=body, headers=all_headers)

    resp = asyncio.run(go())
    assert resp.status_code < 500, (resp.status_code, resp.text)
    assert "Traceback" not in resp.text
    if resp.status_code >= 400:
        assert "error" in resp.json()
