"""Serve an ASGI app (lifespan on) with uvicorn on 127.0.0.1 in a thread, for the gateway tests."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

TEST_SERVER = str(Path(__file__).with_name("mcp_test_server.py"))


def service(mode: str = "ok", **extra: Any) -> dict[str, Any]:
    """A service entry running the test MCP server in ``mode``."""
    return {"command": [sys.executable, TEST_SERVER, mode], "description": f"test {mode}", **extra}


class LiveServer:
    """uvicorn in a thread; ``base_url`` once entered. Lifespan runs (startup and shutdown)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.port = 0
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        import uvicorn

        started = threading.Event()

        class _Server(uvicorn.Server):
            async def startup(self, sockets: Any = None) -> None:
                await super().startup(sockets=sockets)
                started.set()

        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=0, log_level="warning", lifespan="on", ws="none"
        )
        self._server = _Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        if not started.wait(20):
            raise RuntimeError("the server did not start")
        self.port = self._server.servers[0].sockets[0].getsockname()[1]
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        assert self._thread is not None
        self._thread.join(20)
        assert not self._thread.is_alive(), "the server did not stop"
