"""The ``datetime`` skill: tells the caller the current time and date.

Tools: ``get_current_time`` and ``get_current_date``, each with an optional
``timezone`` argument (an IANA name such as ``Europe/Paris``; UTC when absent).
Timezones come from the standard library's :mod:`zoneinfo`.

This file is a complete skill: copy the folder as the template for your own.
"""

from __future__ import annotations

from typing import Any, ClassVar

from signalwire.agents import FunctionResult
from signalwire.agents.skills import SkillBase

_TIMEZONE_ARG = {
    "timezone": {
        "type": "string",
        "description": "IANA timezone name such as 'America/Chicago' or 'Asia/Tokyo'; "
        "UTC when omitted",
    }
}


def _zone(name: Any) -> tuple[Any, str | None]:
    """The tzinfo for ``name``, or (None, a sentence the AI can say) when it is unusable."""
    # Imported on the first call, so add_skill stays cheap.
    from datetime import timezone
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if name is None or (isinstance(name, str) and name.strip().upper() in {"", "UTC", "Z"}):
        return timezone.utc, None
    if not isinstance(name, str) or len(name) > 64:
        return None, "That is not a timezone I know. Please give a name like Europe/London."
    try:
        return ZoneInfo(name.strip()), None
    except (ZoneInfoNotFoundError, ValueError, OSError):
        shown = name.strip()[:64]
        return None, (
            f"I don't know the timezone '{shown}'. Please give a region and city such as "
            "America/New_York or Europe/London."
        )


def _now(tz: Any) -> Any:
    from datetime import datetime

    return datetime.now(tz)


class DateTimeSkill(SkillBase):
    """Current time and date, in UTC or a named timezone."""

    SKILL_NAME = "datetime"
    SKILL_DESCRIPTION = "Current date and time in any timezone"
    SKILL_VERSION = "1.0.0"
    REQUIRED_PACKAGES: ClassVar[list[str]] = []
    REQUIRED_ENV_VARS: ClassVar[list[str]] = []

    @classmethod
    def get_parameter_schema(cls) -> dict[str, dict[str, Any]]:
        """Only the base parameters (``swaig_fields``, ``skip_prompt``)."""
        return super().get_parameter_schema()

    def setup(self) -> bool:
        """Nothing to prepare."""
        return True

    def register_tools(self) -> None:
        """Register ``get_current_time`` and ``get_current_date``."""
        self.define_tool(
            name="get_current_time",
            description="Tell the current time, in UTC or in a given timezone",
            parameters=dict(_TIMEZONE_ARG),
            handler=self._current_time,
        )
        self.define_tool(
            name="get_current_date",
            description="Tell today's date, in UTC or in a given timezone",
            parameters=dict(_TIMEZONE_ARG),
            handler=self._current_date,
        )

    def _current_time(self, args: dict[str, Any], raw_data: dict[str, Any]) -> FunctionResult:
        tz, problem = _zone(args.get("timezone"))
        if problem:
            return FunctionResult(problem)
        now = _now(tz)
        return FunctionResult(f"The current time is {now.strftime('%I:%M:%S %p %Z')}")

    def _current_date(self, args: dict[str, Any], raw_data: dict[str, Any]) -> FunctionResult:
        tz, problem = _zone(args.get("timezone"))
        if problem:
            return FunctionResult(problem)
        now = _now(tz)
        return FunctionResult(f"Today's date is {now.strftime('%A, %B %d, %Y')}")

    def _get_prompt_sections(self) -> list[dict[str, Any]]:
        return [
            {
                "title": "Date and Time Information",
                "body": "You can look up the current time and date for the caller.",
                "bullets": [
                    "Call get_current_time when asked what time it is",
                    "Call get_current_date when asked for today's date",
                    "Pass a timezone such as America/Denver when the caller names a place",
                ],
            }
        ]
