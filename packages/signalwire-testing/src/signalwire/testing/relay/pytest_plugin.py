"""pytest fixtures for the fake RELAY platform (registered via ``pytest11``).

Fixtures:

``fake_relay``
    A started :class:`~signalwire.testing.relay.FakeRelayServer` per test
    (project ``test-project``, token ``test-token``, JWT ``test-jwt``), stopped
    afterwards. Async fixture: use it from ``async def`` tests. Teardown fails
    the test if a scripted handler or hook raised (``server.errors``; clear it
    in tests that raise on purpose).
``fake_relay_factory``
    ``await fake_relay_factory(**kwargs)`` starts extra servers with other
    options (all stopped after the test).
``relay_credentials``
    ``{"project": ..., "token": ..., "jwt_token": ...}`` matching ``fake_relay``.
``relay_connection``
    ``RelayClient(**relay_connection)`` connects to ``fake_relay``: ``{"project",
    "token", "host"}`` (``host`` is the server's ``ws://127.0.0.1:PORT`` URL).

The server module is imported inside the fixtures, so loading this plugin
costs nothing for packages that do not use it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from signalwire.testing.relay._server import FakeRelayServer

PROJECT = "test-project"
TOKEN = "test-token"
JWT = "test-jwt"


@pytest.fixture
def relay_credentials() -> dict[str, str]:
    """Credentials the ``fake_relay`` server accepts."""
    return {"project": PROJECT, "token": TOKEN, "jwt_token": JWT}


def _check_errors(server: FakeRelayServer) -> None:
    # A scripted handler or hook that raised is a broken test, not client behaviour.
    if server.errors:
        errors = "; ".join(f"{type(e).__name__}: {e}" for e in server.errors[:5])
        pytest.fail(f"the fake RELAY server hit {len(server.errors)} error(s): {errors}")


try:  # pytest-asyncio is in every test environment; stay importable without it.
    import pytest_asyncio as _pytest_asyncio
except ImportError:  # pragma: no cover
    _pytest_asyncio = None  # type: ignore[assignment]

if _pytest_asyncio is not None:

    @_pytest_asyncio.fixture
    async def fake_relay() -> AsyncIterator[FakeRelayServer]:
        """A started fake RELAY server for one test."""
        from signalwire.testing.relay._server import FakeRelayServer

        server = FakeRelayServer(project=PROJECT, token=TOKEN, jwt_token=JWT)
        await server.start()
        try:
            yield server
        finally:
            await server.stop()
        _check_errors(server)

    @_pytest_asyncio.fixture
    async def relay_connection(fake_relay: FakeRelayServer) -> dict[str, str]:
        """Keyword arguments for ``RelayClient`` that connect it to ``fake_relay``."""
        return {"project": PROJECT, "token": TOKEN, "host": fake_relay.url}

    @_pytest_asyncio.fixture
    async def fake_relay_factory() -> AsyncIterator[Callable[..., Awaitable[FakeRelayServer]]]:
        """Start extra fake RELAY servers with custom options."""
        from signalwire.testing.relay._server import FakeRelayServer

        servers: list[FakeRelayServer] = []

        async def make(**kwargs: Any) -> FakeRelayServer:
            kwargs.setdefault("project", PROJECT)
            kwargs.setdefault("token", TOKEN)
            kwargs.setdefault("jwt_token", JWT)
            server = FakeRelayServer(**kwargs)
            await server.start()
            servers.append(server)
            return server

        try:
            yield make
        finally:
            for server in servers:
                await server.stop()
        for server in servers:
            _check_errors(server)
