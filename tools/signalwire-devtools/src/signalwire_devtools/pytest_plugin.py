"""pytest plugin of the unpublished helpers: the fake outside services of the skills tests.

Registered through the ``pytest11`` entry point of ``signalwire-devtools``; imports inside
the fixtures keep loading it free.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from signalwire.testing.rest._server import BackgroundServer
    from signalwire_devtools.services import FakeServices


@pytest.fixture(scope="session")
def _fake_services_server() -> Iterator[BackgroundServer]:
    from signalwire.testing.rest._server import BackgroundServer
    from signalwire_devtools.services import FakeServices

    with BackgroundServer(FakeServices()) as server:
        yield server


@pytest.fixture
def fake_services(_fake_services_server: BackgroundServer) -> FakeServices:
    """The fake outside services (`signalwire_devtools.services`) on 127.0.0.1, reset per test.

    One uvicorn server per session; ``fake_services.base_url`` is its
    ``http://127.0.0.1:<port>``.
    """
    app: FakeServices = _fake_services_server.app
    app.reset()
    app.base_url = _fake_services_server.base_url
    return app
