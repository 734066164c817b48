"""PomBuilder: sections, wire form, Markdown and XML rendering."""

from __future__ import annotations

import json

from signalwire.agents import PomBuilder


def build() -> PomBuilder:
    pom = PomBuilder()
    pom.add_section("A", "body", bullets=["x", "y"], numbered=True, numbered_bullets=True)
    pom.add_subsection("A", "S", "sb", ["q"])
    pom.add_section("B", "bb")
    return pom


def test_wire_form_keys_and_order() -> None:
    data = build().to_dict()
    assert data == [
        {
            "title": "A",
            "body": "body",
            "bullets": ["x", "y"],
            "subsections": [{"title": "S", "body": "sb", "bullets": ["q"]}],
            "numbered": True,
            "numberedBullets": True,
        },
        {"title": "B", "body": "bb"},
    ]
    assert list(data[0]) == [
        "title",
        "body",
        "bullets",
        "subsections",
        "numbered",
        "numberedBullets",
    ]
    assert json.loads(build().to_json()) == data
    assert PomBuilder.from_sections(data).to_dict() == data


def test_markdown() -> None:
    assert build().render_markdown() == (
        "## 1. A\n\nbody\n\n1. x\n2. y\n\n### 1.1. S\n\nsb\n\n- q\n\n## B\n\nbb\n"
    )


def test_xml_escapes_content() -> None:
    pom = PomBuilder().add_section("T<&>", "b & c", bullets=["<x>"])
    xml = pom.render_xml()
    assert "<title>T&lt;&amp;&gt;</title>" in xml
    assert '<bullet id="1">&lt;x&gt;</bullet>' in xml
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<prompt>')


def test_add_to_section_creates_and_appends() -> None:
    pom = PomBuilder()
    pom.add_to_section("New", body="one", bullet="b1").add_to_section(
        "New", body="two", bullets=["b2"]
    )
    section = pom.get_section("New")
    assert section is not None
    assert section.body == "one\n\ntwo"
    assert section.bullets == ["b1", "b2"]
    assert pom.has_section("New")
    assert not pom.has_section("Old")
    assert pom.get_section("Old") is None
    pom.add_subsection("Parent", "Child")
    assert pom.to_dict()[1] == {"title": "Parent", "subsections": [{"title": "Child"}]}
