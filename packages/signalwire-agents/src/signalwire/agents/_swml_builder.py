"""SWMLBuilder: a fluent wrapper that writes verbs into an SWMLService's document."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from signalwire.agents._verbs_generated import SWMLBuilderVerbsMixin

if TYPE_CHECKING:
    from signalwire.agents._swml_service import SWMLService

__all__ = ["SWMLBuilder"]


class SWMLBuilder(SWMLBuilderVerbsMixin):
    """Chain verb calls on a service's document; every method returns the builder.

    ::

        svc = SWMLService("ivr")
        (
            SWMLBuilder(svc)
            .answer()
            .say("Thanks for calling.")
            .hangup()
        )

    Besides the methods below there is one method per SWML verb (``connect``,
    ``record_call``, ``sleep``, ...), taking the verb's fields as keyword
    arguments. Each config is validated against the SWML schema by the service.
    """

    def __init__(self, service: SWMLService) -> None:
        self._service = service

    @property
    def service(self) -> SWMLService:
        """The service whose document the builder writes."""
        return self._service

    def __repr__(self) -> str:
        return f"SWMLBuilder(service={self._service!r})"

    # -- document

    def add_verb(self, verb_name: str, config: Any) -> SWMLBuilder:
        """Append ``{verb_name: config}`` to the main section."""
        self._service.add_verb(verb_name, config)
        return self

    def add_verb_to_section(self, section_name: str, verb_name: str, config: Any) -> SWMLBuilder:
        """Append a verb to a named section (created if needed)."""
        self._service.add_verb_to_section(section_name, verb_name, config)
        return self

    def add_section(self, section_name: str) -> SWMLBuilder:
        """Add an empty section (for ``execute``/``transfer`` targets)."""
        self._service.add_section(section_name)
        return self

    def build(self) -> dict[str, Any]:
        """The document built so far."""
        return self._service.get_document()

    def render(self) -> str:
        """The document as a JSON string."""
        return self._service.render_document()

    def reset(self) -> SWMLBuilder:
        """Start again from an empty document."""
        self._service.reset_document()
        return self

    # -- verbs with friendlier signatures than the generated ones

    def answer(
        self, max_duration: int | str | None = None, codecs: str | None = None, **extra: Any
    ) -> SWMLBuilder:
        """Answer the call; ``max_duration`` caps it in seconds, ``codecs`` is comma-separated."""
        config: dict[str, Any] = {}
        if max_duration is not None:
            config["max_duration"] = max_duration
        if codecs is not None:
            config["codecs"] = codecs
        config.update(extra)
        return self.add_verb("answer", config)

    def hangup(self, reason: str | None = None, **extra: Any) -> SWMLBuilder:
        """End the call; ``reason`` is "hangup", "busy" or "decline"."""
        config: dict[str, Any] = {} if reason is None else {"reason": reason}
        config.update(extra)
        return self.add_verb("hangup", config)

    def ai(
        self,
        prompt_text: str | None = None,
        prompt_pom: list[dict[str, Any]] | None = None,
        post_prompt: str | None = None,
        post_prompt_url: str | None = None,
        swaig: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> SWMLBuilder:
        """Add an ``ai`` verb.

        The prompt is ``prompt_text`` or ``prompt_pom`` (exactly one); both are
        sent as objects (``{"text": ...}``/``{"pom": [...]}``), the form the
        platform requires. Further ``ai`` keys (``params``, ``hints``,
        ``languages``, ...) pass through ``kwargs``.
        """
        if (prompt_text is None) == (prompt_pom is None):
            raise ValueError("ai() needs exactly one of prompt_text or prompt_pom")
        prompt: dict[str, Any] = (
            {"text": prompt_text} if prompt_text is not None else {"pom": list(prompt_pom or [])}
        )
        config: dict[str, Any] = {"prompt": prompt}
        if post_prompt is not None:
            config["post_prompt"] = {"text": post_prompt}
        if post_prompt_url is not None:
            config["post_prompt_url"] = post_prompt_url
        if swaig is not None:
            config["SWAIG"] = swaig
        config.update(kwargs)
        return self.add_verb("ai", config)

    def play(
        self,
        url: str | None = None,
        urls: list[str] | None = None,
        volume: float | str | None = None,
        say_voice: str | None = None,
        say_language: str | None = None,
        say_gender: str | None = None,
        auto_answer: bool | str | None = None,
        **extra: Any,
    ) -> SWMLBuilder:
        """Play one ``url`` or a list of ``urls`` (audio URLs, ``say:``, ``silence:``, ``ring:``)."""
        if (url is None) == (urls is None):
            raise ValueError("play() needs exactly one of url or urls")
        config: dict[str, Any] = {"url": url} if url is not None else {"urls": list(urls or [])}
        optional = {
            "volume": volume,
            "say_voice": say_voice,
            "say_language": say_language,
            "say_gender": say_gender,
            "auto_answer": auto_answer,
        }
        config.update((key, value) for key, value in optional.items() if value is not None)
        config.update(extra)
        return self.add_verb("play", config)

    def say(
        self,
        text: str,
        voice: str | None = None,
        language: str | None = None,
        gender: str | None = None,
        volume: float | None = None,
    ) -> SWMLBuilder:
        """Speak ``text`` with text-to-speech (a ``play`` of ``say:<text>``)."""
        return self.play(
            url=f"say:{text}",
            volume=volume,
            say_voice=voice,
            say_language=language,
            say_gender=gender,
        )
