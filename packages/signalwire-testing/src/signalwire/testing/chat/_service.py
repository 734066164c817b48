"""The fake AI Chat service: conversations, scripted replies, injected errors, a journal."""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FakeChatService", "FakeConversation", "serve_chat"]

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

#: Characters the real service keeps in a conversation id; it strips the others.
_STRIP = re.compile(r"[^A-Za-z0-9_\-.:]")
NOT_FOUND, RATE_LIMITED, IN_PROGRESS, AUTH_FAILED = -32001, -32005, -32007, -32009
INVALID_PARAMS, METHOD_NOT_FOUND, PARSE_ERROR = -32602, -32601, -32700


def _now_us() -> int:
    return int(time.time() * 1_000_000)


@dataclass
class FakeConversation:
    """One conversation the fake holds: its agent's URL, messages (µs stamps) and status."""

    id: str
    config_url: str
    messages: list[dict[str, Any]] = field(default_factory=list)
    status: str = "active"
    timeout: int | None = None
    user_meta_data: dict[str, Any] | None = None


def _echo(conversation: FakeConversation, message: str) -> str:
    return f"You said: {message}"


class FakeChatService:
    """The AI Chat service's side of the protocol, in memory.

    ``project``/``token`` are the credentials it accepts. ``reply(conversation, message)``
    makes the agent's answers (default: ``"You said: <message>"``); ``greeting`` is the first
    message of a new conversation. ``keepalive`` bytes of whitespace precede every body, as
    the real service sends while the model works. ``fail_next(code, message)`` makes the next
    call answer with that JSON-RPC error; ``journal`` lists every request as
    ``{"method", "params", "auth_ok"}``.
    """

    def __init__(
        self,
        project: str = "test-project",
        token: str = "test-token",
        *,
        reply: Callable[[FakeConversation, str], str] = _echo,
        greeting: str = "Hello! How can I help?",
        keepalive: int = 1,
    ) -> None:
        self.project = project
        self.token = token
        self.reply = reply
        self.greeting = greeting
        self.keepalive = keepalive
        self.conversations: dict[str, FakeConversation] = {}
        self.journal: list[dict[str, Any]] = []
        self._failures: list[tuple[int, str]] = []
        self._auth = "Basic " + base64.b64encode(f"{project}:{token}".encode()).decode()

    def fail_next(self, code: int, message: str = "injected failure", times: int = 1) -> None:
        """Answer the next ``times`` calls with the JSON-RPC error ``code``."""
        self._failures.extend([(code, message)] * times)

    # -- protocol -----------------------------------------------------------------------

    def handle(self, body: Any, authorization: str | None) -> dict[str, Any]:
        """The JSON-RPC answer to one request body (already parsed)."""
        if not isinstance(body, dict):
            return _error(None, INVALID_PARAMS, "request must be an object")
        rid = body.get("id")
        method, params = body.get("method"), body.get("params")
        auth_ok = authorization == self._auth
        self.journal.append({"method": method, "params": params, "auth_ok": auth_ok})
        if not auth_ok:
            return _error(rid, AUTH_FAILED, "authentication failed")
        if self._failures:
            code, message = self._failures.pop(0)
            return _error(rid, code, message)
        if not isinstance(method, str) or not isinstance(params, dict):
            return _error(rid, INVALID_PARAMS, "method and params are required")
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return _error(rid, METHOD_NOT_FOUND, f"unknown method {method}")
        raw_id = params.get("id")
        if not isinstance(raw_id, str) or not _STRIP.sub("", raw_id):
            return _error(rid, INVALID_PARAMS, "id is required")
        try:
            result = handler(_STRIP.sub("", raw_id), params)
        except LookupError:
            return _error(rid, NOT_FOUND, "conversation not found")
        except ValueError as exc:
            return _error(rid, INVALID_PARAMS, str(exc))
        return {"jsonrpc": "2.0", "id": rid, "result": result}

    def _get(self, cid: str) -> FakeConversation:
        conv = self.conversations.get(cid)
        if conv is None or conv.status == "ended":
            raise LookupError(cid)
        return conv

    def _create(self, cid: str, params: dict[str, Any]) -> FakeConversation:
        config_url = params.get("config_url")
        if not isinstance(config_url, str) or not config_url:
            raise ValueError("config_url is required")
        meta = params.get("user_meta_data")
        conv = FakeConversation(
            cid,
            config_url,
            timeout=params.get("conversation_timeout"),
            user_meta_data=meta if isinstance(meta, dict) else None,
        )
        conv.messages.append({"role": "system", "content": "(prompt)", "timestamp": _now_us()})
        conv.messages.append(
            {"role": "assistant", "content": self.greeting, "timestamp": _now_us()}
        )
        self.conversations[cid] = conv
        return conv

    def _m_create_conversation(self, cid: str, params: dict[str, Any]) -> dict[str, Any]:
        existing = self.conversations.get(cid)
        if existing is not None and existing.status != "ended" and not params.get("reinit"):
            return {"status": "exists", "initial_message": None}
        conv = self._create(cid, params)
        user_message = params.get("user_message")
        if isinstance(user_message, str) and user_message:
            self._turn(conv, user_message, "user")
        return {"status": "created", "initial_message": self.greeting}

    def _turn(self, conv: FakeConversation, message: str, role: str) -> str:
        conv.messages.append({"role": role, "content": message, "timestamp": _now_us()})
        answer = self.reply(conv, message)
        conv.messages.append({"role": "assistant", "content": answer, "timestamp": _now_us()})
        return answer

    def _m_chat(self, cid: str, params: dict[str, Any]) -> dict[str, Any]:
        message = params.get("message")
        if not isinstance(message, str):
            raise ValueError("message is required")
        conv = self.conversations.get(cid)
        if conv is None or conv.status == "ended" or params.get("reinit"):
            if "config_url" not in params:
                raise LookupError(cid)
            conv = self._create(cid, params)
        role = params.get("role", "user")
        return {"response": self._turn(conv, message, str(role))}

    def _m_end_conversation(self, cid: str, params: dict[str, Any]) -> dict[str, Any]:
        self._get(cid).status = "ended"
        return {"status": "ended"}

    def _m_delete(self, cid: str, params: dict[str, Any]) -> dict[str, Any]:
        if self.conversations.pop(cid, None) is None:
            raise LookupError(cid)
        return {"status": "deleted"}

    def _m_chat_log(self, cid: str, params: dict[str, Any]) -> dict[str, Any]:
        conv = self.conversations.get(cid)
        if conv is None:
            raise LookupError(cid)
        return {"chat_log": list(conv.messages), "call_timeline": []}

    def _m_summarize(self, cid: str, params: dict[str, Any]) -> dict[str, Any]:
        conv = self._get(cid)
        turns = sum(1 for m in conv.messages if m["role"] == "user")
        return {"summary": f"{turns} user message(s) in conversation {cid}"}

    # -- ASGI ---------------------------------------------------------------------------

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        if scope["method"] != "POST":
            await _respond(send, 405, b'{"error":"method not allowed"}')
            return
        chunks: list[bytes] = []
        more = True
        while more:
            event = await receive()
            chunks.append(event.get("body", b""))
            more = event.get("more_body", False)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        try:
            body = json.loads(b"".join(chunks))
        except (ValueError, RecursionError):
            answer = _error(None, PARSE_ERROR, "parse error")
        else:
            answer = self.handle(body, headers.get("authorization"))
        payload = b" " * self.keepalive + json.dumps(answer).encode()
        await _respond(send, 200, payload)


def _error(rid: Any, code: int, message: str) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": rid, "error": {"code": code, "message": message}}


async def _respond(send: Send, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def serve_chat(service: FakeChatService | None = None) -> Any:
    """A started-on-enter real HTTP server (uvicorn on 127.0.0.1) for the fake.

    ``with serve_chat() as server:`` then ``server.base_url + "/api/ai/chat"``; the fake is
    ``server.app``. Needs uvicorn (the ``[chat]`` extra).
    """
    from signalwire.testing.rest._server import BackgroundServer

    return BackgroundServer(service or FakeChatService())
