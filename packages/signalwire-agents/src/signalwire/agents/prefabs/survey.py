"""SurveyAgent: runs a survey of rating, multiple-choice, yes/no and open questions."""

from __future__ import annotations

import json
import logging
from typing import Any

from signalwire.agents._agent_base import AgentBase
from signalwire.agents._function_result import FunctionResult

__all__ = ["SurveyAgent"]

log = logging.getLogger("signalwire.agents.prefabs")

_TYPES = ("rating", "multiple_choice", "yes_no", "open_ended")
_SUMMARY = """Return a JSON summary of the survey:
{
  "survey_name": "SURVEY_NAME",
  "responses": {"QUESTION_ID": "RESPONSE"},
  "completion_status": "complete or incomplete",
  "timestamp": "CURRENT_TIMESTAMP"
}"""


def _checked(questions: Any) -> list[dict[str, Any]]:
    if not isinstance(questions, list) or not questions:
        raise ValueError("questions must be a non-empty list")
    out: list[dict[str, Any]] = []
    for i, item in enumerate(questions, 1):
        if not isinstance(item, dict):
            raise ValueError(f"question {i} must be a dict")
        question = dict(item)
        question["id"] = str(question.get("id") or f"question_{i}")
        if not isinstance(question.get("text"), str) or not question["text"]:
            raise ValueError(f"question {i} needs a 'text'")
        if question.get("type") not in _TYPES:
            raise ValueError(f"question {i} has an invalid type; use one of: {', '.join(_TYPES)}")
        question.setdefault("required", True)
        if question["type"] == "multiple_choice":
            options = question.get("options")
            if not isinstance(options, list) or not options:
                raise ValueError(f"multiple-choice question {question['id']!r} needs options")
            question["options"] = [str(o) for o in options]
        if question["type"] == "rating":
            scale = question.setdefault("scale", 5)
            if not isinstance(scale, int) or isinstance(scale, bool) or scale < 2:
                raise ValueError(f"rating question {question['id']!r} needs an integer scale >= 2")
        out.append(question)
    ids = [q["id"] for q in out]
    if len(set(ids)) != len(ids):
        raise ValueError("question ids must be unique")
    return out


class SurveyAgent(AgentBase):
    """Asks survey questions in order, checks each answer and records it.

    A question is ``{id, text, type, scale?, options?, required?}`` where
    ``type`` is ``rating`` (``scale``, 5 by default), ``multiple_choice``
    (``options``), ``yes_no`` or ``open_ended``; ``required`` defaults to True.
    Tools: ``validate_response(question_id, response)`` and
    ``log_response(question_id, response)``; the summary arrives in
    :meth:`on_summary` as JSON.
    """

    def __init__(
        self,
        survey_name: str,
        questions: list[dict[str, Any]],
        introduction: str | None = None,
        conclusion: str | None = None,
        brand_name: str | None = None,
        max_retries: int = 2,
        name: str = "survey",
        route: str = "/survey",
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("use_pom", True)
        super().__init__(name=name, route=route, **kwargs)
        self._define_prefab_tools()
        self.survey_name = survey_name
        self.questions = _checked(questions)
        self.brand_name = brand_name or "Our Company"
        self.max_retries = max_retries
        self.introduction = (
            introduction or f"Welcome to the {survey_name}. Thank you for taking part."
        )
        self.conclusion = (
            conclusion or "Thank you for completing the survey. Your feedback helps us."
        )
        self._build()

    def _build(self) -> None:
        self.prompt_add_section(
            "Personality",
            body=f"You are a friendly, professional survey agent for {self.brand_name}.",
        )
        self.prompt_add_section(
            "Goal", body=f"Run the '{self.survey_name}' survey and record every answer."
        )
        self.prompt_add_section(
            "Instructions",
            bullets=[
                "Ask the questions in order, one at a time, and wait for each answer.",
                "Explain the scale of rating questions and read out multiple-choice options.",
                "Check each answer with validate_response, then save it with log_response.",
                f"If an answer is not valid, explain why and ask again, at most "
                f"{self.max_retries} times.",
                "Stay friendly and on topic, and thank the caller at the end.",
            ],
        )
        self.prompt_add_section("Introduction", body=f"Start with: {self.introduction}")
        subsections = []
        for q in self.questions:
            lines = [f"ID: {q['id']}", f"Type: {q['type']}", f"Required: {q['required']}"]
            if q["type"] == "rating":
                lines.append(f"Scale: 1-{q['scale']}")
            if q["type"] == "multiple_choice":
                lines.append(f"Options: {', '.join(q['options'])}")
            subsections.append({"title": q["text"], "body": "\n".join(lines)})
        self.prompt_add_section(
            "Survey Questions", body="Ask these questions in order:", subsections=subsections
        )
        self.prompt_add_section("Conclusion", body=f"Finish with: {self.conclusion}")
        self.set_post_prompt(_SUMMARY)
        terms: list[str] = []
        for q in self.questions:
            if q["type"] == "rating":
                terms.extend(str(n) for n in range(1, q["scale"] + 1))
            elif q["type"] == "multiple_choice":
                terms.extend(q["options"])
            elif q["type"] == "yes_no":
                terms.extend(["yes", "no"])
        self.add_hints([self.survey_name, self.brand_name, *terms])
        self.set_params(
            {
                "wait_for_user": False,
                "end_of_speech_timeout": 1500,
                "ai_volume": 5,
                "static_greeting": self.introduction,
                "static_greeting_no_barge": True,
            }
        )
        self.set_global_data(
            {
                "survey_name": self.survey_name,
                "brand_name": self.brand_name,
                "questions": self.questions,
                "max_retries": self.max_retries,
            }
        )
        self.set_native_functions(["check_time"])

    def _question(self, question_id: Any) -> dict[str, Any] | None:
        return next((q for q in self.questions if q["id"] == question_id), None)

    def _problem(self, question: dict[str, Any], response: str) -> str | None:
        """Why ``response`` does not answer ``question``, or None when it does."""
        text = response.strip()
        kind = question["type"]
        if kind == "rating":
            scale = question["scale"]
            if not (text.isdigit() and 1 <= int(text) <= scale):
                return f"Please give a whole number from 1 to {scale}."
        elif kind == "multiple_choice":
            if text.lower() not in {o.lower() for o in question["options"]}:
                return f"Please choose one of: {', '.join(question['options'])}."
        elif kind == "yes_no":
            if text.lower() not in {"yes", "no", "y", "n"}:
                return "Please answer yes or no."
        elif not text and question.get("required", True):
            return "This question needs an answer."
        return None

    def _define_prefab_tools(self) -> None:
        # The documented tools, bound to this instance's methods.
        self.define_tool(
            name="validate_response",
            description="Check whether an answer is valid for a survey question",
            parameters={
                "question_id": {"type": "string", "description": "The question's ID"},
                "response": {"type": "string", "description": "The caller's answer"},
            },
            handler=self.validate_response,
        )
        self.define_tool(
            name="log_response",
            description="Record a validated answer to a survey question",
            parameters={
                "question_id": {"type": "string", "description": "The question's ID"},
                "response": {"type": "string", "description": "The caller's validated answer"},
            },
            handler=self.log_response,
        )

    def validate_response(self, args: dict[str, Any], raw_data: dict[str, Any]) -> FunctionResult:
        """Tool: whether the answer fits the question's type, scale or options."""
        question = self._question(args.get("question_id"))
        if question is None:
            return FunctionResult(
                f"There is no question with the ID '{str(args.get('question_id'))[:80]}'."
            )
        response = args.get("response")
        problem = self._problem(question, response if isinstance(response, str) else "")
        if problem:
            return FunctionResult(f"Invalid answer to '{question['id']}'. {problem}")
        return FunctionResult(f"The answer to '{question['id']}' is valid.")

    def log_response(self, args: dict[str, Any], raw_data: dict[str, Any]) -> FunctionResult:
        """Tool: record the answer (kept in global data under ``survey_responses``)."""
        question = self._question(args.get("question_id"))
        if question is None:
            return FunctionResult(
                f"There is no question with the ID '{str(args.get('question_id'))[:80]}'."
            )
        response = args.get("response")
        data = raw_data.get("global_data") if isinstance(raw_data, dict) else None
        saved = data.get("survey_responses") if isinstance(data, dict) else None
        saved = dict(saved) if isinstance(saved, dict) else {}
        saved[question["id"]] = response if isinstance(response, str) else ""
        result = FunctionResult(f"The answer to '{question['text']}' has been recorded.")
        return result.update_global_data({"survey_responses": saved})

    def on_summary(
        self, summary: dict[str, Any] | str | None, raw_data: dict[str, Any] | None = None
    ) -> Any:
        """Log the survey summary (override to store it)."""
        if summary:
            shown = json.dumps(summary) if isinstance(summary, dict) else str(summary)
            log.info("survey %r finished: %s", self.survey_name, shown[:2000])
        return None
