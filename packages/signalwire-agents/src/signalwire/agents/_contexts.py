"""Contexts and steps: the structured workflow the AI follows (``ai.prompt.contexts``).

A ``ContextBuilder`` holds named ``Context`` objects; each context holds ordered
``Step`` objects. The platform moves between steps with its native
``next_step``/``change_context`` functions and collects answers with
``gather_submit``. Rules the platform relies on are checked by
``ContextBuilder.validate()``, which runs whenever the contexts are rendered,
so a broken workflow fails when the document is built rather than mid-call.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from signalwire.agents._errors import ContextValidationError

__all__ = [
    "HISTORY_MODES",
    "MAX_CONTEXTS",
    "MAX_STEPS_PER_CONTEXT",
    "PLATFORM_FUNCTIONS",
    "RESERVED_NATIVE_TOOL_NAMES",
    "Context",
    "ContextBuilder",
    "GatherInfo",
    "GatherQuestion",
    "Step",
    "create_simple_context",
    "render_contexts",
]

MAX_CONTEXTS = 50
MAX_STEPS_PER_CONTEXT = 100
HISTORY_MODES = ("keep", "default", "hide")
#: Functions the platform injects in step mode; user tools may not take these names.
RESERVED_NATIVE_TOOL_NAMES = frozenset({"next_step", "change_context", "gather_submit"})

#: The platform's built-in functions: a step may allow them by name without a tool of the
#: agent's own (``set_functions(["get_visual_input"])``).
PLATFORM_FUNCTIONS = RESERVED_NATIVE_TOOL_NAMES | frozenset(
    {
        "hangup",
        "check_time",
        "wait_for_user",
        "wait_seconds",
        "adjust_response_latency",
        "get_visual_input",
        "get_ideal_strategy",
    }
)


def _check_history(mode: str) -> str:
    if mode not in HISTORY_MODES:
        raise ValueError(f"history must be one of {HISTORY_MODES}, got {mode!r}")
    return mode


def _render_sections(sections: list[dict[str, Any]]) -> str:
    """Render title/body or title/bullets sections as Markdown, as the platform expects."""
    blocks = []
    for section in sections:
        if "bullets" in section:
            lines = "\n".join(f"- {bullet}" for bullet in section["bullets"])
            blocks.append(f"## {section['title']}\n{lines}")
        else:
            blocks.append(f"## {section['title']}\n{section['body']}")
    return "\n\n".join(blocks).strip()


class GatherQuestion:
    """One question of a step's ``gather_info``.

    ``type`` is the JSON type of the answer (``"string"`` by default, omitted
    on the wire then); ``confirm`` asks the AI to read the answer back;
    ``functions`` are the tools callable while this question is asked.
    """

    def __init__(
        self,
        key: str,
        question: str,
        type: str = "string",
        confirm: bool = False,
        prompt: str | None = None,
        functions: list[str] | None = None,
        isolated: bool | None = None,
    ) -> None:
        if not key:
            raise ValueError("a gather question needs a non-empty key")
        self.key = key
        self.question = question
        self.type = type
        self.confirm = confirm
        self.prompt = prompt
        self.functions = list(functions) if functions is not None else None
        self.isolated = isolated

    def to_dict(self) -> dict[str, Any]:
        """The question's wire form (optional keys only when set)."""
        out: dict[str, Any] = {"key": self.key, "question": self.question}
        if self.type != "string":
            out["type"] = self.type
        if self.confirm:
            out["confirm"] = True
        if self.prompt:
            out["prompt"] = self.prompt
        if self.functions:
            out["functions"] = list(self.functions)
        if self.isolated is not None:
            out["isolated"] = self.isolated
        return out

    def __repr__(self) -> str:
        return f"GatherQuestion(key={self.key!r})"


class GatherInfo:
    """Questions the AI asks one by one, storing answers under ``output_key``.

    ``completion_action`` is ``"next_step"`` or the name of a step of the same
    context to go to once every question is answered.
    """

    def __init__(
        self,
        output_key: str | None = None,
        completion_action: str | None = None,
        prompt: str | None = None,
        isolated: bool = False,
    ) -> None:
        self.output_key = output_key
        self.completion_action = completion_action
        self.prompt = prompt
        self.isolated = isolated
        self.questions: list[GatherQuestion] = []

    def add_question(self, key: str, question: str, **kwargs: Any) -> GatherInfo:
        """Append a question; ``kwargs`` are GatherQuestion's optional arguments."""
        self.questions.append(GatherQuestion(key, question, **kwargs))
        return self

    def to_dict(self) -> dict[str, Any]:
        """The ``gather_info`` wire form."""
        out: dict[str, Any] = {"questions": [q.to_dict() for q in self.questions]}
        if self.prompt:
            out["prompt"] = self.prompt
        if self.output_key:
            out["output_key"] = self.output_key
        if self.completion_action:
            out["completion_action"] = self.completion_action
        if self.isolated:
            out["isolated"] = True
        return out

    def __repr__(self) -> str:
        return f"GatherInfo(questions={[q.key for q in self.questions]!r})"


class Step:
    """One step of a context. Every setter returns the step, so calls chain.

    A step's text is either plain (``set_text``) or built from sections
    (``add_section``/``add_bullets``, rendered as Markdown); mixing the two
    raises ValueError.
    """

    def __init__(self, name: str) -> None:
        self._name = name
        self._context_name: str | None = None
        self._text: str | None = None
        self._sections: list[dict[str, Any]] = []
        self._criteria: str | None = None
        self._functions: list[str] | str | None = None
        self._valid_steps: list[str] | None = None
        self._valid_contexts: list[str] | None = None
        self._end = False
        self._skip_user_turn = False
        self._skip_to_next_step = False
        self._history: str | None = None
        self._gather_info: GatherInfo | None = None
        self._reset_system_prompt: str | None = None
        self._reset_user_prompt: str | None = None
        self._reset_consolidate = False
        self._reset_full_reset = False

    @property
    def name(self) -> str:
        """The step's name (unique within its context)."""
        return self._name

    def _mixing(self, what: str) -> ValueError:
        where = f"step {self._name!r}"
        if self._context_name is not None:
            where = f"context {self._context_name!r}, {where}"
        return ValueError(f"{where}: {what}")

    # -- text

    def set_text(self, text: str) -> Step:
        """Set the step's instructions as plain text."""
        if self._sections:
            raise self._mixing("set_text() cannot be combined with add_section()/add_bullets()")
        self._text = text
        return self

    def add_section(self, title: str, body: str) -> Step:
        """Add a titled paragraph to the step's instructions."""
        if self._text is not None:
            raise self._mixing("add_section() cannot be combined with set_text()")
        self._sections.append({"title": title, "body": body})
        return self

    def add_bullets(self, title: str, bullets: list[str]) -> Step:
        """Add a titled bullet list to the step's instructions."""
        if self._text is not None:
            raise self._mixing("add_bullets() cannot be combined with set_text()")
        self._sections.append({"title": title, "bullets": list(bullets)})
        return self

    def clear_sections(self) -> Step:
        """Remove the text and every section, so either form can be set again."""
        self._sections = []
        self._text = None
        return self

    # -- completion and tools

    def set_step_criteria(self, criteria: str) -> Step:
        """Describe when the step is complete (the AI judges it)."""
        self._criteria = criteria
        return self

    def set_functions(self, functions: str | list[str]) -> Step:
        """Restrict the tools callable in this step.

        A list is a whitelist; ``[]`` or ``"none"`` disables every tool. A step
        that never calls this inherits the previous step's set. The value is sent
        as given (``"none"`` and a single name as strings), as signalwire-sdk
        3.7.5 sends it and the platform reads it. Names may be the agent's tools
        or the platform's built-in functions (:data:`PLATFORM_FUNCTIONS`).
        """
        if isinstance(functions, str):
            self._functions = functions
        elif isinstance(functions, (list, tuple)) and all(isinstance(f, str) for f in functions):
            self._functions = list(functions)
        else:
            raise TypeError(
                "set_functions() takes a list of tool names, one name, or 'none' "
                f"(got {type(functions).__name__})"
            )
        return self

    def _function_names(self) -> list[str]:
        """The names this step allows (``"none"``: none)."""
        functions = self._functions
        if functions is None or functions == "none":
            return []
        return [functions] if isinstance(functions, str) else list(functions)

    # -- navigation

    def set_valid_steps(self, steps: list[str]) -> Step:
        """Steps of this context reachable from here (``"next"`` means the following one)."""
        self._valid_steps = list(steps)
        return self

    def set_valid_contexts(self, contexts: list[str]) -> Step:
        """Contexts reachable from this step."""
        self._valid_contexts = list(contexts)
        return self

    def set_end(self, end: bool) -> Step:
        """Mark the step as final: reaching it leaves step mode (it does not hang up)."""
        self._end = bool(end)
        return self

    def set_skip_user_turn(self, skip: bool) -> Step:
        """Let the AI speak on entering the step without waiting for the caller."""
        self._skip_user_turn = bool(skip)
        return self

    def set_skip_to_next_step(self, skip: bool) -> Step:
        """Move on to the next step automatically once this one is done."""
        self._skip_to_next_step = bool(skip)
        return self

    def set_history(self, history: str) -> Step:
        """Conversation history handling on entering the step: keep, default or hide."""
        self._history = _check_history(history)
        return self

    # -- gather

    def set_gather_info(
        self,
        output_key: str | None = None,
        completion_action: str | None = None,
        prompt: str | None = None,
        isolated: bool = False,
    ) -> Step:
        """Turn the step into a question sequence; add questions with add_gather_question()."""
        self._gather_info = GatherInfo(output_key, completion_action, prompt, isolated)
        return self

    def add_gather_question(
        self,
        key: str,
        question: str,
        type: str = "string",
        confirm: bool = False,
        prompt: str | None = None,
        functions: list[str] | None = None,
        isolated: bool | None = None,
    ) -> Step:
        """Append a question to the step's gather_info (set_gather_info() comes first)."""
        if self._gather_info is None:
            raise self._mixing("call set_gather_info() before add_gather_question()")
        self._gather_info.add_question(
            key,
            question,
            type=type,
            confirm=confirm,
            prompt=prompt,
            functions=functions,
            isolated=isolated,
        )
        return self

    # -- reset on context switch

    def set_reset_system_prompt(self, system_prompt: str) -> Step:
        """System prompt to install when this step switches context."""
        self._reset_system_prompt = system_prompt
        return self

    def set_reset_user_prompt(self, user_prompt: str) -> Step:
        """User message to inject when this step switches context."""
        self._reset_user_prompt = user_prompt
        return self

    def set_reset_consolidate(self, consolidate: bool) -> Step:
        """Summarise the conversation when this step switches context."""
        self._reset_consolidate = bool(consolidate)
        return self

    def set_reset_full_reset(self, full_reset: bool) -> Step:
        """Replace the system prompt entirely when this step switches context."""
        self._reset_full_reset = bool(full_reset)
        return self

    # -- output

    def _rendered_text(self) -> str | None:
        if self._text is not None:
            return self._text
        if self._sections:
            return _render_sections(self._sections)
        return None

    def to_dict(self) -> dict[str, Any]:
        """The step's wire form; raises ContextValidationError when it has no text."""
        text = self._rendered_text()
        if text is None:
            raise ContextValidationError(
                "has no text: call set_text() or add_section()/add_bullets()",
                context=self._context_name or "?",
                step=self._name,
            )
        out: dict[str, Any] = {"name": self._name, "text": text}
        if self._criteria is not None:
            out["step_criteria"] = self._criteria
        if self._functions is not None:
            functions = self._functions
            out["functions"] = functions if isinstance(functions, str) else list(functions)
        if self._valid_steps is not None:
            out["valid_steps"] = list(self._valid_steps)
        if self._valid_contexts is not None:
            out["valid_contexts"] = list(self._valid_contexts)
        if self._end:
            out["end"] = True
        if self._skip_user_turn:
            out["skip_user_turn"] = True
        if self._skip_to_next_step:
            out["skip_to_next_step"] = True
        if self._history is not None:
            out["history"] = self._history
        reset: dict[str, Any] = {}
        if self._reset_system_prompt is not None:
            reset["system_prompt"] = self._reset_system_prompt
        if self._reset_user_prompt is not None:
            reset["user_prompt"] = self._reset_user_prompt
        if self._reset_consolidate:
            reset["consolidate"] = True
        if self._reset_full_reset:
            reset["full_reset"] = True
        if reset:
            out["reset"] = reset
        if self._gather_info is not None:
            out["gather_info"] = self._gather_info.to_dict()
        return out

    def __repr__(self) -> str:
        return f"Step(name={self._name!r})"


class Context:
    """A named group of steps with its own prompt. Setters return the context.

    The context prompt is plain (``set_prompt``) or sectioned
    (``add_section``/``add_bullets``, sent as POM); the system prompt likewise
    (``set_system_prompt`` or ``add_system_section``/``add_system_bullets``).
    Mixing the two forms of either raises ValueError.
    """

    def __init__(self, name: str) -> None:
        self._name = name
        self._steps: dict[str, Step] = {}
        self._valid_contexts: list[str] | None = None
        self._valid_steps: list[str] | None = None
        self._initial_step: str | None = None
        self._post_prompt: str | None = None
        self._system_prompt: str | None = None
        self._system_sections: list[dict[str, Any]] = []
        self._prompt: str | None = None
        self._sections: list[dict[str, Any]] = []
        self._consolidate = False
        self._full_reset = False
        self._user_prompt: str | None = None
        self._isolated = False
        self._history: str | None = None
        self._enter_fillers: dict[str, list[str]] | None = None
        self._exit_fillers: dict[str, list[str]] | None = None

    @property
    def name(self) -> str:
        """The context's name (unique within the builder)."""
        return self._name

    @property
    def steps(self) -> list[Step]:
        """The steps, in order (a copy)."""
        return list(self._steps.values())

    def _fail(self, what: str) -> ValueError:
        return ValueError(f"context {self._name!r}: {what}")

    # -- steps

    def add_step(
        self,
        name: str,
        *,
        task: str | None = None,
        bullets: list[str] | None = None,
        criteria: str | None = None,
        functions: str | list[str] | None = None,
        valid_steps: list[str] | None = None,
    ) -> Step:
        """Append a step and return it.

        The shortcuts fill the step: ``task`` becomes a "Task" section,
        ``bullets`` a "Process" bullet list, ``criteria`` the step criteria.
        """
        if not name:
            raise self._fail("a step needs a non-empty name")
        if name == "next":
            raise self._fail("'next' is reserved for valid_steps and cannot name a step")
        if name in self._steps:
            raise self._fail(f"step {name!r} already exists")
        if len(self._steps) >= MAX_STEPS_PER_CONTEXT:
            raise self._fail(f"more than {MAX_STEPS_PER_CONTEXT} steps")
        step = Step(name)
        step._context_name = self._name
        if task is not None:
            step.add_section("Task", task)
        if bullets:
            step.add_bullets("Process", bullets)
        if criteria is not None:
            step.set_step_criteria(criteria)
        if functions is not None:
            step.set_functions(functions)
        if valid_steps is not None:
            step.set_valid_steps(valid_steps)
        self._steps[name] = step
        return step

    def get_step(self, name: str) -> Step | None:
        """The step called ``name``, or None."""
        return self._steps.get(name)

    def remove_step(self, name: str) -> Context:
        """Remove the step called ``name`` (no error when there is none)."""
        self._steps.pop(name, None)
        return self

    def move_step(self, name: str, position: int) -> Context:
        """Move the step called ``name`` to index ``position`` (list.insert semantics)."""
        if name not in self._steps:
            raise self._fail(f"step {name!r} not found")
        order = [n for n in self._steps if n != name]
        order.insert(position, name)
        self._steps = {n: self._steps[n] for n in order}
        return self

    # -- navigation

    def set_valid_contexts(self, contexts: list[str]) -> Context:
        """Contexts reachable from every step of this one."""
        self._valid_contexts = list(contexts)
        return self

    def set_valid_steps(self, steps: list[str]) -> Context:
        """Steps reachable from every step of this context (``"next"`` allowed)."""
        self._valid_steps = list(steps)
        return self

    def set_initial_step(self, step_name: str) -> Context:
        """The step entered first (default: the first step)."""
        self._initial_step = step_name
        return self

    # -- prompts

    def set_post_prompt(self, post_prompt: str) -> Context:
        """Post-prompt used while this context is active."""
        self._post_prompt = post_prompt
        return self

    def set_system_prompt(self, system_prompt: str) -> Context:
        """System prompt installed on entering the context (plain text)."""
        if self._system_sections:
            raise self._fail(
                "set_system_prompt() cannot be combined with add_system_section()/"
                "add_system_bullets()"
            )
        self._system_prompt = system_prompt
        return self

    def add_system_section(self, title: str, body: str) -> Context:
        """Add a titled paragraph to the system prompt (rendered as Markdown)."""
        if self._system_prompt is not None:
            raise self._fail("add_system_section() cannot be combined with set_system_prompt()")
        self._system_sections.append({"title": title, "body": body})
        return self

    def add_system_bullets(self, title: str, bullets: list[str]) -> Context:
        """Add a titled bullet list to the system prompt (rendered as Markdown)."""
        if self._system_prompt is not None:
            raise self._fail("add_system_bullets() cannot be combined with set_system_prompt()")
        self._system_sections.append({"title": title, "bullets": list(bullets)})
        return self

    def set_prompt(self, prompt: str) -> Context:
        """The context's prompt as plain text."""
        if self._sections:
            raise self._fail("set_prompt() cannot be combined with add_section()/add_bullets()")
        self._prompt = prompt
        return self

    def add_section(self, title: str, body: str) -> Context:
        """Add a titled paragraph to the context's prompt (sent as POM)."""
        if self._prompt is not None:
            raise self._fail("add_section() cannot be combined with set_prompt()")
        self._sections.append({"title": title, "body": body})
        return self

    def add_bullets(self, title: str, bullets: list[str]) -> Context:
        """Add a titled bullet list to the context's prompt (sent as POM)."""
        if self._prompt is not None:
            raise self._fail("add_bullets() cannot be combined with set_prompt()")
        self._sections.append({"title": title, "bullets": list(bullets)})
        return self

    # -- reset behaviour on entering the context

    def set_consolidate(self, consolidate: bool) -> Context:
        """Summarise the conversation so far on entering the context."""
        self._consolidate = bool(consolidate)
        return self

    def set_full_reset(self, full_reset: bool) -> Context:
        """Replace the system prompt entirely on entering the context."""
        self._full_reset = bool(full_reset)
        return self

    def set_user_prompt(self, user_prompt: str) -> Context:
        """User message injected on entering the context."""
        self._user_prompt = user_prompt
        return self

    def set_isolated(self, isolated: bool) -> Context:
        """Start the context with a clean history (unless a reset is configured)."""
        self._isolated = bool(isolated)
        return self

    def set_history(self, history: str) -> Context:
        """History handling on entering the context: keep, default or hide."""
        self._history = _check_history(history)
        return self

    # -- fillers

    def set_enter_fillers(self, enter_fillers: dict[str, list[str]]) -> Context:
        """Phrases spoken on entering the context, per language code (or "default")."""
        self._enter_fillers = {lang: list(f) for lang, f in enter_fillers.items()}
        return self

    def set_exit_fillers(self, exit_fillers: dict[str, list[str]]) -> Context:
        """Phrases spoken on leaving the context, per language code (or "default")."""
        self._exit_fillers = {lang: list(f) for lang, f in exit_fillers.items()}
        return self

    def add_enter_filler(self, language_code: str, fillers: list[str]) -> Context:
        """Set the enter phrases for one language."""
        if self._enter_fillers is None:
            self._enter_fillers = {}
        self._enter_fillers[language_code] = list(fillers)
        return self

    def add_exit_filler(self, language_code: str, fillers: list[str]) -> Context:
        """Set the exit phrases for one language."""
        if self._exit_fillers is None:
            self._exit_fillers = {}
        self._exit_fillers[language_code] = list(fillers)
        return self

    # -- output

    def to_dict(self) -> dict[str, Any]:
        """The context's wire form (each optional key only when set)."""
        out: dict[str, Any] = {"steps": [step.to_dict() for step in self._steps.values()]}
        if self._valid_contexts is not None:
            out["valid_contexts"] = list(self._valid_contexts)
        if self._valid_steps is not None:
            out["valid_steps"] = list(self._valid_steps)
        if self._initial_step is not None:
            out["initial_step"] = self._initial_step
        if self._post_prompt is not None:
            out["post_prompt"] = self._post_prompt
        if self._system_prompt is not None:
            out["system_prompt"] = self._system_prompt
        elif self._system_sections:
            out["system_prompt"] = _render_sections(self._system_sections)
        if self._consolidate:
            out["consolidate"] = True
        if self._full_reset:
            out["full_reset"] = True
        if self._user_prompt is not None:
            out["user_prompt"] = self._user_prompt
        if self._isolated:
            out["isolated"] = True
        if self._sections:
            out["pom"] = [dict(section) for section in self._sections]
        elif self._prompt is not None:
            out["text"] = self._prompt
        if self._enter_fillers:
            out["enter_fillers"] = {k: list(v) for k, v in self._enter_fillers.items()}
        if self._exit_fillers:
            out["exit_fillers"] = {k: list(v) for k, v in self._exit_fillers.items()}
        if self._history is not None:
            out["history"] = self._history
        return out

    def __repr__(self) -> str:
        return f"Context(name={self._name!r}, steps={list(self._steps)!r})"


def _agent_tool_names(agent: Any) -> set[str] | None:
    """Names of the tools the agent registered, or None when it cannot tell.

    AgentBase exposes ``_registered_tool_names()``; objects shaped like the
    vendor SDK's agent (a ``_tool_registry._swaig_functions`` mapping) work too.
    """
    if agent is None:
        return None
    hook = getattr(agent, "_registered_tool_names", None)
    if callable(hook):
        return set(hook())
    registry = getattr(agent, "_tool_registry", None)
    functions = getattr(registry, "_swaig_functions", None)
    if isinstance(functions, Mapping):
        return set(functions)
    return None


class ContextBuilder:
    """Holds an agent's contexts and checks them when they are rendered.

    ``agent`` (optional) is the agent whose registered tools the step
    ``functions`` lists are checked against.
    """

    def __init__(self, agent: Any = None) -> None:
        self._agent = agent
        self._contexts: dict[str, Context] = {}

    def add_context(self, name: str) -> Context:
        """Add a context and return it (a duplicate name or a 51st context raises)."""
        if not name:
            raise ValueError("a context needs a non-empty name")
        if name in self._contexts:
            raise ValueError(f"context {name!r} already exists")
        if len(self._contexts) >= MAX_CONTEXTS:
            raise ValueError(f"more than {MAX_CONTEXTS} contexts")
        context = Context(name)
        self._contexts[name] = context
        return context

    def get_context(self, name: str) -> Context | None:
        """The context called ``name``, or None."""
        return self._contexts.get(name)

    @property
    def contexts(self) -> list[Context]:
        """The contexts, in insertion order (a copy)."""
        return list(self._contexts.values())

    def reset(self) -> ContextBuilder:
        """Remove every context."""
        self._contexts = {}
        return self

    def __bool__(self) -> bool:
        return bool(self._contexts)

    def __repr__(self) -> str:
        return f"ContextBuilder(contexts={list(self._contexts)!r})"

    def validate(self, tool_names: Iterable[str] | None = None) -> None:
        """Check the platform's rules; raise ContextValidationError on the first break.

        ``tool_names`` overrides the agent's registered tools for the tool
        rules; with neither, those rules are skipped (the tool set is unknown).
        """
        names = set(tool_names) if tool_names is not None else _agent_tool_names(self._agent)
        contexts = self._contexts
        if not contexts:
            raise ContextValidationError("no contexts defined: add one with add_context()")
        _check_default(contexts)
        for context in contexts.values():
            _validate_context(context, contexts, names)
        if names is not None:
            clash = sorted(names & RESERVED_NATIVE_TOOL_NAMES)
            if clash:
                raise ContextValidationError(
                    f"tool name {clash[0]!r} is reserved for the platform's step "
                    f"machine ({', '.join(sorted(RESERVED_NATIVE_TOOL_NAMES))}); rename the tool"
                )

    def to_dict(self, tool_names: Iterable[str] | None = None) -> dict[str, Any]:
        """Validate, then return ``{context name: context dict}`` in insertion order."""
        self.validate(tool_names)
        return {name: context.to_dict() for name, context in self._contexts.items()}


def _check_default(contexts: Mapping[str, Any]) -> None:
    # A lone context must be "default" (the call starts there). Several contexts
    # without one are accepted as signalwire-sdk 3.7.5 accepts them, since public
    # code defines them so; the SWML schema, stricter, requires "default" always.
    if "default" in contexts or len(contexts) != 1:
        return
    (only,) = contexts
    raise ContextValidationError(
        "a single context must be named 'default' (the call starts there); "
        "create it with add_context('default')",
        context=only,
    )


def _validate_context(
    context: Context, contexts: Mapping[str, Context], tool_names: set[str] | None
) -> None:
    cname = context.name
    steps = context._steps
    if not steps:
        raise ContextValidationError("has no steps: add one with add_step()", context=cname)
    if context._initial_step is not None and context._initial_step not in steps:
        raise ContextValidationError(
            f"initial_step {context._initial_step!r} is not a step of this context",
            context=cname,
        )
    for target in context._valid_steps or ():
        if target != "next" and target not in steps:
            raise ContextValidationError(
                f"valid_steps names {target!r}, which is not a step of this context "
                "(use a step name or 'next')",
                context=cname,
            )
    for target in context._valid_contexts or ():
        if target not in contexts:
            raise ContextValidationError(
                f"valid_contexts names unknown context {target!r}", context=cname
            )
    order = list(steps)
    for index, (sname, step) in enumerate(steps.items()):
        if step._rendered_text() is None:
            raise ContextValidationError(
                "has no text: call set_text() or add_section()/add_bullets()",
                context=cname,
                step=sname,
            )
        for target in step._valid_steps or ():
            if target != "next" and target not in steps:
                raise ContextValidationError(
                    f"valid_steps names {target!r}, which is not a step of context "
                    f"{cname!r} (use a step name or 'next')",
                    context=cname,
                    step=sname,
                )
        for target in step._valid_contexts or ():
            if target not in contexts:
                raise ContextValidationError(
                    f"valid_contexts names unknown context {target!r}",
                    context=cname,
                    step=sname,
                )
        gather = step._gather_info
        if gather is not None:
            _validate_gather(gather, cname, sname, order, is_last=index == len(order) - 1)
        if tool_names is not None:
            for function in step._function_names():
                if function not in tool_names and function not in PLATFORM_FUNCTIONS:
                    raise ContextValidationError(
                        f"functions names {function!r}, which is neither a registered tool "
                        "(define it with define_tool()/register_swaig_function() first) nor "
                        f"a platform function ({', '.join(sorted(PLATFORM_FUNCTIONS))})",
                        context=cname,
                        step=sname,
                    )


def _validate_gather(
    gather: GatherInfo, cname: str, sname: str, order: list[str], *, is_last: bool
) -> None:
    if not gather.questions:
        raise ContextValidationError(
            "gather_info has no questions: add one with add_gather_question()",
            context=cname,
            step=sname,
        )
    seen: set[str] = set()
    for question in gather.questions:
        if question.key in seen:
            raise ContextValidationError(
                f"gather_info has two questions with key {question.key!r}",
                context=cname,
                step=sname,
            )
        seen.add(question.key)
    action = gather.completion_action
    if action is None:
        return
    if action == "next_step":
        if is_last:
            raise ContextValidationError(
                "gather_info completion_action 'next_step' on the last step has no next "
                "step to go to",
                context=cname,
                step=sname,
            )
    elif action not in order:
        raise ContextValidationError(
            f"gather_info completion_action {action!r} is neither 'next_step' nor a step "
            "of this context",
            context=cname,
            step=sname,
        )


def render_contexts(
    contexts: ContextBuilder | Mapping[str, Any], tool_names: Iterable[str] | None = None
) -> dict[str, Any]:
    """The ``ai.prompt.contexts`` value for a builder or a mapping.

    A mapping may hold Context objects (validated like a builder's) or
    ready-made context dicts (sent as given after a structural check), so
    ``define_contexts(dict)`` renders instead of being dropped.
    """
    if isinstance(contexts, ContextBuilder):
        return contexts.to_dict(tool_names)
    if not isinstance(contexts, Mapping):
        raise TypeError(
            f"contexts must be a ContextBuilder or a mapping, not {type(contexts).__name__}"
        )
    if all(isinstance(value, Context) for value in contexts.values()):
        builder = ContextBuilder()
        for name, context in contexts.items():
            if name != context.name:
                raise ContextValidationError(
                    f"mapping key {name!r} differs from the context's name", context=context.name
                )
            builder._contexts[name] = context
        return builder.to_dict(tool_names)
    if not contexts:
        raise ContextValidationError("no contexts defined")
    _check_default(contexts)
    out: dict[str, Any] = {}
    for name, value in contexts.items():
        if isinstance(value, Context):
            value = value.to_dict()
        if not isinstance(value, Mapping):
            raise ContextValidationError(
                f"must be a Context or a dict, not {type(value).__name__}", context=str(name)
            )
        steps = value.get("steps")
        if not isinstance(steps, list) or not steps:
            raise ContextValidationError("has no steps (a non-empty 'steps' list)", context=name)
        out[name] = dict(value)
    return out


def create_simple_context(name: str = "default") -> Context:
    """Return a standalone Context (add steps, then attach it via a builder or dict)."""
    return Context(name)
