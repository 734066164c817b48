"""InfoGathererAgent: asks a list of questions one at a time and keeps the answers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from signalwire.agents._agent_base import AgentBase
from signalwire.agents._function_result import FunctionResult

__all__ = ["InfoGathererAgent"]

log = logging.getLogger("signalwire.agents.prefabs")

QuestionCallback = Callable[[dict[str, Any], dict[str, Any], dict[str, Any]], list[dict[str, Any]]]

_FALLBACK_QUESTIONS = [
    {"key_name": "name", "question_text": "What is your name?"},
    {"key_name": "message", "question_text": "How can I help you today?"},
]


def _check(questions: Any) -> list[dict[str, Any]]:
    if not isinstance(questions, list) or not questions:
        raise ValueError("questions must be a non-empty list")
    for i, item in enumerate(questions, 1):
        if not isinstance(item, dict):
            raise ValueError(f"question {i} must be a dict with key_name and question_text")
        for field in ("key_name", "question_text"):
            if not isinstance(item.get(field), str) or not item[field]:
                raise ValueError(f"question {i} needs a non-empty '{field}'")
    return [dict(q) for q in questions]


def _instruction(question: dict[str, Any], first: bool) -> str:
    lead = "Ask the caller" if first else "Answer saved. Now ask the caller"
    text = (
        f"{lead}: {question.get('question_text', '')}\n\n"
        "Check the answer fits the question before you submit it. "
    )
    if question.get("confirm"):
        text += "Read the answer back and keep asking until the caller confirms it is right."
    else:
        text += "This answer does not need to be confirmed."
    return text


class InfoGathererAgent(AgentBase):
    """Collects answers to a list of questions, keeping progress in the call's global data.

    Questions are ``{key_name, question_text, confirm?}``. Pass them to the
    constructor (static), or leave ``questions`` out and pick them per call with
    :meth:`set_question_callback` (dynamic). Global data holds ``questions``,
    ``question_index`` and ``answers`` (``[{key_name, answer}]``).
    """

    def __init__(
        self,
        questions: list[dict[str, Any]] | None = None,
        name: str = "info_gatherer",
        route: str = "/info_gatherer",
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("use_pom", True)
        super().__init__(name=name, route=route, **kwargs)
        self._define_prefab_tools()
        self._static_questions = _check(questions) if questions is not None else None
        self._question_callback: QuestionCallback | None = None
        if self._static_questions is not None:
            self.set_global_data(self._initial_state(self._static_questions))
        self.prompt_add_section(
            "Objective",
            body=(
                "You collect answers to a short list of questions. First ask the caller "
                "whether they are ready; when they are, call start_questions for the first "
                "question."
            ),
        )
        self.set_params({"end_of_speech_timeout": 800, "speech_event_timeout": 1000})

    @staticmethod
    def _initial_state(questions: list[dict[str, Any]]) -> dict[str, Any]:
        return {"questions": questions, "question_index": 0, "answers": []}

    def set_question_callback(self, callback: QuestionCallback) -> None:
        """Choose the questions per call: ``callback(query_params, body_params, headers)``.

        Used when the agent has no static questions. A callback that raises or
        returns bad questions falls back to asking for a name and a message
        (logged).
        """
        self._question_callback = callback

    def on_swml_request(
        self,
        request_data: dict[str, Any] | None = None,
        callback_path: str | None = None,
        request: Any = None,
    ) -> dict[str, Any] | None:
        """In dynamic mode, put this call's questions into the global data."""
        if self._static_questions is not None:
            return None
        questions = _FALLBACK_QUESTIONS
        if self._question_callback is not None:
            query = dict(getattr(request, "query_params", None) or {})
            headers = dict(getattr(request, "headers", None) or {})
            try:
                questions = _check(self._question_callback(query, request_data or {}, headers))
            except Exception:  # a broken callback must not break the call
                log.exception("question callback failed; using the fallback questions")
                questions = _FALLBACK_QUESTIONS
        return {"global_data": self._initial_state(questions)}

    @staticmethod
    def _progress(raw_data: dict[str, Any]) -> tuple[list[dict[str, Any]], int, list[Any]]:
        data = raw_data.get("global_data") if isinstance(raw_data, dict) else None
        data = data if isinstance(data, dict) else {}
        questions = data.get("questions")
        if not isinstance(questions, list) or not all(isinstance(q, dict) for q in questions):
            questions = []
        index = data.get("question_index")
        index = index if isinstance(index, int) and index >= 0 else 0
        answers = data.get("answers")
        return questions, index, list(answers) if isinstance(answers, list) else []

    def _define_prefab_tools(self) -> None:
        # The documented tools, bound to this instance's methods.
        self.define_tool(
            name="start_questions",
            description="Get the first question to ask the caller",
            parameters={},
            handler=self.start_questions,
        )
        self.define_tool(
            name="submit_answer",
            description="Save the caller's answer to the current question and get the next one",
            parameters={"answer": {"type": "string", "description": "The caller's answer"}},
            handler=self.submit_answer,
        )

    def start_questions(self, args: dict[str, Any], raw_data: dict[str, Any]) -> FunctionResult:
        """Tool: the current question, from the call's global data."""
        questions, index, _answers = self._progress(raw_data)
        if index >= len(questions):
            return FunctionResult("There are no questions to ask.")
        result = FunctionResult(_instruction(questions[index], first=True))
        return result.replace_in_history("Let me ask you a few questions.")

    def submit_answer(self, args: dict[str, Any], raw_data: dict[str, Any]) -> FunctionResult:
        """Tool: store the answer and move on; the new progress goes into global data."""
        questions, index, answers = self._progress(raw_data)
        if index >= len(questions):
            return FunctionResult("Every question has already been answered.")
        answer = args.get("answer")
        if not isinstance(answer, str) or not answer.strip():
            return FunctionResult("I did not get an answer. Please ask the question again.")
        answers.append({"key_name": questions[index].get("key_name", ""), "answer": answer})
        index += 1
        if index < len(questions):
            result = FunctionResult(_instruction(questions[index], first=False))
        else:
            result = FunctionResult(
                "Thank you, that was the last question. Summarise what you collected or ask "
                "whether the caller needs anything else."
            )
        result.replace_in_history()
        return result.update_global_data({"answers": answers, "question_index": index})
