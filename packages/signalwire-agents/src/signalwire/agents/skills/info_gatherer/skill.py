"""The ``info_gatherer`` skill: asks a list of questions one by one and keeps the answers.

``start_questions`` gives the AI the first question; ``submit_answer`` stores the
answer and gives the next one. The progress lives in the call's global data
under ``skill:<prefix>`` (or ``skill:info_gatherer``), so the agent keeps no
per-call state. With a ``prefix`` the tools are ``<prefix>_start_questions`` and
``<prefix>_submit_answer``, and several questionnaires can run side by side.
"""

from __future__ import annotations

from typing import Any

from signalwire.agents import FunctionResult
from signalwire.agents.skills import SkillBase

_DONE = (
    "Thank you, that was the last question. Summarise what you collected or ask the caller "
    "if there is anything else they need."
)


def check_questions(questions: Any) -> list[dict[str, Any]]:
    """The questions, checked: a non-empty list of ``{key_name, question_text, confirm?}``."""
    if not isinstance(questions, list) or not questions:
        raise ValueError("parameter 'questions' must be a non-empty list")
    seen: set[str] = set()
    for i, item in enumerate(questions, 1):
        if not isinstance(item, dict):
            raise ValueError(f"question {i} must be a dict with key_name and question_text")
        for field in ("key_name", "question_text"):
            if not isinstance(item.get(field), str) or not item[field].strip():
                raise ValueError(f"question {i} needs a non-empty '{field}'")
        if item["key_name"] in seen:
            raise ValueError(f"question {i} repeats the key_name {item['key_name']!r}")
        seen.add(item["key_name"])
    return [dict(q) for q in questions]


def question_prompt(
    question: dict[str, Any], number: int, total: int, submit_tool: str, first: bool
) -> str:
    """What the AI is told about the question it should ask next."""
    if first:
        text = (
            f"Ask the questions one at a time. After each answer call {submit_tool} with the "
            f"caller's words, and never reuse an earlier answer.\n\n"
            f'[Question {number} of {total}]: "{question["question_text"]}"'
        )
    else:
        text = f'Answer saved. [Question {number} of {total}]: "{question["question_text"]}"'
    if question.get("prompt_add"):
        text += f"\nNote: {question['prompt_add']}"
    if question.get("confirm"):
        text += (
            "\nThis answer must be confirmed: read it back to the caller and ask whether it is "
            f"right before calling {submit_tool}. If it is wrong, ask again."
        )
    return text


class InfoGathererSkill(SkillBase):
    """A questionnaire: one question at a time, answers kept in global data."""

    SKILL_NAME = "info_gatherer"
    SKILL_DESCRIPTION = "Ask a list of questions one at a time and keep the answers"
    SUPPORTS_MULTIPLE_INSTANCES = True

    @classmethod
    def get_parameter_schema(cls) -> dict[str, dict[str, Any]]:
        """``questions`` (required), ``prefix`` and ``completion_message``."""
        schema = super().get_parameter_schema()
        schema.pop("tool_name", None)  # instances are told apart by their prefix
        schema.update(
            {
                "questions": {
                    "type": "array",
                    "description": "Questions: [{key_name, question_text, confirm?, prompt_add?}]",
                    "required": True,
                    "items": {
                        "type": "object",
                        "properties": {
                            "key_name": {"type": "string"},
                            "question_text": {"type": "string"},
                            "confirm": {"type": "boolean"},
                            "prompt_add": {"type": "string"},
                        },
                    },
                },
                "prefix": {
                    "type": "string",
                    "description": "Prefix of the tool names and of the skill:<prefix> state key",
                },
                "completion_message": {
                    "type": "string",
                    "description": "What the AI is told once every question is answered",
                    "default": _DONE,
                },
            }
        )
        return schema

    def get_instance_key(self) -> str:
        """``info_gatherer`` or ``info_gatherer_<prefix>``."""
        prefix = self.params.get("prefix")
        return f"info_gatherer_{prefix}" if prefix else "info_gatherer"

    def setup(self) -> bool:
        """Check the questions and name the tools."""
        self.questions = check_questions(self.params.get("questions"))
        prefix = self.params.get("prefix")
        self.start_tool_name = f"{prefix}_start_questions" if prefix else "start_questions"
        self.submit_tool_name = f"{prefix}_submit_answer" if prefix else "submit_answer"
        self.completion_message: str = self.params.get("completion_message") or _DONE
        return True

    def get_global_data(self) -> dict[str, Any]:
        """The questionnaire's starting state under its namespace."""
        return {
            self._get_skill_namespace(): {
                "questions": self.questions,
                "question_index": 0,
                "answers": [],
            }
        }

    def register_tools(self) -> None:
        """Register the start and submit tools."""
        self.define_tool(
            name=self.start_tool_name,
            description="Get the first question to ask the caller",
            parameters={},
            handler=self._start,
        )
        self.define_tool(
            name=self.submit_tool_name,
            description="Save the caller's answer to the current question and get the next one",
            parameters={
                "answer": {"type": "string", "description": "The caller's answer"},
                "confirmed_by_user": {
                    "type": "boolean",
                    "description": "True only when the caller has just confirmed the answer "
                    "you read back; never set it on your own",
                },
            },
            handler=self._submit,
        )

    def _state(self, raw_data: dict[str, Any]) -> tuple[list[dict[str, Any]], int, list[Any]]:
        state = self.get_skill_data(raw_data)
        try:  # the state comes back from the call: trust it only when it is well formed
            questions = check_questions(state.get("questions"))
        except ValueError:
            questions = self.questions
        index = state.get("question_index", 0)
        index = index if isinstance(index, int) and index >= 0 else 0
        answers = state.get("answers")
        return questions, index, list(answers) if isinstance(answers, list) else []

    def _start(self, args: dict[str, Any], raw_data: dict[str, Any]) -> FunctionResult:
        questions, index, _answers = self._state(raw_data)
        if index >= len(questions):
            return FunctionResult("There are no questions left to ask.")
        return FunctionResult(
            question_prompt(
                questions[index], index + 1, len(questions), self.submit_tool_name, True
            )
        )

    def _submit(self, args: dict[str, Any], raw_data: dict[str, Any]) -> FunctionResult:
        questions, index, answers = self._state(raw_data)
        if index >= len(questions):
            return FunctionResult("Every question has already been answered.")
        answer = args.get("answer")
        if not isinstance(answer, str) or not answer.strip():
            return FunctionResult(
                "I did not get an answer. Ask the caller the question again, then call "
                f"{self.submit_tool_name} with what they said."
            )
        current = questions[index]
        if current.get("confirm") and args.get("confirmed_by_user") is not True:
            return FunctionResult(
                f'Read the answer "{answer}" back to the caller and ask them to confirm it. '
                f"Then call {self.submit_tool_name} again with confirmed_by_user set to true, "
                "or ask the question again if it was wrong."
            )
        answers.append({"key_name": current.get("key_name", ""), "answer": answer})
        index += 1
        if index < len(questions):
            result = FunctionResult(
                question_prompt(
                    questions[index], index + 1, len(questions), self.submit_tool_name, False
                )
            )
        else:
            result = FunctionResult(self.completion_message).toggle_functions(
                [
                    {"function": self.start_tool_name, "active": False},
                    {"function": self.submit_tool_name, "active": False},
                ]
            )
        state = {"questions": questions, "question_index": index, "answers": answers}
        return self.update_skill_data(result, state)

    def _get_prompt_sections(self) -> list[dict[str, Any]]:
        return [
            {
                "title": f"Info Gatherer ({self.get_instance_key()})",
                "body": (
                    "You have a list of questions for the caller. Introduce yourself and ask "
                    f"whether they are ready. When they are, call {self.start_tool_name} for "
                    f"the first question, ask it, and pass their answer to "
                    f"{self.submit_tool_name}, which gives you the next question. Carry on "
                    "until it says the questions are done."
                ),
            }
        ]
