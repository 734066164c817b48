"""The MCP gateway: configured MCP servers (stdio) behind an authenticated HTTP service.

Run it with the ``mcp-gateway -c config.json`` command, or build :class:`MCPGateway` and
serve its ``app``. The ``mcp_gateway`` skill is its client. Only the servers the
configuration names are ever started; each caller session gets its own process, with
count, idle-time, output-size and call-deadline limits.

Not imported by ``import signalwire.agents``.
"""

from __future__ import annotations

from signalwire.agents.mcp_gateway._client import MCPClient, MCPError, MCPService
from signalwire.agents.mcp_gateway._config import ConfigError, load_config
from signalwire.agents.mcp_gateway._manager import MCPManager
from signalwire.agents.mcp_gateway._service import MCPGateway
from signalwire.agents.mcp_gateway._sessions import Session, SessionLimitError, SessionManager

__all__ = [
    "ConfigError",
    "MCPClient",
    "MCPError",
    "MCPGateway",
    "MCPManager",
    "MCPService",
    "Session",
    "SessionLimitError",
    "SessionManager",
    "load_config",
]
