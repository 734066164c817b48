"""BedrockAgent: an agent whose conversation runs on Amazon Bedrock (the ``amazon_bedrock`` verb).

Everything an :class:`~signalwire.agents.AgentBase` offers works the same way
(prompt, tools, skills, post-prompt, per-call configuration); only the
rendered verb changes. ``amazon_bedrock`` takes ``prompt``, ``SWAIG``,
``params``, ``global_data``, ``post_prompt`` and ``post_prompt_url``; the voice
and the inference settings live in the prompt. What the verb has no room for
(hints, languages, pronunciations, multilingual settings, contexts, other
prompt settings) is left out, with one warning per agent for each.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable
from typing import Any

from signalwire.agents._agent_base import AgentBase

__all__ = ["BedrockAgent"]

log = logging.getLogger("signalwire.agents.bedrock")

_VERB_KEYS = ("prompt", "SWAIG", "params", "global_data", "post_prompt", "post_prompt_url")
_PROMPT_KEYS = ("text", "pom")
_INFERENCE_KEYS = ("voice_id", "temperature", "top_p", "max_tokens")
_SWML_VAR = re.compile(r"^[$%]\{.*\}$")
_FEATURES = {
    "hints": "speech hints",
    "languages": "languages",
    "pronounce": "pronunciation rules",
    "multilingual": "multilingual settings",
    "contexts": "contexts and steps",
}


def _number(name: str, value: Any, *, integer: bool = False) -> Any:
    """``value`` as a number (a numeric string is converted); ValueError names the setting."""
    if not integer and isinstance(value, str) and _SWML_VAR.match(value.strip()):
        return value.strip()  # a SWML variable, resolved by the platform
    kind = "an integer" if integer else "a number"
    if isinstance(value, bool):
        raise ValueError(f"BedrockAgent {name} must be {kind}, got {value!r}")
    try:
        number = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        raise ValueError(f"BedrockAgent {name} must be {kind}, got {value!r}") from None
    if not math.isfinite(number) or (integer and not number.is_integer()):
        raise ValueError(f"BedrockAgent {name} must be {kind}, got {value!r}")
    return int(number) if integer else number


class BedrockAgent(AgentBase):
    """An agent rendered with the ``amazon_bedrock`` verb instead of ``ai``.

    ``voice_id`` is one of Bedrock's voices (``tiffany``, ``matthew``, ``amy``,
    ``lupe``, ``carlos``); ``temperature``, ``top_p`` and ``max_tokens`` are the
    inference settings sent in the prompt. ``system_prompt`` sets the prompt
    text. Other keyword arguments go to :class:`AgentBase`.
    """

    def __init__(
        self,
        name: str = "bedrock_agent",
        route: str = "/bedrock",
        system_prompt: str | None = None,
        voice_id: str = "matthew",
        temperature: float = 0.7,
        top_p: float = 0.9,
        max_tokens: int = 1024,
        **kwargs: Any,
    ) -> None:
        self._voice_id = voice_id
        self._temperature = _number("temperature", temperature)
        self._top_p = _number("top_p", top_p)
        self._max_tokens = _number("max_tokens", max_tokens, integer=True)
        self._bedrock_warned: set[str] = set()
        super().__init__(name=name, route=route, **kwargs)
        if system_prompt:
            self.set_prompt_text(system_prompt)

    def __repr__(self) -> str:
        return f"BedrockAgent(name={self.name!r}, route={self.route!r}, voice={self._voice_id!r})"

    # -- settings ---------------------------------------------------------------------------

    def set_voice(self, voice_id: str) -> None:
        """Use another Bedrock voice (``tiffany``, ``matthew``, ``amy``, ``lupe``, ``carlos``)."""
        self._voice_id = voice_id
        self._changed()

    def set_inference_params(
        self,
        temperature: float | None = None,
        top_p: float | None = None,
        max_tokens: int | None = None,
    ) -> None:
        """Change the inference settings; a refused value (ValueError) changes nothing."""
        new_temperature = _number("temperature", temperature) if temperature is not None else None
        new_top_p = _number("top_p", top_p) if top_p is not None else None
        new_max = (
            _number("max_tokens", max_tokens, integer=True) if max_tokens is not None else None
        )
        if new_temperature is not None:
            self._temperature = new_temperature
        if new_top_p is not None:
            self._top_p = new_top_p
        if new_max is not None:
            self._max_tokens = new_max
        self._changed()

    def set_llm_model(self, model: str) -> None:
        """Has no effect: Bedrock runs a fixed voice-to-voice model (a warning is logged)."""
        log.warning("set_llm_model(%r) ignored: Bedrock uses a fixed voice-to-voice model", model)

    def set_llm_temperature(self, temperature: float) -> None:
        """Same as ``set_inference_params(temperature=...)``."""
        self.set_inference_params(temperature=temperature)

    def set_prompt_llm_params(self, **params: Any) -> BedrockAgent:
        """``temperature``, ``top_p`` and ``max_tokens`` set the inference settings; others are
        ignored with a warning (the Bedrock session reads no other prompt setting)."""
        self.set_inference_params(
            temperature=params.pop("temperature", None),
            top_p=params.pop("top_p", None),
            max_tokens=params.pop("max_tokens", None),
        )
        if params:
            log.warning("BedrockAgent ignores prompt settings %s", ", ".join(sorted(params)))
        return self

    def set_post_prompt_llm_params(self, **params: Any) -> BedrockAgent:
        """Has no effect: the platform configures the Bedrock post-prompt (a warning is logged)."""
        log.warning("set_post_prompt_llm_params() ignored: the platform configures it for Bedrock")
        return self

    # -- rendering --------------------------------------------------------------------------

    def _warn_once(self, key: str, where: str) -> None:
        if key in self._bedrock_warned:
            return
        self._bedrock_warned.add(key)
        what = _FEATURES.get(key, f"'{key}'")
        log.warning("BedrockAgent %r: %s has no %s, so they are left out", self.name, where, what)

    def _build_document(
        self, public_base: str, path_prefix: str, token: Callable[[str], str]
    ) -> dict[str, Any]:
        doc = super()._build_document(public_base, path_prefix, token)
        main = doc["sections"]["main"]
        for index, verb in enumerate(main):
            if "ai" not in verb:
                continue
            ai = verb["ai"]
            for key in ai:
                if key not in _VERB_KEYS:
                    self._warn_once(key, "the amazon_bedrock verb")
            prompt = {k: v for k, v in ai.get("prompt", {}).items() if k in _PROMPT_KEYS}
            for key in ai.get("prompt", {}):
                if key not in _PROMPT_KEYS and key not in _INFERENCE_KEYS:
                    self._warn_once(key, "Bedrock's prompt")
            prompt.update(
                voice_id=self._voice_id,
                temperature=self._temperature,
                top_p=self._top_p,
                max_tokens=self._max_tokens,
            )
            bedrock = {k: ai[k] for k in _VERB_KEYS if k in ai and ai[k] is not None}
            bedrock["prompt"] = prompt
            main[index] = {"amazon_bedrock": bedrock}
            break
        return doc
