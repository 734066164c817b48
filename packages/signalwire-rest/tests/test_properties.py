"""Property tests: query encoding round-trips; the response-head parser fails cleanly."""

from __future__ import annotations

from urllib.parse import parse_qsl

from hypothesis import given, settings
from hypothesis import strategies as st

from signalwire.rest._http import encode_query
from signalwire.rest._wire import Head, ProtocolFailure

keys = st.text(min_size=1, max_size=12)
values = st.one_of(
    st.text(max_size=20),
    st.integers(),
    st.lists(st.text(max_size=8), min_size=1, max_size=3),
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(keys, values, max_size=5))
def test_query_encoding_round_trips(query: dict[str, object]) -> None:
    decoded = parse_qsl(encode_query(query), keep_blank_values=True)
    expected = []
    for key, value in query.items():
        for item in value if isinstance(value, list) else [value]:
            expected.append((key, str(item)))
    assert decoded == expected


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_head_parser_accepts_or_raises_protocol_failure(block: bytes) -> None:
    try:
        head = Head(block)
    except ProtocolFailure:
        return
    assert head.status >= 0
    assert isinstance(head.headers, list)


def test_head_parser_reads_framing() -> None:
    head = Head(b"HTTP/1.1 200 OK\r\nContent-Length: 12\r\nConnection: keep-alive")
    assert (head.status, head.length, head.chunked, head.keep_alive) == (200, 12, False, True)
    head = Head(b"HTTP/1.0 503 Busy\r\nRetry-After: 3\r\nTransfer-Encoding: chunked")
    assert head.chunked and head.length is None and not head.keep_alive
    assert head.header(b"retry-after") == "3"
    assert head.header_dict() == {"retry-after": "3", "transfer-encoding": "chunked"}


@settings(max_examples=60, deadline=None)
@given(st.sets(st.sampled_from(["prompt", "name"])))
def test_missing_required_keywords_are_named_exactly(given_names: set[str]) -> None:
    import pytest

    from signalwire.rest import RestClient

    client = RestClient("p", "t", "example.signalwire.com")
    kwargs = {name: {"text": "x"} if name == "prompt" else "x" for name in given_names}
    missing = {"prompt", "name"} - given_names
    if not missing:
        client.close()
        return
    with pytest.raises(TypeError) as info:
        client.fabric.ai_agents.create(**kwargs)
    said = str(info.value).split(" needs ", 1)[1].replace(" and ", ", ").split(", ")
    assert {s.removesuffix("=") for s in said} == missing
    client.close()
