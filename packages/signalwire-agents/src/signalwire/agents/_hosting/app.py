"""The one place that builds the framework application around an agent's ASGI handler.

With FastAPI importable (the ``signalwire-agents[fastapi]`` extra) the app is a
FastAPI application, so ``include_router`` and FastAPI dependencies work on it;
otherwise it is a Starlette application. Either way the agent's own pure-ASGI
handler is the router's default, so the SWML and SWAIG hot paths are the same.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from starlette.applications import Starlette

__all__ = ["fastapi_available", "make_app"]


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
    return app
