"""get_app() is a Starlette application users can extend, as the vendor SDK's FastAPI app is."""

from __future__ import annotations

import json
from typing import Any

from agents_testkit import CREDS, basic, client_for, swml_fetch_body
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from signalwire.agents import AgentBase
from signalwire.testing.swml import validate_swml


def make_agent() -> AgentBase:
    agent = AgentBase("extensible", route="/agent", basic_auth=CREDS)
    agent.prompt_add_section("Role", "Answer questions.")
    return agent


async def test_get_app_is_a_starlette_app_and_is_cached() -> None:
    agent = make_agent()
    app = agent.get_app()
    assert isinstance(app, Starlette)
    assert agent.get_app() is app


async def test_user_routes_and_middleware_coexist_with_the_agent() -> None:
    agent = make_agent()
    app = agent.get_app()

    async def status(request: Request) -> Response:
        return JSONResponse({"custom": True})

    app.add_route("/status", status, methods=["GET"])
    seen: list[str] = []

    class Tag:
        def __init__(self, app: Any) -> None:
            self.app = app

        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] == "http":
                seen.append(scope["path"])
            await self.app(scope, receive, send)

    app.add_middleware(Tag)
    async with client_for(app) as client:
        custom = await client.get("/status")
        assert custom.status_code == 200
        assert custom.json() == {"custom": True}
        swml = await client.post("/agent/", json=swml_fetch_body("c-1"), headers=basic())
        assert swml.status_code == 200, swml.text
        validate_swml(swml.json())
        unauthorised = await client.post("/agent/", json=swml_fetch_body("c-1"))
        assert unauthorised.status_code == 401
        assert (await client.get("/health")).status_code == 200
        missing = await client.get("/nowhere")
        assert missing.status_code == 404
        assert missing.headers["content-type"] == "application/json"
    assert seen[:2] == ["/status", "/agent/"]


def test_define_contexts_with_a_dict_of_context_objects_renders() -> None:
    from signalwire.agents import create_simple_context

    agent = make_agent()
    default = create_simple_context()
    default.add_step("greet").set_text("Greet the caller.")
    agent.define_contexts({"default": default})
    doc = validate_swml(json.loads(agent.render_swml("c-1")))
    ai = next(v["ai"] for v in doc["sections"]["main"] if "ai" in v)
    assert ai["prompt"]["contexts"]["default"]["steps"][0]["name"] == "greet"
