"""``get_app()``: a FastAPI app when FastAPI is installed, a Starlette app otherwise.

The default ``tests(pkg='agents')`` environment has no FastAPI; the
``tests(pkg='agents_fastapi')`` target installs the ``[fastapi]`` extra and runs
this module again, so both branches are exercised in their own environment.
"""

from __future__ import annotations

import importlib.util
from typing import Any

import pytest
from agents_testkit import CREDS, basic, client_for, swaig_body, swml_fetch_body
from starlette.applications import Starlette

from signalwire.agents import AgentBase
from signalwire.testing.swml import validate_swml

HAS_FASTAPI = importlib.util.find_spec("fastapi") is not None


def make_agent() -> AgentBase:
    agent = AgentBase("fa", route="/agent", basic_auth=CREDS, swaig_secret="s")
    agent.prompt_add_section("Role", "Answer.")
    agent.define_tool("ping", "Ping", {}, lambda: "pong", secure=False)
    return agent


async def test_get_app_type_follows_what_is_installed() -> None:
    app = make_agent().get_app()
    assert isinstance(app, Starlette)
    if HAS_FASTAPI:
        from fastapi import FastAPI

        assert isinstance(app, FastAPI)
        assert app.openapi_url is None  # no unauthenticated schema pages
    else:
        assert type(app) is Starlette


async def test_hot_paths_are_the_same_either_way() -> None:
    app = make_agent().get_app()
    async with client_for(app) as client:
        swml = await client.post("/agent/", json=swml_fetch_body(), headers=basic())
        validate_swml(swml.json())
        tool = await client.post("/agent/swaig/", json=swaig_body("ping", {}), headers=basic())
        assert tool.json() == {"response": "pong"}
        assert (await client.get("/health")).json() == {"status": "healthy", "agent": "fa"}
        missing = await client.get("/agent/nowhere", headers=basic())
        assert missing.status_code == 404 and missing.json() == {"error": "Not found"}
        assert (await client.get("/docs")).status_code == 404


@pytest.mark.skipif(not HAS_FASTAPI, reason="FastAPI is not installed here")
async def test_include_router_and_dependencies_on_get_app() -> None:
    from fastapi import APIRouter, Depends

    def caller(name: str = "anon") -> str:
        return name.upper()

    router = APIRouter(prefix="/extra")

    @router.get("/whoami")
    def whoami(who: str = Depends(caller)) -> dict[str, Any]:
        return {"who": who}

    agent = make_agent()
    agent.get_app().include_router(router)
    async with client_for(agent.get_app()) as client:
        assert (await client.get("/extra/whoami?name=ada")).json() == {"who": "ADA"}
        swml = await client.post("/agent/", json=swml_fetch_body(), headers=basic())
        assert swml.status_code == 200
