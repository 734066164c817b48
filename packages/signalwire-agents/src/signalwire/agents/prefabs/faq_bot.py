"""FAQBotAgent: answers questions from a list of FAQs."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from signalwire.agents._agent_base import AgentBase
from signalwire.agents._function_result import FunctionResult

__all__ = ["FAQBotAgent"]

log = logging.getLogger("signalwire.agents.prefabs")

_SUMMARY = """Return a JSON summary of the conversation:
{
  "question": "MAIN_QUESTION_ASKED",
  "matched_faq": "MATCHED_FAQ_QUESTION_OR_null",
  "answered_successfully": true or false,
  "suggested_related": []
}"""
_WORD = re.compile(r"[a-z0-9']+")


def _checked(faqs: Any) -> list[dict[str, Any]]:
    if not isinstance(faqs, list):
        raise ValueError("faqs must be a list of {question, answer, categories?}")
    out = []
    for i, faq in enumerate(faqs, 1):
        if not isinstance(faq, dict):
            raise ValueError(f"faq {i} must be a dict with question and answer")
        for field in ("question", "answer"):
            if not isinstance(faq.get(field), str) or not faq[field]:
                raise ValueError(f"faq {i} needs a non-empty '{field}'")
        categories = faq.get("categories") or []
        if not isinstance(categories, list):
            raise ValueError(f"faq {i}: categories must be a list")
        out.append({**faq, "categories": [str(c) for c in categories]})
    return out


class FAQBotAgent(AgentBase):
    """Answers from an FAQ list held in its prompt, with a ``search_faqs`` tool.

    An FAQ is ``{question, answer, categories?}``. ``suggest_related`` adds
    instructions to offer related questions; ``persona`` replaces the default
    personality.
    """

    def __init__(
        self,
        faqs: list[dict[str, Any]],
        suggest_related: bool = True,
        persona: str | None = None,
        name: str = "faq_bot",
        route: str = "/faq",
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("use_pom", True)
        super().__init__(name=name, route=route, **kwargs)
        self._define_prefab_tools()
        self.faqs = _checked(faqs)
        self.suggest_related = suggest_related
        self.persona = persona or "You are a helpful assistant who answers common questions."
        self.prompt_add_section("Personality", body=self.persona)
        self.prompt_add_section(
            "Goal", body="Answer the caller's questions from the FAQ list below."
        )
        rules = [
            "Find the FAQ closest to the caller's question and give its answer.",
            "Use search_faqs when you are not sure which FAQ fits.",
            "If nothing fits, say politely that you don't have that information.",
            "Keep answers short and factual.",
        ]
        if suggest_related:
            rules.append("When it helps, mention a related question from the list.")
        self.prompt_add_section("Instructions", bullets=rules)
        entries = []
        for faq in self.faqs:
            body = faq["answer"]
            if faq["categories"]:
                body += "\n\nCategories: " + ", ".join(faq["categories"])
            entries.append({"title": faq["question"], "body": body})
        self.prompt_add_section(
            "FAQ Database", body="The questions you can answer:", subsections=entries
        )
        if suggest_related:
            self.prompt_add_section(
                "Related Questions",
                body="After answering, you may suggest one related question the caller might "
                "find useful.",
            )
        self.set_post_prompt(_SUMMARY)
        hints: list[str] = []
        for faq in self.faqs:
            for word in faq["question"].split():
                word = word.strip(".,?!")
                if len(word) >= 4 and word not in hints:
                    hints.append(word)
            hints.extend(c for c in faq["categories"] if c not in hints)
        if hints:
            self.add_hints(hints)
        self.set_params({"wait_for_user": False, "end_of_speech_timeout": 1000, "ai_volume": 5})
        categories = sorted({c for faq in self.faqs for c in faq["categories"]})
        self.set_global_data({"faq_count": len(self.faqs), "categories": categories})
        self.set_native_functions(["check_time"])

    def _score(self, faq: dict[str, Any], query: str, category: str) -> int:
        question = faq["question"].lower()
        score = 0
        if query:
            if query == question:
                score += 100
            elif query in question:
                score += 50 + (25 if question.startswith(query) else 0)
            else:
                wanted = set(_WORD.findall(query))
                text = set(_WORD.findall(question + " " + faq["answer"].lower()))
                score += 10 * len({w for w in wanted if len(w) > 2} & text)
        if category and category in (c.lower() for c in faq["categories"]):
            score += 30
        return score

    def _define_prefab_tools(self) -> None:
        # The documented tools, bound to this instance's methods.
        self.define_tool(
            name="search_faqs",
            description="Find the FAQs that best match a question or a category",
            parameters={
                "query": {"type": "string", "description": "What the caller asked"},
                "category": {"type": "string", "description": "A category to narrow the search"},
            },
            handler=self.search_faqs,
        )

    def search_faqs(self, args: dict[str, Any], raw_data: dict[str, Any]) -> FunctionResult:
        """Tool: the (at most three) best-matching FAQ questions with their answers."""
        query = args.get("query")
        category = args.get("category")
        query = query.strip().lower()[:500] if isinstance(query, str) else ""
        category = category.strip().lower()[:100] if isinstance(category, str) else ""
        if not query and not category:
            return FunctionResult("Please tell me what you would like to know.")
        ranked = sorted(
            ((self._score(f, query, category), i, f) for i, f in enumerate(self.faqs)),
            key=lambda item: (-item[0], item[1]),
        )
        best = [faq for score, _i, faq in ranked if score > 0][:3]
        if not best:
            return FunctionResult("No matching FAQs found.")
        lines = [f"{n}. {faq['question']} {faq['answer']}" for n, faq in enumerate(best, 1)]
        return FunctionResult("Here are the most relevant FAQs:\n\n" + "\n".join(lines))

    def on_summary(
        self, summary: dict[str, Any] | str | None, raw_data: dict[str, Any] | None = None
    ) -> Any:
        """Log the conversation summary (override to store it)."""
        if summary:
            shown = json.dumps(summary) if isinstance(summary, dict) else str(summary)
            log.info("FAQ conversation summary: %s", shown[:2000])
        return None
