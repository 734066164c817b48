"""Shared fixtures: clients wired to the fake REST platform (real HTTP or ASGI)."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from signalwire.rest import AsyncRestClient, RestClient

# Tests import the spec helpers beside them (--import-mode=importlib adds no path).
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
def fake_rest_server(fake_rest_shared_server: Any) -> Any:
    """The fake over real HTTP: one uvicorn for the session, reset before each test."""
    return fake_rest_shared_server


@pytest.fixture
def client(fake_rest_server: Any) -> Iterator[RestClient]:
    """A sync client talking to the fake over real HTTP on 127.0.0.1."""
    with RestClient(fake_rest_server.project, fake_rest_server.token, fake_rest_server.host) as c:
        yield c


@pytest.fixture
async def aclient(fake_rest_server: Any) -> AsyncIterator[AsyncRestClient]:
    """An async client talking to the fake over real HTTP on 127.0.0.1."""
    async with AsyncRestClient(
        fake_rest_server.project, fake_rest_server.token, fake_rest_server.host
    ) as c:
        yield c


@pytest.fixture
async def asgi_client(fake_rest: Any) -> AsyncIterator[AsyncRestClient]:
    """An async client talking to the fake in process through httpx's ASGI transport."""
    transport = httpx.ASGITransport(app=fake_rest)
    async with AsyncRestClient(
        fake_rest.project, fake_rest.token, "example.signalwire.com", transport=transport
    ) as c:
        yield c
