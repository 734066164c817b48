"""Webhook skills that call outside services (datasphere, wikipedia_search, google_maps).

Tools run through ``/swaig/`` as the platform calls them; the services are the
fakes on 127.0.0.1. A failing or slow service must give a speakable sentence
and HTTP 200, never an exception.
"""

from __future__ import annotations

from typing import Any

import pytest
from skills_testkit import call_tool, fetch, functions, new_agent

from signalwire_devtools.services import FakeServices

pytestmark = pytest.mark.asyncio

DOC_ID = "7e1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b"


@pytest.fixture(autouse=True)
def _no_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GOOGLE_MAPS_API_KEY", "SIGNALWIRE_PROJECT_ID", "SIGNALWIRE_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)


# -- datasphere -----------------------------------------------------------------------------


def datasphere_agent(server: Any, **extra: Any) -> Any:
    agent = new_agent()
    params = {
        "space_name": "example",
        "project_id": server.project,
        "token": server.token,
        "document_id": DOC_ID,
        "base_url": server.base_url,
        **extra,
    }
    agent.add_skill("datasphere", params)
    return agent


async def test_datasphere_searches_through_swaig(fake_rest_server: Any) -> None:
    fake_rest_server.stub(
        "search_documents", json={"chunks": [{"text": "Open 9 to 5."}, {"text": "Closed Sundays."}]}
    )
    agent = datasphere_agent(fake_rest_server, count=2, tags=["hours"], language="en")
    doc = await fetch(agent)
    assert "data_map" not in functions(doc)["search_knowledge"]
    out = await call_tool(agent, "search_knowledge", {"query": "opening hours"})
    assert out["response"].startswith("I found 2 results for 'opening hours'")
    assert "Open 9 to 5." in out["response"] and "Closed Sundays." in out["response"]
    (entry,) = [e for e in fake_rest_server.journal if e.operation_id == "search_documents"]
    assert entry.status == 200
    assert entry.body == {
        "document_id": DOC_ID,
        "query_string": "opening hours",
        "distance": 3.0,
        "count": 2,
        "tags": ["hours"],
        "language": "en",
    }


async def test_datasphere_no_results_and_empty_query(fake_rest_server: Any) -> None:
    fake_rest_server.stub("search_documents", json={"chunks": []})
    agent = datasphere_agent(fake_rest_server, no_results_message="No luck with {query}.")
    assert (await call_tool(agent, "search_knowledge", {"query": "llamas"}))["response"] == (
        "No luck with llamas."
    )
    empty = await call_tool(agent, "search_knowledge", {"query": "   "})
    assert "What would you like me to look up" in empty["response"]
    missing = await call_tool(agent, "search_knowledge", {})
    assert "What would you like me to look up" in missing["response"]


async def test_datasphere_failures_are_speakable(fake_rest_server: Any) -> None:
    agent = datasphere_agent(fake_rest_server, timeout=0.3)
    fake_rest_server.inject_failure(503, times=1)
    out = await call_tool(agent, "search_knowledge", {"query": "hours"})
    assert out["response"].startswith("Sorry, the knowledge base")
    fake_rest_server.inject_failure(0, delay=1.0, times=1)
    slow = await call_tool(agent, "search_knowledge", {"query": "hours"})
    assert "took too long" in slow["response"]
    fake_rest_server.inject_failure(disconnect=True, times=1)
    cut = await call_tool(agent, "search_knowledge", {"query": "hours"})
    assert cut["response"].startswith("Sorry")
    wrong = new_agent()
    wrong.add_skill(
        "datasphere",
        {
            "space_name": "example",
            "project_id": fake_rest_server.project,
            "token": "tok-xyz-123",
            "document_id": DOC_ID,
            "base_url": fake_rest_server.base_url,
        },
    )
    refused = await call_tool(wrong, "search_knowledge", {"query": "hours"})
    assert "refused" in refused["response"]
    assert "tok-xyz-123" not in refused["response"]


async def test_datasphere_multi_instance_and_missing_params() -> None:
    agent = new_agent()
    base = {"space_name": "s", "project_id": "p", "token": "t", "document_id": "d"}
    agent.add_skill("datasphere", base)
    agent.add_skill("datasphere", {**base, "tool_name": "search_policies"})
    fns = functions(await fetch(agent))
    assert {"search_knowledge", "search_policies"} <= set(fns)
    with pytest.raises(ValueError, match=r"'project_id'.*SIGNALWIRE_PROJECT_ID"):
        new_agent().add_skill("datasphere", {"space_name": "s", "token": "t", "document_id": "d"})
    with pytest.raises(ValueError, match="count"):
        new_agent().add_skill("datasphere", {**base, "count": 50})


# -- wikipedia_search -----------------------------------------------------------------------


def wiki_agent(fake: FakeServices, **params: Any) -> Any:
    agent = new_agent()
    agent.add_skill(
        "wikipedia_search", {"base_url": f"{fake.base_url}/wikipedia/w/api.php", **params}
    )
    return agent


async def test_wikipedia_returns_summaries(fake_services: FakeServices) -> None:
    agent = wiki_agent(fake_services, num_results=2)
    out = await call_tool(agent, "search_wiki", {"query": "python"})
    text = out["response"]
    assert text.startswith("**Python (programming language)**\n\nPython is a high-level")
    assert "**Monty Python**" in text and "=" * 50 in text
    searches = [
        r for r in fake_services.requests_to("/wikipedia") if r.query.get("list") == "search"
    ]
    assert searches[0].query["srlimit"] == "2"
    assert searches[0].headers["user-agent"].startswith("signalwire-agents/")


async def test_wikipedia_no_results_empty_query_and_outage(fake_services: FakeServices) -> None:
    agent = wiki_agent(fake_services, timeout=0.3)
    none = await call_tool(agent, "search_wiki", {"query": "zzzqqq"})
    assert "zzzqqq" in none["response"] and "no article" in none["response"]
    empty = await call_tool(agent, "search_wiki", {"query": ""})
    assert "What topic" in empty["response"]
    assert not fake_services.requests_to("/wikipedia") or all(
        r.query.get("srsearch") != "" for r in fake_services.requests_to("/wikipedia")
    )
    fake_services.fail("/wikipedia", 500)
    broken = await call_tool(agent, "search_wiki", {"query": "python"})
    assert broken["response"].startswith("Sorry, Wikipedia")
    fake_services.reset()
    fake_services.fail("/wikipedia", status=0, delay=1.0, times=1)
    slow = await call_tool(agent, "search_wiki", {"query": "python"})
    assert "too long" in slow["response"]
    fake_services.reset()
    fake_services.fail("/wikipedia", 200, raw_body=b"<html>", content_type="text/html")
    garbled = await call_tool(agent, "search_wiki", {"query": "python"})
    assert garbled["response"].startswith("Sorry")


async def test_wikipedia_prompt_and_bad_params() -> None:
    agent = new_agent()
    agent.add_skill("wikipedia_search", {"num_results": 3})
    doc = await fetch(agent)
    ai = next(v["ai"] for v in doc["sections"]["main"] if "ai" in v)
    assert any(s["title"] == "Wikipedia Search" for s in ai["prompt"]["pom"])
    with pytest.raises(ValueError, match="num_results"):
        new_agent().add_skill("wikipedia_search", {"num_results": 9})
    with pytest.raises(ValueError, match="num_results"):
        new_agent().add_skill("wikipedia_search", {"num_results": "two"})


# -- google_maps ----------------------------------------------------------------------------


def maps_agent(fake: FakeServices, key: str = "test-key", **params: Any) -> Any:
    agent = new_agent()
    agent.add_skill(
        "google_maps",
        {
            "api_key": key,
            "maps_base_url": f"{fake.base_url}/google-maps",
            "routes_base_url": f"{fake.base_url}/google-routes",
            **params,
        },
    )
    return agent


async def test_maps_lookup_with_autocomplete_and_spoken_numbers(
    fake_services: FakeServices,
) -> None:
    agent = maps_agent(fake_services)
    out = await call_tool(agent, "lookup_address", {"address": "seven one four East"})
    assert out["response"] == (
        "Address: 714 East St, Springfield, IL 62703, USA\nCoordinates: 39.79, -89.64"
    )
    ac = fake_services.requests_to("/google-maps/maps/api/place/autocomplete")
    assert ac[0].query["input"] == "714 East"
    biz = await call_tool(
        agent, "lookup_address", {"address": "walmart", "bias_lat": 39.7, "bias_lng": -89.6}
    )
    assert biz["response"].startswith("Address: Walmart Supercenter, 123 Main St")
    assert "Business: Walmart Supercenter" in biz["response"]
    nearby = fake_services.requests_to("/google-maps/maps/api/place/nearbysearch")
    assert nearby[0].query["rankby"] == "distance" and nearby[0].query["location"] == "39.7,-89.6"


async def test_maps_route(fake_services: FakeServices) -> None:
    agent = maps_agent(fake_services)
    args = {"origin_lat": 39.78, "origin_lng": -89.65, "dest_lat": 39.79, "dest_lng": -89.64}
    out = await call_tool(agent, "compute_route", args)
    assert out["response"] == "Distance: 10.0 miles\nEstimated travel time: 21 minutes"
    (req,) = fake_services.requests_to("/google-routes")
    assert req.headers["x-goog-fieldmask"] == "routes.distanceMeters,routes.duration"
    assert req.body["travelMode"] == "DRIVE"
    fake_services.data["route"] = {}
    none = await call_tool(agent, "compute_route", args)
    assert "could not find a driving route" in none["response"]


async def test_maps_bad_arguments_and_failures(fake_services: FakeServices) -> None:
    agent = maps_agent(fake_services, timeout=0.3)
    bad = await call_tool(
        agent,
        "compute_route",
        {"origin_lat": "north", "origin_lng": 1, "dest_lat": 95, "dest_lng": 2},
    )
    assert "latitude and longitude" in bad["response"]
    assert not fake_services.requests_to("/google-routes")
    empty = await call_tool(agent, "lookup_address", {"address": ""})
    assert "Which address" in empty["response"]
    unknown = await call_tool(agent, "lookup_address", {"address": "nowhere at all"})
    assert "could not find that address" in unknown["response"]
    fake_services.fail("/google-routes", status=0, delay=1.0, times=1)
    args = {"origin_lat": 1, "origin_lng": 2, "dest_lat": 3, "dest_lng": 4}
    assert "too long" in (await call_tool(agent, "compute_route", args))["response"]
    denied = maps_agent(fake_services, key="wrong-key")
    assert (
        "could not find"
        in (await call_tool(denied, "lookup_address", {"address": "walmart"}))["response"]
    )
    refused = await call_tool(denied, "compute_route", args)
    assert "refused" in refused["response"] and "wrong-key" not in refused["response"]


async def test_maps_names_hints_and_missing_key() -> None:
    agent = new_agent()
    agent.add_skill(
        "google_maps",
        {"api_key": "k", "lookup_tool_name": "find_place", "route_tool_name": "drive_time"},
    )
    doc = await fetch(agent)
    fns = functions(doc)
    assert {"find_place", "drive_time"} <= set(fns)
    assert fns["drive_time"]["parameters"]["required"] == [
        "origin_lat",
        "origin_lng",
        "dest_lat",
        "dest_lng",
    ]
    ai = next(v["ai"] for v in doc["sections"]["main"] if "ai" in v)
    assert "directions" in ai["hints"]
    with pytest.raises(ValueError, match=r"'api_key'.*GOOGLE_MAPS_API_KEY"):
        new_agent().add_skill("google_maps")


async def test_wikipedia_odd_answers_are_handled(fake_services: FakeServices) -> None:
    agent = wiki_agent(fake_services)
    odd = {"query": {"search": [{"title": {"x": 1}}, "junk", {"title": 5}]}}
    fake_services.fail("/wikipedia", 200, body=odd, times=1)
    out = await call_tool(agent, "search_wiki", {"query": "python"})
    assert "no article" in out["response"]
    fake_services.fail("/wikipedia", 200, body={"query": {"search": "nope"}}, times=1)
    out = await call_tool(agent, "search_wiki", {"query": "python"})
    assert "no article" in out["response"]


async def test_wikipedia_tool_over_a_real_socket(fake_services: FakeServices) -> None:
    """The agent served by uvicorn on 127.0.0.1; the platform's calls arrive over TCP."""
    import httpx
    from agents_testkit import basic, swaig_body, swml_fetch_body

    from signalwire.testing.rest._server import BackgroundServer

    agent = wiki_agent(fake_services)
    with BackgroundServer(agent.get_app()) as server:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as client:
            doc = (await client.post("/", json=swml_fetch_body("tcp-1"), headers=basic())).json()
            fn = functions(doc)["search_wiki"]
            url = (
                fn.get("web_hook_url")
                or next(v["ai"] for v in doc["sections"]["main"] if "ai" in v)["SWAIG"]["defaults"][
                    "web_hook_url"
                ]
            )
            path = "/" + url.split("/", 3)[3]
            resp = await client.post(
                path, json=swaig_body("search_wiki", {"query": "monty"}, "tcp-1"), headers=basic()
            )
    assert resp.status_code == 200
    assert resp.json()["response"].startswith("**Monty Python**")
