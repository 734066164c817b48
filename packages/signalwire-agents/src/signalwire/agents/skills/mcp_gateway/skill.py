"""The ``mcp_gateway`` skill: expose the tools of MCP services behind an MCP Gateway.

When the skill loads, the agent checks ``{gateway_url}/health``, lists the
services (``GET /services``, or the ``services`` parameter:
``[{"name": "todo", "tools": "*" | ["add_item", ...]}]``) and each service's
tools (``GET /services/<name>/tools``), and registers one SWAIG tool per MCP
tool, named ``<tool_prefix><service>_<tool>`` with the tool's input schema.
A call goes to ``POST /services/<name>/call`` with the arguments and a session
id (``global_data.mcp_call_id`` when set, else the call id), retried up to
``retry_attempts`` times on a timeout, a connection error or a 5xx. A
``hangup_hook`` tool closes the session (``DELETE /sessions/<id>``) when the
call ends, unless the agent already defines its own ``hangup_hook``.

Authentication: ``auth_token`` (a bearer token; ``MCP_GATEWAY_AUTH_TOKEN``)
or ``auth_user`` and ``auth_password`` (``MCP_GATEWAY_AUTH_USER``,
``MCP_GATEWAY_AUTH_PASSWORD``). Other parameters: ``session_timeout`` (300),
``request_timeout`` (30 s per request), ``verify_ssl`` (True).
"""

from __future__ import annotations

import asyncio
import base64
import re
from typing import Any, ClassVar
from urllib.parse import quote

from signalwire.agents import FunctionResult
from signalwire.agents.skills import SkillBase, SkillParameterError
from signalwire.agents.skills._guard import guarded

_TOOL_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_UNSAFE = re.compile(r"[^A-Za-z0-9_]")
_JSON_TYPES = {"string", "number", "integer", "boolean", "array", "object"}
_MAX_RESULT_CHARS = 8000


class MCPGatewaySkill(SkillBase):
    """Tools of MCP services, called through an MCP Gateway (webhook tools)."""

    SKILL_NAME = "mcp_gateway"
    SKILL_DESCRIPTION = "Use the tools of MCP services through an MCP Gateway"
    SKILL_VERSION = "1.0.0"
    REQUIRED_PACKAGES: ClassVar[list[str]] = ["httpx"]
    REQUIRED_ENV_VARS: ClassVar[list[str]] = []

    @classmethod
    def get_parameter_schema(cls) -> dict[str, dict[str, Any]]:
        """The base parameters plus the gateway, credentials, services and limits."""
        schema = super().get_parameter_schema()
        schema.update(
            {
                "gateway_url": {
                    "type": "string",
                    "description": "Base URL of the MCP Gateway",
                    "required": True,
                },
                "auth_token": {
                    "type": "string",
                    "description": "Bearer token for the gateway (instead of user and password)",
                    "required": False,
                    "hidden": True,
                    "env_var": "MCP_GATEWAY_AUTH_TOKEN",
                },
                "auth_user": {
                    "type": "string",
                    "description": "Basic-auth user for the gateway (when there is no token)",
                    "required": False,
                    "env_var": "MCP_GATEWAY_AUTH_USER",
                },
                "auth_password": {
                    "type": "string",
                    "description": "Basic-auth password for the gateway (when there is no token)",
                    "required": False,
                    "hidden": True,
                    "env_var": "MCP_GATEWAY_AUTH_PASSWORD",
                },
                "services": {
                    "type": "array",
                    "description": "Services to use, each {name, tools: '*' or a list}; all when empty",
                    "default": [],
                    "required": False,
                    "items": {
                        "type": "object",
                        "properties": {
                            "name": {"type": "string", "description": "Service name"},
                            "tools": {
                                "type": ["string", "array"],
                                "description": "'*' for every tool, or a list of tool names",
                            },
                        },
                    },
                },
                "session_timeout": {
                    "type": "integer",
                    "description": "Seconds the gateway keeps an idle session",
                    "default": 300,
                    "required": False,
                },
                "tool_prefix": {
                    "type": "string",
                    "description": "Prefix of the registered tool names",
                    "default": "mcp_",
                    "required": False,
                },
                "retry_attempts": {
                    "type": "integer",
                    "description": "Attempts per tool call on timeouts and gateway errors",
                    "default": 3,
                    "required": False,
                    "min": 1,
                    "max": 10,
                },
                "request_timeout": {
                    "type": "integer",
                    "description": "Seconds each gateway request may take",
                    "default": 30,
                    "required": False,
                    "min": 1,
                },
                "verify_ssl": {
                    "type": "boolean",
                    "description": "Check the gateway's TLS certificate",
                    "default": True,
                    "required": False,
                },
            }
        )
        return schema

    def setup(self) -> bool:
        """Check the settings and that the gateway answers its health check."""
        from signalwire.agents.skills._outbound import ServiceError, request_json_sync

        p = self.params
        self.gateway_url = str(p.get("gateway_url") or "").strip().rstrip("/")
        if not self.gateway_url.startswith(("http://", "https://")):
            raise SkillParameterError(
                "skill 'mcp_gateway' needs the parameter 'gateway_url' (an http or https URL)"
            )
        token = str(p.get("auth_token") or "").strip()
        user, password = str(p.get("auth_user") or ""), str(p.get("auth_password") or "")
        if token:
            self._headers = {"Authorization": f"Bearer {token}"}
        elif user and password:
            raw = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
            self._headers = {"Authorization": f"Basic {raw}"}
        else:
            raise SkillParameterError(
                "skill 'mcp_gateway' needs the parameter 'auth_token' (or set "
                "MCP_GATEWAY_AUTH_TOKEN), or both 'auth_user' and 'auth_password' (or set "
                "MCP_GATEWAY_AUTH_USER and MCP_GATEWAY_AUTH_PASSWORD)"
            )
        self.services: list[dict[str, Any]] = []
        for service in p.get("services") or []:
            if not isinstance(service, dict) or not isinstance(service.get("name"), str):
                raise SkillParameterError(
                    "parameter 'services' of skill 'mcp_gateway' must list objects with a 'name'"
                )
            self.services.append(dict(service))
        self.session_timeout = int(p.get("session_timeout") or 300)
        self.tool_prefix = str(p.get("tool_prefix") if p.get("tool_prefix") is not None else "mcp_")
        self.retry_attempts = int(p.get("retry_attempts") or 3)
        self.request_timeout = float(p.get("request_timeout") or 30)
        self.verify_ssl = bool(p.get("verify_ssl", True))
        self.session_id: str | None = None
        try:
            request_json_sync(
                "GET",
                f"{self.gateway_url}/health",
                timeout=self.request_timeout,
                headers=self._headers,
                verify=self.verify_ssl,
            )
        except ServiceError as exc:
            raise ValueError(
                f"the MCP gateway at {self.gateway_url} did not pass its health check ({exc})"
            ) from exc
        return True

    def _get(self, path: str) -> Any:
        from signalwire.agents.skills._outbound import request_json_sync

        return request_json_sync(
            "GET",
            f"{self.gateway_url}{path}",
            timeout=self.request_timeout,
            headers=self._headers,
            verify=self.verify_ssl,
        )

    def register_tools(self) -> None:
        """Register one tool per MCP tool, and the session-closing hangup hook."""
        from signalwire.agents.skills._outbound import ServiceError

        if not self.services:
            try:
                listed = self._get("/services")
            except ServiceError as exc:
                raise ValueError(f"the MCP gateway could not list its services ({exc})") from exc
            names = listed if isinstance(listed, list) else list(listed or {})
            self.services = [{"name": str(n)} for n in names if isinstance(n, str)]
        for service in self.services:
            name = service["name"]
            try:
                data = self._get(f"/services/{quote(name, safe='')}/tools")
            except ServiceError as exc:
                self.logger.error("could not list the tools of MCP service %r: %s", name, exc)
                continue
            wanted = service.get("tools", "*")
            for tool in (data.get("tools") if isinstance(data, dict) else None) or []:
                if not isinstance(tool, dict) or not isinstance(tool.get("name"), str):
                    continue
                if wanted != "*" and isinstance(wanted, list) and tool["name"] not in wanted:
                    continue
                self._register_mcp_tool(name, tool)
        if "hangup_hook" not in self.agent._registered_tool_names():
            self.define_tool(
                name="hangup_hook",
                description="Close the MCP gateway session when the call ends",
                parameters={},
                handler=guarded(self._hangup, "the MCP gateway", self.logger),
            )

    def _register_mcp_tool(self, service: str, tool: dict[str, Any]) -> None:
        tool_name = str(tool["name"])
        if not _TOOL_NAME.match(tool_name) or not _TOOL_NAME.match(service):
            self.logger.warning(
                "skipping MCP tool with an unusable name: %r/%r", service, tool_name
            )
            return
        # SWAIG names allow letters, digits and underscores only: "my-svc" becomes "my_svc".
        swaig_name = _UNSAFE.sub("_", f"{self.tool_prefix}{service}_{tool_name}")
        if swaig_name[0].isdigit():
            swaig_name = f"_{swaig_name}"
        raw_schema = tool.get("inputSchema")
        schema: dict[str, Any] = raw_schema if isinstance(raw_schema, dict) else {}
        required = [r for r in schema.get("required") or [] if isinstance(r, str)]
        properties: dict[str, Any] = {}
        for prop, spec in (schema.get("properties") or {}).items():
            spec = spec if isinstance(spec, dict) else {}
            kind = spec.get("type") if spec.get("type") in _JSON_TYPES else "string"
            entry: dict[str, Any] = {"type": kind, "description": str(spec.get("description", ""))}
            if isinstance(spec.get("enum"), list):
                entry["enum"] = spec["enum"]
            if "default" in spec and prop not in required:
                entry["default"] = spec["default"]
            if kind == "array":
                entry["items"] = spec.get("items") if isinstance(spec.get("items"), dict) else {}
            properties[str(prop)] = entry

        async def handler(args: dict[str, Any], raw_data: dict[str, Any]) -> FunctionResult:
            return await self._call(service, tool_name, args, raw_data)

        self.define_tool(
            name=swaig_name,
            description=f"[{service}] {tool.get('description') or tool_name}"[:1000],
            parameters=properties,
            required=[r for r in required if r in properties],
            handler=guarded(handler, service, self.logger),
        )

    @staticmethod
    def _session(raw_data: dict[str, Any]) -> str:
        global_data = raw_data.get("global_data") if isinstance(raw_data, dict) else None
        if isinstance(global_data, dict) and global_data.get("mcp_call_id"):
            return str(global_data["mcp_call_id"])
        return (
            str(raw_data.get("call_id") or "unknown") if isinstance(raw_data, dict) else "unknown"
        )

    async def _call(
        self, service: str, tool: str, args: dict[str, Any], raw_data: dict[str, Any]
    ) -> FunctionResult:
        from signalwire.agents.skills._outbound import ServiceError, request_json

        body = {
            "tool": tool,
            "arguments": args if isinstance(args, dict) else {},
            "session_id": self._session(raw_data),
            "timeout": self.session_timeout,
            "metadata": {
                "agent_id": getattr(self.agent, "name", ""),
                "timestamp": raw_data.get("timestamp"),
                "call_id": raw_data.get("call_id"),
            },
        }
        reason = "no answer"
        for attempt in range(self.retry_attempts):
            try:
                data = await request_json(
                    "POST",
                    f"{self.gateway_url}/services/{quote(service, safe='')}/call",
                    timeout=self.request_timeout,
                    headers=self._headers,
                    json_body=body,
                    verify=self.verify_ssl,
                )
            except ServiceError as exc:
                reason = _reason(exc)
                retry = exc.kind in ("timeout", "unreachable") or (
                    exc.kind == "status" and exc.status >= 500
                )
                self.logger.warning(
                    "MCP call %s.%s failed (attempt %d): %s", service, tool, attempt + 1, exc
                )
                if not retry:
                    break
                if attempt + 1 < self.retry_attempts:
                    await asyncio.sleep(min(0.2 * 2**attempt, 2.0))
                continue
            result = (
                data.get("result", "The tool returned nothing.") if isinstance(data, dict) else data
            )
            text = result if isinstance(result, str) else _json(result)
            return FunctionResult(text[:_MAX_RESULT_CHARS])
        return FunctionResult(
            f"Sorry, the {service} tool {tool} is not working right now ({reason})."
        )

    async def _hangup(self, args: dict[str, Any], raw_data: dict[str, Any]) -> FunctionResult:
        from signalwire.agents.skills._outbound import ServiceError, request_json

        session = self._session(raw_data)
        try:
            await request_json(
                "DELETE",
                f"{self.gateway_url}/sessions/{quote(session, safe='')}",
                timeout=self.request_timeout,
                headers=self._headers,
                verify=self.verify_ssl,
            )
        except ServiceError as exc:
            if not (exc.kind == "status" and exc.status == 404):
                self.logger.warning("could not close MCP session %s: %s", session, exc)
        return FunctionResult("Session cleanup complete")

    def get_hints(self) -> list[str]:
        """ "MCP", "gateway" and the service names."""
        return ["MCP", "gateway", *(s["name"] for s in self.services)]

    def get_global_data(self) -> dict[str, Any]:
        """The gateway URL and services, for DataMap templates and other tools."""
        return {
            "mcp_gateway_url": self.gateway_url,
            "mcp_session_id": self.session_id,
            "mcp_services": [s["name"] for s in self.services],
        }

    def _get_prompt_sections(self) -> list[dict[str, Any]]:
        if not self.services:
            return []
        described = []
        for s in self.services:
            tools = s.get("tools", "*")
            count = "all tools" if tools == "*" else f"{len(tools)} tools"
            described.append(f"{s['name']} ({count})")
        return [
            {
                "title": "MCP Gateway Integration",
                "body": "Some of your tools come from outside services through an MCP gateway.",
                "bullets": [
                    f"Services: {', '.join(described)}",
                    f"Their tools are named {self.tool_prefix}<service>_<tool>",
                    "Each service remembers what happened earlier in this call",
                ],
            }
        ]


def _reason(exc: Any) -> str:
    if exc.kind == "status":
        body = exc.body
        if isinstance(body, dict) and isinstance(body.get("error"), str):
            return str(body["error"])[:200]
        return f"the gateway answered {exc.status}"
    return {"timeout": "it timed out", "unreachable": "the gateway could not be reached"}.get(
        exc.kind, "the answer was unreadable"
    )


def _json(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)
