"""pytest plugin: fixtures for the fake SignalWire platform.

Registered through the ``pytest11`` entry point. Fixture modules are imported
inside the fixtures so loading the plugin costs nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from signalwire_fakes.specs import load_spec_file

if TYPE_CHECKING:
    from signalwire_fakes.rest._server import BackgroundServer
    from signalwire_fakes.services import FakeServices


def _swml_schema() -> dict[str, Any]:
    data: dict[str, Any] = load_spec_file("swml-calling.schema.json")
    return data


@pytest.fixture(scope="session")
def swml_schema() -> dict[str, Any]:
    """The SWML calling JSON schema, parsed once per session."""
    return _swml_schema()


@pytest.fixture(scope="session")
def _fake_services_server() -> Iterator[BackgroundServer]:
    from signalwire_fakes.rest._server import BackgroundServer
    from signalwire_fakes.services import FakeServices

    with BackgroundServer(FakeServices()) as server:
        yield server


@pytest.fixture
def fake_services(_fake_services_server: BackgroundServer) -> Iterator[FakeServices]:
    """The fake outside services (`signalwire_fakes.services`) on 127.0.0.1, reset per test.

    One uvicorn server per session; ``fake_services.base_url`` is its
    ``http://127.0.0.1:<port>``.
    """
    app: FakeServices = _fake_services_server.app
    app.reset()
    app.base_url = _fake_services_server.base_url
    return app
