"""``mount(router, prefix=)`` and ``as_router()``: routers in the agent's app, the agent in others.

Runs with and without FastAPI installed (the ``agents_fastapi`` nox target
runs it again with the extra); the FastAPI-only cases skip without it.
"""

from __future__ import annotations

import importlib.util
from typing import Any

import pytest
from agents_testkit import CREDS, basic, client_for, swaig_body, swml_fetch_body, token_from
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route, Router

from signalwire.agents import AgentBase
from signalwire.testing.swml import validate_swml

HAS_FASTAPI = importlib.util.find_spec("fastapi") is not None
needs_fastapi = pytest.mark.skipif(not HAS_FASTAPI, reason="FastAPI is not installed here")


def make_agent(route: str = "/agent") -> AgentBase:
    agent = AgentBase("mountable", route=route, basic_auth=CREDS, swaig_secret="s")
    agent.prompt_add_section("Role", "Answer questions.")
    agent.define_tool("ping", "Ping", {}, lambda: "pong")
    return agent


async def hello(request: Request) -> Response:
    return JSONResponse({"hello": request.path_params.get("who", "world")})


async def test_mount_starlette_router_reachable_through_get_app() -> None:
    agent = make_agent()
    router = Router(routes=[Route("/hello", hello), Route("/hello/{who}", hello)])
    assert agent.mount(router, prefix="/api") is agent
    other = Router(routes=[Route("/top", hello)])
    agent.mount(other)
    async with client_for(agent.get_app()) as client:
        assert (await client.get("/api/hello")).json() == {"hello": "world"}
        assert (await client.get("/api/hello/ada")).json() == {"hello": "ada"}
        assert (await client.get("/top")).json() == {"hello": "world"}
        # The agent keeps answering under its route, and unknown paths stay a JSON 404.
        swml = await client.post("/agent/", json=swml_fetch_body(), headers=basic())
        validate_swml(swml.json())
        assert (await client.get("/api/nothing")).status_code == 404


async def test_as_router_exposes_routes_and_mounts_in_starlette() -> None:
    agent = make_agent(route="/")
    router = agent.as_router()
    assert isinstance(router, Router)
    assert [r.path for r in router.routes] == ["/", "/{sw_path:path}"]  # type: ignore[attr-defined]
    app = Starlette(routes=[Mount("/bots/support", app=router)])
    async with client_for(app) as client:
        swml = await client.post("/bots/support/", json=swml_fetch_body("c-5"), headers=basic())
        assert swml.status_code == 200, swml.text
        doc = validate_swml(swml.json())
        ai = next(v["ai"] for v in doc["sections"]["main"] if "ai" in v)
        url = ai["SWAIG"]["functions"][0]["web_hook_url"]
        # The URLs written into the SWML follow the mount point.
        assert "/bots/support/swaig/" in url
        resp = await client.post(
            f"/bots/support/swaig/?__token={token_from(url)}",
            json=swaig_body("ping", {}, "c-5"),
            headers=basic(),
        )
        assert resp.json() == {"response": "pong"}
        assert (await client.post("/bots/support/", json={})).status_code == 401


async def test_mount_agent_into_an_application() -> None:
    agent = make_agent()
    app = Starlette()
    agent.mount(app, prefix="/v1")
    async with client_for(app) as client:
        swml = await client.post("/v1/agent/", json=swml_fetch_body(), headers=basic())
        assert swml.status_code == 200
        validate_swml(swml.json())


@needs_fastapi
async def test_fastapi_include_router_with_as_router_and_prefix() -> None:
    from fastapi import FastAPI

    agent = make_agent(route="/")
    app = FastAPI()
    app.include_router(agent.as_router(), prefix="/agent")
    async with client_for(app) as client:
        swml = await client.post("/agent/", json=swml_fetch_body("c-6"), headers=basic())
        assert swml.status_code == 200, swml.text
        doc = validate_swml(swml.json())
        ai = next(v["ai"] for v in doc["sections"]["main"] if "ai" in v)
        url = ai["SWAIG"]["functions"][0]["web_hook_url"]
        assert "/agent/swaig/" in url
        resp = await client.post(
            f"/agent/swaig/?__token={token_from(url)}",
            json=swaig_body("ping", {}, "c-6"),
            headers=basic(),
        )
        assert resp.json() == {"response": "pong"}


@needs_fastapi
async def test_mount_fastapi_router_with_dependencies() -> None:
    from fastapi import APIRouter, Depends, Header, HTTPException

    def api_key(x_api_key: str = Header("")) -> str:
        if x_api_key != "k":
            raise HTTPException(status_code=403, detail="bad key")
        return x_api_key

    router = APIRouter()

    @router.get("/orders/{order_id}")
    def order(order_id: int, key: str = Depends(api_key)) -> dict[str, Any]:
        return {"order": order_id, "key": key}

    agent = make_agent()
    agent.mount(router, prefix="/api")
    async with client_for(agent.get_app()) as client:
        ok = await client.get("/api/orders/7", headers={"x-api-key": "k"})
        assert ok.json() == {"order": 7, "key": "k"}
        assert (await client.get("/api/orders/7")).status_code == 403
        assert (await client.get("/api/orders/x", headers={"x-api-key": "k"})).status_code == 422
