"""``AIChatClient``: the AI Chat service's JSON-RPC protocol over httpx."""

from __future__ import annotations

import base64
import json
import logging
import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import TracebackType
from typing import Any

import httpx

from signalwire.agents.ai_chat._errors import AIChatError, SummaryError, error_for
from signalwire.agents.ai_chat._models import ChatLog, ChatResponse, ConversationInfo

__all__ = ["DEFAULT_PATH", "AIChatClient"]

logger = logging.getLogger("signalwire.agents.ai_chat")

DEFAULT_PATH = "/api/ai/chat"
#: Values of RAILS_DEV_MODE that switch a persona on or off rather than naming a URL.
_PERSONA_SWITCHES = frozenset({"false", "0", "no", "off", "true", "1", "yes", "on"})
_SAFE_ID = re.compile(r"^[A-Za-z0-9_\-.:]*$")
#: The service commits to 200 and trickles keepalive whitespace while the model thinks, so the
#: read timeout bounds the silence between bytes, not the whole answer.
DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=60.0, pool=10.0)
#: Methods that change nothing on the service: safe to send again after any transport failure.
_READ_ONLY = frozenset({"chat_log"})


def _user_agent() -> str:
    from signalwire.agents._version import __version__

    return f"signalwire-python/{__version__}"


class AIChatClient:
    """Async client of the SignalWire AI Chat service (text conversations with an AI agent).

    Credentials come from the arguments, else ``SIGNALWIRE_PROJECT_ID``,
    ``SIGNALWIRE_API_TOKEN`` and ``SIGNALWIRE_SPACE``. The URL is ``url``, else
    ``RAILS_DEV_MODE`` when it holds a URL, else ``https://<space>.signalwire.com/api/ai/chat``.
    ``session`` is an ``httpx.AsyncClient`` to share (the client then never closes it).

    Only failures where the request cannot have reached the service (connection refused,
    connect timeout) are retried, plus any transport failure of the read-only ``log``: a
    ``chat`` that may have been delivered is never sent twice.
    """

    def __init__(
        self,
        project: str | None = None,
        token: str | None = None,
        space: str | None = None,
        url: str | None = None,
        session: httpx.AsyncClient | None = None,
        *,
        retries: int = 2,
    ) -> None:
        self.project = project or os.environ.get("SIGNALWIRE_PROJECT_ID") or ""
        if not self.project:
            raise ValueError(
                "AIChatClient needs a project id: pass project= or set SIGNALWIRE_PROJECT_ID"
            )
        self.token = token if token is not None else os.environ.get("SIGNALWIRE_API_TOKEN", "")
        self.url = self._resolve_url(url, space)
        self.retries = max(0, retries)
        self._session = session
        self._owns_session = session is None
        self._counter = 0
        self._header_cache: dict[str, str] | None = None

    @staticmethod
    def _resolve_url(url: str | None, space: str | None) -> str:
        if url:
            return url
        dev = os.environ.get("RAILS_DEV_MODE", "").strip()
        if dev and dev.lower() not in _PERSONA_SWITCHES:
            return dev
        space = space or os.environ.get("SIGNALWIRE_SPACE")
        if space:
            host = space if "." in space else f"{space}.signalwire.com"
            return f"https://{host}{DEFAULT_PATH}"
        raise ValueError(
            "AIChatClient needs a space or a URL: pass space= or url=, or set SIGNALWIRE_SPACE"
        )

    def _client(self) -> httpx.AsyncClient:
        if self._session is None:
            self._session = httpx.AsyncClient(timeout=DEFAULT_TIMEOUT)
        return self._session

    def _envelope(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        self._counter += 1
        return {"jsonrpc": "2.0", "method": method, "params": params, "id": f"req-{self._counter}"}

    def _headers(self) -> dict[str, str]:
        # Built once: the Basic credentials go in as a header rather than through httpx's
        # auth flow, which costs a generator round trip per request.
        if self._header_cache is None:
            raw = f"{self.project}:{self.token or ''}".encode()
            self._header_cache = {
                "User-Agent": _user_agent(),
                "Content-Type": "application/json",
                "Authorization": "Basic " + base64.b64encode(raw).decode("ascii"),
            }
        return self._header_cache

    async def _call(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        body = self._envelope(method, params)
        attempt = 0
        while True:
            try:
                resp = await self._client().post(
                    self.url, content=json.dumps(body).encode(), headers=self._headers()
                )
                break
            except (httpx.ConnectError, httpx.ConnectTimeout):
                if attempt >= self.retries:
                    raise
            except httpx.TransportError:
                if method not in _READ_ONLY or attempt >= self.retries:
                    raise
            attempt += 1
            logger.debug("retrying %s (attempt %d)", method, attempt + 1)
        return self._decode(resp.status_code, resp.content)

    @staticmethod
    def _decode(status: int, content: bytes) -> dict[str, Any]:
        # The outcome is in the body, never in the HTTP status: the service answers 200
        # before it knows how the turn ends.
        try:
            data = json.loads(content)
        except ValueError:
            raise AIChatError(status, f"non-JSON response (HTTP {status})") from None
        if not isinstance(data, dict):
            raise AIChatError(status, f"unexpected response (HTTP {status})")
        err = data.get("error")
        if err is not None:
            if isinstance(err, dict):
                code = err.get("code")
                raise error_for(code if isinstance(code, int) else None, str(err.get("message")))
            raise AIChatError(None, str(err))
        result = data.get("result")
        return result if isinstance(result, dict) else {}

    async def create_conversation(
        self,
        conversation_id: str,
        config_url: str,
        user_message: str | None = None,
        timeout: int | None = None,
        user_metadata: dict[str, Any] | None = None,
        reinit: bool = False,
    ) -> ConversationInfo:
        """Start a conversation with the agent whose SWML ``config_url`` serves."""
        if not _SAFE_ID.match(conversation_id):
            logger.warning(
                "conversation id %r has characters the service strips; use [A-Za-z0-9_-.:]",
                conversation_id,
            )
        params: dict[str, Any] = {"id": conversation_id, "config_url": config_url}
        if user_message is not None:
            params["user_message"] = user_message
        if timeout is not None:
            params["conversation_timeout"] = timeout
        if user_metadata:
            params["user_meta_data"] = user_metadata
        if reinit:
            params["reinit"] = True
        result = await self._call("create_conversation", params)
        initial = result.get("initial_message")
        return ConversationInfo(
            id=conversation_id,
            status=str(result.get("status") or "created"),
            initial_message=initial if isinstance(initial, str) else None,
        )

    async def chat(
        self,
        conversation_id: str,
        message: str,
        role: str = "user",
        config_url: str | None = None,
        user_metadata: dict[str, Any] | None = None,
        timeout: int | None = None,
        reinit: bool = False,
    ) -> ChatResponse:
        """Send one message; the agent's answer. ``config_url`` creates the conversation if new."""
        params: dict[str, Any] = {"id": conversation_id, "message": message, "role": role}
        if config_url is not None:
            params["config_url"] = config_url
        if user_metadata:
            params["user_meta_data"] = user_metadata
        if timeout is not None:
            params["conversation_timeout"] = timeout
        if reinit:
            params["reinit"] = True
        result = await self._call("chat", params)
        return ChatResponse(
            text=str(result.get("response") or ""),
            conversation_id=conversation_id,
            user_event=result.get("user_event"),
        )

    async def end(self, conversation_id: str) -> bool:
        """End a conversation; True when the service says it ended."""
        result = await self._call("end_conversation", {"id": conversation_id})
        return result.get("status") == "ended"

    async def delete(self, conversation_id: str) -> bool:
        """Delete a conversation and its log; True when the service says it is deleted."""
        result = await self._call("delete", {"id": conversation_id})
        return result.get("status") == "deleted"

    async def log(self, conversation_id: str) -> ChatLog:
        """The conversation's messages (timestamps in microseconds) and call timeline."""
        result = await self._call("chat_log", {"id": conversation_id})
        messages = result.get("chat_log")
        timeline = result.get("call_timeline")
        return ChatLog(
            messages=messages if isinstance(messages, list) else [],
            call_timeline=timeline if isinstance(timeline, list) else [],
        )

    async def summarize(
        self, conversation_id: str, summary_prompt: str | None = None, **sampling: Any
    ) -> str:
        """A summary of the conversation; ``sampling`` (temperature, top_p, ...) is passed on."""
        params: dict[str, Any] = {"id": conversation_id, "summary_prompt": summary_prompt}
        params.update({k: v for k, v in sampling.items() if v is not None})
        result = await self._call("summarize", params)
        summary = result.get("summary")
        if summary is None and result.get("error") is not None:
            raise SummaryError(None, str(result["error"]))
        return str(summary or "")

    @asynccontextmanager
    async def raw_post(self, method: str, params: dict[str, Any]) -> AsyncIterator[httpx.Response]:
        """Send ``method`` and yield the unread streaming response (for proxies that relay it)."""
        async with self._client().stream(
            "POST",
            self.url,
            content=json.dumps(self._envelope(method, params)).encode(),
            headers=self._headers(),
        ) as resp:
            yield resp

    async def close(self) -> None:
        """Close the HTTP connection pool, unless it was passed in."""
        if self._owns_session and self._session is not None:
            await self._session.aclose()
            self._session = None

    async def __aenter__(self) -> AIChatClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
