"""``as_router()``: a Starlette router serving one service, for other apps to include.

Its two routes (``/`` and ``/{path}``) hand every request to the service's
ASGI handler, so the router works wherever Starlette routes do: FastAPI's
``app.include_router(router, prefix=...)``, ``app.mount(prefix, router)``, or
``Starlette(routes=[Mount(prefix, router)])``. The handler works out the
mount point from the matched path, so the URLs written into the SWML follow it.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route, Router

from signalwire.agents._hosting.http import HostedService, ServiceApp

__all__ = ["include_router", "service_router"]


class _Endpoint:
    """The ASGI endpoint of both routes: fixes ``root_path`` to the mount point, then serves."""

    def __init__(self, service: HostedService) -> None:
        self.app = ServiceApp(service, "", with_health=False)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        sub = "/" + str(scope.get("path_params", {}).get("sw_path", ""))
        path: str = scope["path"]
        root = path[: len(path) - len(sub)] if path.endswith(sub) else scope.get("root_path", "")
        await self.app({**scope, "root_path": root}, receive, send)


def service_router(service: HostedService) -> Router:
    """A router holding one service's endpoints (see the module docstring).

    With FastAPI installed it is a FastAPI ``APIRouter`` (what
    ``FastAPI.include_router`` requires), otherwise a Starlette ``Router``.
    """
    from signalwire.agents._hosting.app import fastapi_available

    router: Router
    if fastapi_available():
        from fastapi import APIRouter  # optional extra

        router = APIRouter()
    else:
        router = Router()
    endpoint = _Endpoint(service)
    # methods=None: every method reaches the service, which answers 405 itself.
    router.routes.append(Route("/", endpoint, methods=None, include_in_schema=False))
    router.routes.append(Route("/{sw_path:path}", endpoint, methods=None, include_in_schema=False))
    return router


def include_router(app: Any, router: Any, prefix: str) -> None:
    """Make ``router``'s routes reachable through ``app`` at ``prefix``, before the agent.

    A FastAPI app includes a FastAPI router the FastAPI way (dependencies,
    tags and responses kept); any other Starlette router is mounted, or its
    routes are added directly when there is no prefix.
    """
    from starlette.routing import Mount

    prefix = prefix.rstrip("/")
    include = getattr(app, "include_router", None)
    if include is not None and _is_fastapi_router(router):
        include(router, prefix=prefix)
    elif prefix:
        # A second router at the same prefix joins the first: two Mounts with one prefix
        # would leave the second unreachable (the first claims every path under it).
        for route in app.router.routes:
            if isinstance(route, Mount) and route.path == prefix and hasattr(route.app, "routes"):
                route.app.routes.extend(router.routes)
                return
        app.router.routes.append(Mount(prefix, app=router))
    else:
        app.router.routes.extend(router.routes)


def _is_fastapi_router(router: Any) -> bool:
    try:
        from fastapi import APIRouter
    except ImportError:
        return False
    return isinstance(router, APIRouter)
