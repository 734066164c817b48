"""The ``datasphere`` skill: answer from a SignalWire DataSphere document.

Tool ``search_knowledge`` (argument ``query``; renamed with ``tool_name``, one
instance per name): the agent POSTs the query to
``{base_url}/api/datasphere/documents/search`` with the project id and API
token as Basic credentials, and gives the AI the matching chunks.

Parameters: ``space_name``, ``project_id`` (``SIGNALWIRE_PROJECT_ID``),
``token`` (``SIGNALWIRE_API_TOKEN``), ``document_id`` (all required),
``count`` (1), ``distance`` (3.0), ``tags``, ``language``, ``pos_to_expand``,
``max_synonyms``, ``no_results_message`` (``{query}`` is replaced),
``tool_name``, ``timeout`` (10 s) and ``base_url`` (``https://<space_name>.signalwire.com``).
The ``datasphere_serverless`` skill reuses this schema and payload.
"""

from __future__ import annotations

import base64
from typing import Any, ClassVar

from signalwire.agents import FunctionResult
from signalwire.agents.skills import SkillBase, SkillParameterError
from signalwire.agents.skills._guard import guarded
from signalwire.agents.skills._params import (
    base_url_param,
    tool_name_param,
)

NO_RESULTS = (
    "I found nothing about '{query}' in the knowledge base. "
    "Try asking in other words or about something else."
)
_MAX_CHUNK_CHARS = 4000


def datasphere_schema() -> dict[str, dict[str, Any]]:
    """The DataSphere parameters shared by ``datasphere`` and ``datasphere_serverless``."""
    return {
        "tool_name": tool_name_param("Name of this instance's search tool", "search_knowledge"),
        "space_name": {
            "type": "string",
            "description": "SignalWire space name ('example' for example.signalwire.com)",
            "required": True,
        },
        "project_id": {
            "type": "string",
            "description": "SignalWire project ID",
            "required": True,
            "env_var": "SIGNALWIRE_PROJECT_ID",
        },
        "token": {
            "type": "string",
            "description": "SignalWire API token",
            "required": True,
            "hidden": True,
            "env_var": "SIGNALWIRE_API_TOKEN",
        },
        "document_id": {
            "type": "string",
            "description": "ID of the DataSphere document to search",
            "required": True,
        },
        "count": {
            "type": "integer",
            "description": "How many chunks to return",
            "default": 1,
            "required": False,
            "min": 1,
            "max": 10,
        },
        "distance": {
            "type": "number",
            "description": "Largest distance a match may have (lower is closer)",
            "default": 3.0,
            "required": False,
            "min": 0.0,
            "max": 10.0,
        },
        "tags": {
            "type": "array",
            "description": "Only search chunks with these tags",
            "required": False,
            "items": {"type": "string"},
        },
        "language": {
            "type": "string",
            "description": "Language code used to expand the query ('en', 'es', ...)",
            "required": False,
        },
        "pos_to_expand": {
            "type": "array",
            "description": "Parts of speech to expand with synonyms",
            "required": False,
            "items": {"type": "string", "enum": ["NOUN", "VERB", "ADJ", "ADV"]},
        },
        "max_synonyms": {
            "type": "integer",
            "description": "Most synonyms used per expanded word",
            "required": False,
            "min": 1,
            "max": 10,
        },
        "no_results_message": {
            "type": "string",
            "description": "What to say when nothing matches ({query} is replaced)",
            "default": NO_RESULTS,
            "required": False,
        },
        "base_url": base_url_param(
            "Base URL of the space (default https://<space_name>.signalwire.com)"
        ),
    }


class DataSphereConfig:
    """The checked DataSphere settings of one skill instance."""

    def __init__(self, skill_name: str, params: dict[str, Any]) -> None:
        for name, env in (
            ("space_name", None),
            ("project_id", "SIGNALWIRE_PROJECT_ID"),
            ("token", "SIGNALWIRE_API_TOKEN"),
            ("document_id", None),
        ):
            if not str(params.get(name) or "").strip():
                hint = f" (or set the {env} environment variable)" if env else ""
                raise SkillParameterError(
                    f"skill {skill_name!r} needs the parameter {name!r}{hint}"
                )
        self.space_name = str(params["space_name"]).strip()
        self.project_id = str(params["project_id"]).strip()
        self.token = str(params["token"]).strip()
        self.document_id = str(params["document_id"]).strip()
        self.count = int(params.get("count") or 1)
        self.distance = float(params.get("distance", 3.0))
        self.optional = {
            key: params[key]
            for key in ("tags", "language", "pos_to_expand", "max_synonyms")
            if params.get(key) is not None
        }
        self.tool_name = str(params.get("tool_name") or "search_knowledge")
        self.no_results_message = str(params.get("no_results_message") or NO_RESULTS)
        host = self.space_name if "." in self.space_name else f"{self.space_name}.signalwire.com"
        base = str(params.get("base_url") or f"https://{host}").rstrip("/")
        self.search_url = f"{base}/api/datasphere/documents/search"

    def payload(self, query: str) -> dict[str, Any]:
        """The search request body for ``query``."""
        return {
            "document_id": self.document_id,
            "query_string": query,
            "distance": self.distance,
            "count": self.count,
            **self.optional,
        }

    @property
    def authorization(self) -> str:
        """The Basic ``Authorization`` header value."""
        raw = f"{self.project_id}:{self.token}".encode()
        return "Basic " + base64.b64encode(raw).decode("ascii")

    def no_results(self, query: str) -> str:
        """The no-results sentence for ``query``."""
        return self.no_results_message.replace("{query}", query)


def _chunk_text(chunk: Any) -> str:
    if isinstance(chunk, dict):
        for key in ("text", "content", "chunk"):
            if isinstance(chunk.get(key), str):
                return str(chunk[key])[:_MAX_CHUNK_CHARS]
    return ""


class DataSphereSkill(SkillBase):
    """Search a DataSphere document through the agent (a webhook tool)."""

    SKILL_NAME = "datasphere"
    SKILL_DESCRIPTION = "Search a SignalWire DataSphere document"
    SKILL_VERSION = "1.0.0"
    REQUIRED_PACKAGES: ClassVar[list[str]] = ["httpx"]
    REQUIRED_ENV_VARS: ClassVar[list[str]] = []
    SUPPORTS_MULTIPLE_INSTANCES = True

    @classmethod
    def get_parameter_schema(cls) -> dict[str, dict[str, Any]]:
        """The base parameters, the DataSphere ones and the request ``timeout``."""
        schema = super().get_parameter_schema()
        schema.update(datasphere_schema())
        schema["timeout"] = {
            "type": "number",
            "description": "Seconds to wait for DataSphere before apologising",
            "default": 10.0,
            "required": False,
            "min": 0.1,
            "max": 60.0,
        }
        return schema

    def setup(self) -> bool:
        """Check the required settings."""
        self.config = DataSphereConfig(self.SKILL_NAME or "datasphere", self.params)
        self.timeout = float(self.params.get("timeout") or 10.0)
        return True

    def register_tools(self) -> None:
        """Register the search tool."""
        self.define_tool(
            name=self.config.tool_name,
            description="Look up information in the knowledge base and return the best matches",
            parameters={
                "query": {
                    "type": "string",
                    "description": "What to look for, as a short question or phrase",
                }
            },
            handler=guarded(self._search, "the knowledge base", self.logger),
        )

    async def _search(self, args: dict[str, Any], raw_data: dict[str, Any]) -> FunctionResult:
        from signalwire.agents.skills._outbound import ServiceError, request_json, speakable

        query = args.get("query")
        if not isinstance(query, str) or not query.strip():
            return FunctionResult("What would you like me to look up in the knowledge base?")
        query = query.strip()[:1000]
        try:
            data = await request_json(
                "POST",
                self.config.search_url,
                timeout=self.timeout,
                headers={"Accept": "application/json", "Authorization": self.config.authorization},
                json_body=self.config.payload(query),
            )
        except ServiceError as exc:
            self.logger.warning("DataSphere search failed: %s %s", exc.kind, exc)
            return FunctionResult(speakable("the knowledge base", exc))
        chunks = data.get("chunks") if isinstance(data, dict) else None
        texts = [t for t in (_chunk_text(c) for c in chunks or []) if t]
        if not texts:
            return FunctionResult(self.config.no_results(query))
        found = "1 result" if len(texts) == 1 else f"{len(texts)} results"
        parts = [f"I found {found} for '{query}':\n"]
        for i, text in enumerate(texts, 1):
            parts.append(f"=== RESULT {i} ===\n{text}\n{'=' * 50}\n")
        return FunctionResult("\n".join(parts))

    def get_global_data(self) -> dict[str, Any]:
        """Which document this agent searches."""
        return {
            "datasphere_enabled": True,
            "document_id": self.config.document_id,
            "knowledge_provider": "SignalWire DataSphere",
        }

    def _get_prompt_sections(self) -> list[dict[str, Any]]:
        name = self.config.tool_name
        return [
            {
                "title": "Knowledge Search Capability",
                "body": f"A knowledge base is available through the {name} tool.",
                "bullets": [
                    f"Call {name} when the caller asks something the knowledge base may answer",
                    "Search with a short, specific phrase",
                    "Sum up what you find in plain words rather than reading it out",
                    "When nothing is found, ask the caller to put the question another way",
                ],
            }
        ]
