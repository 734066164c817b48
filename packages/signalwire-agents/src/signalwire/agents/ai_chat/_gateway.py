"""``ChatGateway``: the browser-facing proxy in front of the AI Chat service.

The browser holds only a publishable key and signed conversation handles. The project token
stays in the server's ``AIChatClient`` and the agent's ``config_url`` is added here, never
read from a request, so a browser cannot pick the agent, the project or the conversation id.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from collections import deque
from typing import TYPE_CHECKING, Any

import httpx

from signalwire.agents.ai_chat._errors import AIChatError, GatewayRejection

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.routing import Router

    from signalwire.agents.ai_chat._client import AIChatClient

__all__ = ["ChatGateway", "read_limited_json"]

DEFAULT_HANDLE_TTL = 86400
SERVICE_DEFAULT_CONVERSATION_TIMEOUT = 3600
MAX_REQUEST_BODY_BYTES = 64 * 1024
MAX_MESSAGE_BYTES = 8 * 1024
MAX_USER_METADATA_BYTES = 8 * 1024
ALLOWED_METHODS = frozenset({"start", "chat", "log", "end"})
VISIBLE_ROLES = frozenset({"user", "assistant"})
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _origin_host(origin: str) -> str:
    rest = origin.split("://", 1)[-1].split("/", 1)[0]
    if rest.startswith("["):
        return rest.split("]", 1)[0] + "]"
    return rest.rsplit(":", 1)[0] if rest.count(":") == 1 else rest


async def read_limited_json(request: Request, limit: int = MAX_REQUEST_BODY_BYTES) -> Any:
    """The request's JSON body, refusing more than ``limit`` bytes before parsing (413)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise GatewayRejection(413, "request too large")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise GatewayRejection(413, "request too large")
        chunks.append(chunk)
    try:
        return json.loads(b"".join(chunks))
    except (ValueError, RecursionError):
        raise GatewayRejection(400, "invalid JSON") from None


class ChatGateway:
    """A router a browser widget talks to: ``POST {start|chat|log|end}`` with a publishable key.

    ``key`` is the publishable key (argument, else ``SIGNALWIRE_CHAT_GATEWAY_KEY``, else a
    random ``pk_...``); ``secret`` signs conversation handles (argument, else
    ``SIGNALWIRE_CHAT_GATEWAY_SECRET``, else random per process). ``allowed_origins`` lists
    the sites allowed to call (localhost always is). New conversations are capped at
    ``max_new_conversations`` per ``window_seconds`` and each conversation at ``max_turns``.
    Mount :meth:`router` on an agent (``agent.mount(gw.router(), prefix="/chat")``) or any
    Starlette app.
    """

    def __init__(
        self,
        *,
        config_url: str,
        key: str | None = None,
        allowed_origins: Any = (),
        client: AIChatClient | None = None,
        secret: str | bytes | None = None,
        handle_ttl: int = DEFAULT_HANDLE_TTL,
        conversation_timeout: int | None = None,
        max_new_conversations: int = 60,
        max_turns: int = 200,
        window_seconds: int = 60,
    ) -> None:
        if not config_url:
            raise ValueError("ChatGateway needs config_url (the agent's SWML URL)")
        self.config_url = config_url
        self.key = (
            key
            or os.environ.get("SIGNALWIRE_CHAT_GATEWAY_KEY")
            or ("pk_" + secrets.token_urlsafe(24))
        )
        raw_secret = secret or os.environ.get("SIGNALWIRE_CHAT_GATEWAY_SECRET")
        self._secret = (
            raw_secret.encode() if isinstance(raw_secret, str) else raw_secret
        ) or secrets.token_bytes(32)
        self.allowed_origins = frozenset(str(o).rstrip("/") for o in allowed_origins)
        self._owns_client = client is None
        self._client = client
        self.handle_ttl = handle_ttl
        self.conversation_timeout = conversation_timeout
        self.max_new_conversations = max_new_conversations
        self.max_turns = max_turns
        self.window_seconds = window_seconds
        self._mints: deque[float] = deque()
        self._turns: dict[str, tuple[int, float]] = {}

    @property
    def client(self) -> AIChatClient:
        """The server-side AI Chat client (built from the environment on first use)."""
        if self._client is None:
            from signalwire.agents.ai_chat._client import AIChatClient

            self._client = AIChatClient()
        return self._client

    @property
    def effective_timeout(self) -> int:
        """The conversation timeout the service applies, in seconds."""
        return self.conversation_timeout or SERVICE_DEFAULT_CONVERSATION_TIMEOUT

    # -- handles ------------------------------------------------------------------------

    def mint_handle(self, conversation_id: str | None = None) -> str:
        """A signed, expiring handle for ``conversation_id`` (a new random id by default)."""
        conversation_id = conversation_id or "chat-" + secrets.token_urlsafe(18)
        payload = f"{conversation_id}:{int(time.time()) + self.handle_ttl}".encode()
        sig = hmac.new(self._secret, payload, hashlib.sha256).digest()
        return f"{_b64(payload)}.{_b64(sig)}"

    def read_handle(self, handle: str) -> str:
        """The conversation id a handle names; GatewayRejection if malformed, forged or expired."""
        try:
            part, _, sig_text = handle.partition(".")
            payload, sig = _unb64(part), _unb64(sig_text)
            conversation_id, _, expiry_text = payload.decode().rpartition(":")
            expiry = int(expiry_text)
        except (ValueError, UnicodeDecodeError, AttributeError):
            raise GatewayRejection(400, "malformed handle") from None
        if not conversation_id:
            raise GatewayRejection(400, "malformed handle")
        expected = hmac.new(self._secret, payload, hashlib.sha256).digest()
        if not hmac.compare_digest(sig, expected):
            raise GatewayRejection(403, "invalid handle")
        if expiry < time.time():
            raise GatewayRejection(403, "expired handle")
        return conversation_id

    # -- checks -------------------------------------------------------------------------

    def check_key(self, key: str | None) -> None:
        """Refuse a missing or wrong publishable key (401)."""
        if not key or not hmac.compare_digest(key.encode(), self.key.encode()):
            raise GatewayRejection(401, "bad key")

    def origin_allowed(self, origin: str | None) -> bool:
        """Whether a browser at ``origin`` may call (no Origin header: not a browser, allowed)."""
        if not origin:
            return True
        origin = origin.rstrip("/")
        host = _origin_host(origin).lower()
        if host in _LOCAL_HOSTS or host.endswith(".localhost"):
            return True
        return origin in self.allowed_origins

    def check_origin(self, origin: str | None) -> None:
        """Refuse an origin that is not configured (403)."""
        if not self.origin_allowed(origin):
            raise GatewayRejection(403, "origin not allowed")

    def _charge_mint(self) -> None:
        now = time.monotonic()
        while self._mints and now - self._mints[0] > self.window_seconds:
            self._mints.popleft()
        if len(self._mints) >= self.max_new_conversations:
            raise GatewayRejection(429, "too many new conversations")
        self._mints.append(now)

    def _charge_turn(self, conversation_id: str) -> None:
        now = time.monotonic()
        if len(self._turns) > 1024:
            stale = [c for c, (_, t) in self._turns.items() if now - t > self.handle_ttl]
            for c in stale:
                del self._turns[c]
        count, _ = self._turns.get(conversation_id, (0, now))
        if count >= self.max_turns:
            raise GatewayRejection(429, "conversation turn limit reached")
        self._turns[conversation_id] = (count + 1, now)

    # -- the framework-free core --------------------------------------------------------

    def prepare(
        self, body: Any, *, origin: str | None, key: str | None
    ) -> tuple[str, dict[str, Any], str | None]:
        """Check a browser request; the upstream method, its params and a new handle (or None).

        Raises GatewayRejection with the HTTP status and reason for anything refused.
        """
        self.check_key(key)
        self.check_origin(origin)
        if not isinstance(body, dict):
            raise GatewayRejection(400, "body must be a JSON object")
        method = body.get("method", "chat")
        if not isinstance(method, str) or method not in ALLOWED_METHODS:
            raise GatewayRejection(400, "method not allowed")
        metadata = body.get("user_meta_data")
        if metadata in ({}, None):
            metadata = None
        elif not isinstance(metadata, dict):
            raise GatewayRejection(400, "user_meta_data must be an object")
        elif len(json.dumps(metadata, separators=(",", ":"))) > MAX_USER_METADATA_BYTES:
            raise GatewayRejection(413, "user_meta_data too large")
        message = body.get("message")
        if method == "chat":
            if not isinstance(message, str) or not message.strip():
                raise GatewayRejection(400, "message is required")
            if len(message.encode("utf-8", "surrogatepass")) > MAX_MESSAGE_BYTES:
                raise GatewayRejection(413, "message too large")
        handle = body.get("handle")
        minted: str | None = None
        if handle is not None:
            if not isinstance(handle, str):
                raise GatewayRejection(400, "malformed handle")
            conversation_id = self.read_handle(handle)
        elif method in {"end", "log"}:
            raise GatewayRejection(400, f"{method} requires a handle")
        else:
            self._charge_mint()
            minted = self.mint_handle()
            conversation_id = self.read_handle(minted)
        if method == "end":
            return "end_conversation", {"id": conversation_id}, minted
        if method == "log":
            return "chat_log", {"id": conversation_id}, minted
        params: dict[str, Any] = {"id": conversation_id, "config_url": self.config_url}
        if self.conversation_timeout:
            params["conversation_timeout"] = self.conversation_timeout
        if metadata:
            params["user_meta_data"] = metadata
        # A start on an existing conversation counts as a turn: otherwise repeated starts
        # would be the one uncapped way to make the service work.
        if method == "start":
            if minted is None:
                self._charge_turn(conversation_id)
            return "create_conversation", params, minted
        self._charge_turn(conversation_id)
        params["message"] = message
        return "chat", params, minted

    @staticmethod
    def visible_messages(messages: Any) -> list[dict[str, Any]]:
        """The user and assistant messages a browser may see, timestamps in epoch seconds."""
        out: list[dict[str, Any]] = []
        for m in messages if isinstance(messages, list) else []:
            if not isinstance(m, dict) or m.get("role") not in VISIBLE_ROLES:
                continue
            content = m.get("content")
            if not isinstance(content, str) or not content.strip():
                continue
            stamp = m.get("timestamp")
            seconds = stamp / 1_000_000 if isinstance(stamp, (int, float)) else None
            out.append({"role": m["role"], "content": content, "timestamp": seconds})
        return out

    @staticmethod
    def last_activity(messages: Any) -> float | None:
        """The newest message timestamp of any role, in epoch seconds (None when empty)."""
        stamps = [
            m["timestamp"]
            for m in (messages if isinstance(messages, list) else [])
            if isinstance(m, dict) and isinstance(m.get("timestamp"), (int, float))
        ]
        return max(stamps) / 1_000_000 if stamps else None

    # -- HTTP ---------------------------------------------------------------------------

    def cors_headers(self, origin: str | None) -> dict[str, str]:
        """The CORS headers for an allowed browser origin (none for others)."""
        if not origin or not self.origin_allowed(origin):
            return {"Vary": "Origin"}
        return {
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Expose-Headers": "X-Chat-Handle",
            "Vary": "Origin",
        }

    def router(self) -> Router:
        """A Starlette router answering ``OPTIONS /`` and ``POST /``; mount it at a prefix."""
        from starlette.routing import Route, Router

        return Router(
            routes=[Route("/", self._endpoint, methods=["POST", "OPTIONS"])],
            redirect_slashes=False,
        )

    async def _endpoint(self, request: Request) -> Any:
        from starlette.responses import JSONResponse, Response

        origin = request.headers.get("origin")
        cors = self.cors_headers(origin)
        if request.method == "OPTIONS":
            if "Access-Control-Allow-Origin" in cors:
                cors.update(
                    {
                        "Access-Control-Allow-Headers": "Authorization, Content-Type",
                        "Access-Control-Allow-Methods": "POST, OPTIONS",
                        "Access-Control-Max-Age": "600",
                    }
                )
            return Response(status_code=204, headers=cors)
        auth = request.headers.get("authorization", "")
        key = auth[7:].strip() if auth[:7].lower() == "bearer " else None
        try:
            self.check_key(key)
            self.check_origin(origin)
            body = await read_limited_json(request)
            method, params, minted = self.prepare(body, origin=origin, key=key)
        except GatewayRejection as exc:
            return JSONResponse({"error": exc.reason}, exc.status, headers=cors)
        if minted:
            cors["X-Chat-Handle"] = minted
        if method == "chat":
            return await self._relay(method, params, cors)
        try:
            if method == "end_conversation":
                await self.client.end(params["id"])
                return JSONResponse({"status": "ended"}, headers=cors)
            if method == "chat_log":
                log = await self.client.log(params["id"])
                return JSONResponse(
                    {
                        "messages": self.visible_messages(log.messages),
                        "timeout": self.effective_timeout,
                        "last_activity": self.last_activity(log.messages),
                    },
                    headers=cors,
                )
            info = await self.client.create_conversation(
                params["id"],
                params["config_url"],
                timeout=params.get("conversation_timeout"),
                user_metadata=params.get("user_meta_data"),
            )
        except AIChatError as exc:
            return JSONResponse({"error": _upstream_reason(exc)}, 502, headers=cors)
        except (httpx.HTTPError, OSError):  # unreachable: the browser learns only that
            return JSONResponse({"error": "chat service unavailable"}, 502, headers=cors)
        return JSONResponse(
            {
                "greeting": info.initial_message,
                "status": info.status,
                "timeout": self.effective_timeout,
            },
            headers=cors,
        )

    async def _relay(self, method: str, params: dict[str, Any], headers: dict[str, str]) -> Any:
        """Relay the service's answer unbuffered (keepalive whitespace included)."""
        from starlette.responses import JSONResponse

        ctx = self.client.raw_post(method, params)
        try:
            upstream = await ctx.__aenter__()
        except (httpx.HTTPError, OSError):
            return JSONResponse({"error": "chat service unavailable"}, 502, headers=headers)
        return _Relay(upstream, ctx, headers)

    async def close(self) -> None:
        """Close the AI Chat client, if the gateway created it."""
        if self._owns_client and self._client is not None:
            await self._client.close()
            self._client = None


def _upstream_reason(exc: AIChatError) -> str:
    # The service's own message can name internals; the browser gets the class of failure.
    from signalwire.agents.ai_chat._errors import (
        ChatInProgressError,
        ConversationNotFoundError,
        RateLimitError,
    )

    if isinstance(exc, ConversationNotFoundError):
        return "conversation not found"
    if isinstance(exc, RateLimitError):
        return "rate limited"
    if isinstance(exc, ChatInProgressError):
        return "chat in progress"
    return "chat service error"


class _Relay:
    """An ASGI response that copies the upstream body chunk by chunk, then closes it.

    Lighter than a task-group based streaming response: the relay ends when the upstream
    body does, and a browser that leaves only makes the next send fail, which closes it too.
    """

    def __init__(self, upstream: Any, ctx: Any, headers: dict[str, str]) -> None:
        self.upstream = upstream
        self.ctx = ctx
        self.headers = [(b"content-type", b"application/json")] + [
            (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()
        ]

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await send({"type": "http.response.start", "status": 200, "headers": self.headers})
            async for chunk in self.upstream.aiter_raw():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            await self.ctx.__aexit__(None, None, None)
