"""``HandoffRouter``: move a conversation between a live call and the chat widget.

The widget proves which call it is on with a nonce the application registered when it
built the call's SWML; a nonce works once and expires, so a leaked one is worth little.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import re
import threading
import time
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from signalwire.agents.ai_chat._errors import GatewayRejection
from signalwire.agents.ai_chat._gateway import MAX_MESSAGE_BYTES, ChatGateway, read_limited_json

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Router

__all__ = ["HandoffRouter", "NonceEntry"]

logger = logging.getLogger("signalwire.agents.ai_chat")
_SUFFIX = re.compile(r"^(.*)\.(\d+)$")


@dataclass
class NonceEntry:
    """One registered nonce: the conversation and call it stands for, and its use so far."""

    conversation_id: str
    call_id: str | None = None
    issued_at: float = field(default_factory=time.monotonic)
    messages: int = 0
    redeemed: bool = False


def _next_id(conversation_id: str) -> str:
    m = _SUFFIX.match(conversation_id)
    if m:
        return f"{m.group(1)}.{int(m.group(2)) + 1}"
    return f"{conversation_id}.1"


async def _maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


class HandoffRouter:
    """Routes ``/handoff``, ``/escalate`` and ``/say`` beside a :class:`ChatGateway`.

    Callbacks may be sync or async: ``capture_leg(conversation_id, medium)`` returns truthy
    once that leg's record is durable (``medium`` is ``"voice"`` or ``"chat"``);
    ``end_call(call_id)`` hangs the call up; ``send_message(call_id, text)`` speaks text into
    it. ``registry`` is an optional shared mapping replacing the in-process nonce table.
    """

    def __init__(
        self,
        *,
        gateway: ChatGateway,
        capture_leg: Callable[..., Any] | None = None,
        end_call: Callable[..., Any] | None = None,
        send_message: Callable[..., Any] | None = None,
        next_conversation_id: Callable[[str], str] | None = None,
        nonce_ttl: float = 3600,
        max_messages_per_call: int = 200,
        capture_timeout: float = 8.0,
        registry: MutableMapping[str, NonceEntry] | None = None,
    ) -> None:
        self.gateway = gateway
        self.capture_leg = capture_leg
        self.end_call = end_call
        self.send_message = send_message
        self.next_conversation_id = next_conversation_id or _next_id
        self.nonce_ttl = nonce_ttl
        self.max_messages_per_call = max_messages_per_call
        self.capture_timeout = capture_timeout
        self._entries: MutableMapping[str, NonceEntry] = registry if registry is not None else {}
        self._lock = threading.Lock()

    def _prune(self) -> None:
        now = time.monotonic()
        for nonce in [
            n for n, e in list(self._entries.items()) if now - e.issued_at > self.nonce_ttl
        ]:
            self._entries.pop(nonce, None)

    def _live(self, nonce: Any) -> NonceEntry | None:
        if not isinstance(nonce, str) or not nonce:
            return None
        self._prune()
        return self._entries.get(nonce)

    def register(self, nonce: str, *, conversation_id: str, call_id: str | None = None) -> None:
        """Record what ``nonce`` stands for; the first registration wins."""
        with self._lock:
            entry = self._live(nonce)
            if entry is None:
                self._entries[nonce] = NonceEntry(conversation_id, call_id)
                return
            if entry.redeemed or (entry.conversation_id, entry.call_id) != (
                conversation_id,
                call_id,
            ):
                logger.warning("nonce registered again with different details; kept the first")

    async def redeem(self, nonce: str) -> str | None:
        """Use ``nonce`` once: end its call, wait for the voice record, hand out a chat handle."""
        with self._lock:
            entry = self._live(nonce)
            if entry is None or entry.redeemed:
                return None
            entry.redeemed = True
            self._entries[nonce] = entry  # a shared registry sees the change
        if entry.call_id and self.end_call is not None:
            await _maybe_await(self.end_call(entry.call_id))
        await self._capture(entry.conversation_id, "voice")
        return self.gateway.mint_handle(self.next_conversation_id(entry.conversation_id))

    async def _capture(self, conversation_id: str, medium: str) -> None:
        if self.capture_leg is None:
            return
        try:
            await asyncio.wait_for(
                _maybe_await(self.capture_leg(conversation_id, medium)), self.capture_timeout
            )
        except asyncio.TimeoutError:
            logger.warning("the %s leg's record was not durable in time", medium)

    async def escalate(self, handle: str) -> bool:
        """Wait for the chat leg's record before the caller moves to voice; False for a bad handle."""
        try:
            conversation_id = self.gateway.read_handle(handle)
        except GatewayRejection:
            return False
        await self._capture(conversation_id, "chat")
        return True

    async def say(self, nonce: str, text: str) -> bool:
        """Speak ``text`` into the nonce's live call; False when that is not possible."""
        text = text.strip() if isinstance(text, str) else ""
        if not text or len(text.encode("utf-8", "surrogatepass")) > MAX_MESSAGE_BYTES:
            return False
        if self.send_message is None:
            return False
        with self._lock:
            entry = self._live(nonce)
            if entry is None or entry.redeemed or not entry.call_id:
                return False
            if entry.messages >= self.max_messages_per_call:
                return False
            entry.messages += 1  # reserve the slot before sending
            self._entries[nonce] = entry
            call_id = entry.call_id
        try:
            await _maybe_await(self.send_message(call_id, text))
        except Exception:
            with self._lock:
                entry.messages -= 1
                self._entries[nonce] = entry
            logger.warning("sending a message into the call failed", exc_info=True)
            return False
        return True

    def router(self) -> Router:
        """The three routes; mount at the same prefix as the gateway's router."""
        from starlette.routing import Route, Router

        return Router(
            routes=[
                Route(f"/{name}", self._endpoint, methods=["POST", "OPTIONS"], name=name)
                for name in ("handoff", "escalate", "say")
            ],
            redirect_slashes=False,
        )

    async def _endpoint(self, request: Request) -> Response:
        from starlette.responses import JSONResponse, Response

        origin = request.headers.get("origin")
        cors = self.gateway.cors_headers(origin)
        if request.method == "OPTIONS":
            if "Access-Control-Allow-Origin" in cors:
                cors["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
                cors["Access-Control-Allow-Methods"] = "POST, OPTIONS"
            return Response(status_code=204, headers=cors)
        name = request.url.path.rstrip("/").rsplit("/", 1)[-1]
        try:
            self.gateway.check_origin(origin)
            body = await read_limited_json(request)
        except GatewayRejection as exc:
            return JSONResponse({"error": exc.reason}, exc.status, headers=cors)
        body = body if isinstance(body, dict) else {}
        if name == "handoff":
            handle = await self.redeem(body.get("nonce"))  # type: ignore[arg-type]
            if handle is None:
                return JSONResponse({"error": "not found"}, 404, headers=cors)
            return JSONResponse({"handle": handle}, headers=cors)
        if name == "escalate":
            handle = body.get("handle")
            if not isinstance(handle, str) or not handle:
                return JSONResponse({"error": "handle is required"}, 400, headers=cors)
            if not await self.escalate(handle):
                return JSONResponse({"error": "not found"}, 404, headers=cors)
            return JSONResponse({"ok": True}, headers=cors)
        text = body.get("text")
        if isinstance(text, str) and len(text.strip().encode("utf-8", "surrogatepass")) > (
            MAX_MESSAGE_BYTES
        ):
            return JSONResponse({"error": "message too large"}, 413, headers=cors)
        if not await self.say(body.get("nonce"), text):  # type: ignore[arg-type]
            return JSONResponse({"error": "not found"}, 404, headers=cors)
        return JSONResponse({"ok": True}, headers=cors)
