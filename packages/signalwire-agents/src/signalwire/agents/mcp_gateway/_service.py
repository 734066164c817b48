"""``MCPGateway``: the HTTP service in front of the configured MCP servers (Starlette)."""

from __future__ import annotations

import asyncio
import base64
import binascii
import hmac
import json
import logging
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from signalwire.agents.mcp_gateway._client import MCPError
from signalwire.agents.mcp_gateway._config import load_config
from signalwire.agents.mcp_gateway._limits import RateLimit
from signalwire.agents.mcp_gateway._manager import MCPManager
from signalwire.agents.mcp_gateway._sessions import SessionLimitError, SessionManager

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

__all__ = ["MCPGateway"]

logger = logging.getLogger("signalwire.agents.mcp_gateway")

VERSION = "1.0.0"
MAX_BODY_BYTES = 1024 * 1024
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_SESSION_ID = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none';",
    "Cache-Control": "no-store",
}


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class MCPGateway:
    """The MCP gateway: configured MCP servers behind HTTP routes with Basic (or Bearer) auth.

    ``config_path`` is the JSON configuration file (read on first use); ``config`` gives
    the same content as a dict instead. :attr:`app` is the ASGI application; :meth:`run`
    serves it with uvicorn.
    """

    def __init__(self, config_path: str = "config.json", *, config: dict[str, Any] | None = None):
        self.config_path = config_path
        self._raw = config
        self._config: dict[str, Any] | None = None
        self._app: Starlette | None = None
        self._manager: MCPManager | None = None
        self._sessions: SessionManager | None = None
        self._creating: dict[str, asyncio.Lock] = {}

    @property
    def config(self) -> dict[str, Any]:
        """The loaded, checked configuration (ConfigError when it is wrong)."""
        if self._config is None:
            self._config = load_config(self.config_path, data=self._raw)
        return self._config

    @property
    def manager(self) -> MCPManager:
        """The configured services."""
        if self._manager is None:
            self._manager = MCPManager(self.config)
        return self._manager

    @property
    def session_manager(self) -> SessionManager:
        """The live sessions."""
        if self._sessions is None:
            self._sessions = SessionManager(self.config)
        return self._sessions

    @property
    def app(self) -> Starlette:
        """The ASGI application (built on first use)."""
        if self._app is None:
            self._app = self._build_app()
        return self._app

    def _build_app(self) -> Starlette:
        from contextlib import asynccontextmanager

        from starlette.applications import Starlette
        from starlette.routing import Route

        limits = self.config.get("rate_limiting") or {}
        self._tools_limit = RateLimit(limits.get("tools_limit"))
        self._call_limit = RateLimit(limits.get("call_limit"))
        self._delete_limit = RateLimit(limits.get("session_delete_limit"))

        @asynccontextmanager
        async def lifespan(app: Any) -> Any:
            self.session_manager.start_reaper()
            try:
                yield
            finally:
                await self.shutdown()

        from starlette.exceptions import HTTPException
        from starlette.responses import JSONResponse

        async def http_error(request: Request, exc: Exception) -> Response:
            # Unknown paths and methods answer in JSON like every other refusal.
            status = exc.status_code if isinstance(exc, HTTPException) else 500
            detail = exc.detail if isinstance(exc, HTTPException) else "Internal server error"
            return JSONResponse({"error": detail}, status, headers=SECURITY_HEADERS)

        h = self._handler
        return Starlette(
            exception_handlers={HTTPException: http_error},
            routes=[
                Route("/health", h(self._health, auth=False), methods=["GET"]),
                Route("/services", h(self._services), methods=["GET"]),
                Route("/services/{service}/tools", h(self._tools), methods=["GET"]),
                Route("/services/{service}/call", h(self._call), methods=["POST"]),
                Route("/sessions", h(self._list_sessions), methods=["GET"]),
                Route("/sessions/{session_id}", h(self._close_session), methods=["DELETE"]),
            ],
            lifespan=lifespan,
        )

    # -- plumbing -----------------------------------------------------------------------

    def _authorized(self, request: Request) -> bool:
        server = self.config["server"]
        header = request.headers.get("authorization", "")
        scheme, _, value = header.partition(" ")
        token = server.get("auth_token")
        if scheme.lower() == "bearer" and token:
            return hmac.compare_digest(value.strip().encode(), str(token).encode())
        if scheme.lower() != "basic" or not server.get("auth_password"):
            return False
        try:
            user, _, password = (
                base64.b64decode(value.strip(), validate=True).decode().partition(":")
            )
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return False
        ok_user = hmac.compare_digest(user.encode(), str(server.get("auth_user") or "").encode())
        ok_pw = hmac.compare_digest(password.encode(), str(server["auth_password"]).encode())
        return ok_user and ok_pw

    def _handler(self, fn: Any, *, auth: bool = True) -> Any:
        from starlette.responses import JSONResponse

        async def endpoint(request: Request) -> Response:
            try:
                if auth and not self._authorized(request):
                    client = request.client.host if request.client else "?"
                    logger.warning("SECURITY_EVENT auth_failed from %s", client)
                    return JSONResponse(
                        {"error": "Authentication required"},
                        401,
                        headers={
                            **SECURITY_HEADERS,
                            "WWW-Authenticate": 'Basic realm="MCP Gateway"',
                        },
                    )
                status, data = await fn(request)
            except _Refused as exc:
                status, data = exc.status, {"error": exc.message}
            except Exception:
                logger.exception("unexpected error in %s", request.url.path)
                status, data = 500, {"error": "Internal server error"}
            return JSONResponse(data, status, headers=SECURITY_HEADERS)

        return endpoint

    @staticmethod
    def _client_key(request: Request) -> str:
        return request.client.host if request.client else "?"

    def _limit(self, limit: RateLimit, request: Request) -> None:
        if not limit.allow(self._client_key(request)):
            raise _Refused(429, "Rate limit exceeded")

    def _service_name(self, request: Request) -> str:
        name = request.path_params["service"]
        if not _NAME.match(name):
            raise _Refused(400, "Invalid service name")
        if self.manager.get_service(name) is None:
            raise _Refused(404, f"Unknown service: {name}")
        return str(name)

    @staticmethod
    async def _body(request: Request) -> Any:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            raise _Refused(413, "Request too large")
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise _Refused(413, "Request too large")
            chunks.append(chunk)
        try:
            return json.loads(b"".join(chunks))
        except (ValueError, RecursionError):
            raise _Refused(400, "Invalid JSON") from None

    # -- routes -------------------------------------------------------------------------

    async def _health(self, request: Request) -> tuple[int, Any]:
        now = datetime.now(timezone.utc).isoformat()
        return 200, {"status": "healthy", "timestamp": now, "version": VERSION}

    async def _services(self, request: Request) -> tuple[int, Any]:
        return 200, self.manager.list_services()

    async def _tools(self, request: Request) -> tuple[int, Any]:
        self._limit(self._tools_limit, request)
        name = self._service_name(request)
        try:
            tools = await self.manager.get_service_tools(name)
        except MCPError as exc:
            raise _Refused(502, str(exc)) from None
        return 200, {"service": name, "tools": tools}

    async def _call(self, request: Request) -> tuple[int, Any]:
        self._limit(self._call_limit, request)
        name = self._service_name(request)
        body = await self._body(request)
        if not isinstance(body, dict) or not body:
            raise _Refused(400, "Invalid JSON")
        tool, session_id = body.get("tool"), body.get("session_id")
        if not isinstance(tool, str) or not _NAME.match(tool):
            raise _Refused(400, "Invalid tool name")
        if not isinstance(session_id, str) or not _SESSION_ID.match(session_id):
            raise _Refused(400, "Invalid session_id")
        arguments = body.get("arguments", {})
        metadata = body.get("metadata", {})
        if arguments is None:
            arguments = {}
        if not isinstance(arguments, dict):
            raise _Refused(400, "arguments must be an object")
        if metadata is None:
            metadata = {}
        if not isinstance(metadata, dict):
            raise _Refused(400, "metadata must be an object")
        timeout = body.get("timeout")
        if timeout is not None and (
            isinstance(timeout, bool)
            or not isinstance(timeout, (int, float))
            or not 0 < timeout <= 3600
        ):
            raise _Refused(400, "timeout must be a number of seconds from 0 to 3600")
        session = await self._session_for(session_id, name, timeout, metadata)
        try:
            result = await session.process.call_tool(tool, arguments)
        except MCPError as exc:
            if not session.process.alive:
                await self.session_manager.close_session(session_id)
            status = 504 if "did not answer" in str(exc) else 502
            raise _Refused(status, str(exc)) from None
        out: dict[str, Any] = {"session_id": session_id, "service": name, "tool": tool}
        content = result.get("content") if isinstance(result, dict) else None
        if (
            isinstance(content, list)
            and content
            and isinstance(content[0], dict)
            and (content[0].get("type") == "text")
        ):
            out["result"] = content[0].get("text")
        else:
            out["result"] = result
        if isinstance(result, dict) and result.get("isError"):
            out["is_error"] = True
        return 200, out

    async def _session_for(
        self, session_id: str, service: str, timeout: Any, metadata: dict[str, Any]
    ) -> Any:
        sessions = self.session_manager
        lock = self._creating.setdefault(session_id, asyncio.Lock())
        async with lock:
            try:
                session = await sessions.get_session(session_id)
                if session is not None:
                    if session.service_name != service:
                        raise _Refused(400, f"Session {session_id} belongs to another service")
                    return session
                try:
                    sessions.reserve(service)
                except SessionLimitError as exc:
                    raise _Refused(429, str(exc)) from None
                try:
                    client = await self.manager.create_client(service)
                except MCPError as exc:
                    raise _Refused(502, f"Failed to create session: {exc}") from None
                finally:
                    sessions.release(service)
                return await sessions.create_session(
                    session_id, service, client, timeout=timeout, metadata=metadata
                )
            finally:
                if session_id not in sessions.sessions:
                    self._creating.pop(session_id, None)

    async def _list_sessions(self, request: Request) -> tuple[int, Any]:
        return 200, await self.session_manager.list_sessions()

    async def _close_session(self, request: Request) -> tuple[int, Any]:
        self._limit(self._delete_limit, request)
        sid = request.path_params["session_id"]
        if not _SESSION_ID.match(sid):
            raise _Refused(400, "Invalid session id")
        self._creating.pop(sid, None)
        if not await self.session_manager.close_session(sid):
            return 404, {"error": f"Session {sid} not found"}
        return 200, {"message": f"Session {sid} closed"}

    # -- running ------------------------------------------------------------------------

    def bind_address(self) -> tuple[str, int]:
        """Host and port to listen on; the default password only ever listens on loopback."""
        server = self.config["server"]
        host = str(server.get("host") or "0.0.0.0")  # noqa: S104 (the documented default)
        port = int(server["port"])
        if server.get("auth_password") == "changeme" and host not in _LOOPBACK:
            logger.warning("auth_password is the default 'changeme': listening on 127.0.0.1 only")
            host = "127.0.0.1"
        return host, port

    def run(self) -> None:
        """Serve until SIGINT/SIGTERM, then stop every session's process."""
        import uvicorn

        host, port = self.bind_address()
        cert = Path("certs/server.pem")
        ssl: dict[str, Any] = {}
        if cert.is_file():
            ssl = {"ssl_certfile": str(cert), "ssl_keyfile": str(cert)}
        level = str((self.config.get("logging") or {}).get("level", "INFO")).lower()
        logger.info(
            "MCP gateway on %s:%d with services %s", host, port, list(self.manager.services)
        )
        uvicorn.run(self.app, host=host, port=port, log_level=level, **ssl)

    async def shutdown(self) -> None:
        """Stop every session's process."""
        if self._sessions is not None:
            await self._sessions.shutdown()
        if self._manager is not None:
            await self._manager.shutdown()
