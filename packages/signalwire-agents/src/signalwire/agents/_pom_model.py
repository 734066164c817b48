"""PromptObjectModel: a prompt document as a tree of sections, read from and written to files.

Where ``PomBuilder`` (the agent's ``pom``) is keyed by top-level titles and chains, this is
the standalone document model: ``add_section`` returns the new :class:`Section`, sections
are found anywhere in the tree, and the whole model converts to and from JSON or YAML
(YAML needs PyYAML). ``to_dict()`` output is what ``AgentBase.set_prompt_pom`` takes.

Numbering: when any sibling is ``numbered=True``, every titled sibling is numbered
("1.", "1.2.") except the ones explicitly ``numbered=False``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from signalwire.agents._pom import PomSection

__all__ = ["PromptObjectModel", "Section", "yaml_module"]


def yaml_module() -> Any:
    """Import PyYAML, or raise ImportError saying how to install it."""
    try:
        import yaml
    except ImportError:
        raise ImportError(
            "YAML needs PyYAML: pip install 'signalwire-agents[yaml]' (or pip install PyYAML)"
        ) from None
    return yaml


class Section(PomSection):
    """One section of a :class:`PromptObjectModel`.

    ``numbered`` is tri-state: None (follow the siblings), True, or False (never numbered
    even when a sibling is).
    """

    __slots__ = ("numbered_setting",)

    def __init__(
        self,
        title: str | None = None,
        *,
        body: str = "",
        bullets: Iterable[str] | None = None,
        numbered: bool | None = None,
        numberedBullets: bool = False,
    ) -> None:
        if not isinstance(body, str):
            raise TypeError(
                f"body must be a string, got {type(body).__name__}; use bullets= for a list"
            )
        if bullets is not None and not isinstance(bullets, list):
            raise TypeError(f"bullets must be a list of strings, got {type(bullets).__name__}")
        super().__init__(title, body, bullets, bool(numbered), numberedBullets)
        self.numbered_setting = numbered

    @property
    def numberedBullets(self) -> bool:
        """Whether the bullets render as ``1.``, ``2.`` rather than ``-``."""
        return self.numbered_bullets

    def add_body(self, body: str) -> None:
        """Replace the body text."""
        self.body = body

    def add_subsection(  # type: ignore[override]  # keyword-only, returns a Section
        self,
        title: str | None = None,
        *,
        body: str = "",
        bullets: list[str] | None = None,
        numbered: bool | None = None,
        numberedBullets: bool = False,
    ) -> Section:
        """Add and return a titled subsection."""
        if title is None:
            raise ValueError("a subsection needs a title")
        sub = Section(
            title, body=body, bullets=bullets, numbered=numbered, numberedBullets=numberedBullets
        )
        self.subsections.append(sub)
        return sub

    def to_dict(self) -> dict[str, Any]:
        """The wire form; an explicit ``numbered=False`` is kept so files round-trip."""
        out = super().to_dict()
        if self.numbered_setting is False:
            flags = {k: out.pop(k) for k in ("numberedBullets",) if k in out}
            out["numbered"] = False
            out.update(flags)
        return out

    def render_markdown(self, level: int = 2, section_number: list[int] | None = None) -> str:
        """This section and its subsections as Markdown (``##`` at level 2)."""
        return "\n".join(_markdown(self, level, section_number or []))

    def render_xml(self, indent: int = 0, section_number: list[int] | None = None) -> str:
        """This section and its subsections as a ``<section>`` element."""
        return "\n".join(_xml(self, indent, section_number or []))


def escape(text: str) -> str:
    """XML-escape element text (xml.sax.saxutils would import urllib at start-up)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _setting(section: PomSection) -> bool | None:
    if isinstance(section, Section):
        return section.numbered_setting
    return True if section.numbered else None


def _child_numbers(
    parent_titled: bool, number: list[int], children: list[PomSection]
) -> list[tuple[PomSection, list[int], bool, bool]]:
    """Each child's number path, whether it goes one level deeper, and whether it shows it.

    A child that is not numbered shows no number (it keeps its parent's path only so a
    numbered grandchild reads "1.1."), rather than repeating its parent's number.
    """
    any_numbered = any(_setting(c) for c in children)
    out = []
    for i, child in enumerate(children, 1):
        if parent_titled or number:
            numbered = any_numbered and _setting(child) is not False
            out.append((child, [*number, i] if numbered else number, True, numbered))
        else:
            # A title-less root section: its children render at its own level.
            out.append((child, number, False, bool(number)))
    return out


def _prefix(number: list[int]) -> str:
    return ".".join(map(str, number)) + ". " if number else ""


def _markdown(section: PomSection, level: int, number: list[int], shown: bool = True) -> list[str]:
    lines: list[str] = []
    if section.title is not None:
        prefix = _prefix(number) if shown else ""
        lines.append(f"{'#' * level} {prefix}{section.title}\n")
    if section.body:
        lines.append(f"{section.body}\n")
    for i, bullet in enumerate(section.bullets, 1):
        lines.append(f"{i}. {bullet}" if section.numbered_bullets else f"- {bullet}")
    if section.bullets:
        lines.append("")
    for child, child_number, deeper, child_shown in _child_numbers(
        section.title is not None, number, section.subsections
    ):
        lines.append(
            "\n".join(_markdown(child, level + 1 if deeper else level, child_number, child_shown))
        )
    return lines


def _xml(section: PomSection, indent: int, number: list[int], shown: bool = True) -> list[str]:
    pad = "  " * indent
    lines = [f"{pad}<section>"]
    if section.title is not None:
        prefix = _prefix(number) if shown else ""
        lines.append(f"{pad}  <title>{escape(prefix + section.title)}</title>")
    if section.body:
        lines.append(f"{pad}  <body>{escape(section.body)}</body>")
    if section.bullets:
        lines.append(f"{pad}  <bullets>")
        for i, bullet in enumerate(section.bullets, 1):
            attr = f' id="{i}"' if section.numbered_bullets else ""
            lines.append(f"{pad}    <bullet{attr}>{escape(bullet)}</bullet>")
        lines.append(f"{pad}  </bullets>")
    if section.subsections:
        lines.append(f"{pad}  <subsections>")
        for child, child_number, _, child_shown in _child_numbers(
            section.title is not None, number, section.subsections
        ):
            lines += _xml(child, indent + 2, child_number, child_shown)
        lines.append(f"{pad}  </subsections>")
    lines.append(f"{pad}</section>")
    return lines


def _top_numbers(sections: list[Section]) -> list[list[int]]:
    any_numbered = any(_setting(s) for s in sections)
    counter = 0
    numbers: list[list[int]] = []
    for section in sections:
        number: list[int] = []
        if section.title is not None:
            counter += 1
            if any_numbered and _setting(section) is not False:
                number = [counter]
        numbers.append(number)
    return numbers


def _build(data: Any, where: str, subsection: bool) -> Section:
    if not isinstance(data, Mapping):
        raise ValueError(f"{where}: a section must be an object, got {type(data).__name__}")
    title = data.get("title")
    if title is not None and not isinstance(title, str):
        raise ValueError(f"{where}: 'title' must be a string")
    if subsection and title is None:
        raise ValueError(f"{where}: a subsection needs a title")
    body = data.get("body", "")
    if not isinstance(body, str):
        raise ValueError(f"{where}: 'body' must be a string")
    for key in ("bullets", "subsections"):
        if key in data and not isinstance(data[key], list):
            raise ValueError(f"{where}: {key!r} must be a list")
    for key in ("numbered", "numberedBullets"):
        if key in data and not isinstance(data[key], bool):
            raise ValueError(f"{where}: {key!r} must be true or false")
    bullets = data.get("bullets") or []
    if not all(isinstance(b, str) for b in bullets):
        raise ValueError(f"{where}: every bullet must be a string")
    subsections = data.get("subsections") or []
    if not (body or bullets or subsections):
        raise ValueError(f"{where}: a section needs a body, bullets or subsections")
    section = Section(
        title,
        body=body,
        bullets=list(bullets),
        numbered=data.get("numbered"),
        numberedBullets=bool(data.get("numberedBullets", False)),
    )
    label = title if title is not None else "untitled"
    for i, sub in enumerate(subsections, 1):
        section.subsections.append(_build(sub, f"{where} > {label} > subsection {i}", True))
    return section


class PromptObjectModel:
    """A prompt document: a list of :class:`Section` trees.

    Build it with :meth:`add_section`, load it with :meth:`from_json`/:meth:`from_yaml`,
    and write it with :meth:`to_json`, :meth:`to_yaml`, :meth:`render_markdown` or
    :meth:`render_xml`.
    """

    def __init__(self, debug: bool = False) -> None:
        self.sections: list[Section] = []
        self.debug = debug

    def __repr__(self) -> str:
        return f"PromptObjectModel(sections={[s.title for s in self.sections]!r})"

    def add_section(
        self,
        title: str | None = None,
        *,
        body: str = "",
        bullets: list[str] | str | None = None,
        numbered: bool | None = None,
        numberedBullets: bool = False,
    ) -> Section:
        """Add and return a top-level section; only the first may lack a title."""
        if title is None and self.sections:
            raise ValueError("only the first section may have no title")
        section = Section(
            title,
            body=body,
            bullets=[bullets] if isinstance(bullets, str) else bullets,
            numbered=numbered,
            numberedBullets=numberedBullets,
        )
        self.sections.append(section)
        return section

    def find_section(self, title: str) -> Section | None:
        """The first section with this exact title, searching depth-first, or None."""

        def search(sections: list[PomSection]) -> Section | None:
            for section in sections:
                if section.title == title and isinstance(section, Section):
                    return section
                found = search(section.subsections)
                if found is not None:
                    return found
            return None

        return search(list(self.sections))

    def add_pom_as_subsection(self, target: str | Section, pom_to_add: PromptObjectModel) -> None:
        """Append ``pom_to_add``'s top-level sections as subsections of ``target``."""
        if isinstance(target, str):
            found = self.find_section(target)
            if found is None:
                raise ValueError(f"no section titled {target!r}")
            target = found
        elif not isinstance(target, Section):
            raise TypeError(f"target must be a title or a Section, got {type(target).__name__}")
        target.subsections.extend(pom_to_add.sections)

    def to_dict(self) -> list[dict[str, Any]]:
        """The sections as a list of dicts (the form ``set_prompt_pom`` takes)."""
        return [s.to_dict() for s in self.sections]

    def to_json(self) -> str:
        """The sections as indented JSON."""
        return json.dumps(self.to_dict(), indent=2)

    def to_yaml(self) -> str:
        """The sections as YAML (needs PyYAML)."""
        text: str = yaml_module().safe_dump(
            self.to_dict(), default_flow_style=False, sort_keys=False, allow_unicode=True
        )
        return text

    @staticmethod
    def from_json(json_data: str | Mapping[str, Any] | list[Any]) -> PromptObjectModel:
        """Load from a JSON string or already-parsed data (ValueError naming the problem)."""
        if isinstance(json_data, (str, bytes)):
            try:
                json_data = json.loads(json_data)
            except json.JSONDecodeError as exc:
                raise ValueError(f"not valid JSON: {exc}") from None
        return PromptObjectModel._from_data(json_data)

    @staticmethod
    def from_yaml(yaml_data: str | Mapping[str, Any] | list[Any]) -> PromptObjectModel:
        """Load from a YAML string (needs PyYAML) or already-parsed data."""
        if isinstance(yaml_data, (str, bytes)):
            yaml = yaml_module()
            try:
                yaml_data = yaml.safe_load(yaml_data)
            except yaml.YAMLError as exc:
                raise ValueError(f"not valid YAML: {exc}") from None
        return PromptObjectModel._from_data(yaml_data)

    @staticmethod
    def _from_data(data: Any) -> PromptObjectModel:
        # A dict is one section, or {"sections": [...]}; the input is never modified.
        if isinstance(data, Mapping):
            data = data["sections"] if isinstance(data.get("sections"), list) else [data]
        if not isinstance(data, list):
            raise ValueError(f"a POM is a list of sections, got {type(data).__name__}")
        pom = PromptObjectModel()
        for i, item in enumerate(data, 1):
            if i > 1 and isinstance(item, Mapping) and item.get("title") is None:
                item = {**item, "title": "Untitled Section"}
            pom.sections.append(_build(item, f"section {i}", False))
        return pom

    def render_markdown(self) -> str:
        """The whole document as Markdown."""
        return "\n".join(
            s.render_markdown(section_number=n)
            for s, n in zip(self.sections, _top_numbers(self.sections), strict=True)
        )

    def render_xml(self) -> str:
        """The whole document as ``<prompt>`` XML (text is escaped)."""
        lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<prompt>"]
        for section, number in zip(self.sections, _top_numbers(self.sections), strict=True):
            lines += _xml(section, 1, number)
        lines.append("</prompt>")
        return "\n".join(lines)
