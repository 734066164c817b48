"""AgentServer: several agents in one process, each under its own route.

One ASGI dispatcher picks the agent by the longest matching route and hands
the request to that agent's own :class:`ServiceApp`, so every agent keeps its
auth, tokens, limits and endpoints, and ``/sales`` and ``/sales/`` both work
from the first request (nothing is added at start-up).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from signalwire.agents._hosting.http import (
    Receive,
    Scope,
    Send,
    ServiceApp,
    json_response,
    lifespan,
    send_response,
)
from signalwire.agents._hosting.policy import HttpPolicy
from signalwire.agents._hosting.security import SecurityConfig
from signalwire.agents._hosting.static import StaticDirectory, range_of

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from signalwire.agents._agent_base import AgentBase

__all__ = ["AgentServer"]

log = logging.getLogger("signalwire.agents.server")

RoutingCallback = Callable[[dict[str, Any], dict[str, str]], "str | None"]
_CLEAN = re.compile(r"[^a-z0-9_]")


def _normalize(route: str) -> str:
    """``"sales/"`` → ``"/sales"``; the root is ``"/"``."""
    if not isinstance(route, str):
        raise TypeError(f"route must be a string (got {type(route).__name__})")
    stripped = route.strip().strip("/")
    return "/" + stripped if stripped else "/"


def _prefix(route: str) -> str:
    return "" if route == "/" else route


def _key(route: str) -> str:
    """The key of ``AgentServer.agents`` for a normalized route: the root is ``""``, as
    signalwire-sdk (1.x and 3.x) stores it, which code reading ``server.agents`` expects."""
    return _prefix(route)


class AgentServer:
    """Host several agents on one server: ``register(agent, "/sales")``, then ``run()``.

    ``/health`` and ``/ready`` answer without auth for the whole server; every
    other request goes to the agent whose route is the longest prefix of the path.
    """

    def __init__(self, host: str = "0.0.0.0", port: int = 3000, log_level: str = "info") -> None:  # noqa: S104
        self.host = host
        try:
            self.port = int(port)
        except (TypeError, ValueError):
            raise ValueError(f"port must be an integer (got {port!r})") from None
        self.log_level = str(log_level).lower()
        #: Registered agents by route (``"/"`` for the root).
        self.agents: dict[str, AgentBase] = {}
        #: Server-level settings (HSTS and allowed hosts for /health, static files, 404s).
        self.security = SecurityConfig()
        self._apps: list[tuple[str, ServiceApp]] = []
        self._sip_route: str | None = None
        self._sip_auto_map = True
        self._sip_usernames: dict[str, str] = {}
        self._global_callbacks: list[tuple[RoutingCallback, str]] = []
        self._static: list[StaticDirectory] = []
        self._policy: HttpPolicy | None = None
        self._app: Starlette | None = None
        self._server: Any = None

    def __repr__(self) -> str:
        return f"AgentServer(host={self.host!r}, port={self.port}, routes={list(self.agents)})"

    # -- registration -------------------------------------------------------------------------

    @property
    def app(self) -> Starlette:
        """The ASGI application (a Starlette app: add routes and middleware as usual)."""
        if self._app is None:
            from signalwire.agents._hosting.app import make_app

            self._app = make_app(self._asgi)
        return self._app

    def register(self, agent: AgentBase, route: str | None = None) -> None:
        """Serve ``agent`` at ``route`` (default: its own route); ValueError if taken.

        The agent's route becomes ``route``, so the webhook URLs in its SWML
        point where it is served.
        """
        if not hasattr(agent, "_dispatch") or not hasattr(agent, "register_routing_callback"):
            raise TypeError(f"register() needs an agent (got {type(agent).__name__})")
        normalized = _normalize(route if route is not None else agent.route or "/")
        if _key(normalized) in self.agents:
            raise ValueError(f"route {normalized!r} is already registered")
        if agent.route != _prefix(normalized):
            agent.route = _prefix(normalized)
            agent._changed()
        self.agents[_key(normalized)] = agent
        for callback, path in self._global_callbacks:
            agent.register_routing_callback(callback, path=path)
        if self._sip_route is not None:
            agent.register_routing_callback(self._sip_callback_for(agent), path=self._sip_route)
            if self._sip_auto_map:
                self._auto_map(agent, normalized)
        self._rebuild()
        log.info("registered agent %r at %s", agent.get_name(), normalized)

    def unregister(self, route: str) -> bool:
        """Stop serving the agent at ``route``; False when nothing was registered there."""
        normalized = _normalize(route)
        if self.agents.pop(_key(normalized), None) is None:
            return False
        for name in [n for n, r in self._sip_usernames.items() if r == normalized]:
            del self._sip_usernames[name]
        self._rebuild()
        return True

    def get_agents(self) -> list[tuple[str, AgentBase]]:
        """``[(route, agent), ...]`` in registration order."""
        return list(self.agents.items())

    def get_agent(self, route: str) -> AgentBase | None:
        """The agent at ``route``, or None."""
        return self.agents.get(_key(_normalize(route)))

    def _rebuild(self) -> None:
        apps = [
            (_prefix(r), ServiceApp(a, _prefix(r), with_health=False))
            for r, a in self.agents.items()
        ]
        apps.sort(key=lambda item: len(item[0]), reverse=True)  # longest route wins
        self._apps = apps

    # -- routing ------------------------------------------------------------------------------

    def setup_sip_routing(self, route: str = "/sip", auto_map: bool = True) -> None:
        """Answer ``{agent route}{route}`` on every agent with a 307 to the agent the SIP user maps to.

        ``auto_map`` maps each agent's cleaned name and the last segment of its
        route; add more with :meth:`register_sip_username`.
        """
        if self._sip_route is not None:
            log.warning("SIP routing is already set up at %s", self._sip_route)
            return
        self._sip_route = _normalize(route)
        self._sip_auto_map = bool(auto_map)
        for agent_route, agent in self.agents.items():
            agent.register_routing_callback(self._sip_callback_for(agent), path=self._sip_route)
            if auto_map:
                self._auto_map(agent, _normalize(agent_route))

    def register_sip_username(self, username: str, route: str) -> None:
        """Send SIP calls for ``username`` (case-insensitive) to the agent at ``route``."""
        if not isinstance(username, str) or not username:
            raise ValueError("username must be a non-empty string")
        normalized = _normalize(route)
        if _key(normalized) not in self.agents:
            log.warning(
                "SIP username %r maps to %s, where no agent is registered yet", username, normalized
            )
        self._sip_usernames[username.lower()] = normalized

    def _auto_map(self, agent: AgentBase, route: str) -> None:
        name = _CLEAN.sub("", agent.get_name().lower())
        if name:
            self.register_sip_username(name, route)
        segment = _CLEAN.sub("", route.rsplit("/", 1)[-1].lower())
        if segment and segment != name:
            self.register_sip_username(segment, route)

    def _sip_callback_for(self, agent: AgentBase) -> RoutingCallback:
        """The SIP callback registered on ``agent`` (it parses ``call.to`` the agent's way)."""

        def callback(body: dict[str, Any], headers: dict[str, str]) -> str | None:
            return self._sip_target(agent.extract_sip_username(body))

        return callback

    def _sip_target(self, username: str | None) -> str | None:
        if not username:
            return None
        target = self._sip_usernames.get(username.lower())
        if target is None:
            log.info("no agent for SIP username %r; the called agent answers", username)
        return target

    def register_global_routing_callback(self, callback_fn: RoutingCallback, path: str) -> None:
        """Register ``callback_fn(body, headers)`` at ``path`` on every agent, now and later."""
        if not callable(callback_fn):
            raise TypeError("callback_fn must be callable")
        normalized = _normalize(path)
        self._global_callbacks.append((callback_fn, normalized))
        for agent in self.agents.values():
            agent.register_routing_callback(callback_fn, path=normalized)

    def serve_static_files(self, directory: str, route: str = "/") -> None:
        """Serve files under ``directory`` at ``route`` (agent routes take priority).

        A directory serves its ``index.html``; a miss is a 404; ``..``, encoded
        traversal and symlinks leading outside the directory are refused.
        """
        self._static.append(StaticDirectory(route, directory))
        self._static.sort(key=lambda s: len(s.route), reverse=True)

    # -- ASGI ---------------------------------------------------------------------------------

    async def _asgi(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "lifespan":
            await lifespan(receive, send)
            return
        if kind != "http":
            if kind == "websocket":
                await send({"type": "websocket.close", "code": 1003})
            return
        path: str = scope["path"]
        for prefix, app in self._apps:
            under = not prefix or path == prefix or path.startswith(prefix + "/")
            if under and app._endpoint(path) is not None:
                await app(scope, receive, send)
                return
        await self._server_routes(scope, path, send)

    async def _server_routes(self, scope: Scope, path: str, send: Send) -> None:
        policy = self._policy
        if policy is None:
            policy = self._policy = HttpPolicy(self.security, self.security.ssl_enabled)
        extra = [policy.hsts] if policy.hsts is not None else []
        method: str = scope["method"]
        if path in ("/health", "/health/", "/ready", "/ready/"):
            if path.startswith("/health"):
                data: dict[str, Any] = {
                    "status": "ok",
                    "agents": len(self.agents),
                    "routes": list(self.agents),
                }
            else:
                data = {"status": "ready", "agents": len(self.agents)}
            await send_response(send, json_response(200, data, extra))
            return
        if policy.check_hosts:
            host = next((v for k, v in scope["headers"] if k == b"host"), None)
            if not policy.host_allowed(host.decode("latin-1") if host else None):
                await send_response(
                    send, json_response(400, {"error": "Invalid host header"}, extra)
                )
                return
        for static in self._static:
            relative = static.relative(path)
            if relative is not None and static.resolve(relative) is not None:
                await static.serve(relative, method, send, range_of(scope))
                return
        await send_response(send, json_response(404, _NOT_FOUND_BODY, extra))

    # -- running ------------------------------------------------------------------------------

    def run(
        self,
        event: Any = None,
        context: Any = None,
        host: str | None = None,
        port: int | None = None,
        **settings: Any,
    ) -> Any:
        """Serve on uvicorn (server mode), or answer one serverless request and return it.

        The mode is detected from the environment (CGI, AWS Lambda, Google Cloud
        Functions, Azure Functions, else server); every mode runs :attr:`app`.
        ``settings`` are the server settings of ``SWMLService.serve`` (``workers=``,
        ``request_timeout=``, ...).
        """
        from signalwire.agents._hosting import serverless

        mode = serverless.get_execution_mode()
        if mode == "server" and event is not None:
            mode = "lambda"  # an event was handed over: answer it like the Lambda runtime does
        if mode != "server":
            return serverless.handle(mode, self.app, event, context)
        from signalwire.agents._hosting.server import serve_app

        if not self.agents:
            log.warning("AgentServer has no agents registered; only /health and /ready answer")
        bind_host, bind_port = host or self.host, int(port or self.port)
        for agent in self.agents.values():
            agent._token_signer  # noqa: B018  # one token secret for all worker processes
        settings.setdefault("request_timeout", self.security.request_timeout)

        def banner(bound_host: str, bound: int) -> None:  # once the port listens
            log.info(
                "AgentServer serving %s on %s:%d",
                ", ".join(r or "/" for r in self.agents) or "-",
                bound_host,
                bound,
            )
            workers = int(settings.get("workers") or 1)
            for agent in self.agents.values():  # each agent's URL and how to authenticate
                agent._serve_banner(bound_host, bound, workers)

        serve_app(
            self.app,
            host=bind_host,
            port=bind_port,
            log_level=self.log_level,
            on_server=lambda server: setattr(self, "_server", server),
            banner=banner,
            **self.security.get_ssl_context_kwargs(),
            **settings,
        )
        return None


_NOT_FOUND_BODY = {"detail": "Not Found"}
