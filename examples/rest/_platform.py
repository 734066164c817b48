"""Where the examples send their requests: your space, or the fake platform.

With ``SIGNALWIRE_PROJECT_ID``, ``SIGNALWIRE_API_TOKEN`` and ``SIGNALWIRE_SPACE``
set (and no ``--fake`` argument) the examples talk to your SignalWire space. Otherwise
they start the repository's fake REST platform (``signalwire.testing``, installed in the
dev environment) on 127.0.0.1 and talk to it: it checks every request against the
platform's OpenAPI specs and answers with spec-shaped data.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import Any

_NAMES = ("SIGNALWIRE_PROJECT_ID", "SIGNALWIRE_API_TOKEN", "SIGNALWIRE_SPACE")


@contextlib.contextmanager
def platform(list_size: int | None = None) -> Iterator[dict[str, Any]]:
    """Yield client keyword arguments: empty for a real space, the fake's otherwise."""
    if "--fake" not in sys.argv and all(os.environ.get(n) for n in _NAMES):
        print(f"using your space {os.environ['SIGNALWIRE_SPACE']}")
        yield {}
        return
    from signalwire.testing.rest import FakeRestPlatform, FakeRestServer

    fake = FakeRestPlatform()
    if list_size is not None:
        fake.set_list_size(list_size)
    with FakeRestServer(fake) as server:
        print(f"no credentials set: using the fake platform at {server.base_url}")
        yield {"project": fake.project, "token": fake.token, "host": server.host}
