"""Stand-ins for LiveKit plugin classes: they accept their options and do nothing else.

SignalWire runs speech recognition, voices and voice activity detection on the platform,
so these only let LiveKit code construct them unchanged; each class reports once (at
INFO) that it is not used. The LLM stand-ins keep ``model``, which sets the AI model.
"""

from __future__ import annotations

from typing import Any

from signalwire.agents.livewire._notice import notice_once

__all__ = [
    "CartesiaTTS",
    "DeepgramSTT",
    "ElevenLabsTTS",
    "InferenceLLM",
    "InferenceSTT",
    "InferenceTTS",
    "OpenAILLM",
    "SileroVAD",
]


class _Plugin:
    _role = "plugin"

    def __init__(self, **kwargs: Any) -> None:
        self._kwargs = dict(kwargs)
        name = type(self).__name__
        notice_once(
            f"plugin.{name}",
            f"LiveWire: {name} is accepted and not used: SignalWire runs the {self._role}",
        )


class DeepgramSTT(_Plugin):
    """Stand-in for ``deepgram.STT``."""

    _role = "speech recognition"


class CartesiaTTS(_Plugin):
    """Stand-in for ``cartesia.TTS``."""

    _role = "voice"


class ElevenLabsTTS(_Plugin):
    """Stand-in for ``elevenlabs.TTS``."""

    _role = "voice"


class SileroVAD(_Plugin):
    """Stand-in for ``silero.VAD``."""

    _role = "voice activity detection"

    @classmethod
    def load(cls, **kwargs: Any) -> SileroVAD:
        """Return a stand-in (LiveKit loads the model here)."""
        return cls(**kwargs)


class OpenAILLM:
    """Stand-in for ``openai.LLM``: ``model`` sets the AI model; other options are kept."""

    def __init__(self, **kwargs: Any) -> None:
        self._kwargs = dict(kwargs)
        self.model: str = str(kwargs.get("model", ""))


class InferenceSTT(_Plugin):
    """Stand-in for ``inference.STT``."""

    _role = "speech recognition"

    def __init__(self, model: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.model = model


class InferenceTTS(_Plugin):
    """Stand-in for ``inference.TTS``."""

    _role = "voice"

    def __init__(self, model: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.model = model


class InferenceLLM:
    """Stand-in for ``inference.LLM``: ``model`` sets the AI model."""

    def __init__(self, model: str = "", **kwargs: Any) -> None:
        self._kwargs = dict(kwargs)
        self.model = model
