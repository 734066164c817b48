"""Shared plumbing for the RELAY examples: real platform or the in-process fake.

With ``SIGNALWIRE_PROJECT_ID``/``SIGNALWIRE_API_TOKEN`` (or ``SIGNALWIRE_JWT_TOKEN``)
set and no ``--fake``, the examples talk to SignalWire. Otherwise they start the
fake RELAY platform from ``signalwire.testing`` (a dev dependency of this
repository) on 127.0.0.1 and script the far end themselves.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any


def use_fake() -> bool:
    """True with ``--fake`` or when no SignalWire credentials are configured."""
    has_creds = bool(
        os.environ.get("SIGNALWIRE_JWT_TOKEN")
        or (os.environ.get("SIGNALWIRE_PROJECT_ID") and os.environ.get("SIGNALWIRE_API_TOKEN"))
    )
    return "--fake" in sys.argv or not has_creds


async def start_fake() -> Any:
    """Start the fake platform (project ``demo``, token ``demo``)."""
    from signalwire.testing.relay import FakeRelayServer

    server = FakeRelayServer(project="demo", token="demo")
    await server.start()
    print(f"fake RELAY platform on {server.url}")
    return server


def setup_logging() -> None:
    """Show the client's lifecycle messages (connect, reconnect, warnings)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    logging.getLogger("websockets").setLevel(logging.WARNING)
    logging.getLogger("signalwire.testing").setLevel(logging.WARNING)
