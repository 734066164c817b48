"""``SessionManager``: one MCP server process per caller session, with limits and reaping."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from signalwire.agents.mcp_gateway._client import MCPClient

__all__ = ["Session", "SessionLimitError", "SessionManager"]

logger = logging.getLogger("signalwire.agents.mcp_gateway")


class SessionLimitError(Exception):
    """A session cannot be created: a count limit is reached (the message says which)."""


@dataclass
class Session:
    """A caller's session: its service, its server process and when it was last used."""

    session_id: str
    service_name: str
    process: MCPClient
    created_at: float = field(default_factory=time.time)
    last_accessed: float = field(default_factory=time.time)
    timeout: float = 300
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def is_expired(self) -> bool:
        """Idle for longer than its timeout."""
        return time.time() > self.last_accessed + self.timeout

    @property
    def is_alive(self) -> bool:
        """Its server process is still running and healthy."""
        return self.process.alive

    def touch(self) -> None:
        """Record a use now."""
        self.last_accessed = time.time()


class SessionManager:
    """Sessions by id, at most ``max_total_sessions`` overall and
    ``session.max_sessions_per_service`` per service; idle or dead ones are reaped."""

    def __init__(self, config: dict[str, Any], max_total_sessions: int = 500) -> None:
        session = config.get("session", {})
        self.default_timeout = float(session.get("default_timeout", 300))
        self.max_sessions_per_service = int(session.get("max_sessions_per_service", 100))
        self.max_total_sessions = int(session.get("max_total_sessions", max_total_sessions))
        self.cleanup_interval = float(session.get("cleanup_interval", 60))
        self.sessions: dict[str, Session] = {}
        self._reserved: dict[str, int] = {}
        self._reaper: asyncio.Task[None] | None = None

    def reserve(self, service_name: str) -> None:
        """Claim a slot before a process is spawned (SessionLimitError when full)."""
        total = len(self.sessions) + sum(self._reserved.values())
        if total >= self.max_total_sessions:
            raise SessionLimitError("the gateway's session limit is reached")
        count = self.get_service_session_count(service_name) + self._reserved.get(service_name, 0)
        if count >= self.max_sessions_per_service:
            raise SessionLimitError(f"the session limit of service {service_name!r} is reached")
        self._reserved[service_name] = self._reserved.get(service_name, 0) + 1

    def release(self, service_name: str) -> None:
        """Give back a claimed slot."""
        left = self._reserved.get(service_name, 0) - 1
        if left > 0:
            self._reserved[service_name] = left
        else:
            self._reserved.pop(service_name, None)

    async def create_session(
        self,
        session_id: str,
        service_name: str,
        process: MCPClient,
        timeout: float | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> Session:
        """Record a session (an older one with the same id is closed first)."""
        if session_id in self.sessions:
            await self.close_session(session_id)
        session = Session(
            session_id,
            service_name,
            process,
            timeout=timeout or self.default_timeout,
            metadata=dict(metadata or {}),
        )
        self.sessions[session_id] = session
        return session

    async def get_session(self, session_id: str) -> Session | None:
        """The live session (touched), or None; an expired or dead one is closed."""
        session = self.sessions.get(session_id)
        if session is None:
            return None
        if session.is_expired or not session.is_alive:
            await self.close_session(session_id)
            return None
        session.touch()
        return session

    async def close_session(self, session_id: str) -> bool:
        """Stop the session's process; False when there was no such session."""
        session = self.sessions.pop(session_id, None)
        if session is None:
            return False
        await session.process.stop()
        return True

    async def list_sessions(self) -> dict[str, dict[str, Any]]:
        """Id -> service, times, timeout and metadata (dead or idle sessions are reaped first)."""
        await self.reap()
        now = time.time()
        return {
            sid: {
                "service_name": s.service_name,
                "created_at": s.created_at,
                "last_accessed": s.last_accessed,
                "timeout": s.timeout,
                "metadata": s.metadata,
                "time_remaining": max(0.0, s.last_accessed + s.timeout - now),
            }
            for sid, s in self.sessions.items()
        }

    def get_service_session_count(self, service_name: str) -> int:
        """How many sessions the service has."""
        return sum(1 for s in self.sessions.values() if s.service_name == service_name)

    async def reap(self) -> int:
        """Close idle and dead sessions; how many were closed."""
        gone = [sid for sid, s in self.sessions.items() if s.is_expired or not s.is_alive]
        for sid in gone:
            logger.info("closing session %s (idle or ended)", sid)
            await self.close_session(sid)
        return len(gone)

    def start_reaper(self) -> None:
        """Reap every ``cleanup_interval`` seconds in the background (callers that vanish)."""
        if self._reaper is None:
            self._reaper = asyncio.ensure_future(self._reap_loop())

    async def _reap_loop(self) -> None:
        while True:
            await asyncio.sleep(self.cleanup_interval)
            try:
                await self.reap()
            except Exception:
                logger.exception("session cleanup failed")

    async def shutdown(self) -> None:
        """Stop the reaper and every session's process."""
        if self._reaper is not None:
            self._reaper.cancel()
            with contextlib.suppress(BaseException):
                await self._reaper
            self._reaper = None
        await asyncio.gather(*(self.close_session(sid) for sid in list(self.sessions)))
