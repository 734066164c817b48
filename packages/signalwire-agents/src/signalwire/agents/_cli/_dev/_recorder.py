"""Record what the platform sends the agent and what it answers (dev server only).

Each HTTP request that reaches an agent becomes a :class:`Record`: the request as
sent (kept server-side so it can be replayed), its timing, the answer, and the log
lines emitted while it was handled (a context variable ties a log record to the
request whose handling produced it, worker threads of sync tools included). What
the inspector is sent is the redacted view (:meth:`Record.view`).
"""

from __future__ import annotations

import asyncio
import contextvars
import itertools
import json
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from signalwire.agents._cli._dev._redact import redact_headers, redact_text, redact_value

__all__ = ["LogCapture", "Record", "Recorder"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

_current: contextvars.ContextVar[Record | None] = contextvars.ContextVar(
    "signalwire_dev_record", default=None
)
_MAX_LOGS = 200


def _json_or_text(data: bytes) -> Any:
    if not data:
        return None
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return data.decode("utf-8", "replace")


def _validation(document: Any) -> dict[str, Any]:
    from signalwire.agents._errors import SchemaValidationError
    from signalwire.agents._schema import validate_document

    try:
        validate_document(document)
    except SchemaValidationError as exc:
        errors = []
        for line in exc.errors:
            path, _, message = line.partition(": ")
            errors.append({"path": path, "message": message})
        return {"valid": False, "errors": errors}
    return {"valid": True, "errors": []}


def _arguments(body: Any) -> Any:
    if not isinstance(body, dict):
        return None
    argument = body.get("argument")
    if isinstance(argument, dict):
        parsed = argument.get("parsed")
        if isinstance(parsed, list) and parsed:
            return parsed[0]
        raw = argument.get("raw")
        if isinstance(raw, str):
            try:
                return json.loads(raw)
            except ValueError:
                return raw
    return body.get("arguments")


class Record:
    """One request the agent answered."""

    def __init__(self, ident: int, scope: Scope, body: bytes, route: str) -> None:
        self.id = ident
        self.scope = {
            k: scope[k]
            for k in ("type", "method", "path", "root_path", "query_string", "headers", "scheme")
            if k in scope
        }
        self.scope.setdefault("http_version", "1.1")
        self.body = body
        self.route = route
        self.started = time.time()
        self.status = 0
        self.response = b""
        self.duration_ms = 0.0
        self.logs: list[dict[str, Any]] = []
        self.replay_of: int | None = None
        self.source = "platform"

    def kind(self) -> str:
        """``swml``, ``swaig``, ``post_prompt`` or ``other``."""
        path: str = self.scope["path"]
        tail = path[len(self.route.rstrip("/")) :].strip("/")
        if self.scope["method"] == "POST" and tail in ("swaig", "post_prompt"):
            return tail
        answer = _json_or_text(self.response)
        if isinstance(answer, dict) and "sections" in answer:
            return "swml"
        return "other"

    def view(self) -> dict[str, Any]:
        """What the inspector shows: tokens and credentials masked."""
        try:
            return self._view()
        except RecursionError:  # a body nested deeper than can be walked: show it as text
            return {
                "id": self.id,
                "kind": "other",
                "time": self.started,
                "method": self.scope["method"],
                "path": redact_text(self.scope["path"]),
                "route": self.route,
                "status": self.status,
                "duration_ms": round(self.duration_ms, 2),
                "headers": redact_headers(self.scope.get("headers", [])),
                "request": redact_text(self.body[:4096].decode("utf-8", "replace")),
                "response": redact_text(self.response[:4096].decode("utf-8", "replace")),
                "logs": [],
                "replay_of": self.replay_of,
                "source": self.source,
            }

    def _view(self) -> dict[str, Any]:
        kind = self.kind()
        query = self.scope.get("query_string", b"").decode("latin-1")
        request = _json_or_text(self.body)
        answer = _json_or_text(self.response)
        out: dict[str, Any] = {
            "id": self.id,
            "kind": kind,
            "time": self.started,
            "method": self.scope["method"],
            "path": self.scope["path"] + (f"?{redact_text(query)}" if query else ""),
            "route": self.route,
            "status": self.status,
            "duration_ms": round(self.duration_ms, 2),
            "headers": redact_headers(self.scope.get("headers", [])),
            "request": redact_value(request),
            "response": redact_value(answer),
            "logs": [{**line, "message": redact_text(line["message"])} for line in self.logs],
            "replay_of": self.replay_of,
            "source": self.source,
        }
        if kind == "swml":
            out["validation"] = _validation(answer)
        elif kind == "swaig":
            body = request if isinstance(request, dict) else {}
            out["function"] = body.get("function")
            out["call_id"] = body.get("call_id")
            out["arguments"] = redact_value(_arguments(body))
            if isinstance(answer, dict):
                out["answer"] = redact_value(answer.get("response"))
                out["actions"] = redact_value(answer.get("action"))
        elif kind == "post_prompt" and isinstance(request, dict):
            out["call_id"] = request.get("call_id")
        return out


class Recorder:
    """The last ``limit`` records and the inspector pages listening for new ones."""

    def __init__(self, limit: int = 100) -> None:
        self.records: deque[Record] = deque(maxlen=limit)
        self._ids = itertools.count(1)
        self._listeners: set[tuple[str, asyncio.Queue[tuple[str, dict[str, Any]]]]] = set()

    def find(self, ident: int) -> Record | None:
        """The record with id ``ident``, if still kept."""
        return next((r for r in self.records if r.id == ident), None)

    def views(self, route: str) -> list[dict[str, Any]]:
        """The views of the records of the agent at ``route``, oldest first."""
        return [r.view() for r in self.records if r.route == route]

    def listen(self, route: str) -> asyncio.Queue[tuple[str, dict[str, Any]]]:
        """A queue receiving ``(event, data)`` for the agent at ``route``."""
        queue: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue()
        self._listeners.add((route, queue))
        return queue

    def unlisten(self, route: str, queue: asyncio.Queue[tuple[str, dict[str, Any]]]) -> None:
        """Stop delivering to ``queue``."""
        self._listeners.discard((route, queue))

    def publish(self, event: str, data: dict[str, Any], route: str | None = None) -> None:
        """Send an event to every listener (of ``route`` when given)."""
        for listener_route, queue in list(self._listeners):
            if route is None or listener_route == route:
                queue.put_nowait((event, data))

    async def record(
        self,
        app: App,
        route: str,
        scope: Scope,
        receive: Receive,
        send: Send,
        *,
        replay_of: int | None = None,
        source: str = "platform",
    ) -> Record:
        """Serve one request through ``app`` and keep a record of it."""
        chunks: list[bytes] = []
        more = True
        while more:  # the whole body first: it is shown and may be replayed
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            more = bool(message.get("more_body", False))
        body = b"".join(chunks)
        record = Record(next(self._ids), scope, body, route)
        record.replay_of = replay_of
        record.source = source
        sent = False
        answer: list[bytes] = []

        async def replay_receive() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        async def recording_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                record.status = int(message["status"])
            elif message["type"] == "http.response.body":
                answer.append(message.get("body", b""))
            await send(message)

        token = _current.set(record)
        start = time.perf_counter()
        try:
            await app(scope, replay_receive, recording_send)
        finally:
            record.duration_ms = (time.perf_counter() - start) * 1000
            _current.reset(token)
            record.response = b"".join(answer)
            self.records.append(record)
            self.publish("record", record.view(), route)
        return record


class LogCapture(logging.Handler):
    """Adds each log record to the request being handled when it was emitted."""

    def emit(self, record: logging.LogRecord) -> None:
        current = _current.get()
        if current is None or len(current.logs) >= _MAX_LOGS:
            return
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001  # a bad format string must not break the request
            message = str(record.msg)
        if record.exc_info and record.exc_info[1] is not None:
            message += f" [{type(record.exc_info[1]).__name__}: {record.exc_info[1]}]"
        current.logs.append({"level": record.levelname, "logger": record.name, "message": message})
