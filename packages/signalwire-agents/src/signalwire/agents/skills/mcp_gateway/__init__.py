"""The ``mcp_gateway`` skill: tools of MCP servers reached through an MCP Gateway."""
