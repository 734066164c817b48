"""The ``datasphere_serverless`` skill: DataSphere search as a DataMap tool.

Same parameters as ``datasphere`` (without ``timeout``), but SignalWire itself
POSTs the search to ``{base_url}/api/datasphere/documents/search`` and formats
up to ``count`` chunks, so the agent is not called during the conversation.
The project id and token travel in the rendered SWML as a Basic
``Authorization`` header.
"""

from __future__ import annotations

from typing import Any, ClassVar

from signalwire.agents import DataMap, FunctionResult
from signalwire.agents.skills import SkillBase
from signalwire.agents.skills._params import DATAMAP_ERROR_KEYS
from signalwire.agents.skills.datasphere.skill import DataSphereConfig, datasphere_schema


class DataSphereServerlessSkill(SkillBase):
    """Search a DataSphere document on the platform (DataMap)."""

    SKILL_NAME = "datasphere_serverless"
    SKILL_DESCRIPTION = "Search a SignalWire DataSphere document, run by the platform"
    SKILL_VERSION = "1.0.0"
    REQUIRED_PACKAGES: ClassVar[list[str]] = []
    REQUIRED_ENV_VARS: ClassVar[list[str]] = []
    SUPPORTS_MULTIPLE_INSTANCES = True

    @classmethod
    def get_parameter_schema(cls) -> dict[str, dict[str, Any]]:
        """The base parameters and the DataSphere ones."""
        schema = super().get_parameter_schema()
        schema.update(datasphere_schema())
        return schema

    def setup(self) -> bool:
        """Check the required settings."""
        self.config = DataSphereConfig(self.SKILL_NAME or "datasphere_serverless", self.params)
        return True

    def register_tools(self) -> None:
        """Register the DataMap tool."""
        config = self.config
        no_results = FunctionResult(config.no_results("${args.query}"))
        dm = (
            DataMap(config.tool_name)
            .description("Look up information in the knowledge base and return the best matches")
            .parameter(
                "query",
                "string",
                "What to look for, as a short question or phrase",
                required=True,
            )
            .webhook(
                "POST",
                config.search_url,
                headers={"Content-Type": "application/json", "Authorization": config.authorization},
            )
            .params(config.payload("${args.query}"))
            .foreach(
                {
                    "input_key": "chunks",
                    "output_key": "formatted_results",
                    "max": config.count,
                    "append": "=== RESULT ===\n${this.text}\n" + "=" * 50 + "\n\n",
                }
            )
            .output(
                FunctionResult('I found this for "${input.args.query}":\n\n${formatted_results}')
            )
            .error_keys(DATAMAP_ERROR_KEYS)
            .fallback_output(no_results)
        )
        function = dm.to_swaig_function()
        function.update(self.swaig_fields)
        self.agent.register_swaig_function(function)

    def get_global_data(self) -> dict[str, Any]:
        """Which document this agent searches."""
        return {
            "datasphere_serverless_enabled": True,
            "document_id": self.config.document_id,
            "knowledge_provider": "SignalWire DataSphere (Serverless)",
        }

    def _get_prompt_sections(self) -> list[dict[str, Any]]:
        name = self.config.tool_name
        return [
            {
                "title": "Knowledge Search Capability (Serverless)",
                "body": f"A knowledge base is available through the {name} tool.",
                "bullets": [
                    f"Call {name} when the caller asks something the knowledge base may answer",
                    "Search with a short, specific phrase",
                    "Sum up what you find in plain words rather than reading it out",
                    "When nothing is found, ask the caller to put the question another way",
                ],
            }
        ]
