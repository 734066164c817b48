"""Run an ASGI app on uvicorn: the one serving function behind ``serve()`` and ``run()``.

``SWMLService.serve``/``AgentBase.run`` and ``AgentServer.run`` all end here,
so a server setting added once applies to every way of serving. The settings,
the fast mode, deadlines, TLS and worker processes live in
:mod:`signalwire.agents._hosting.serving`.
"""

from __future__ import annotations

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
    log_level: str | None = None,
    on_server: Callable[[Any], None] | None = None,
    banner: Callable[[str, int], None] | None = None,
    **settings: Any,
) -> None:
    """Serve ``app`` on ``host:port`` until interrupted (blocks).

    ``on_server`` receives the ``uvicorn.Server`` before it starts, so the
    caller can stop it later (``server.should_exit = True``); ``banner`` is
    called with the host and the bound port once the socket listens.
    ``settings`` are the keywords of :class:`~signalwire.agents._hosting.serving.ServeOptions`
    (``workers``, ``limit_concurrency``, ``timeout_keep_alive``, ``proxy_headers``,
    ``forwarded_allow_ips``, ``request_timeout``, ``backlog``, ``uvicorn_options``).
    """
    from signalwire.agents._hosting.serving import ServeOptions, run_server

    opts = ServeOptions(
        host,
        port,
        ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile,
        access_log=access_log,
        log_level=log_level,
        **settings,
    )
    run_server(app, opts, on_server=on_server, banner=banner)
