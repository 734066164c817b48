"""ReceptionistAgent: greets callers, notes who they are and transfers them to a department."""

from __future__ import annotations

from typing import Any

from signalwire.agents._agent_base import AgentBase
from signalwire.agents._function_result import FunctionResult

__all__ = ["ReceptionistAgent"]

_SUMMARY = """Return a JSON summary of the call:
{
  "caller_name": "CALLER'S NAME",
  "reason": "REASON FOR CALLING",
  "department": "DEPARTMENT TRANSFERRED TO",
  "satisfaction": "high, medium or low (your estimate)"
}"""


def _checked(departments: Any) -> list[dict[str, Any]]:
    if not isinstance(departments, list) or not departments:
        raise ValueError("departments must be a non-empty list")
    for i, dept in enumerate(departments, 1):
        if not isinstance(dept, dict):
            raise ValueError(f"department {i} must be a dict with name, description and number")
        for field in ("name", "description", "number"):
            if not isinstance(dept.get(field), str) or not dept[field]:
                raise ValueError(f"department {i} needs a non-empty '{field}'")
    names = [d["name"] for d in departments]
    if len(set(names)) != len(names):
        raise ValueError("department names must be unique")
    return [dict(d) for d in departments]


class ReceptionistAgent(AgentBase):
    """A front desk: collects the caller's name and reason, then transfers them.

    A department is ``{name, description, number}``. Tools:
    ``collect_caller_info(name, reason)`` (stored as ``global_data.caller_info``)
    and ``transfer_call(department)``, which connects the call to the
    department's number for good.
    """

    def __init__(
        self,
        departments: list[dict[str, Any]],
        name: str = "receptionist",
        route: str = "/receptionist",
        greeting: str = "Thank you for calling. How can I help you today?",
        voice: str = "rime.spore",
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("use_pom", True)
        super().__init__(name=name, route=route, **kwargs)
        self.departments = _checked(departments)
        self._greeting = greeting
        self.set_global_data({"departments": self.departments, "caller_info": {}})
        self.prompt_add_section(
            "Personality",
            body="You are a warm, efficient receptionist who speaks clearly and briefly.",
        )
        self.prompt_add_section(
            "Goal",
            body="Greet callers, learn who they are and why they call, and transfer them to "
            "the right department.",
        )
        self.prompt_add_section(
            "Instructions",
            bullets=[
                f"Greet the caller with: '{greeting}'",
                "Ask for their name and the reason for their call.",
                "Call collect_caller_info once you have both.",
                "Pick the department that fits; ask follow-up questions when it is unclear.",
                "Confirm the department with the caller, then call transfer_call.",
            ],
        )
        self.prompt_add_section(
            "Available Departments",
            bullets=[f"{d['name']}: {d['description']}" for d in self.departments],
        )
        self.set_post_prompt(_SUMMARY)
        self.set_params(
            {"end_of_speech_timeout": 700, "speech_event_timeout": 1000, "transfer_summary": True}
        )
        self.add_language(name="English", code="en-US", voice=voice)
        self.define_tool(
            name="collect_caller_info",
            description="Record the caller's name and the reason for the call",
            parameters={
                "name": {"type": "string", "description": "The caller's name"},
                "reason": {"type": "string", "description": "Why they are calling"},
            },
            handler=self._collect_caller_info,
        )
        self.define_tool(
            name="transfer_call",
            description="Transfer the caller to a department",
            parameters={
                "department": {
                    "type": "string",
                    "description": "The department to transfer to",
                    "enum": [d["name"] for d in self.departments],
                }
            },
            handler=self._transfer_call,
        )

    def _collect_caller_info(
        self, args: dict[str, Any], raw_data: dict[str, Any]
    ) -> FunctionResult:
        name = args.get("name") if isinstance(args.get("name"), str) else ""
        reason = args.get("reason") if isinstance(args.get("reason"), str) else ""
        if not name or not reason:
            return FunctionResult("I still need the caller's name and the reason for the call.")
        result = FunctionResult(
            f"Thank you, {name}. I've noted that you're calling about {reason}."
        )
        return result.update_global_data({"caller_info": {"name": name, "reason": reason}})

    def _transfer_call(self, args: dict[str, Any], raw_data: dict[str, Any]) -> FunctionResult:
        wanted = args.get("department")
        # The number comes from the agent's own configuration, never from the call's data.
        department = next((d for d in self.departments if d["name"] == wanted), None)
        if department is None:
            choices = ", ".join(d["name"] for d in self.departments)
            return FunctionResult(
                f"I couldn't find the department '{str(wanted)[:80]}'. The departments are: "
                f"{choices}."
            )
        data = raw_data.get("global_data") if isinstance(raw_data, dict) else None
        info = data.get("caller_info") if isinstance(data, dict) else None
        caller = info.get("name") if isinstance(info, dict) else None
        caller = caller if isinstance(caller, str) and caller else "the caller"
        result = FunctionResult(
            f"I'll transfer you to our {department['name']} department now. Thank you for "
            f"calling, {caller}!",
            post_process=True,
        )
        return result.connect(department["number"], final=True)
