"""The ``play_background_file`` skill: one tool that starts or stops background playback.

The tool is a DataMap that runs on SignalWire: its ``action`` argument is
``start_<key>`` for one of the configured files, or ``stop``. Each choice
answers with a ``playback_bg`` (or ``stop_playback_bg``) action, so no request
reaches the agent. The skill supports several instances, one per ``tool_name``.
"""

from __future__ import annotations

import re
from typing import Any

from signalwire.agents import FunctionResult
from signalwire.agents.skills import SkillBase
from signalwire.agents.skills._params import text_param

_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


class PlayBackgroundFileSkill(SkillBase):
    """Starts and stops background files chosen by key."""

    SKILL_NAME = "play_background_file"
    SKILL_DESCRIPTION = "Start and stop background audio or video files"
    SUPPORTS_MULTIPLE_INSTANCES = True

    @classmethod
    def get_parameter_schema(cls) -> dict[str, dict[str, Any]]:
        """``files`` (required) and ``tool_name``."""
        schema = super().get_parameter_schema()
        schema["files"] = {
            "type": "array",
            "description": "The files the AI may play: [{key, description, url, wait?}]",
            "required": True,
            "items": {
                "type": "object",
                "properties": {
                    "key": {"type": "string", "description": "Short id (letters, digits, _ -)"},
                    "description": {"type": "string", "description": "What the file is"},
                    "url": {"type": "string", "description": "Where the file is"},
                    "wait": {
                        "type": "boolean",
                        "description": "Hold the conversation until it ends",
                        "default": False,
                    },
                },
                "required": ["key", "description", "url"],
            },
        }
        return schema

    def __init__(self, agent: Any, params: dict[str, Any] | None = None) -> None:
        super().__init__(agent, params)
        self.tool_name = text_param(self, "tool_name")
        self.files: list[dict[str, Any]] = self._checked_files(self.params.get("files"))

    @staticmethod
    def _checked_files(files: Any) -> list[dict[str, Any]]:
        if not isinstance(files, list) or not files:
            raise ValueError("parameter 'files' must be a non-empty list")
        seen: set[str] = set()
        for i, item in enumerate(files):
            if not isinstance(item, dict):
                raise ValueError(f"files[{i}] must be a dict with key, description and url")
            for field in ("key", "description", "url"):
                value = item.get(field)
                if not isinstance(value, str) or not value.strip():
                    raise ValueError(f"files[{i}].{field} must be a non-empty string")
            if not _KEY.match(item["key"]):
                raise ValueError(
                    f"files[{i}].key {item['key']!r} may hold only letters, digits, '_' and '-'"
                )
            if item["key"] in seen:
                raise ValueError(f"files[{i}].key {item['key']!r} is used twice")
            seen.add(item["key"])
            if "wait" in item and not isinstance(item["wait"], bool):
                raise ValueError(f"files[{i}].wait must be true or false")
        return [dict(item) for item in files]

    def setup(self) -> bool:
        """The files were checked when the skill was created."""
        return True

    def register_tools(self) -> None:
        """Register the DataMap tool named ``tool_name``."""
        choices = [f"start_{f['key']}" for f in self.files] + ["stop"]
        explained = [f"start_{f['key']}: play {f['description']}" for f in self.files]
        explained.append("stop: stop whatever is playing in the background")
        expressions: list[dict[str, Any]] = []
        for item in self.files:
            # Always the object form: the SWML schema rejects the bare-URL form 3.7.5 sends.
            start = FunctionResult(
                f"Tell the caller you are starting {item['description']}.", post_process=True
            ).add_action("playback_bg", {"file": item["url"], "wait": bool(item.get("wait"))})
            expressions.append(
                {
                    "string": "${args.action}",
                    "pattern": f"/start_{item['key']}/i",
                    "output": start.to_dict(),
                }
            )
        stop = FunctionResult(
            "Tell the caller the background playback has stopped."
        ).stop_background_file()
        expressions.append(
            {"string": "${args.action}", "pattern": "/stop/i", "output": stop.to_dict()}
        )
        tool: dict[str, Any] = {
            "function": self.tool_name,
            "description": f"Start or stop background playback ({self.tool_name.replace('_', ' ')})",
            "parameters": {
                "type": "object",
                "properties": {
                    "action": {
                        "type": "string",
                        "description": "What to do. " + "; ".join(explained),
                        "enum": choices,
                    }
                },
                "required": ["action"],
            },
            "wait_for_fillers": True,
            "skip_fillers": True,
            "data_map": {"expressions": expressions},
        }
        tool.update(self.swaig_fields)
        self.agent.register_swaig_function(tool)

    def _get_prompt_sections(self) -> list[dict[str, Any]]:
        return [
            {
                "title": f"Background playback ({self.tool_name})",
                "body": f"Use {self.tool_name} to play one of these files in the background "
                "or to stop playback:",
                "bullets": [f"start_{f['key']}: {f['description']}" for f in self.files]
                + ["stop: stop the playback"],
            }
        ]
