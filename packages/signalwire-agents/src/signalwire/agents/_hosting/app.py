"""The one place that builds the framework application around an agent's ASGI handler.

Kept to a single function so the framework can change (e.g. FastAPI when it is
installed) without touching the services or the server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from starlette.applications import Starlette

__all__ = ["make_app"]


def make_app(default: Any) -> Starlette:
    """A Starlette app whose unmatched requests all go to the ASGI callable ``default``.

    Routes a user adds with ``app.add_route``/``app.mount`` are matched first;
    everything else reaches ``default`` with no per-request framework work.
    """
    from starlette.applications import Starlette  # lazy: only when serving

    app = Starlette()
    app.router.default = default
    return app
