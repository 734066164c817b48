"""The search service over real HTTP: vendor routes and JSON, auth, limits, reloads, fuzz."""

from __future__ import annotations

import asyncio
import io
import json
import shutil
from collections.abc import Iterator
from contextlib import redirect_stderr
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signalwire.search import SearchService
from signalwire.search.cli import main
from signalwire.testing.rest._server import BackgroundServer

AUTH = ("svc", "secret")


@pytest.fixture
def service(index: Path) -> SearchService:
    return SearchService(indexes={"default": str(index), "docs": str(index)}, basic_auth=AUTH)


@pytest.fixture
def server(service: SearchService) -> Iterator[BackgroundServer]:
    with BackgroundServer(service.app) as srv:
        yield srv
    service.stop()


def test_search_answers_in_the_vendor_shape(server: BackgroundServer) -> None:
    r = httpx.post(f"{server.base_url}/search", json={"query": "refunds", "count": 2}, auth=AUTH)
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"results", "query_analysis"}
    assert set(body["results"][0]) == {"content", "score", "metadata"}
    assert body["results"][0]["metadata"]["filename"] == "billing.txt"
    assert set(body["query_analysis"]) == {
        "original_query",
        "enhanced_query",
        "detected_language",
        "pos_analysis",
    }
    assert (
        r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "DENY"
    )
    again = httpx.post(
        f"{server.base_url}/search",
        json={
            "query": "refunds",
            "count": 2,
            "index_name": "docs",
            "tags": ["kb"],
            "language": "en",
        },
        auth=AUTH,
    )
    assert again.json()["results"][0]["content"] == body["results"][0]["content"]


def test_auth_health_and_errors(server: BackgroundServer) -> None:
    url = server.base_url
    r = httpx.post(f"{url}/search", json={"query": "x"})
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Basic")
    assert (
        httpx.post(f"{url}/search", json={"query": "x"}, auth=("svc", "wrong")).status_code == 401
    )
    open_health = httpx.get(f"{url}/health").json()
    assert open_health["status"] == "healthy" and open_health["indexes"] == []
    assert open_health["auth_required"] is True and open_health["backend"] == "sqlite"
    assert httpx.get(f"{url}/health", auth=AUTH).json()["indexes"] == ["default", "docs"]
    missing = httpx.post(f"{url}/search", json={"query": "x", "index_name": "nope"}, auth=AUTH)
    assert missing.status_code == 404 and missing.json() == {"detail": "Index 'nope' not found"}
    for body, fragment in [
        ({"count": 2}, "'query'"),
        ({"query": "x", "count": 0}, "'count'"),
        ({"query": "x", "count": "3"}, "'count'"),
        ({"query": "x", "similarity_threshold": 7}, "'similarity_threshold'"),
        ({"query": "x", "tags": [1]}, "'tags'"),
        ({"query": "x" * 100_000}, "bytes"),
        ({"query": "x" * 5000}, "the limit is 4096"),
    ]:
        r = httpx.post(f"{url}/search", json=body, auth=AUTH)
        assert r.status_code in (413, 422) and fragment in r.json()["detail"], (body, r.text)
    r = httpx.post(f"{url}/search", content=b"{not json", auth=AUTH)
    assert r.status_code == 422 and r.json() == {"detail": "the body is not valid JSON"}
    assert httpx.get(f"{url}/search", auth=AUTH).status_code == 405
    assert httpx.get(f"{url}/other").json() == {"detail": "Not Found"}


def test_reload_swaps_without_dropping_requests(
    server: BackgroundServer, index: Path, tmp_path: Path
) -> None:
    url = server.base_url
    copy = tmp_path / "copy.swsearch"
    shutil.copyfile(index, copy)

    async def hammer() -> list[int]:
        async with httpx.AsyncClient(auth=AUTH, timeout=30) as client:

            async def one(i: int) -> int:
                r = await client.post(f"{url}/search", json={"query": f"transfer call {i}"})
                return r.status_code

            async def reload() -> int:
                r = await client.post(
                    f"{url}/reload_index", params={"index_name": "default", "index_path": str(copy)}
                )
                return r.status_code

            return await asyncio.gather(
                *(one(i) for i in range(20)), reload(), *(one(i) for i in range(20, 40))
            )

    codes = asyncio.run(hammer())
    assert set(codes) == {200}
    for params, detail in [
        ({"index_name": "x", "index_path": "../a.swsearch"}, "Invalid index path"),
        (
            {"index_name": "x", "index_path": str(tmp_path / "a.db")},
            "Index path must end with .swsearch",
        ),
        (
            {"index_name": "x", "index_path": str(tmp_path / "none.swsearch")},
            "Index file not found",
        ),
    ]:
        r = httpx.post(f"{url}/reload_index", params=params, auth=AUTH)
        assert r.status_code == 400 and r.json()["detail"] == detail
    corrupt = tmp_path / "bad.swsearch"
    corrupt.write_bytes(b"nope" * 100)
    r = httpx.post(
        f"{url}/reload_index", params={"index_name": "x", "index_path": str(corrupt)}, auth=AUTH
    )
    assert r.status_code == 400 and "not a search index" in r.json()["detail"]


def test_too_many_searches_get_429(service: SearchService, server: BackgroundServer) -> None:
    service.max_concurrent = 0
    r = httpx.post(f"{server.base_url}/search", json={"query": "x"}, auth=AUTH)
    assert (
        r.status_code == 429
        and r.headers["retry-after"] == "1"
        and "too many" in r.json()["detail"]
    )


def test_generated_password_is_printed(index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SWML_BASIC_AUTH_PASSWORD", raising=False)
    monkeypatch.delenv("SWML_BASIC_AUTH_USER", raising=False)
    err = io.StringIO()
    with redirect_stderr(err):
        user, password = SearchService(
            indexes={"default": str(index)}, config_file="/nonexistent"
        ).credentials()
    assert user == "signalwire" and password in err.getvalue() and len(password) > 20


def test_cors_only_when_configured(index: Path) -> None:
    svc = SearchService(
        indexes={"default": str(index)}, basic_auth=AUTH, cors_origins=["https://app.example"]
    )
    with BackgroundServer(svc.app) as srv:
        r = httpx.options(
            f"{srv.base_url}/search",
            headers={"Origin": "https://app.example", "Access-Control-Request-Method": "POST"},
        )
        assert r.headers["access-control-allow-origin"] == "https://app.example"
        assert r.headers["access-control-allow-credentials"] == "true"
    plain = SearchService(indexes={"default": str(index)}, basic_auth=AUTH)
    with BackgroundServer(plain.app) as srv:
        r = httpx.post(
            f"{srv.base_url}/search",
            json={"query": "x"},
            auth=AUTH,
            headers={"Origin": "https://evil.example"},
        )
        assert "access-control-allow-origin" not in r.headers


def test_cli_remote(server: BackgroundServer) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = main(
        [
            "remote",
            server.host,
            "refunds",
            "--index-name",
            "docs",
            "--user",
            "svc",
            "--password",
            "secret",
            "--json",
        ],
        out,
        err,
    )
    assert code == 0 and json.loads(out.getvalue())["results"]
    out, err = io.StringIO(), io.StringIO()
    code = main(
        [
            "remote",
            server.base_url,
            "refunds",
            "--index-name",
            "nope",
            "--user",
            "svc",
            "--password",
            "secret",
        ],
        out,
        err,
    )
    assert code == 1 and err.getvalue() == "Error: HTTP 404: Index 'nope' not found\n"


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=50),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
bodies = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "query": st.text(max_size=200) | json_values,
            "index_name": st.sampled_from(["default", "docs", "x"]) | json_values,
            "count": st.integers(-5, 200) | json_values,
            "similarity_threshold": st.floats(-2, 9, allow_nan=False) | json_values,
            "tags": st.lists(st.text(max_size=8), max_size=3) | json_values,
            "language": st.sampled_from(["en", "es", "auto", "xx"]) | json_values,
        },
    ),
    json_values,
)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=bodies)
def test_fuzzed_search_bodies_never_5xx(service: SearchService, body: Any) -> None:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=service.app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://svc", auth=AUTH
        ) as client:
            return await client.post("/search", json=body)

    r = asyncio.run(go())
    assert r.status_code < 500, (body, r.text)
    assert isinstance(r.json(), dict)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    raw=st.binary(max_size=300)
    | st.builds(lambda n: b"[" * n + b"]" * n, st.integers(1, 5000))
    | st.sampled_from(
        [
            b'{"query": "x", "similarity_threshold": NaN}',
            b'{"query": "x", "count": Infinity}',
            b'{"query": "x", "similarity_threshold": -Infinity}',
        ]
    )
)
def test_fuzzed_raw_bytes_and_deep_nesting(service: SearchService, raw: bytes) -> None:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=service.app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://svc", auth=AUTH
        ) as client:
            return await client.post(
                "/search", content=raw, headers={"content-type": "application/json"}
            )

    r = asyncio.run(go())
    assert r.status_code in (413, 422), r.text
