"""Generated bodies and headers never produce a 5xx (or a traceback, in the answer or the log)
from the agent, in server, Lambda and CGI modes."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from agents_testkit import CREDS, basic, client_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signalwire.agents import AgentBase, FunctionResult
from signalwire.agents._hosting import serverless

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
# JSON text nested from shallow to far past the parser's recursion limit (lists, objects, mixed).
deep_json_text = st.builds(
    lambda depth, opener: (
        "".join(opener[i % len(opener)] for i in range(depth))
        + "1"
        + "".join("]" if opener[i % len(opener)] == "[" else "}" for i in reversed(range(depth)))
    ),
    st.integers(min_value=1, max_value=30_000),
    st.sampled_from([["["], ['{"a":'], ["[", '{"a":']]),
)
swaig_like = st.fixed_dictionaries(
    {},
    optional={
        "function": st.sampled_from(["typed", "legacy", "nope", "", "x y", "vault"]) | json_values,
        "argument": st.fixed_dictionaries(
            {},
            optional={
                "parsed": json_values,
                "raw": st.text(max_size=30) | json_values | deep_json_text,
            },
        )
        | json_values,
        "arguments": json_values,
        "call_id": st.text(max_size=20) | json_values,
        "call": json_values,
        "conversation_id": json_values,
        "post_prompt_data": json_values
        | st.fixed_dictionaries({"raw": deep_json_text | st.text(max_size=30)}),
        "summary": json_values,
        "action": st.sampled_from(["post_conversation", "fetch_conversation"]) | json_values,
    },
)
# Unpaired (and paired) UTF-16 surrogate escapes spliced into otherwise valid bodies.
surrogates = st.sampled_from(["\\ud800", "\\udfff", "\\uDBFF", "\\ud83d\\ude00", "\\ud83dx"])


def _with_surrogate(body: dict[str, Any], escape: str, key: str) -> bytes:
    text = json.dumps({**body, key: "SURROGATE"})
    return text.replace('"SURROGATE"', f'"{escape}"').encode()


surrogate_bodies = st.builds(
    _with_surrogate,
    swaig_like,
    surrogates,
    st.sampled_from(["call_id", "function", "conversation_id", "x", "summary"]),
)
bodies = (
    swaig_like.map(lambda d: json.dumps(d).encode())
    | json_values.map(lambda v: json.dumps(v).encode())
    | st.binary(max_size=64)
    | surrogate_bodies
    | deep_json_text.map(str.encode)
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


#: The one traceback the SDK logs on purpose: a user's handler raised (the ``legacy`` tool
#: reads ``args["a"]`` blindly), which answers a generic reply and logs the detail with the
#: call id. Every other traceback is the SDK failing on bad input.
_HANDLER_FAILED = "tool %r failed (call_id=%s)"


class _Tracebacks(logging.Handler):
    """Collects every log record that carries a traceback, except a user handler's own failure."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg == _HANDLER_FAILED:
            return
        if record.exc_info or "Traceback" in record.getMessage():
            self.records.append(record)


@pytest.fixture(scope="module")
def tracebacks() -> Iterator[_Tracebacks]:
    handler = _Tracebacks()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)


def _check(status: int, text: str) -> None:
    assert status < 500, (status, text)
    assert "Traceback" not in text
    if status >= 400:
        assert "error" in json.loads(text)


@settings(max_examples=250, deadline=None, suppress_health_check=list(HealthCheck))
@given(path=paths, query=queries, body=bodies, headers=extra_headers, auth=st.booleans())
def test_no_5xx(
    tracebacks: _Tracebacks,
    path: str,
    query: str,
    body: bytes,
    headers: dict[str, str],
    auth: bool,
) -> None:
    async def go() -> Any:
        all_headers = {"Content-Type": "application/json", **headers}
        if auth:
            all_headers.update(basic())
        async with client_for(AGENT.get_app()) as client:
            return await client.post(path + query, content=body, headers=all_headers)

    resp = asyncio.run(go())
    _check(resp.status_code, resp.text)
    assert not tracebacks.records, tracebacks.records[0].getMessage()


LAMBDA_APP = make_agent().get_app()


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    path=paths,
    query=queries,
    body=bodies,
    headers=extra_headers,
    auth=st.booleans(),
    version=st.sampled_from(["2.0", "1.0"]),
    b64=st.booleans(),
)
def test_no_5xx_in_lambda_mode(
    tracebacks: _Tracebacks,
    path: str,
    query: str,
    body: bytes,
    headers: dict[str, str],
    auth: bool,
    version: str,
    b64: bool,
) -> None:
    all_headers = {"Content-Type": "application/json", **headers}
    if auth:
        all_headers.update(basic())
    event = serverless.lambda_event(
        "POST",
        path,
        query=query.lstrip("?"),
        headers=all_headers,
        body=body,
        version=version,
        base64_body=b64 or not _is_utf8(body),
    )
    answer = serverless.handle_lambda(LAMBDA_APP, event)
    _check(answer["statusCode"], answer["body"])
    assert not tracebacks.records, tracebacks.records[0].getMessage()


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(path=paths, query=queries, body=bodies, headers=extra_headers, auth=st.booleans())
def test_no_5xx_in_cgi_mode(
    tracebacks: _Tracebacks,
    path: str,
    query: str,
    body: bytes,
    headers: dict[str, str],
    auth: bool,
) -> None:
    all_headers = {"Content-Type": "application/json", **headers}
    if auth:
        all_headers.update(basic())
    env = serverless.cgi_environ(
        "POST", path, headers=all_headers, query=query.lstrip("?"), body=body
    )
    text = serverless.handle_cgi(LAMBDA_APP, env, io.BytesIO(body), io.StringIO())
    head, _, payload = text.partition("\r\n\r\n")
    _check(int(head.split()[1]), payload)
    assert not tracebacks.records, tracebacks.records[0].getMessage()


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class _FlaskLike:
    """The parts of a Flask request that Cloud Functions hands over."""

    def __init__(self, path: str, query: str, headers: dict[str, str], body: bytes) -> None:
        self.method, self.path, self.headers = "POST", path, headers
        self.query_string = query.encode()
        self.remote_addr = "198.51.100.40"
        self._body = body

    def get_data(self) -> bytes:
        return self._body


class _AzureLike:
    """The parts of azure.functions.HttpRequest the adapter reads."""

    def __init__(self, path: str, query: str, headers: dict[str, str], body: bytes) -> None:
        self.method, self.headers = "POST", headers
        self.url = f"https://site.azurewebsites.net/api/agent{path}{query}"
        self.params: dict[str, str] = {}
        self.route_params = {"route": path.lstrip("/")}
        self._body = body

    def get_body(self) -> bytes:
        return self._body


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    path=paths,
    query=queries,
    body=bodies,
    headers=extra_headers,
    auth=st.booleans(),
    mode=st.sampled_from(["gcf", "azure"]),
)
def test_no_5xx_in_cloud_functions_and_azure_modes(
    tracebacks: _Tracebacks,
    path: str,
    query: str,
    body: bytes,
    headers: dict[str, str],
    auth: bool,
    mode: str,
) -> None:
    all_headers = {"Content-Type": "application/json", **headers}
    if auth:
        all_headers.update(basic())
    if mode == "gcf":
        payload, status, _ = serverless.handle_gcf(
            LAMBDA_APP, _FlaskLike(path, query.lstrip("?"), all_headers, body)
        )
    else:
        answer = serverless.handle_azure(LAMBDA_APP, _AzureLike(path, query, all_headers, body))
        payload, status = answer.get_body(), answer.status_code
    _check(status, payload.decode())
    assert not tracebacks.records, tracebacks.records[0].getMessage()
