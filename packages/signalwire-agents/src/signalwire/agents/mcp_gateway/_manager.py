"""``MCPManager``: the configured services, and clients started only from that list."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from signalwire.agents.mcp_gateway._client import MCPClient, MCPError, MCPService

__all__ = ["MCPManager"]

logger = logging.getLogger("signalwire.agents.mcp_gateway")


class MCPManager:
    """The services of a gateway configuration.

    A client is only ever started from a configured, enabled service's own ``command``:
    nothing in a request becomes part of a command line.
    """

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        session = config.get("session", {})
        self.sandbox_dir = str(session.get("sandbox_dir", "./sandbox"))
        self.call_timeout = float(session.get("call_timeout", 30))
        self.max_output_bytes = int(session.get("max_output_bytes", 1024 * 1024))
        self.services: dict[str, MCPService] = {}
        self._tools: dict[str, list[dict[str, Any]]] = {}
        for name, svc in (config.get("services") or {}).items():
            if svc.get("enabled", True) is False:
                continue
            self.services[name] = MCPService(
                name=name,
                command=list(svc["command"]),
                description=str(svc.get("description", "")),
                enabled=True,
                sandbox_config=dict(svc.get("sandbox") or {}),
            )

    def get_service(self, service_name: str) -> MCPService | None:
        """The configured service, or None."""
        return self.services.get(service_name)

    def list_services(self) -> dict[str, dict[str, Any]]:
        """Name -> description and enabled flag (command lines are not shown to callers)."""
        return {
            name: {"description": svc.description, "enabled": svc.enabled}
            for name, svc in self.services.items()
        }

    async def create_client(self, service_name: str) -> MCPClient:
        """Start a new server process for a configured service."""
        service = self.services.get(service_name)
        if service is None:
            raise KeyError(service_name)
        client = MCPClient(
            service,
            self.sandbox_dir,
            call_timeout=self.call_timeout,
            max_output_bytes=self.max_output_bytes,
        )
        tools = await client.start()
        self._tools.setdefault(service_name, tools)
        return client

    async def get_service_tools(self, service_name: str) -> list[dict[str, Any]]:
        """The service's tools (listed once by a short-lived process, then remembered)."""
        if service_name not in self._tools:
            client = await self.create_client(service_name)
            await client.stop()
        return list(self._tools[service_name])

    async def validate_services(self) -> dict[str, bool]:
        """Start each service once; name -> whether it started and listed its tools."""
        results: dict[str, bool] = {}
        for name in self.services:
            try:
                await self.get_service_tools(name)
                results[name] = True
            except MCPError as exc:
                logger.error("service %s failed validation: %s", name, exc)
                results[name] = False
        return results

    async def shutdown(self) -> None:
        """Forget cached tool lists (clients belong to sessions, which stop them)."""
        self._tools.clear()
        await asyncio.sleep(0)
