"""AgentBase: an AI agent served as SWML, with prompts, tools and AI settings."""

from __future__ import annotations

import copy
import json
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from signalwire.agents._agent_state import AgentState, StateAttr
from signalwire.agents._function_result import FunctionResult
from signalwire.agents._hosting.http import Request, Response, decode_json_text, json_response
from signalwire.agents._hosting.tokens import valid_call_id
from signalwire.agents._hosting.urls import with_userinfo
from signalwire.agents._pom import PomBuilder
from signalwire.agents._swaig_function import SWAIGFunction
from signalwire.agents._swml_service import SWMLService, run_callable
from signalwire.agents.skills._mixin import SkillMixin

__all__ = ["AgentBase"]

log = logging.getLogger("signalwire.agents.agent")

# Verbs that may run before the call is answered (the platform rejects the rest there).
_PRE_ANSWER_SAFE = frozenset(
    {
        "transfer", "execute", "return", "label", "goto", "request", "switch", "cond", "if",
        "eval", "set", "unset", "hangup", "send_sms", "sleep", "stop_record_call",
        "stop_denoise", "stop_tap",
    }
)  # fmt: skip
_PRE_ANSWER_MEDIA = frozenset({"play", "connect"})
_INTERNAL_FILLER_FUNCTIONS = frozenset(
    {
        "hangup", "check_time", "wait_for_user", "wait_seconds", "adjust_response_latency",
        "next_step", "change_context", "get_visual_input", "get_ideal_strategy",
    }
)  # fmt: skip
_LLM_PARAM_KEYS = (
    "model", "temperature", "top_p", "barge_confidence", "presence_penalty",
    "frequency_penalty", "max_tokens", "confidence",
)  # fmt: skip


class _Compiled:
    """A rendered document split around its token slots: literal, slot, literal, ..."""

    __slots__ = ("literals", "slot_functions")

    def __init__(self, literals: list[str], slot_functions: list[str]) -> None:
        self.literals = literals
        self.slot_functions = slot_functions


class AgentBase(SkillMixin, SWMLService):
    """An AI voice agent: SignalWire fetches its SWML and calls back its tools.

    Subclass it (or configure an instance), then ``agent.run()``::

        agent = AgentBase("support", route="/support")
        agent.prompt_add_section("Role", "You are a helpful support agent.")

        @agent.tool
        def lookup_order(order_id: str) -> str:
            '''Look up an order.'''
            return f"Order {order_id} ships tomorrow."

        agent.run()
    """

    PROMPT_SECTIONS: dict[str, Any] | list[dict[str, Any]] | None = None

    # The configuration lives in ``self._state`` (see AgentState); these names are the ones
    # skills, prefabs and user code read and write on the agent.
    pom = StateAttr[PomBuilder]("pom")
    use_pom = StateAttr[bool]("use_pom")
    _prompt_text = StateAttr[str | None]("prompt_text")
    _post_prompt = StateAttr[str | None]("post_prompt")
    _prompt_llm_params = StateAttr[dict[str, Any]]("prompt_llm_params")
    _post_prompt_llm_params = StateAttr[dict[str, Any]]("post_prompt_llm_params")
    _contexts = StateAttr[Any]("contexts")
    #: signalwire-sdk's name for the contexts (the ContextBuilder; None until defined).
    _contexts_builder = StateAttr[Any]("contexts")
    _hints = StateAttr[list[str | dict[str, Any]]]("hints")
    _languages = StateAttr[list[dict[str, Any]]]("languages")
    _pronounce = StateAttr[list[dict[str, Any]]]("pronounce")
    _params = StateAttr[dict[str, Any]]("params")
    _global_data = StateAttr[dict[str, Any]]("global_data")
    _multilingual = StateAttr[dict[str, Any] | None]("multilingual")
    _native_functions = StateAttr[list[str]]("native_functions")
    _internal_fillers = StateAttr[dict[str, dict[str, list[str]]]]("internal_fillers")
    _function_includes = StateAttr[list[dict[str, Any]]]("function_includes")
    _mcp_servers = StateAttr[list[dict[str, Any]]]("mcp_servers")
    _tools = StateAttr[dict[str, SWAIGFunction | dict[str, Any]]]("tools")
    _swaig_query_params = StateAttr[dict[str, str]]("swaig_query_params")
    _web_hook_url = StateAttr[str | None]("web_hook_url")
    _post_prompt_url = StateAttr[str | None]("post_prompt_url")
    _debug_events_level = StateAttr[int]("debug_events_level")
    _auto_answer = StateAttr[bool]("auto_answer")
    _record_call = StateAttr[bool]("record_call")
    _record_format = StateAttr[str]("record_format")
    _record_stereo = StateAttr[bool]("record_stereo")
    _pre_answer_verbs = StateAttr[list[dict[str, Any]]]("pre_answer_verbs")
    _answer_config = StateAttr[dict[str, Any]]("answer_config")
    _post_answer_verbs = StateAttr[list[dict[str, Any]]]("post_answer_verbs")
    _post_ai_verbs = StateAttr[list[dict[str, Any]]]("post_ai_verbs")
    _document = StateAttr[dict[str, Any]]("document")
    _verb_handlers = StateAttr[dict[str, Any]]("verb_handlers")
    _dynamic_callbacks = StateAttr[list[Callable[..., Any]]]("dynamic_callbacks")
    _debug_handlers = StateAttr[list[Callable[..., Any]]]("debug_handlers")
    _call_start_handlers = StateAttr[list[Callable[..., Any]]]("call_start_handlers")
    _call_end_handlers = StateAttr[list[Callable[..., Any]]]("call_end_handlers")
    _sip_usernames = StateAttr[set[str]]("sip_usernames")
    _routing_callbacks = StateAttr[dict[str, Callable[..., Any]]]("routing_callbacks")

    def __init__(
        self,
        name: str,
        route: str = "/",
        host: str = "0.0.0.0",  # noqa: S104
        port: int | None = None,
        basic_auth: tuple[str, str] | None = None,
        use_pom: bool = True,
        token_expiry_secs: int = 3600,
        auto_answer: bool = True,
        record_call: bool = False,
        record_format: str = "mp4",
        record_stereo: bool = True,
        default_webhook_url: str | None = None,
        agent_id: str | None = None,
        native_functions: list[str] | None = None,
        schema_path: str | None = None,
        suppress_logs: bool = False,
        enable_post_prompt_override: bool = False,
        check_for_input_override: bool = False,
        config_file: str | None = None,
        schema_validation: bool = True,
        signing_key: str | None = None,
        trust_proxy_for_signature: bool = False,
        swaig_secret: str | None = None,
    ) -> None:
        # State first: define_tool() (class-level tools) runs inside super().__init__.
        self._render_lock = threading.Lock()
        self._cache: dict[tuple[Any, ...], _Compiled] = {}
        self._version = 0
        self._state = AgentState(
            use_pom=bool(use_pom),
            native_functions=list(native_functions or []),
            auto_answer=bool(auto_answer),
            record_call=bool(record_call),
            record_format=record_format,
            record_stereo=bool(record_stereo),
        )
        super().__init__(
            name,
            route=route,
            host=host,
            port=port,
            basic_auth=basic_auth,
            schema_path=schema_path,
            config_file=config_file,
            schema_validation=schema_validation,
            swaig_secret=swaig_secret,
            token_expiry_secs=token_expiry_secs,
            signing_key=signing_key,
            trust_proxy_for_signature=trust_proxy_for_signature,
        )
        # Made on first use: importing uuid loads `platform` too, a cost every
        # serverless cold start would pay for an id most agents never read.
        self._agent_id: str | None = agent_id or None
        # Accepted for compatibility; signalwire-sdk 3.7.5 stores them without using them.
        self.default_webhook_url = default_webhook_url
        self.enable_post_prompt_override = enable_post_prompt_override
        self.check_for_input_override = check_for_input_override
        self.suppress_logs = suppress_logs
        if self.PROMPT_SECTIONS:
            self._apply_prompt_sections(self.PROMPT_SECTIONS)

    # -- cache ------------------------------------------------------------------------------

    def _changed(self) -> None:
        self._version = getattr(self, "_version", 0) + 1

    @property
    def agent_id(self) -> str:
        """This agent's id: the ``agent_id`` given to the constructor, else a random UUID."""
        if self._agent_id is None:
            import uuid

            self._agent_id = str(uuid.uuid4())
        return self._agent_id

    @agent_id.setter
    def agent_id(self, value: str) -> None:
        self._agent_id = value

    @property
    def auto_answer(self) -> bool:
        """Whether the document answers the call before the AI starts."""
        return self._auto_answer

    @auto_answer.setter
    def auto_answer(self, value: bool) -> None:
        self._auto_answer = bool(value)
        self._changed()

    # -- prompt -----------------------------------------------------------------------------

    def _apply_prompt_sections(self, sections: Any) -> None:
        if isinstance(sections, Mapping):
            for title, content in sections.items():
                if isinstance(content, str):
                    self.prompt_add_section(title, body=content)
                elif isinstance(content, list):
                    self.prompt_add_section(title, bullets=content)
                elif isinstance(content, Mapping):
                    self.prompt_add_section(
                        title,
                        body=content.get("body", ""),
                        bullets=content.get("bullets"),
                        numbered=content.get("numbered", False),
                        numbered_bullets=content.get("numberedBullets", False),
                        subsections=content.get("subsections"),
                    )
                else:
                    raise TypeError(f"PROMPT_SECTIONS[{title!r}] must be str, list or dict")
        else:
            for item in sections:
                self.pom.sections.append(PomBuilder.from_sections([item]).sections[0])
            self.pom._touch()

    def set_prompt_text(self, text: str) -> AgentBase:
        """Use a plain-text prompt (it wins over POM sections)."""
        self._prompt_text = text
        self._changed()
        return self

    def set_prompt_pom(self, pom: list[dict[str, Any]]) -> AgentBase:
        """Replace the POM with a list of section dicts."""
        if not self.use_pom:
            raise ValueError("set_prompt_pom() needs use_pom=True")
        self.pom = PomBuilder.from_sections(pom)
        self._changed()
        return self

    def prompt_add_section(
        self,
        title: str,
        body: str = "",
        bullets: list[str] | None = None,
        numbered: bool = False,
        numbered_bullets: bool = False,
        subsections: list[dict[str, Any]] | None = None,
    ) -> AgentBase:
        """Add a prompt section with an optional body, bullets and subsections.

        The parameters may be passed by position in this order, as in signalwire-sdk; a
        value of the wrong type raises ``TypeError`` naming the parameter.
        """
        _check_section_args(title, body, bullets, numbered, numbered_bullets, subsections)
        self.pom.add_section(title, body or "", bullets, numbered, numbered_bullets, subsections)
        return self

    def prompt_add_to_section(
        self,
        title: str,
        body: str | None = None,
        bullet: str | None = None,
        bullets: list[str] | None = None,
    ) -> AgentBase:
        """Append body text or bullets to a section (created if missing)."""
        self.pom.add_to_section(title, body, bullet, bullets)
        return self

    def prompt_add_subsection(
        self, parent_title: str, title: str, body: str = "", bullets: list[str] | None = None
    ) -> AgentBase:
        """Add a subsection (the parent is created if missing)."""
        self.pom.add_subsection(parent_title, title, body, bullets)
        return self

    def prompt_has_section(self, title: str) -> bool:
        """Whether a top-level prompt section has this title."""
        return self.pom.has_section(title)

    def get_prompt(self) -> str | list[dict[str, Any]]:
        """The prompt: raw text, else the POM sections, else the default text."""
        if self._prompt_text is not None:
            return self._prompt_text
        if self.use_pom:
            return self.pom.to_dict()
        return f"You are {self.name}, a helpful AI assistant."

    def _get_prompt_overridden(self) -> bool:
        return type(self).get_prompt is not AgentBase.get_prompt

    def set_post_prompt(self, text: str) -> AgentBase:
        """Set the post-prompt: the summary the AI writes when the call ends."""
        self._post_prompt = text
        self._changed()
        return self

    def get_post_prompt(self) -> str | None:
        """The post-prompt text, or None."""
        return self._post_prompt

    def set_prompt_llm_params(self, **params: Any) -> AgentBase:
        """Merge LLM settings (temperature, top_p, model, ...) into the prompt object."""
        self._prompt_llm_params.update(params)
        self._changed()
        return self

    def set_post_prompt_llm_params(self, **params: Any) -> AgentBase:
        """Merge LLM settings into the post_prompt object."""
        self._post_prompt_llm_params.update(params)
        self._changed()
        return self

    # -- contexts ---------------------------------------------------------------------------

    def define_contexts(self, contexts: Any = None) -> Any:
        """With no argument, return the agent's ContextBuilder (rendered into the prompt).

        With a ContextBuilder or a dict, use it and return self.
        """
        if contexts is None:
            if self._contexts is None:
                from signalwire.agents._contexts import ContextBuilder

                self._contexts = ContextBuilder(self)
            self._changed()
            return self._contexts
        self._contexts = contexts
        self._changed()
        return self

    @property
    def contexts(self) -> Any:
        """The agent's ContextBuilder (created on first use)."""
        return self.define_contexts()

    def reset_contexts(self) -> AgentBase:
        """Drop every context."""
        if self._contexts is not None and hasattr(self._contexts, "reset"):
            self._contexts.reset()
        else:
            self._contexts = None
        self._changed()
        return self

    def _contexts_dict(self) -> dict[str, Any] | None:
        ctx = self._contexts
        if ctx is None:
            return None
        if isinstance(ctx, Mapping):
            if not ctx:
                return None
            from signalwire.agents._contexts import render_contexts

            # A dict may hold Context objects or ready-made dicts: both are validated and rendered.
            return render_contexts(ctx, list(self._tools)) or None
        if not ctx:
            return None
        data: dict[str, Any] = ctx.to_dict(tool_names=list(self._tools))
        return data or None

    def _check_before_serving(self) -> None:
        # Broken contexts would fail every SWML fetch: refuse to build or start the app instead.
        self._contexts_dict()

    # -- AI configuration -------------------------------------------------------------------

    def add_hint(self, hint: str) -> AgentBase:
        """Add a speech-recognition hint."""
        if isinstance(hint, str) and hint:
            self._hints.append(hint)
            self._changed()
        return self

    def add_hints(self, hints: Iterable[str]) -> AgentBase:
        """Add several hints (empty or non-string values are ignored)."""
        for hint in hints:
            self.add_hint(hint)
        return self

    def add_pattern_hint(
        self, hint: str, pattern: str, replace: str, ignore_case: bool = False
    ) -> AgentBase:
        """Add a hint that rewrites recognised text matching ``pattern``."""
        self._hints.append(
            {"hint": hint, "pattern": pattern, "replace": replace, "ignore_case": ignore_case}
        )
        self._changed()
        return self

    def add_language(
        self,
        name: str,
        code: str,
        voice: str,
        speech_fillers: list[str] | None = None,
        function_fillers: list[str] | None = None,
        engine: str | None = None,
        model: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> AgentBase:
        """Add a language; ``voice`` may be written ``"engine.voice:model"``."""
        lang: dict[str, Any] = {"name": name, "code": code}
        if engine or model:
            lang["voice"] = voice
            if engine:
                lang["engine"] = engine
            if model:
                lang["model"] = model
        elif "." in voice and ":" in voice:
            engine_part, rest = voice.split(".", 1)
            voice_part, model_part = rest.split(":", 1)
            lang.update(voice=voice_part, engine=engine_part, model=model_part)
        else:
            lang["voice"] = voice
        if speech_fillers and function_fillers:
            lang["speech_fillers"] = list(speech_fillers)
            lang["function_fillers"] = list(function_fillers)
        elif speech_fillers or function_fillers:
            lang["fillers"] = list(speech_fillers or function_fillers or [])
        if params:
            lang["params"] = dict(params)
        self._languages.append(lang)
        self._changed()
        return self

    def set_languages(self, languages: list[dict[str, Any]]) -> AgentBase:
        """Replace every language with these dicts."""
        self._languages = [dict(lang) for lang in languages]
        self._changed()
        return self

    def set_language_params(self, code: str, params: dict[str, Any]) -> AgentBase:
        """Set one language's ``params`` (an empty dict removes them)."""
        for lang in self._languages:
            if lang.get("code") == code:
                if params:
                    lang["params"] = dict(params)
                else:
                    lang.pop("params", None)
        self._changed()
        return self

    def get_language_params(self, code: str) -> dict[str, Any] | None:
        """One language's ``params``, or None."""
        for lang in self._languages:
            if lang.get("code") == code:
                params = lang.get("params")
                return dict(params) if params else None
        return None

    def set_multilingual(self, config: dict[str, Any]) -> AgentBase:
        """Set ``ai.multilingual`` (the platform prefers it over ``languages``)."""
        self._multilingual = dict(config)
        self._changed()
        return self

    def add_pronunciation(
        self, replace: str, with_text: str, ignore_case: bool = False
    ) -> AgentBase:
        """Say ``with_text`` wherever the AI would say ``replace``."""
        rule: dict[str, Any] = {"replace": replace, "with": with_text}
        if ignore_case:
            rule["ignore_case"] = True
        self._pronounce.append(rule)
        self._changed()
        return self

    def set_pronunciations(self, pronunciations: list[dict[str, Any]]) -> AgentBase:
        """Replace the pronunciation rules."""
        self._pronounce = [dict(p) for p in pronunciations]
        self._changed()
        return self

    def set_param(self, key: str, value: Any) -> AgentBase:
        """Set one ``ai.params`` key."""
        self._params[key] = value
        self._changed()
        return self

    def set_params(self, params: Mapping[str, Any]) -> AgentBase:
        """Merge keys into ``ai.params``."""
        self._params.update(params)
        self._changed()
        return self

    def set_semantic_gates(
        self,
        enabled: bool | None = None,
        timeout_ms: int | None = None,
        history: int | None = None,
    ) -> AgentBase:
        """How the call checks its tools' semantic gates (None keeps the platform default).

        ``enabled=False`` runs gated tools unchecked; ``timeout_ms`` (500-10000) bounds one
        check; ``history`` (0-100) is how many dialogue entries the decision model sees.
        """
        from signalwire.agents._semantic_gate import semantic_gate_params

        return self.set_params(semantic_gate_params(enabled, timeout_ms, history))

    def set_global_data(self, data: Mapping[str, Any]) -> AgentBase:
        """Merge keys into ``ai.global_data`` (it does not replace it)."""
        with self._render_lock:
            self._global_data.update(data)
        self._changed()
        return self

    def _gate_data_keys(self) -> list[str] | None:
        return list(self._global_data)

    def update_global_data(self, data: Mapping[str, Any]) -> AgentBase:
        """Merge keys into ``ai.global_data``."""
        return self.set_global_data(data)

    def set_native_functions(self, function_names: list[str]) -> AgentBase:
        """Enable the platform's built-in functions (``check_time``, ``wait_seconds``, ...)."""
        self._native_functions = [n for n in function_names if isinstance(n, str) and n]
        self._changed()
        return self

    def set_internal_fillers(self, internal_fillers: dict[str, dict[str, list[str]]]) -> AgentBase:
        """Phrases said while built-in functions run: ``{function: {lang: [phrases]}}``."""
        for fn in internal_fillers:
            if fn not in _INTERNAL_FILLER_FUNCTIONS:
                log.warning("internal filler for unknown function %r", fn)
        self._internal_fillers = {k: dict(v) for k, v in internal_fillers.items()}
        self._changed()
        return self

    def add_internal_filler(
        self, function_name: str, language_code: str, fillers: list[str]
    ) -> AgentBase:
        """Add filler phrases for one built-in function and language."""
        if function_name not in _INTERNAL_FILLER_FUNCTIONS:
            log.warning("internal filler for unknown function %r", function_name)
        self._internal_fillers.setdefault(function_name, {})[language_code] = list(fillers)
        self._changed()
        return self

    def add_function_include(
        self, url: str, functions: list[str], meta_data: dict[str, Any] | None = None
    ) -> AgentBase:
        """Let the AI call ``functions`` served by another SWAIG server at ``url``."""
        include: dict[str, Any] = {"url": url, "functions": list(functions)}
        if meta_data:
            include["meta_data"] = dict(meta_data)
        self._function_includes.append(include)
        self._changed()
        return self

    def set_function_includes(self, includes: list[dict[str, Any]]) -> AgentBase:
        """Replace the remote function includes."""
        for include in includes:
            if (
                not isinstance(include, Mapping)
                or "url" not in include
                or "functions" not in include
            ):
                raise ValueError("each include needs 'url' and 'functions'")
        self._function_includes = [dict(i) for i in includes]
        self._changed()
        return self

    def add_mcp_server(
        self,
        url: str,
        headers: dict[str, str] | None = None,
        resources: bool = False,
        resource_vars: dict[str, Any] | None = None,
    ) -> AgentBase:
        """Let the AI use the tools of an MCP server."""
        server: dict[str, Any] = {"url": url}
        if headers:
            server["headers"] = dict(headers)
        if resources:
            server["resources"] = True
        if resource_vars:
            server["resource_vars"] = dict(resource_vars)
        self._mcp_servers.append(server)
        self._changed()
        return self

    def enable_debug_events(self, level: int = 1) -> AgentBase:
        """Have the platform post debug events to ``{route}/debug_events/``."""
        self._debug_events_level = int(level)
        self._changed()
        return self

    def on_debug_event(self, handler: Callable[[str, dict[str, Any]], Any]) -> Any:
        """Register ``handler(event_type, data)`` for debug events (usable as a decorator)."""
        self._debug_handlers.append(handler)
        return handler

    # -- call flow --------------------------------------------------------------------------

    def add_pre_answer_verb(self, verb_name: str, config: dict[str, Any]) -> AgentBase:
        """Run a verb before the call is answered (only verbs that are safe there)."""
        if verb_name in _PRE_ANSWER_MEDIA:
            if not (isinstance(config, Mapping) and config.get("auto_answer") is False):
                log.warning(
                    "pre-answer %r answers the call unless its config has auto_answer: false",
                    verb_name,
                )
        elif verb_name not in _PRE_ANSWER_SAFE:
            raise ValueError(
                f"verb {verb_name!r} cannot run before the call is answered; allowed: "
                f"{', '.join(sorted(_PRE_ANSWER_SAFE | _PRE_ANSWER_MEDIA))}"
            )
        self._validate_verb(verb_name, config)
        self._pre_answer_verbs.append({verb_name: config})
        self._changed()
        return self

    def add_answer_verb(self, config: dict[str, Any] | None = None) -> AgentBase:
        """Set the ``answer`` verb's config (e.g. ``{"max_duration": 3600}``)."""
        self._answer_config = dict(config or {})
        self._changed()
        return self

    def add_post_answer_verb(self, verb_name: str, config: dict[str, Any]) -> AgentBase:
        """Run a verb after answering, before the AI starts."""
        self._validate_verb(verb_name, config)
        self._post_answer_verbs.append({verb_name: config})
        self._changed()
        return self

    def add_post_ai_verb(self, verb_name: str, config: dict[str, Any]) -> AgentBase:
        """Run a verb after the AI session ends."""
        self._validate_verb(verb_name, config)
        self._post_ai_verbs.append({verb_name: config})
        self._changed()
        return self

    def clear_pre_answer_verbs(self) -> AgentBase:
        """Remove every pre-answer verb."""
        self._pre_answer_verbs = []
        self._changed()
        return self

    def clear_post_answer_verbs(self) -> AgentBase:
        """Remove every post-answer verb."""
        self._post_answer_verbs = []
        self._changed()
        return self

    def clear_post_ai_verbs(self) -> AgentBase:
        """Remove every post-AI verb."""
        self._post_ai_verbs = []
        self._changed()
        return self

    # -- URLs -------------------------------------------------------------------------------

    def add_swaig_query_params(self, params: Mapping[str, Any]) -> AgentBase:
        """Add query params to every generated webhook URL (empty values are dropped)."""
        for key, value in params.items():
            if value is not None and value != "":
                self._swaig_query_params[str(key)] = str(value)
        self._changed()
        return self

    def clear_swaig_query_params(self) -> AgentBase:
        """Remove the extra webhook query params."""
        self._swaig_query_params = {}
        self._changed()
        return self

    def set_web_hook_url(self, url: str) -> AgentBase:
        """Override ``SWAIG.defaults.web_hook_url`` (per-tool token URLs stay)."""
        self._web_hook_url = url
        self._changed()
        return self

    def set_post_prompt_url(self, url: str) -> AgentBase:
        """Override ``post_prompt_url``."""
        self._post_prompt_url = url
        self._changed()
        return self

    def get_full_url(self, include_auth: bool = False) -> str:
        """The public URL of the agent's route (with credentials when asked); with a proxy
        base, that base alone, as signalwire-sdk returns it."""
        return super().get_full_url(include_auth)

    # -- hooks ------------------------------------------------------------------------------

    def set_dynamic_config_callback(
        self, callback: Callable[[dict[str, str], dict[str, Any], dict[str, str], AgentBase], Any]
    ) -> AgentBase:
        """Configure each request's private copy: ``callback(query, body, headers, agent)``.

        Replaces any callbacks registered before. Runs for the SWML fetch and for
        every ``/swaig`` and ``/post_prompt`` request.
        """
        self._dynamic_callbacks = [callback]
        return self

    def add_per_call_config(
        self, callback: Callable[[dict[str, str], dict[str, Any], dict[str, str], AgentBase], Any]
    ) -> AgentBase:
        """Add a per-request configuration callback (run in registration order)."""
        self._dynamic_callbacks.append(callback)
        return self

    def on_swml_request(
        self,
        request_data: dict[str, Any] | None = None,
        callback_path: str | None = None,
        request: Any = None,
    ) -> dict[str, Any] | None:
        """Override to adjust the ``ai`` verb per request; ``global_data`` is merged."""
        return None

    def on_summary(
        self, summary: dict[str, Any] | str | None, raw_data: dict[str, Any] | None = None
    ) -> Any:
        """Override to receive the post-prompt summary when a call ends.

        ``summary`` is the parsed JSON when the AI answered the post-prompt with
        JSON, else the raw text. Sync overrides run in a worker thread; ``async``
        ones are awaited. A value returned for a ``fetch_conversation`` request is
        sent back to the platform.
        """
        return None

    def on_call_start(self, handler: Callable[[dict[str, Any]], Any]) -> Any:
        """Run ``handler(raw_data)`` when the call starts (registers ``startup_hook``)."""
        self._call_start_handlers.append(handler)
        if "startup_hook" not in self._tools:
            self._define_hook_tool(
                "startup_hook", "Internal: fires when the call starts.", self._run_start
            )
        return handler

    def on_call_end(self, handler: Callable[[list[Any], dict[str, Any]], Any]) -> Any:
        """Run ``handler(call_log, raw_data)`` when the call ends (registers ``hangup_hook``)."""
        self._call_end_handlers.append(handler)
        if "hangup_hook" not in self._tools:
            self._define_hook_tool(
                "hangup_hook", "Internal: fires when the call ends.", self._run_end
            )
        if self._params.get("swaig_post_conversation") is False:
            log.warning("on_call_end: swaig_post_conversation=false, so no call_log is sent")
        else:
            self._params["swaig_post_conversation"] = True
        self._changed()
        return handler

    def _define_hook_tool(self, name: str, description: str, handler: Callable[..., Any]) -> None:
        self._tools = {name: SWAIGFunction(name, handler, description, secure=True), **self._tools}
        self._changed()

    async def _run_start(self, args: dict[str, Any], raw_data: dict[str, Any]) -> Any:
        return await self._run_hooks(self._call_start_handlers, (raw_data,))

    async def _run_end(self, args: dict[str, Any], raw_data: dict[str, Any]) -> Any:
        call_log = raw_data.get("call_log") if isinstance(raw_data, dict) else None
        return await self._run_hooks(self._call_end_handlers, (call_log or [], raw_data))

    async def _run_hooks(self, handlers: list[Callable[..., Any]], args: tuple[Any, ...]) -> Any:
        texts: list[str] = []
        combined = FunctionResult()
        for handler in handlers:
            result = await run_callable(handler, *args)
            if isinstance(result, FunctionResult):
                if isinstance(result.response, str) and result.response:
                    texts.append(result.response)
                combined.action.extend(result.action)
                combined.post_process = combined.post_process or result.post_process
        if texts:
            combined.response = "\n".join(texts)
        return combined

    # -- what the skills package removes again (see skills._host.SkillHost) -----------------

    def _remove_hints(self, hints: Iterable[Any]) -> None:
        for hint in hints:
            if hint in self._hints:
                self._hints.remove(hint)
        self._changed()

    def _remove_global_data(self, keys: Iterable[str]) -> None:
        with self._render_lock:
            for key in keys:
                self._global_data.pop(key, None)
        self._changed()

    def _remove_prompt_sections(self, titles: Iterable[str]) -> None:
        sections = self.pom.sections
        for title in titles:
            for index in range(len(sections) - 1, -1, -1):
                if sections[index].title == title:
                    del sections[index]
                    break
        self.pom._touch()
        self._changed()

    # -- SIP --------------------------------------------------------------------------------

    def enable_sip_routing(self, auto_map: bool = True, path: str = "/sip") -> AgentBase:
        """Serve ``path`` for SIP calls (it answers with this agent's SWML)."""
        self.register_routing_callback(lambda body, headers: None, path)
        if auto_map:
            self.auto_map_sip_usernames()
        return self

    def register_sip_username(self, sip_username: str) -> AgentBase:
        """Record a SIP username that reaches this agent."""
        self._sip_usernames.add(sip_username.lower())
        return self

    def auto_map_sip_usernames(self) -> AgentBase:
        """Register usernames derived from the agent's name and route."""
        clean_name = re.sub(r"[^a-z0-9_]", "", self.name.lower())
        if clean_name:
            self.register_sip_username(clean_name)
        clean_route = re.sub(r"[^a-z0-9_]", "", self.route.lower())
        if clean_route and clean_route != clean_name:
            self.register_sip_username(clean_route)
        if len(clean_name) > 3:
            no_vowels = re.sub(r"[aeiou]", "", clean_name)
            if no_vowels and no_vowels != clean_name:
                self.register_sip_username(no_vowels)
        return self

    @property
    def native_functions(self) -> list[str]:
        """The platform built-in functions enabled for the AI."""
        return list(self._native_functions)

    @native_functions.setter
    def native_functions(self, names: list[str]) -> None:
        self.set_native_functions(names)

    # -- not supported (clear errors instead of AttributeError) --------------------------------

    def enable_mcp_server(self) -> AgentBase:
        """Serve the agent's tools to MCP clients at ``POST {route}/mcp`` (JSON-RPC 2.0)."""
        self._mcp_enabled = True
        return self

    # -- compatibility no-ops ----------------------------------------------------------------

    def enable_debug_routes(self) -> AgentBase:
        """Kept for compatibility; the debug route is always served."""
        return self

    def setup_graceful_shutdown(self) -> None:
        """Kept for compatibility; uvicorn already handles SIGTERM and SIGINT."""

    # -- rendering --------------------------------------------------------------------------

    def _query_string(self) -> str:
        return urlencode(self._swaig_query_params) if self._swaig_query_params else ""

    def _build_document(
        self, public_base: str, path_prefix: str, token: Callable[[str], str]
    ) -> dict[str, Any]:
        """The whole document; ``token(fn)`` supplies the text put where a token goes."""
        state = self._state
        user, password = self._auth.user, self._auth.password
        authed = with_userinfo(public_base, user, password) + path_prefix
        query = self._query_string()
        swaig_url = f"{authed}/swaig/"

        contexts = self._contexts_dict()
        prompt: dict[str, Any]
        if self._get_prompt_overridden():
            # A subclass that overrides get_prompt() supplies the prompt (text or POM list).
            value = self.get_prompt()
            prompt = {"pom": list(value)} if isinstance(value, list) else {"text": str(value)}
        elif state.prompt_text is not None:
            prompt = {"text": state.prompt_text}
        elif state.use_pom and state.pom.sections:
            prompt = {"pom": state.pom.to_dict()}
        elif contexts:
            # The prompt lives in the contexts: an empty POM, as signalwire-sdk 3.7.5 sends,
            # rather than a default text the developer never wrote.
            prompt = {"pom": []}
        else:
            prompt = {"text": f"You are {self.name}, a helpful AI assistant."}
        if contexts:
            prompt["contexts"] = contexts
        prompt.update(state.prompt_llm_params)
        ai: dict[str, Any] = {"prompt": prompt}

        if state.post_prompt:
            ai["post_prompt"] = {"text": state.post_prompt, **state.post_prompt_llm_params}
            if state.post_prompt_url:
                ai["post_prompt_url"] = state.post_prompt_url
            else:
                qs = f"{query}&" if query else ""
                ai["post_prompt_url"] = f"{authed}/post_prompt/?{qs}__token={token('post_prompt')}"

        swaig: dict[str, Any] = {}
        if state.native_functions:
            swaig["native_functions"] = list(state.native_functions)
        if state.function_includes:
            swaig["includes"] = copy.deepcopy(state.function_includes)
        if state.internal_fillers:
            swaig["internal_fillers"] = copy.deepcopy(state.internal_fillers)
        functions: list[dict[str, Any]] = []
        for fn in state.tools.values():
            if isinstance(fn, dict):
                functions.append(copy.deepcopy(fn))
                continue
            entry = fn.to_dict()
            if fn.wait_file and "://" not in fn.wait_file:
                entry["wait_file"] = public_base + "/" + fn.wait_file.lstrip("/")
            if fn.webhook_url:
                entry["web_hook_url"] = fn.webhook_url
            elif fn.secure:
                qs = f"{query}&" if query else ""
                entry["web_hook_url"] = f"{swaig_url}?{qs}__token={token(fn.name)}"
            elif query:
                entry["web_hook_url"] = f"{swaig_url}?{query}"
            entry.update(copy.deepcopy(fn.extra_swaig_fields))
            functions.append(entry)
        if functions:
            swaig["functions"] = functions
            default_url = state.web_hook_url or (f"{swaig_url}?{query}" if query else swaig_url)
            swaig["defaults"] = {"web_hook_url": default_url}
        if state.mcp_servers:
            swaig["mcp_servers"] = copy.deepcopy(state.mcp_servers)
        if swaig:
            ai["SWAIG"] = swaig

        params = dict(state.params)
        if state.debug_events_level:
            params["debug_webhook_url"] = f"{authed}/debug_events/" + (f"?{query}" if query else "")
            params["debug_webhook_level"] = state.debug_events_level
        ai["params"] = copy.deepcopy(params)
        if state.hints:
            ai["hints"] = copy.deepcopy(state.hints)
        if state.languages:
            ai["languages"] = copy.deepcopy(state.languages)
        if state.multilingual:
            ai["multilingual"] = copy.deepcopy(state.multilingual)
        if state.pronounce:
            ai["pronounce"] = copy.deepcopy(state.pronounce)
        with self._render_lock:
            if state.global_data:
                ai["global_data"] = copy.deepcopy(state.global_data)

        main: list[dict[str, Any]] = copy.deepcopy(state.pre_answer_verbs)
        if state.auto_answer:
            main.append({"answer": dict(state.answer_config)})
        if state.record_call:
            recording = {"format": state.record_format, "stereo": state.record_stereo}
            main.append({"record_call": recording})
        main += copy.deepcopy(state.post_answer_verbs)
        main.append({"ai": ai})
        main += copy.deepcopy(state.post_ai_verbs)
        return {"version": "1.0.0", "sections": {"main": main}}

    def _compile(
        self, public_base: str, path_prefix: str, mods: dict[str, Any] | None
    ) -> _Compiled:
        nonce = os.urandom(6).hex()
        slots: list[str] = []

        def token(function: str) -> str:
            slots.append(function)
            return f"@@swtoken{nonce}:{len(slots) - 1}@@"

        doc = self._build_document(public_base, path_prefix, token)
        if mods:
            # The AI verb's config, whatever the verb is called (BedrockAgent renames it).
            ai = next(iter(doc["sections"]["main"][-1 - len(self._post_ai_verbs)].values()))
            for key, value in mods.items():
                if key == "global_data" and isinstance(value, Mapping):
                    ai["global_data"] = {**ai.get("global_data", {}), **value}
                else:
                    ai[key] = value
        text = json.dumps(doc)
        pieces = re.split(f"@@swtoken{nonce}:(\\d+)@@", text)
        return _Compiled(pieces[0::2], [slots[int(i)] for i in pieces[1::2]])

    def _render_compiled(self, compiled: _Compiled, call_id: str | None) -> str:
        literals = compiled.literals
        if not compiled.slot_functions:
            return literals[0]
        mint = self._token_signer.mint
        out = [literals[0]]
        for function, literal in zip(compiled.slot_functions, literals[1:], strict=False):
            # Tokens are unpadded base64url fields joined with '.': nothing to escape in a URL.
            out.append(mint(function, call_id))
            out.append(literal)
        return "".join(out)

    def _compiled_for(
        self, public_base: str, path_prefix: str, mods: dict[str, Any] | None
    ) -> _Compiled:
        state = self._state
        # Contexts and an overridden get_prompt() may change between renders: never cached.
        if mods or state.contexts is not None or self._get_prompt_overridden():
            return self._compile(public_base, path_prefix, mods)
        key = (self._version, state.pom._version, public_base, path_prefix)
        compiled = self._cache.get(key)
        if compiled is None:
            compiled = self._compile(public_base, path_prefix, None)
            if len(self._cache) > 16:
                self._cache.clear()
            self._cache[key] = compiled
        return compiled

    def render_swml(self, call_id: str | None = None) -> str:
        """Render the SWML document for a call, as SignalWire would receive it."""
        compiled = self._compiled_for(self._public_base(None), self.route, None)
        return self._render_compiled(compiled, call_id)

    def _render_swml(
        self, call_id: str | None = None, modifications: dict[str, Any] | None = None
    ) -> str:
        """signalwire-sdk compatible name of :meth:`render_swml`."""
        compiled = self._compiled_for(self._public_base(None), self.route, modifications)
        return self._render_compiled(compiled, call_id)

    def get_document(self) -> dict[str, Any]:
        """The agent's SWML document as a dict (tokens minted without a call_id)."""
        result: dict[str, Any] = json.loads(self.render_swml())
        return result

    def render_document(self) -> str:
        """The agent's SWML document as a JSON string."""
        return self.render_swml()

    # -- per-request handling -----------------------------------------------------------------

    def _ephemeral_copy(self) -> AgentBase:
        # Create the signer on the master first, so every copy shares its secret.
        self._token_signer  # noqa: B018
        clone = copy.copy(self)
        attrs = clone.__dict__
        # Back-references (a ContextBuilder's agent) in the copied state point at the copy.
        attrs["_state"] = self._state.copy({id(self): clone})
        attrs["_cache"] = {}
        attrs["_render_lock"] = threading.Lock()
        return clone

    async def _service_for_request(self, request: Request, body: dict[str, Any]) -> AgentBase:
        callbacks = self._state.dynamic_callbacks
        if not callbacks:
            return self
        clone = self._ephemeral_copy()
        query, headers = dict(request.query), dict(request.headers)
        # The agent's own callbacks, as they were when the request came in: one a callback
        # registers on the copy belongs to the copy and ends with it.
        for callback in tuple(callbacks):
            await run_callable(callback, query, body, headers, clone)
        clone._changed()
        return clone

    @staticmethod
    def _call_id_of(request: Request, body: dict[str, Any]) -> str | None:
        call_id = body.get("call_id")
        if not (isinstance(call_id, str) and call_id):
            call = body.get("call")
            call_id = call.get("call_id") if isinstance(call, dict) else None
        if not (isinstance(call_id, str) and call_id):
            call_id = request.query.get("call_id")
        # An id a token cannot be bound to (odd characters, too long) gets a token for any
        # call, as a fetch without a call_id does: never an error, never an unbounded field.
        return call_id if valid_call_id(call_id) else None

    async def _render_for_request(
        self, request: Request, body: dict[str, Any], callback_path: str | None
    ) -> bytes:
        agent = await self._service_for_request(request, body)
        mods: dict[str, Any] | None = None
        if type(agent).on_swml_request is not AgentBase.on_swml_request:
            result = await run_callable(agent.on_swml_request, body, callback_path, request)
            mods = result if isinstance(result, dict) and result else None
        if type(agent).on_request is not SWMLService.on_request:
            result = await run_callable(agent.on_request, body, callback_path)
            if isinstance(result, dict) and result:
                mods = {**(mods or {}), **result}
        public_base = agent._public_base(request)
        compiled = agent._compiled_for(public_base, request.root_path, mods)
        return agent._render_compiled(compiled, self._call_id_of(request, body)).encode()

    async def _handle_post_prompt(self, request: Request) -> Response:
        body = self._body_dict(request)
        agent = await self._service_for_request(request, body)
        token = request.query.get("__token") or request.query.get("token")
        body_call_id = body.get("call_id") if isinstance(body.get("call_id"), str) else None
        url_call_id = request.query.get("call_id")
        if url_call_id and body_call_id and url_call_id != body_call_id:
            return json_response(400, {"error": "call_id in the URL and the body differ"})
        if not token or not agent._token_signer.check(token, "post_prompt", body_call_id):
            return json_response(403, {"error": "Invalid or missing token"})
        summary = self._extract_summary(body)
        try:
            result = await run_callable(agent.on_summary, summary, body)
        except Exception:
            self.log.exception("on_summary failed (call_id=%s)", body_call_id)
            result = None
        if body.get("action") == "fetch_conversation" and result is not None:
            try:
                return json_response(200, result)
            except (TypeError, ValueError):
                self.log.error("on_summary returned a value that is not JSON; answering success")
        return json_response(200, {"success": True})

    @staticmethod
    def _extract_summary(body: dict[str, Any]) -> Any:
        if "summary" in body:
            return body["summary"]
        data = body.get("post_prompt_data")
        if not isinstance(data, dict):
            return None
        parsed = data.get("parsed")
        if isinstance(parsed, list) and parsed:
            return parsed[0]
        raw = data.get("raw")
        if isinstance(raw, str):
            try:
                return decode_json_text(raw, "post_prompt_data.raw")
            except ValueError:
                return raw
        return None

    async def _handle_debug_event(self, request: Request) -> Response:
        body = self._body_dict(request)
        event_type = body.get("label") or body.get("action") or "unknown"
        self.log.debug("debug event %s", event_type)
        for handler in self._debug_handlers:
            try:
                await run_callable(handler, event_type, body)
            except Exception:
                self.log.exception("debug event handler failed")
        return json_response(200, {"status": "ok"})


if TYPE_CHECKING:
    from signalwire.agents.skills._host import SkillHost

    def _agent_is_a_skill_host(agent: AgentBase) -> SkillHost:
        # mypy checks here that AgentBase provides everything SkillHost names.
        return agent


_SECTION_ORDER = "(title, body, bullets, numbered, numbered_bullets, subsections)"


def _check_section_args(
    title: Any, body: Any, bullets: Any, numbered: Any, numbered_bullets: Any, subsections: Any
) -> None:
    """Name the parameter of ``prompt_add_section`` whose value has the wrong type."""

    def wrong(name: str, wanted: str, value: Any) -> TypeError:
        return TypeError(
            f"prompt_add_section(): {name} must be {wanted}, got {type(value).__name__} "
            f"{value!r:.60} (positional order: {_SECTION_ORDER})"
        )

    if not isinstance(title, str):
        raise wrong("title", "a string", title)
    if body is not None and not isinstance(body, str):
        raise wrong("body", "a string", body)
    if (
        bullets is not None
        and not isinstance(bullets, str)
        and (not isinstance(bullets, (list, tuple)) or not all(isinstance(b, str) for b in bullets))
    ):
        raise wrong("bullets", "a list of strings", bullets)
    for name, flag in (("numbered", numbered), ("numbered_bullets", numbered_bullets)):
        if not isinstance(flag, bool):
            raise wrong(name, "True or False", flag)
    if subsections is not None and (
        not isinstance(subsections, (list, tuple))
        or not all(isinstance(sub, Mapping) for sub in subsections)
    ):
        raise wrong("subsections", "a list of dicts", subsections)
