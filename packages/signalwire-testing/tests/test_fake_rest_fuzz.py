"""Arbitrary input gets a clear 4xx from the fake, never a 500 or a crash."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signalwire.testing.rest import FakeRestPlatform
from signalwire.testing.rest._spec import load_operations

FAKE = FakeRestPlatform()
OPS = load_operations()
BY_UID = {op.uid: op for op in OPS}
JSON_BODY_OPS = [
    op.uid
    for op in OPS
    if op.request_body and "application/json" in op.request_body.get("content", {})
]
FORM_OPS = [
    op.uid
    for op in OPS
    if op.request_body and "application/x-www-form-urlencoded" in op.request_body.get("content", {})
]
ALLOWED = {200, 201, 204, 400, 401, 404, 405, 415, 422}

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)
FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _send(method: str, path: str, **kwargs: Any) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=FAKE)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://test.signalwire.com", auth=FAKE.auth
        ) as c:
            return await c.request(method, path, **kwargs)

    return asyncio.run(go())


def _check(response: httpx.Response) -> None:
    assert response.status_code in ALLOWED, response.text
    assert not FAKE.journal.last.note.startswith("fake error"), FAKE.journal.last.note
    assert isinstance(response.json() if response.content else {}, (dict, list))


@FUZZ
@given(uid=st.sampled_from(JSON_BODY_OPS), body=json_values)
def test_arbitrary_json_bodies(uid: str, body: Any) -> None:
    op = BY_UID[uid]
    _check(_send(op.method, FAKE.example_path(op), json=body))


@FUZZ
@given(uid=st.sampled_from(JSON_BODY_OPS), raw=st.binary(max_size=40))
def test_arbitrary_bytes_as_json(uid: str, raw: bytes) -> None:
    op = BY_UID[uid]
    headers = {"Content-Type": "application/json"}
    _check(_send(op.method, FAKE.example_path(op), content=raw, headers=headers))


@FUZZ
@given(
    uid=st.sampled_from(FORM_OPS),
    form=st.dictionaries(
        st.text(max_size=12),
        st.text(max_size=12) | st.lists(st.text(max_size=5), max_size=3),
        max_size=5,
    ),
)
def test_arbitrary_form_bodies(uid: str, form: dict[str, Any]) -> None:
    op = BY_UID[uid]
    _check(_send(op.method, FAKE.example_path(op), data=form))


@FUZZ
@given(
    uid=st.sampled_from(sorted(BY_UID)),
    query=st.dictionaries(
        st.sampled_from(["page_size", "page_number", "page_token", "Page", "PageSize", "x"]),
        st.text(max_size=6),
        max_size=3,
    ),
)
def test_arbitrary_query_strings(uid: str, query: dict[str, str]) -> None:
    op = BY_UID[uid]
    _check(_send(op.method, FAKE.example_path(op), params=query))


@FUZZ
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]),
    segments=st.lists(st.text(min_size=0, max_size=10), max_size=6),
    prefix=st.sampled_from(["/api", "/api/fabric/resources", "/api/laml/2010-04-01/Accounts", ""]),
)
def test_arbitrary_paths(method: str, segments: list[str], prefix: str) -> None:
    path = prefix + "".join("/" + quote(s, safe="") for s in segments)
    response = _send(method, "http://test.signalwire.com" + (path or "/"))
    assert response.status_code in ALLOWED, response.text
    assert not FAKE.journal.last.note.startswith("fake error"), FAKE.journal.last.note
