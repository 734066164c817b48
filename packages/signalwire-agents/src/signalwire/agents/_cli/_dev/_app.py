"""The dev server's ASGI app: the agent(s), recorded, plus an inspector under each agent.

``{route}/_inspector/`` serves the page, its assets, a server-sent event stream and a
small JSON API (tools, tool calls, replays). Every inspector request needs the agent's
own Basic auth; the API's POSTs also need an ``X-Inspector`` header, which a cross-site
form cannot send, so a page elsewhere cannot drive it with the browser's cached
credentials.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import uuid
from collections.abc import Callable, MutableMapping
from importlib import resources
from typing import Any, Protocol

from signalwire.agents._cli._dev._recorder import App, Message, Receive, Recorder, Scope, Send

__all__ = ["INSPECTOR", "DevApp", "Served"]

log = logging.getLogger("signalwire.agents.dev")

INSPECTOR = "_inspector"
_KEEPALIVE = 15.0
_SECURITY = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
    (b"content-security-policy", b"default-src 'self'; style-src 'self'; script-src 'self'"),
]
_ASSETS = {
    "inspector.css": "text/css; charset=utf-8",
    "inspector.js": "text/javascript; charset=utf-8",
}


class Agent(Protocol):
    """What the inspector needs from an agent."""

    @property
    def name(self) -> str: ...

    @property
    def route(self) -> str: ...

    def _auth_header_ok(self, header: bytes | None) -> bool: ...

    def get_basic_auth_credentials(self, include_source: bool = False) -> tuple[str, ...]: ...

    def define_tools(self) -> list[Any]: ...


class Served:
    """What the dev server currently serves: the app and its agents by route."""

    def __init__(self, app: App, agents: list[Agent]) -> None:
        self.app = app
        self.agents = sorted(agents, key=lambda a: len(a.route), reverse=True)

    def agent_for(self, path: str) -> Agent | None:
        """The agent whose route is the longest prefix of ``path``."""
        for agent in self.agents:
            route = agent.route.rstrip("/")
            if not route or path == route or path.startswith(route + "/"):
                return agent
        return None


def _asset(name: str) -> bytes:
    return (
        resources.files("signalwire.agents._cli._dev")
        .joinpath("static")
        .joinpath(name)
        .read_bytes()
    )


async def _respond(
    send: Send, status: int, body: bytes, content_type: bytes = b"application/json"
) -> None:
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
    if status == 401:
        headers.append((b"www-authenticate", b'Basic realm="signalwire-agent"'))
    await send({"type": "http.response.start", "status": status, "headers": headers + _SECURITY})
    await send({"type": "http.response.body", "body": body})


async def _json(send: Send, status: int, data: Any) -> None:
    await _respond(send, status, json.dumps(data).encode())


async def _read(receive: Receive, limit: int = 1 << 20) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b""
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise ValueError("request body too large")
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _tool_entry(tool: Any) -> dict[str, Any] | None:
    from signalwire.agents._swaig_function import SWAIGFunction

    if isinstance(tool, SWAIGFunction):
        return {
            "name": tool.name,
            "description": tool.description,
            "parameters": tool.schema,
            "secure": tool.secure,
            "callable": not tool.is_external,
        }
    if isinstance(tool, dict) and isinstance(tool.get("function"), str):
        return {
            "name": tool["function"],
            "description": tool.get("description", ""),
            "parameters": tool.get("parameters", {"type": "object", "properties": {}}),
            "secure": False,
            "callable": False,  # a DataMap tool runs on the platform
        }
    return None


class DevApp:
    """Front ASGI app of ``sw-agent dev`` (see the module docstring)."""

    def __init__(
        self,
        served: Served,
        recorder: Recorder,
        on_startup: Callable[[], Any] | None = None,
        on_shutdown: Callable[[], Any] | None = None,
    ) -> None:
        self.served = served
        self.recorder = recorder
        self.on_startup = on_startup
        self.on_shutdown = on_shutdown
        self.closing = asyncio.Event()

    def swap(self, served: Served) -> None:
        """Serve ``served`` from the next request on (after a reload)."""
        self.served = served

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "lifespan":
            await self._lifespan(receive, send)
            return
        served = self.served
        if kind != "http":
            await served.app(scope, receive, send)
            return
        path: str = scope["path"]
        agent = served.agent_for(path)
        if agent is None or path.rstrip("/") in ("/health", "/ready"):
            await served.app(scope, receive, send)
            return
        base = agent.route.rstrip("/") + "/" + INSPECTOR
        if path == base or path.startswith(base + "/"):
            await self._inspector(agent, base, path[len(base) :], scope, receive, send)
            return
        await self.recorder.record(served.app, agent.route, scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                if self.on_startup is not None:
                    self.on_startup()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.closing.set()
                if self.on_shutdown is not None:
                    self.on_shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return

    # -- the inspector ----------------------------------------------------------------------

    async def _inspector(
        self, agent: Agent, base: str, sub: str, scope: Scope, receive: Receive, send: Send
    ) -> None:
        headers = dict(scope["headers"])
        if not agent._auth_header_ok(headers.get(b"authorization")):
            await _json(send, 401, {"error": "Unauthorized"})
            return
        method = scope["method"]
        if sub == "":
            await send(
                {
                    "type": "http.response.start",
                    "status": 307,
                    "headers": [(b"location", (base + "/").encode()), (b"content-length", b"0")],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return
        if method == "GET":
            if sub == "/":
                page = _asset("inspector.html").decode()
                page = page.replace("{{BASE}}", base + "/").replace(
                    "{{AGENT}}", _html_escape(agent.name)
                )
                await _respond(send, 200, page.encode(), b"text/html; charset=utf-8")
            elif sub.lstrip("/") in _ASSETS:
                name = sub.lstrip("/")
                await _respond(send, 200, _asset(name), _ASSETS[name].encode())
            elif sub == "/events":
                await self._events(agent.route, receive, send)
            elif sub == "/api/records":
                await _json(send, 200, self.recorder.views(agent.route))
            elif sub == "/api/tools":
                tools = [_tool_entry(t) for t in agent.define_tools()]
                await _json(send, 200, [t for t in tools if t is not None])
            else:
                await _json(send, 404, {"error": "Not found"})
            return
        if method != "POST":
            await _json(send, 405, {"error": f"method {method} not allowed"})
            return
        if b"x-inspector" not in headers:
            await _json(send, 403, {"error": "inspector API calls need the X-Inspector header"})
            return
        try:
            body = json.loads(await _read(receive) or b"{}")
        except (ValueError, UnicodeDecodeError) as exc:
            await _json(send, 400, {"error": f"request body is not valid JSON: {exc}"})
            return
        except RecursionError:
            await _json(send, 400, {"error": "request body is nested too deeply"})
            return
        if not isinstance(body, dict):
            await _json(send, 400, {"error": "request body must be a JSON object"})
            return
        if sub == "/api/call":
            await self._call_tool(agent, scope, body, send)
        elif sub.startswith("/api/replay/") and sub[len("/api/replay/") :].isdigit():
            await self._replay(agent, int(sub[len("/api/replay/") :]), send)
        else:
            await _json(send, 404, {"error": "Not found"})

    async def _events(self, route: str, receive: Receive, send: Send) -> None:
        """Server-sent events: every kept record, then each new one as it is answered."""
        queue = self.recorder.listen(route)
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"text/event-stream; charset=utf-8"),
                    (b"x-accel-buffering", b"no"),
                    *_SECURITY,
                ],
            }
        )
        snapshot = [_event("record", view) for view in self.recorder.views(route)]
        await send(
            {
                "type": "http.response.body",
                "body": b"retry: 500\n\n" + _event("hello", {"route": route}) + b"".join(snapshot),
                "more_body": True,
            }
        )
        disconnected = asyncio.ensure_future(_disconnect(receive))
        closing = asyncio.ensure_future(self.closing.wait())
        try:
            while True:
                getting = asyncio.ensure_future(queue.get())
                done, _ = await asyncio.wait(
                    {getting, disconnected, closing},
                    timeout=_KEEPALIVE,
                    return_when=asyncio.FIRST_COMPLETED,
                )
                if getting in done:
                    event, data = getting.result()
                    await send(
                        {
                            "type": "http.response.body",
                            "body": _event(event, data),
                            "more_body": True,
                        }
                    )
                    continue
                getting.cancel()
                if disconnected in done or closing in done:
                    break
                await send(
                    {"type": "http.response.body", "body": b": keepalive\n\n", "more_body": True}
                )
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            self.recorder.unlisten(route, queue)
            for task in (disconnected, closing):
                task.cancel()

    async def _call_tool(
        self, agent: Agent, scope: Scope, body: dict[str, Any], send: Send
    ) -> None:
        """Call one of the agent's tools as the platform would, through the recorded app."""
        name = body.get("function")
        arguments = body.get("arguments", {})
        if not isinstance(name, str) or not name:
            await _json(send, 400, {"error": "function must be a tool name"})
            return
        if not isinstance(arguments, dict):
            await _json(send, 400, {"error": "arguments must be a JSON object"})
            return
        try:
            raw = json.dumps(arguments)
        except (ValueError, RecursionError):
            await _json(send, 400, {"error": "arguments are nested too deeply"})
            return
        call_id = str(body.get("call_id") or f"inspector-{uuid.uuid4()}")
        swaig = {
            "function": name,
            "argument": {"parsed": [arguments], "raw": raw, "substituted": ""},
            "call_id": call_id,
            "ai_session_id": "inspector",
            "conversation_id": call_id,
            "app_name": "inspector",
            "content_type": "text/swaig",
            "version": "2.0",
        }
        query = b""
        signer = getattr(agent, "_token_signer", None)
        if signer is not None:
            token = signer.mint(name, call_id)
            query = b"__token=" + token.replace("=", "%3D").encode()
        path = agent.route.rstrip("/") + "/swaig/"
        try:
            record = await self._internal(
                agent, scope, "POST", path, query, swaig, source="inspector"
            )
        except RecursionError:
            await _json(send, 400, {"error": "arguments are nested too deeply"})
            return
        await _json(send, 200, record)

    async def _replay(self, agent: Agent, ident: int, send: Send) -> None:
        original = self.recorder.find(ident)
        if original is None or original.route != agent.route:
            await _json(send, 404, {"error": f"no record {ident}"})
            return
        scope = dict(original.scope)
        scope["headers"] = list(original.scope.get("headers", []))
        record = await self._run(
            scope, original.body, agent.route, replay_of=ident, source="replay"
        )
        await _json(send, 200, record)

    async def _internal(
        self,
        agent: Agent,
        outer: Scope,
        method: str,
        path: str,
        query: bytes,
        payload: Any,
        *,
        source: str,
    ) -> dict[str, Any]:
        user, password = agent.get_basic_auth_credentials()[:2]
        auth = base64.b64encode(f"{user}:{password}".encode()).decode()
        host = dict(outer["headers"]).get(b"host", b"127.0.0.1")
        scope: Scope = {
            "type": "http",
            "http_version": "1.1",
            "method": method,
            "scheme": outer.get("scheme", "http"),
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": query,
            "headers": [
                (b"host", host),
                (b"authorization", f"Basic {auth}".encode()),
                (b"content-type", b"application/json"),
                (b"user-agent", b"signalwire-inspector"),
            ],
            "client": ("127.0.0.1", 0),
            "server": outer.get("server"),
        }
        return await self._run(scope, json.dumps(payload).encode(), agent.route, source=source)

    async def _run(
        self,
        scope: Scope,
        body: bytes,
        route: str,
        *,
        replay_of: int | None = None,
        source: str,
    ) -> dict[str, Any]:
        delivered = False

        async def receive() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            await self.closing.wait()
            return {"type": "http.disconnect"}

        async def send(message: MutableMapping[str, Any]) -> None:
            return None

        record = await self.recorder.record(
            self.served.app, route, scope, receive, send, replay_of=replay_of, source=source
        )
        return record.view()


async def _disconnect(receive: Receive) -> None:
    """Return once the client has gone (the request's own empty body comes first)."""
    while (await receive())["type"] != "http.disconnect":
        pass


def _event(event: str, data: Any) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data)}\n\n".encode()


def _html_escape(text: str) -> str:
    import html

    return html.escape(text, quote=True)
