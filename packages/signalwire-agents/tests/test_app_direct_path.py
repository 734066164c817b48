"""The app's shortcut to the agent's handler never bypasses what a user added to the app."""

from __future__ import annotations

from typing import Any

from agents_testkit import CREDS, basic, client_for, swml_fetch_body
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from signalwire.agents import AgentBase
from signalwire.testing.swml import validate_swml


def make_agent() -> AgentBase:
    agent = AgentBase("direct", route="/agent", basic_auth=CREDS)
    agent.prompt_add_section("Role", "Answer questions.")
    return agent


async def test_middleware_alone_sees_every_agent_request() -> None:
    app = make_agent().get_app()
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
        swml = await client.post("/agent/", json=swml_fetch_body("c-1"), headers=basic())
        assert swml.status_code == 200, swml.text
        validate_swml(swml.json())
        assert (await client.get("/health")).status_code == 200
    assert seen == ["/agent/", "/health"]


async def test_a_route_added_after_the_first_request_answers_at_once() -> None:
    app = make_agent().get_app()

    async def status(request: Request) -> Response:
        return JSONResponse({"custom": True})

    async with client_for(app) as client:
        first = await client.post("/agent/", json=swml_fetch_body("c-1"), headers=basic())
        assert first.status_code == 200
        assert (await client.get("/status", headers=basic())).status_code == 404
        app.add_route("/status", status, methods=["GET"])
        late = await client.get("/status")
        assert late.status_code == 200
        assert late.json() == {"custom": True}
        again = await client.post("/agent/", json=swml_fetch_body("c-2"), headers=basic())
        validate_swml(again.json())


async def test_an_exception_handler_keeps_the_framework_path() -> None:
    app = make_agent().get_app()
    handled: list[str] = []

    async def on_value_error(request: Request, exc: Exception) -> Response:
        handled.append(str(exc))
        return JSONResponse({"error": "handled"}, status_code=422)

    async def broken(request: Request) -> Response:
        raise ValueError("boom")

    app.add_exception_handler(ValueError, on_value_error)
    app.add_route("/broken", broken, methods=["GET"])
    async with client_for(app) as client:
        answer = await client.get("/broken")
        assert answer.status_code == 422
        assert answer.json() == {"error": "handled"}
        swml = await client.post("/agent/", json=swml_fetch_body("c-1"), headers=basic())
        validate_swml(swml.json())
    assert handled == ["boom"]
