"""The one place that builds the framework application around an agent's ASGI handler.

With FastAPI importable (the ``signalwire-agents[fastapi]`` extra) the app is a
FastAPI application, so ``include_router`` and FastAPI dependencies work on it;
otherwise it is a Starlette application. Either way the agent's own pure-ASGI
handler is the router's default, so the SWML and SWAIG hot paths are the same.

While the app has no user middleware, no exception handler of its own and no
route, an HTTP request goes from the app straight to that handler: the
framework's error and exception middleware and its router would only pass it
through (the handler answers every error itself), and skipping them saves a
fifth of the time of a ``POST /``. Adding a route later takes effect at once;
lifespan events always take the framework's path.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from starlette.applications import Starlette

__all__ = ["fastapi_available", "make_app"]


def _direct_when_untouched(app: Starlette, default: Any) -> None:
    """Let HTTP requests skip the framework's stack while nothing was added to the app.

    Starlette builds its middleware stack on the first request; this wraps what
    it builds. User middleware and exception handlers are fixed by then (adding
    middleware later raises), so they are checked once; routes can still be
    added, so they are checked per request.
    """
    build = app.build_middleware_stack
    baseline = dict(app.exception_handlers)

    def build_middleware_stack() -> Any:
        framework = build()
        if app.user_middleware or app.exception_handlers != baseline:
            return framework
        router = app.router

        async def front(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] == "http" and not router.routes and router.default is default:
                await default(scope, receive, send)
            else:
                await framework(scope, receive, send)

        return front

    app.build_middleware_stack = build_middleware_stack  # type: ignore[method-assign]


def fastapi_available() -> bool:
    """True when FastAPI can be imported (checked without importing it)."""
    import importlib.util

    return importlib.util.find_spec("fastapi") is not None


def make_app(default: Any, startup: Callable[[], None] | None = None) -> Starlette:
    """An app whose unmatched requests all go to the ASGI callable ``default``.

    Routes a user adds with ``app.add_route``/``app.mount``/``include_router``
    are matched first; everything else reaches ``default`` with no
    per-request framework work. ``startup`` runs when the server starts the
    app (ASGI lifespan); an exception there stops the server from starting.
    """
    lifespan = None
    if startup is not None:
        check = startup

        @contextlib.asynccontextmanager
        async def lifespan(app: Any) -> AsyncIterator[None]:
            check()
            yield

    app: Starlette
    if fastapi_available():
        from fastapi import FastAPI  # optional extra

        # No OpenAPI pages: they would be served without the agent's auth.
        app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    else:
        from starlette.applications import Starlette  # lazy: only when serving

        app = Starlette(lifespan=lifespan)
    app.router.default = default
    _direct_when_untouched(app, default)
    return app
