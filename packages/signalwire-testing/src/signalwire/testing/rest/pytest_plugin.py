"""pytest fixtures for the fake REST platform.

Loaded in every package's test run through the ``pytest11`` entry point, so
this module imports nothing heavy at import time: the fake (Starlette,
jsonschema, the 2 MB spec) loads only when a fixture is used.

Fixtures:

``fake_rest``
    A fresh `FakeRestPlatform` (a Starlette app; function scope). Use it with
    ``httpx.AsyncClient(transport=httpx.ASGITransport(app=fake_rest), ...)``.
``fake_rest_server``
    A `FakeRestServer`: the same kind of app served by uvicorn on
    ``127.0.0.1`` (a free port) in a background thread, stopped at teardown.
    ``.base_url``, ``.host``, ``.app`` (the platform), ``.project``,
    ``.token`` and the platform's helpers (``.journal``, ``.inject_failure``...).
``fake_rest_shared_server``
    Like ``fake_rest_server`` but one uvicorn server per session, `reset()`
    before each test (journal, failures, stubs and list sizes cleared): for
    suites that make many real-HTTP tests and do not want a server per test.
``fake_rest_specs``
    Session-scoped: the parsed specs and operation list (loads them once).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from signalwire.testing.rest import FakeRestPlatform, FakeRestServer


@pytest.fixture(scope="session")
def fake_rest_specs() -> dict[str, Any]:
    """The parsed OpenAPI specs (``rest``, ``compat``) and ``operations``, loaded once."""
    from signalwire.testing.rest._spec import load_operations, load_spec

    return {
        "rest": load_spec("rest"),
        "compat": load_spec("compat"),
        "operations": load_operations(),
    }


@pytest.fixture
def fake_rest(fake_rest_specs: dict[str, Any]) -> FakeRestPlatform:
    """A fresh fake REST platform (a Starlette app) with the default test credentials."""
    from signalwire.testing.rest import FakeRestPlatform

    return FakeRestPlatform()


@pytest.fixture
def fake_rest_server(fake_rest: FakeRestPlatform) -> Iterator[FakeRestServer]:
    """``fake_rest`` served by a real uvicorn server on 127.0.0.1 (free port)."""
    from signalwire.testing.rest import FakeRestServer

    with FakeRestServer(fake_rest) as server:
        yield server


@pytest.fixture(scope="session")
def _fake_rest_session_server(fake_rest_specs: dict[str, Any]) -> Iterator[FakeRestServer]:
    from signalwire.testing.rest import FakeRestServer

    with FakeRestServer() as server:
        yield server


@pytest.fixture
def fake_rest_shared_server(_fake_rest_session_server: FakeRestServer) -> FakeRestServer:
    """A session-wide real-HTTP fake, reset before each test."""
    _fake_rest_session_server.app.reset()
    return _fake_rest_session_server
