"""The agent's tools over MCP: ``POST {route}/mcp`` speaking JSON-RPC 2.0.

Enabled by ``AgentBase.enable_mcp_server()``. It implements the tools part of
the Model Context Protocol (revision 2025-06-18) over plain HTTP POST:
``initialize``, ``notifications/initialized``, ``ping``, ``tools/list`` and
``tools/call``. The route sits behind the agent's Basic auth like every other
endpoint, and a ``secure`` tool (the default) is called only with a valid tool
token, exactly as on ``/swaig/``: in the ``__token`` (or ``token``) query
parameter, bound to the call_id given in ``params._meta.call_id`` (a token minted
without a call_id works for any). Without one the call answers the refusal that
``/swaig/`` gives, with ``isError`` set. Tools meant for MCP clients that hold no
call are defined with ``secure=False``.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Protocol

from signalwire.agents._hosting.http import Request, Response, json_response
from signalwire.agents._hosting.tokens import TOKEN_REFUSAL
from signalwire.agents._swaig_function import SWAIGFunction

__all__ = ["PROTOCOL_VERSION", "McpHost", "handle_mcp"]


class McpHost(Protocol):
    """What the MCP endpoint needs from the service it serves (SWMLService is one)."""

    name: str
    _mcp_enabled: bool

    def define_tools(self) -> list[SWAIGFunction | dict[str, Any]]:
        """The registered tools, in registration order."""
        ...

    async def _call_tool_outcome(
        self, name: str, args: dict[str, Any], raw_data: dict[str, Any]
    ) -> tuple[dict[str, Any], bool]:
        """Run one tool: its reply, and whether the call failed or timed out."""
        ...

    def validate_tool_token(self, function_name: str, token: str, call_id: str | None) -> bool:
        """True when ``token`` authorises ``function_name`` for ``call_id``."""
        ...


log = logging.getLogger("signalwire.agents.mcp")

PROTOCOL_VERSION = "2025-06-18"
#: Platform hooks registered as tools but never meant for another client.
_HIDDEN = frozenset({"startup_hook", "hangup_hook"})

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602


def _error(status: int, request_id: Any, code: int, message: str) -> Response:
    return json_response(
        status, {"jsonrpc": "2.0", "id": request_id, "error": {"code": code, "message": message}}
    )


def _result(request_id: Any, result: dict[str, Any]) -> Response:
    return json_response(200, {"jsonrpc": "2.0", "id": request_id, "result": result})


def _local_tools(service: McpHost) -> list[SWAIGFunction]:
    return [
        fn
        for fn in service.define_tools()
        if isinstance(fn, SWAIGFunction)
        and fn.handler is not None
        and not fn.is_external
        and fn.name not in _HIDDEN
    ]


def _text_of(reply: dict[str, Any]) -> str:
    response = reply.get("response", "")
    return response if isinstance(response, str) else json.dumps(response)


async def handle_mcp(service: McpHost, request: Request) -> Response:
    """Answer one MCP request (404 unless the service enabled MCP)."""
    if not service._mcp_enabled:
        return json_response(404, {"error": "Not found"})
    if request.method != "POST":
        return json_response(405, {"error": "MCP uses POST (no SSE stream)"}, [(b"allow", b"POST")])
    try:
        message = json.loads(request.body or b"")
    except ValueError:
        return _error(400, None, PARSE_ERROR, "Parse error: the body is not JSON")
    except RecursionError:
        return _error(400, None, PARSE_ERROR, "Parse error: the body is nested too deeply")
    if isinstance(message, list):
        return _error(400, None, INVALID_REQUEST, "batch requests are not supported")
    if not isinstance(message, dict):
        return _error(400, None, INVALID_REQUEST, "a JSON-RPC request must be an object")
    request_id = message.get("id")
    method = message.get("method")
    if message.get("jsonrpc") != "2.0" or not isinstance(method, str):
        return _error(
            400, _safe_id(request_id), INVALID_REQUEST, "expected jsonrpc 2.0 and a method"
        )
    if "id" not in message:  # a notification: accepted, nothing to answer
        return Response(202, b"")
    if not isinstance(request_id, (str, int)) or isinstance(request_id, bool):
        return _error(400, None, INVALID_REQUEST, "id must be a string or an integer")
    params = message.get("params", {})
    if not isinstance(params, dict):
        return _error(200, request_id, INVALID_PARAMS, "params must be an object")

    if method == "initialize":
        from signalwire.agents._version import __version__

        return _result(
            request_id,
            {
                "protocolVersion": PROTOCOL_VERSION,
                "capabilities": {"tools": {"listChanged": False}},
                "serverInfo": {"name": service.name, "version": __version__},
            },
        )
    if method == "ping":
        return _result(request_id, {})
    if method == "tools/list":
        tools = [
            {"name": fn.name, "description": fn.description, "inputSchema": fn.schema}
            for fn in _local_tools(service)
        ]
        return _result(request_id, {"tools": tools})
    if method == "tools/call":
        token = request.query.get("__token") or request.query.get("token")
        return await _call(service, request_id, params, token)
    return _error(200, request_id, METHOD_NOT_FOUND, f"Method not found: {method[:100]}")


def _safe_id(request_id: Any) -> Any:
    return (
        request_id
        if isinstance(request_id, (str, int)) and not isinstance(request_id, bool)
        else None
    )


def _token_ok(service: McpHost, name: str, params: dict[str, Any], token: str | None) -> bool:
    meta = params.get("_meta")
    call_id = meta.get("call_id") if isinstance(meta, dict) else None
    return bool(token) and service.validate_tool_token(
        name, str(token), call_id if isinstance(call_id, str) else None
    )


async def _call(
    service: McpHost, request_id: Any, params: dict[str, Any], token: str | None
) -> Response:
    name = params.get("name")
    arguments = params.get("arguments", {})
    if not isinstance(name, str) or not name:
        return _error(200, request_id, INVALID_PARAMS, "tools/call needs a tool name")
    if not isinstance(arguments, dict):
        return _error(200, request_id, INVALID_PARAMS, "arguments must be an object")
    fn = next((fn for fn in _local_tools(service) if fn.name == name), None)
    if fn is None:
        return _error(200, request_id, INVALID_PARAMS, f"Unknown tool: {name[:100]}")
    if fn.secure and not _token_ok(service, name, params, token):
        log.warning("%s: refused secure tool %r over MCP: bad or missing token", service.name, name)
        return _result(
            request_id, {"content": [{"type": "text", "text": TOKEN_REFUSAL}], "isError": True}
        )
    reply, failed = await service._call_tool_outcome(name, arguments, {"function": name})
    return _result(
        request_id, {"content": [{"type": "text", "text": _text_of(reply)}], "isError": failed}
    )
