"""The DataMap skills (weather_api, joke, api_ninjas_trivia, datasphere_serverless).

Each renders schema-valid SWML (checked by ``fetch``); the rendered data_map is
then run by the fakes' raw-JSON executor against the fake services, as the
platform would run it.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from skills_testkit import fetch, functions, new_agent

from signalwire.testing import execute_datamap
from signalwire_devtools.services import FakeServices

pytestmark = pytest.mark.asyncio


@pytest.fixture(autouse=True)
def _no_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "WEATHER_API_KEY",
        "API_NINJAS_KEY",
        "SIGNALWIRE_PROJECT_ID",
        "SIGNALWIRE_API_TOKEN",
    ):
        monkeypatch.delenv(name, raising=False)
    # The fake services listen on 127.0.0.1, which the DataMap executor refuses unless allowed.
    monkeypatch.setenv("SWML_ALLOW_PRIVATE_URLS", "1")


async def rendered(agent: Any, name: str) -> dict[str, Any]:
    return functions(await fetch(agent))[name]


# -- weather_api ----------------------------------------------------------------------------


async def test_weather_renders_and_runs(fake_services: FakeServices) -> None:
    agent = new_agent()
    agent.add_skill(
        "weather_api",
        {"api_key": "test-key", "base_url": f"{fake_services.base_url}/weatherapi/v1"},
    )
    fn = await rendered(agent, "get_weather")
    assert fn["parameters"]["required"] == ["location"]
    (hook,) = fn["data_map"]["webhooks"]
    assert hook["method"] == "GET" and "${lc:enc:args.location}" in hook["url"]
    assert "web_hook_url" not in fn
    out = execute_datamap(fn, {"location": "New York"})
    text = out["response"]
    assert (
        "Partly cloudy" in text
        and "53.6 degrees Fahrenheit" in text
        and "SW at 8.1 miles per hour" in text
    )
    (req,) = fake_services.requests_to("/weatherapi")
    assert req.query == {"key": "test-key", "q": "new york", "aqi": "no"}


async def test_weather_celsius_and_tool_name(fake_services: FakeServices) -> None:
    agent = new_agent()
    agent.add_skill(
        "weather_api",
        {
            "api_key": "test-key",
            "tool_name": "weather_now",
            "temperature_unit": "celsius",
            "base_url": f"{fake_services.base_url}/weatherapi/v1",
        },
    )
    out = execute_datamap(await rendered(agent, "weather_now"), {"location": "Rome"})
    assert "12.0 degrees Celsius" in out["response"]
    assert "kilometers per hour" in out["response"]


async def test_weather_failures_are_speakable(fake_services: FakeServices) -> None:
    agent = new_agent()
    agent.add_skill(
        "weather_api", {"api_key": "wrong", "base_url": f"{fake_services.base_url}/weatherapi/v1"}
    )
    fn = await rendered(agent, "get_weather")
    bad_key = execute_datamap(fn, {"location": "Rome"})
    assert bad_key["response"].startswith("Sorry")
    # An empty place goes to the service as 3.7.5 sends it; its error answer falls back.
    empty = execute_datamap(fn, {"location": "  "})
    assert empty["response"].startswith("Sorry")
    fake_services.fail("/weatherapi", status=0, delay=1.0, times=1)
    slow = execute_datamap(fn, {"location": "Rome"}, timeout=0.2)
    assert slow["response"].startswith("Sorry")


async def test_weather_unknown_location_falls_back(fake_services: FakeServices) -> None:
    agent = new_agent()
    agent.add_skill(
        "weather_api",
        {"api_key": "test-key", "base_url": f"{fake_services.base_url}/weatherapi/v1"},
    )
    out = execute_datamap(await rendered(agent, "get_weather"), {"location": "Atlantis"})
    assert "could not get the weather" in out["response"]


async def test_weather_key_from_env_and_missing_key(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match=r"'api_key'.*WEATHER_API_KEY"):
        new_agent().add_skill("weather_api")
    with pytest.raises(ValueError, match=r"'api_key'.*WEATHER_API_KEY"):
        new_agent().add_skill("weather_api", {"api_key": "  "})
    with pytest.raises(ValueError, match="temperature_unit"):
        new_agent().add_skill("weather_api", {"api_key": "k", "temperature_unit": "kelvin"})
    monkeypatch.setenv("WEATHER_API_KEY", "env-key")
    agent = new_agent()
    agent.add_skill("weather_api")
    fn = await rendered(agent, "get_weather")
    assert fn["data_map"]["webhooks"][0]["url"].startswith(
        "https://api.weatherapi.com/v1/current.json?key=env-key&"
    )


# -- joke -----------------------------------------------------------------------------------


async def test_joke_renders_and_runs(fake_services: FakeServices) -> None:
    agent = new_agent()
    agent.add_skill(
        "joke", {"api_key": "test-key", "base_url": f"{fake_services.base_url}/api-ninjas/v1"}
    )
    doc = await fetch(agent)
    fn = functions(doc)["get_joke"]
    assert fn["parameters"]["properties"]["type"]["enum"] == ["jokes", "dadjokes"]
    assert fn["data_map"]["webhooks"][0]["headers"] == {"X-Api-Key": "test-key"}
    out = execute_datamap(fn, {"type": "dadjokes"})
    assert fake_services.data["dadjokes"][0]["joke"] in out["response"]
    ai = next(v["ai"] for v in doc["sections"]["main"] if "ai" in v)
    assert ai["global_data"]["joke_skill_enabled"] is True
    assert any(s.get("title") == "Joke Telling" for s in ai["prompt"]["pom"])


async def test_joke_bad_key_and_outage(fake_services: FakeServices) -> None:
    agent = new_agent()
    agent.add_skill(
        "joke", {"api_key": "nope", "base_url": f"{fake_services.base_url}/api-ninjas/v1"}
    )
    fn = await rendered(agent, "get_joke")
    out = execute_datamap(fn, {"type": "jokes"})
    assert out["response"].startswith("Sorry")
    fake_services.fail("/api-ninjas", 503)
    out = execute_datamap(fn, {"type": "jokes"})
    assert out["response"].startswith("Sorry")
    with pytest.raises(ValueError, match="API_NINJAS_KEY"):
        new_agent().add_skill("joke")


# -- api_ninjas_trivia ----------------------------------------------------------------------


async def test_trivia_renders_categories_and_runs(fake_services: FakeServices) -> None:
    agent = new_agent()
    base = f"{fake_services.base_url}/api-ninjas/v1"
    agent.add_skill(
        "api_ninjas_trivia",
        {"api_key": "test-key", "categories": ["general", "music"], "base_url": base},
    )
    agent.add_skill(
        "api_ninjas_trivia",
        {
            "api_key": "test-key",
            "tool_name": "science_trivia",
            "categories": ["sciencenature"],
            "base_url": base,
        },
    )
    fns = functions(await fetch(agent))
    assert fns["get_trivia"]["parameters"]["properties"]["category"]["enum"] == ["general", "music"]
    assert fns["science_trivia"]["parameters"]["properties"]["category"]["enum"] == [
        "sciencenature"
    ]
    out = execute_datamap(fns["get_trivia"], {"category": "general"})
    assert "hexagon" in out["response"] and "Six" in out["response"]
    assert fake_services.requests_to("/api-ninjas/v1/trivia")[0].query == {"category": "general"}


async def test_trivia_rejects_unknown_category() -> None:
    with pytest.raises(ValueError, match="astrology"):
        new_agent().add_skill("api_ninjas_trivia", {"api_key": "k", "categories": ["astrology"]})


# -- datasphere_serverless ------------------------------------------------------------------


DOC_ID = "7e1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b"


def datasphere_params(base_url: str, **extra: Any) -> dict[str, Any]:
    return {
        "space_name": "example",
        "project_id": "proj",
        "token": "tok",
        "document_id": "doc-1",
        "base_url": base_url,
        **extra,
    }


async def test_datasphere_serverless_renders_and_runs(fake_services: FakeServices) -> None:
    # The search endpoint is served by a tiny raw-JSON app mounted on the fake services.
    agent = new_agent()
    agent.add_skill(
        "datasphere_serverless",
        datasphere_params("https://example.signalwire.com", count=2, tags=["faq"]),
    )
    fn = await rendered(agent, "search_knowledge")
    (hook,) = fn["data_map"]["webhooks"]
    assert hook["url"] == "https://example.signalwire.com/api/datasphere/documents/search"
    assert hook["method"] == "POST"
    assert hook["headers"]["Authorization"] == "Basic " + base64.b64encode(b"proj:tok").decode()
    assert hook["params"] == {
        "document_id": "doc-1",
        "query_string": "${args.query}",
        "distance": 3.0,
        "count": 2,
        "tags": ["faq"],
    }
    assert hook["foreach"]["max"] == 2


async def test_datasphere_serverless_against_fake_rest(fake_rest_server: Any) -> None:
    fake_rest_server.stub(
        "search_documents",
        json={
            "chunks": [
                {"text": "Refunds take five days.", "document_id": DOC_ID},
                {"text": "Ship in two."},
            ]
        },
    )
    agent = new_agent()
    agent.add_skill(
        "datasphere_serverless",
        {
            "space_name": "example",
            "project_id": fake_rest_server.project,
            "token": fake_rest_server.token,
            "document_id": DOC_ID,
            "base_url": fake_rest_server.base_url,
            "count": 1,
        },
    )
    fn = await rendered(agent, "search_knowledge")
    out = execute_datamap(fn, {"query": "refunds"})
    assert "Refunds take five days." in out["response"] and "Ship in two" not in out["response"]
    (entry,) = [e for e in fake_rest_server.journal if e.operation_id == "search_documents"]
    assert entry.status == 200 and entry.body["query_string"] == "refunds"
    # No chunks: the webhook's output with no results, as 3.7.5 renders it.
    fake_rest_server.stub("search_documents", json={"chunks": []})
    none = execute_datamap(fn, {"query": "llamas"})
    assert "llamas" in none["response"] and "RESULT" not in none["response"]


async def test_datasphere_serverless_outage_and_bad_token(fake_rest_server: Any) -> None:
    params = {
        "space_name": "example",
        "project_id": fake_rest_server.project,
        "token": "wrong",
        "document_id": DOC_ID,
        "base_url": fake_rest_server.base_url,
    }
    agent = new_agent()
    agent.add_skill("datasphere_serverless", params)
    fn = await rendered(agent, "search_knowledge")
    out = execute_datamap(fn, {"query": "refunds"})
    assert "refunds" in out["response"] and "nothing" in out["response"]
    fake_rest_server.inject_failure(500, times=None)
    out = execute_datamap(fn, {"query": "refunds"})
    assert "nothing" in out["response"]


async def test_datasphere_serverless_missing_parameters(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match=r"'token'.*SIGNALWIRE_API_TOKEN"):
        new_agent().add_skill(
            "datasphere_serverless", {"space_name": "s", "project_id": "p", "document_id": "d"}
        )
    with pytest.raises(ValueError, match="document_id"):
        new_agent().add_skill(
            "datasphere_serverless", {"space_name": "s", "project_id": "p", "token": "t"}
        )
    monkeypatch.setenv("SIGNALWIRE_PROJECT_ID", "p-env")
    monkeypatch.setenv("SIGNALWIRE_API_TOKEN", "t-env")
    agent = new_agent()
    agent.add_skill("datasphere_serverless", {"space_name": "s", "document_id": "d"})
    fn = await rendered(agent, "search_knowledge")
    assert (
        fn["data_map"]["webhooks"][0]["headers"]["Authorization"]
        == "Basic " + base64.b64encode(b"p-env:t-env").decode()
    )


async def test_swaig_fields_merge_and_remove_skill_takes_the_tool_back() -> None:
    agent = new_agent()
    fillers = {"en-US": ["Let me check the sky"]}
    agent.add_skill("weather_api", {"api_key": "k", "swaig_fields": {"fillers": fillers}})
    agent.add_skill("joke", {"api_key": "k", "skip_prompt": True})
    doc = await fetch(agent)
    assert functions(doc)["get_weather"]["fillers"] == fillers
    ai = next(v["ai"] for v in doc["sections"]["main"] if "ai" in v)
    assert not any(s.get("title") == "Joke Telling" for s in ai["prompt"].get("pom", []))
    assert agent.remove_skill("joke")
    after = await fetch(agent)
    assert "get_joke" not in functions(after)
    ai_after = next(v["ai"] for v in after["sections"]["main"] if "ai" in v)
    assert "joke_skill_enabled" not in (ai_after.get("global_data") or {})


# -- structure, as signalwire-sdk 3.7.5 renders it ----------------------------------------------


def _variables(node: Any) -> set[str]:
    import re

    text = json.dumps(node)
    return set(re.findall(r"[$%]\{([^}]+)\}", text))


# What 3.7.5 renders for each skill (recorded from it): the keys of the data_map and of its
# webhook, and the variables its outputs read. The one documented change: error_keys sit on
# the webhook with http_code (DATAMAP_ERROR_KEYS), where the platform reads them.
VENDOR_SHAPE = {
    "get_weather": (
        {"webhooks", "output"},
        {"method", "url", "output", "error_keys"},
        {"current.condition.text", "current.temp_f", "current.wind_dir", "current.wind_mph",
         "current.cloud", "current.feelslike_f"},
    ),
    "get_joke": (
        {"webhooks", "output"},
        {"method", "url", "headers", "output", "error_keys"},
        {"array[0].joke"},
    ),
    "get_trivia": (
        {"webhooks", "output"},
        {"method", "url", "headers", "output", "error_keys"},
        {"array[0].category", "array[0].question", "array[0].answer"},
    ),
    "search_knowledge": (
        {"webhooks", "output"},
        {"method", "url", "headers", "params", "foreach", "output", "error_keys"},
        {"input.args.query", "formatted_results"},
    ),
}  # fmt: skip


async def test_datamap_skills_have_the_vendor_structure() -> None:
    agent = new_agent()
    agent.add_skill("weather_api", {"api_key": "K"})
    agent.add_skill("joke", {"api_key": "K"})
    agent.add_skill("api_ninjas_trivia", {"api_key": "K"})
    agent.add_skill(
        "datasphere_serverless",
        {"space_name": "sp", "project_id": "P", "token": "T", "document_id": "D"},
    )
    fns = functions(await fetch(agent))
    for name, (map_keys, hook_keys, variables) in VENDOR_SHAPE.items():
        data_map = fns[name]["data_map"]
        assert set(data_map) == map_keys, name
        (hook,) = data_map["webhooks"]
        assert set(hook) == hook_keys, name
        assert hook["error_keys"] == ["error", "http_code"], name
        assert _variables(hook["output"]) == variables, name
