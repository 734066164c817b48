"""Serve an ASGI app with uvicorn on 127.0.0.1 in a background thread."""

from __future__ import annotations

import threading
from typing import Any

__all__ = ["BackgroundServer", "FakeRestServer"]


class BackgroundServer:
    """A real uvicorn server for ``app`` on ``host``:``port`` (0 = any free port).

    Use as a context manager, or call `start` and `stop`. ``base_url`` is
    ``http://127.0.0.1:<port>`` and ``host`` is ``127.0.0.1:<port>`` (what a
    client takes as the space host).
    """

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self._bind_host = host
        self._bind_port = port
        self._thread: threading.Thread | None = None
        self._server: Any = None
        self._error: BaseException | None = None
        self.port = 0

    @property
    def host(self) -> str:
        """``127.0.0.1:<port>``."""
        return f"{self._bind_host}:{self.port}"

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://{self.host}"

    @property
    def running(self) -> bool:
        """Whether the server thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def start(self, timeout: float = 10.0) -> None:
        """Start serving; return once the socket is listening."""
        import uvicorn

        started = threading.Event()

        class _Server(uvicorn.Server):
            async def startup(self, sockets: Any = None) -> None:
                await super().startup(sockets=sockets)
                started.set()

        config = uvicorn.Config(
            self.app,
            host=self._bind_host,
            port=self._bind_port,
            log_level="warning",
            lifespan="off",
            ws="none",
            access_log=False,
            timeout_graceful_shutdown=2,  # an injected delay must not hang teardown
        )
        server = _Server(config)
        self._server = server

        def run() -> None:
            try:
                server.run()
            except BaseException as exc:  # noqa: BLE001 (surfaced by start())
                self._error = exc
            finally:
                started.set()

        self._thread = threading.Thread(target=run, name="fake-rest-uvicorn", daemon=True)
        self._thread.start()
        if not started.wait(timeout):
            raise RuntimeError("the fake REST server did not start in time")
        if self._error is not None or not server.started:
            raise RuntimeError(f"the fake REST server failed to start: {self._error!r}")
        self.port = server.servers[0].sockets[0].getsockname()[1]

    def stop(self, timeout: float = 10.0) -> None:
        """Stop serving and join the thread."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                raise RuntimeError("the fake REST server did not stop in time")
            self._thread = None

    def __enter__(self) -> BackgroundServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class FakeRestServer(BackgroundServer):
    """A `FakeRestPlatform` served over real HTTP on 127.0.0.1.

    Attributes the server itself lacks (``journal``, ``inject_failure``,
    ``stub``, ``set_list_size``, ``project``, ``token``, ``auth``...) are
    read from the platform, ``.app``.
    """

    def __init__(self, app: Any = None, host: str = "127.0.0.1", port: int = 0) -> None:
        if app is None:
            from signalwire.testing.rest._app import FakeRestPlatform

            app = FakeRestPlatform()
        super().__init__(app, host, port)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name == "app":
            raise AttributeError(name)
        return getattr(self.app, name)

    def __enter__(self) -> FakeRestServer:
        self.start()
        return self
