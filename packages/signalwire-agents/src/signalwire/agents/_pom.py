"""The prompt object model: titled sections with a body, bullets and subsections.

The agent sends the sections to the platform as JSON (``prompt.pom``); the
platform renders them. Markdown and XML rendering are provided for previews
and for places that need plain text (context steps).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["PomBuilder", "PomSection", "PromptObjectModel"]


class PomSection:
    """One prompt section: a title, a body paragraph, bullets and subsections."""

    __slots__ = ("body", "bullets", "numbered", "numbered_bullets", "subsections", "title")

    def __init__(
        self,
        title: str | None = None,
        body: str = "",
        bullets: Iterable[str] | None = None,
        numbered: bool = False,
        numbered_bullets: bool = False,
    ) -> None:
        self.title = title
        self.body = body or ""
        self.bullets: list[str] = [str(b) for b in bullets] if bullets else []
        self.numbered = bool(numbered)
        self.numbered_bullets = bool(numbered_bullets)
        self.subsections: list[PomSection] = []

    def __repr__(self) -> str:
        return (
            f"PomSection(title={self.title!r}, bullets={len(self.bullets)}, "
            f"subsections={len(self.subsections)})"
        )

    def add_body(self, body: str) -> None:
        """Append a paragraph to the body (separated by a blank line)."""
        self.body = f"{self.body}\n\n{body}" if self.body else body

    def add_bullets(self, bullets: Iterable[str]) -> None:
        """Append bullets."""
        self.bullets.extend(str(b) for b in bullets)

    def add_subsection(
        self,
        title: str | None = None,
        body: str = "",
        bullets: Iterable[str] | None = None,
        **kw: Any,
    ) -> PomSection:
        """Add and return a subsection."""
        sub = PomSection(title, body, bullets, **kw)
        self.subsections.append(sub)
        return sub

    def to_dict(self) -> dict[str, Any]:
        """The wire form: ``title, body, bullets, subsections, numbered, numberedBullets``."""
        out: dict[str, Any] = {}
        if self.title is not None:
            out["title"] = self.title
        if self.body:
            out["body"] = self.body
        if self.bullets:
            out["bullets"] = list(self.bullets)
        if self.subsections:
            out["subsections"] = [s.to_dict() for s in self.subsections]
        if self.numbered:
            out["numbered"] = True
        if self.numbered_bullets:
            out["numberedBullets"] = True
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PomSection:
        """Build a section (and its subsections) from its wire form."""
        if not isinstance(data, Mapping):
            raise TypeError(f"a POM section must be a dict, got {type(data).__name__}")
        section = cls(
            data.get("title"),
            data.get("body", "") or "",
            data.get("bullets") or None,
            numbered=bool(data.get("numbered", False)),
            numbered_bullets=bool(data.get("numberedBullets", data.get("numbered_bullets", False))),
        )
        for sub in data.get("subsections") or ():
            section.subsections.append(cls.from_dict(sub))
        return section

    def _markdown(self, level: int, number: str) -> list[str]:
        lines: list[str] = []
        if self.title is not None:
            prefix = f"{number} " if number else ""
            lines += [f"{'#' * level} {prefix}{self.title}", ""]
        if self.body:
            lines += [self.body, ""]
        if self.bullets:
            for i, bullet in enumerate(self.bullets, 1):
                lines.append(f"{i}. {bullet}" if self.numbered_bullets else f"- {bullet}")
            lines.append("")
        for i, sub in enumerate(self.subsections, 1):
            sub_number = f"{number}{i}." if self.numbered and number else ""
            lines += sub._markdown(level + 1, sub_number)
        return lines

    def _xml(self, indent: str) -> list[str]:
        from xml.sax.saxutils import escape

        lines = [f"{indent}<section>"]
        inner = indent + "  "
        if self.title is not None:
            lines.append(f"{inner}<title>{escape(self.title)}</title>")
        if self.body:
            lines.append(f"{inner}<body>{escape(self.body)}</body>")
        if self.bullets:
            lines.append(f"{inner}<bullets>")
            for i, bullet in enumerate(self.bullets, 1):
                lines.append(f'{inner}  <bullet id="{i}">{escape(bullet)}</bullet>')
            lines.append(f"{inner}</bullets>")
        if self.subsections:
            lines.append(f"{inner}<subsections>")
            for sub in self.subsections:
                lines += sub._xml(inner + "  ")
            lines.append(f"{inner}</subsections>")
        lines.append(f"{indent}</section>")
        return lines


class PomBuilder:
    """Build a prompt as titled sections; the agent's ``pom`` is one of these.

    Section titles are unique keys: adding to a missing section creates it.
    """

    def __init__(self) -> None:
        self.sections: list[PomSection] = []
        self._version = 0  # bumped on every change so renderers can cache

    def __repr__(self) -> str:
        return f"PomBuilder(sections={[s.title for s in self.sections]!r})"

    def __len__(self) -> int:
        return len(self.sections)

    def _touch(self) -> None:
        self._version += 1

    def add_section(
        self,
        title: str,
        body: str = "",
        bullets: Iterable[str] | None = None,
        numbered: bool = False,
        numbered_bullets: bool = False,
        subsections: Iterable[Mapping[str, Any]] | None = None,
    ) -> PomBuilder:
        """Add a section; ``subsections`` is a list of ``{title, body, bullets}`` dicts."""
        if isinstance(bullets, str):
            bullets = [bullets]
        section = PomSection(title, body, bullets, numbered, numbered_bullets)
        for sub in subsections or ():
            section.subsections.append(PomSection.from_dict(sub))
        self.sections.append(section)
        self._touch()
        return self

    def add_to_section(
        self,
        title: str,
        body: str | None = None,
        bullet: str | None = None,
        bullets: Iterable[str] | None = None,
    ) -> PomBuilder:
        """Append body text and/or bullets to a section, creating it if missing."""
        section = self.get_section(title)
        if section is None:
            self.add_section(title)
            section = self.sections[-1]
        if body:
            section.add_body(body)
        if bullet:
            section.bullets.append(bullet)
        if bullets:
            section.add_bullets([bullets] if isinstance(bullets, str) else bullets)
        self._touch()
        return self

    def add_subsection(
        self,
        parent_title: str,
        title: str,
        body: str = "",
        bullets: Iterable[str] | None = None,
    ) -> PomBuilder:
        """Add a subsection under ``parent_title``, creating the parent if missing."""
        parent = self.get_section(parent_title)
        if parent is None:
            self.add_section(parent_title)
            parent = self.sections[-1]
        parent.add_subsection(title, body, [bullets] if isinstance(bullets, str) else bullets)
        self._touch()
        return self

    def has_section(self, title: str) -> bool:
        """Whether a top-level section with this title exists."""
        return self.get_section(title) is not None

    def get_section(self, title: str) -> PomSection | None:
        """Return the top-level section with this title, or None."""
        for section in self.sections:
            if section.title == title:
                return section
        return None

    def to_dict(self) -> list[dict[str, Any]]:
        """The sections in their wire form (a list of dicts)."""
        return [s.to_dict() for s in self.sections]

    def to_json(self) -> str:
        """The sections as a JSON string."""
        return json.dumps(self.to_dict())

    def render_markdown(self) -> str:
        """Render as Markdown: ``## Title``, body paragraphs, ``- bullets``."""
        lines: list[str] = []
        for i, section in enumerate(self.sections, 1):
            lines += section._markdown(2, f"{i}." if section.numbered else "")
        return "\n".join(lines).strip() + ("\n" if lines else "")

    def render_xml(self) -> str:
        """Render as ``<prompt><section>…</section></prompt>`` XML."""
        lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<prompt>"]
        for section in self.sections:
            lines += section._xml("  ")
        lines.append("</prompt>")
        return "\n".join(lines)

    def reset(self) -> PomBuilder:
        """Remove every section."""
        self.sections.clear()
        self._touch()
        return self

    @classmethod
    def from_sections(cls, sections: Iterable[Mapping[str, Any]]) -> PomBuilder:
        """Build from a list of section dicts (the wire form)."""
        builder = cls()
        for data in sections:
            builder.sections.append(PomSection.from_dict(data))
        return builder

    def __deepcopy__(self, memo: dict[int, Any]) -> PomBuilder:
        return type(self).from_sections(self.to_dict())


PromptObjectModel = PomBuilder
"""Alias kept for code written against ``signalwire.pom.PromptObjectModel``."""
