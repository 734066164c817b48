"""Run an ASGI app on uvicorn: the one serving function behind ``serve()`` and ``run()``.

``SWMLService.serve``/``AgentBase.run`` and ``AgentServer.run`` all end here,
so a server setting added once applies to every way of serving.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

__all__ = ["serve_app"]


def serve_app(
    app: Any,
    *,
    host: str,
    port: int,
    ssl_certfile: str | None = None,
    ssl_keyfile: str | None = None,
    access_log: bool = False,
    log_level: str = "info",
    on_server: Callable[[Any], None] | None = None,
) -> None:
    """Serve ``app`` on ``host:port`` until interrupted (blocks).

    ``on_server`` receives the ``uvicorn.Server`` before it starts, so the
    caller can stop it later (``server.should_exit = True``).
    """
    import uvicorn  # lazy: importing the package must stay cheap

    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    kwargs: dict[str, Any] = {}
    if ssl_certfile and ssl_keyfile:
        kwargs = {"ssl_certfile": ssl_certfile, "ssl_keyfile": ssl_keyfile}
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        access_log=access_log,
        log_level=log_level,
        **kwargs,
    )
    server = uvicorn.Server(config)
    if on_server is not None:
        on_server(server)
    server.run()
