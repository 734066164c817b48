"""The ``swml_transfer`` skill: a transfer tool that matches the caller's request to a destination.

The tool is a DataMap that runs on SignalWire. Its argument (``transfer_type``
by default) is matched against each configured pattern in order; a match
answers with the configured message and either a ``swml_transfer`` to another
agent (``url``) or a ``connect`` to a number or SIP address (``address``).
Nothing matching answers with ``default_message``. ``required_fields`` adds
arguments the AI must collect first; they are saved in ``global_data.call_data``
for the next agent. The skill supports several instances, one per ``tool_name``.
"""

from __future__ import annotations

from typing import Any

from signalwire.agents import DataMap, FunctionResult
from signalwire.agents.skills import SkillBase
from signalwire.agents.skills._params import (
    text_param,
    tool_name_param,
)


def _plain(pattern: str) -> str:
    """A pattern without its ``/.../flags`` wrapping, for hints and the prompt."""
    end = pattern.rfind("/")
    if (
        pattern.startswith("/")
        and end > 0
        and (pattern[end + 1 :].isalpha() or end == len(pattern) - 1)
    ):
        return pattern[1:end]
    return pattern


def _shown(destination: str) -> str:
    """A destination for the prompt, without any credentials in it."""
    if "://" in destination and "@" in destination.split("://", 1)[1].split("/", 1)[0]:
        scheme, rest = destination.split("://", 1)
        host = rest.split("@", 1)[1]
        return f"{scheme}://{host}"
    return destination


class SWMLTransferSkill(SkillBase):
    """Transfers the call to the destination whose pattern matches the request."""

    SKILL_NAME = "swml_transfer"
    SKILL_DESCRIPTION = "Transfer calls to agents or numbers by matching the request"
    SUPPORTS_MULTIPLE_INSTANCES = True

    @classmethod
    def get_parameter_schema(cls) -> dict[str, dict[str, Any]]:
        """``transfers`` (required) and the tool's wording and defaults."""
        schema = super().get_parameter_schema()
        schema.update(
            {
                "transfers": {
                    "type": "object",
                    "description": "Pattern -> {url | address, message, return_message, "
                    "post_process, final, from_addr}",
                    "required": True,
                },
                "description": {
                    "type": "string",
                    "description": "Description of the transfer tool",
                    "default": "Transfer the call to the destination that matches the request",
                },
                "parameter_name": {
                    "type": "string",
                    "description": "Name of the tool's argument",
                    "default": "transfer_type",
                },
                "parameter_description": {
                    "type": "string",
                    "description": "Description of the tool's argument",
                    "default": "Where the caller wants to be transferred",
                },
                "default_message": {
                    "type": "string",
                    "description": "Answer when no pattern matches",
                    "default": "Please tell me which department or person you need.",
                },
                "default_post_process": {
                    "type": "boolean",
                    "description": "Let the AI rephrase default_message",
                    "default": False,
                },
                "required_fields": {
                    "type": "object",
                    "description": "Extra arguments to collect first: {name: description}",
                    "default": {},
                },
                "tool_name": tool_name_param(
                    "Name of the transfer tool (one per instance)", "transfer_call", required=None
                ),
            }
        )
        return schema

    def get_instance_key(self) -> str:
        """``swml_transfer_<tool_name>``."""
        return f"{self.SKILL_NAME}_{self.params.get('tool_name') or 'transfer_call'}"

    def setup(self) -> bool:
        """Check every transfer has exactly one of ``url`` and ``address``."""
        transfers = self.params.get("transfers")
        if not isinstance(transfers, dict) or not transfers:
            raise ValueError("parameter 'transfers' must be a non-empty dict of pattern -> config")
        checked: dict[str, dict[str, Any]] = {}
        for pattern, config in transfers.items():
            if not isinstance(config, dict):
                raise ValueError(f"transfers[{pattern!r}] must be a dict")
            if ("url" in config) == ("address" in config):
                raise ValueError(f"transfers[{pattern!r}] needs exactly one of 'url' and 'address'")
            checked[str(pattern)] = {
                "message": "Transferring you now.",
                "return_message": "You're back with me. Is there anything else I can help with?",
                "post_process": True,
                "final": True,
                **config,
            }
        fields = self.params.get("required_fields") or {}
        if not isinstance(fields, dict) or not all(isinstance(v, str) for v in fields.values()):
            raise ValueError("parameter 'required_fields' must map field names to descriptions")
        self.transfers = checked
        self.required_fields: dict[str, str] = dict(fields)
        self.tool_name = text_param(self, "tool_name")
        self.parameter_name: str = self.params["parameter_name"]
        return True

    def _call_data(self, result: FunctionResult) -> FunctionResult:
        if self.required_fields:
            saved = {name: f"${{args.{name}}}" for name in self.required_fields}
            result.update_global_data({"call_data": saved})
        return result

    def register_tools(self) -> None:
        """Register the DataMap transfer tool."""
        tool = (
            DataMap(self.tool_name)
            .description(self.params["description"])
            .parameter(
                self.parameter_name, "string", self.params["parameter_description"], required=True
            )
        )
        for name, description in self.required_fields.items():
            tool.parameter(name, "string", description, required=True)
        test_value = f"${{args.{self.parameter_name}}}"
        for pattern, config in self.transfers.items():
            result = self._call_data(
                FunctionResult(config["message"], post_process=bool(config["post_process"]))
            )
            if "url" in config:
                result.swml_transfer(config["url"], config["return_message"], bool(config["final"]))
            else:
                result.connect(config["address"], bool(config["final"]), config.get("from_addr"))
            tool.expression(test_value, pattern, result)
        fallback = self._call_data(
            FunctionResult(
                self.params["default_message"],
                post_process=bool(self.params["default_post_process"]),
            )
        )
        tool.expression(test_value, r"/.*/", fallback)
        function = tool.to_swaig_function()
        function.update(self.swaig_fields)
        self.agent.register_swaig_function(function)

    def get_hints(self) -> list[str]:
        """The words of each pattern, plus a few transfer phrases."""
        hints: list[str] = []
        for pattern in self.transfers:
            text = _plain(pattern)
            if text and not text.startswith("."):
                hints.extend(part.strip().lower() for part in text.split("|") if part.strip())
        return [*hints, "transfer", "connect", "speak to", "talk to"]

    def _get_prompt_sections(self) -> list[dict[str, Any]]:
        destinations = []
        for pattern, config in self.transfers.items():
            text = _plain(pattern)
            if text and not text.startswith("."):
                where = _shown(str(config.get("url") or config.get("address")))
                destinations.append(f'"{text}" goes to {where}')
        steps = [
            f"Call {self.tool_name} when the caller asks to be transferred",
            f"Put where they want to go in the '{self.parameter_name}' argument",
        ]
        if self.required_fields:
            steps.append("Collect these first; they are passed on to the next agent:")
            steps.extend(f"{name}: {text}" for name, text in self.required_fields.items())
        return [
            {
                "title": "Transferring",
                "body": f"You can transfer the call with {self.tool_name} to these destinations:",
                "bullets": destinations,
            },
            {"title": "Transfer Instructions", "body": "How to transfer:", "bullets": steps},
        ]
