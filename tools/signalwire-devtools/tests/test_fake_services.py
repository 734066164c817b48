"""The fake outside services answer with the documented shapes and obey their controls."""

from __future__ import annotations

import httpx
import pytest

from signalwire_devtools.services import FakeServices


@pytest.fixture
def http(fake_services: FakeServices) -> httpx.Client:
    with httpx.Client(base_url=fake_services.base_url, timeout=5) as client:
        yield client  # type: ignore[misc]


def test_weather_checks_key_and_location(http: httpx.Client) -> None:
    ok = http.get("/weatherapi/v1/current.json", params={"key": "test-key", "q": "Rome"})
    assert ok.status_code == 200 and ok.json()["current"]["condition"]["text"]
    assert (
        http.get("/weatherapi/v1/current.json", params={"key": "x", "q": "Rome"}).status_code == 401
    )
    unknown = http.get("/weatherapi/v1/current.json", params={"key": "test-key", "q": "Atlantis"})
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == 1006


def test_ninjas_needs_header(http: httpx.Client) -> None:
    assert http.get("/api-ninjas/v1/jokes").json() == {"error": "Missing API Key."}
    trivia = http.get(
        "/api-ninjas/v1/trivia", params={"category": "general"}, headers={"X-Api-Key": "test-key"}
    )
    assert set(trivia.json()[0]) == {"category", "question", "answer"}


def test_wikipedia_search_and_extract(http: httpx.Client) -> None:
    found = http.get(
        "/wikipedia/w/api.php",
        params={
            "action": "query",
            "list": "search",
            "srsearch": "python",
            "format": "json",
            "srlimit": 1,
        },
    )
    (hit,) = found.json()["query"]["search"]
    page = http.get(
        "/wikipedia/w/api.php",
        params={"action": "query", "prop": "extracts", "titles": hit["title"], "format": "json"},
    )
    (only,) = page.json()["query"]["pages"].values()
    assert only["extract"].startswith("Python")


def test_places_and_routes(http: httpx.Client) -> None:
    ac = http.get(
        "/google-maps/maps/api/place/autocomplete/json",
        params={"input": "walmart", "key": "test-key"},
    ).json()
    assert ac["status"] == "OK"
    denied = http.get(
        "/google-maps/maps/api/place/autocomplete/json", params={"input": "walmart", "key": "no"}
    ).json()
    assert denied["status"] == "REQUEST_DENIED"
    body = {
        "origin": {"location": {"latLng": {"latitude": 1, "longitude": 2}}},
        "destination": {"location": {"latLng": {"latitude": 3, "longitude": 4}}},
    }
    route = http.post(
        "/google-routes/directions/v2:computeRoutes",
        json=body,
        headers={"X-Goog-Api-Key": "test-key", "X-Goog-FieldMask": "routes.duration"},
    )
    assert route.json()["routes"][0]["duration"].endswith("s")


def test_failures_count_down_and_reset(fake_services: FakeServices, http: httpx.Client) -> None:
    fake_services.fail("/mcp", 503, times=1)
    assert http.get("/mcp/health").status_code == 503
    assert http.get("/mcp/health").json() == {"status": "healthy"}
    fake_services.fail("/mcp", 500)
    fake_services.reset()
    assert http.get("/mcp/health").status_code == 200
    assert [r.path for r in fake_services.journal] == ["/mcp/health"]


def test_site_pages_and_redirects(fake_services: FakeServices, http: httpx.Client) -> None:
    fake_services.pages["loop.html"] = ("redirect:/site/loop.html", b"")
    assert http.get("/site/loop.html").status_code == 302
    assert b"First page" in http.get("/site/result1.html").content
    assert http.get("/site/none.html").status_code == 404


def test_the_service_fakes_never_import_the_sdk() -> None:
    import ast

    import signalwire_devtools.services as mod

    assert mod.__file__ is not None
    with open(mod.__file__, encoding="utf-8") as source:
        tree = ast.parse(source.read())
    names = [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ] + [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [n for n in names if n == "signalwire" or n.startswith("signalwire.")]
