"""PromptObjectModel files: JSON/YAML in and out, find_section, Markdown/XML, pom-tool."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from signalwire.agents import AgentBase, PromptObjectModel
from signalwire.agents._pom_model import Section
from signalwire.agents._pom_tool import main

DOC: list[dict[str, Any]] = [
    {"body": "You work at a bakery."},
    {
        "title": "Tasks",
        "body": "What you do.",
        "numbered": True,
        "subsections": [
            {"title": "Orders", "body": "Take orders."},
            {
                "title": "Questions",
                "bullets": ["Opening hours", "Allergens"],
                "numberedBullets": True,
                "subsections": [{"title": "Deep", "body": "d", "numbered": True}],
            },
        ],
    },
    {"title": "Never", "bullets": ["Promise delivery"], "numbered": False},
    {"title": "Tone", "body": "Warm & short <always>."},
]


def test_json_round_trip_keeps_the_document_and_does_not_touch_the_input() -> None:
    data = json.loads(json.dumps(DOC))
    pom = PromptObjectModel.from_json(data)
    assert data == DOC
    assert pom.to_dict() == DOC
    assert json.loads(pom.to_json()) == DOC
    assert PromptObjectModel.from_json(pom.to_json()).to_dict() == DOC


def test_find_section_searches_depth_first() -> None:
    pom = PromptObjectModel.from_json(DOC)
    deep = pom.find_section("Deep")
    assert isinstance(deep, Section) and deep.body == "d"
    assert pom.find_section("Nope") is None


def test_markdown_numbering_follows_the_siblings() -> None:
    md = PromptObjectModel.from_json(DOC).render_markdown()
    assert md.startswith("You work at a bakery.\n")
    assert "## 1. Tasks\n" in md
    assert "### Orders\n" in md and "### Questions\n" in md
    # Unnumbered children do not repeat their parent's number; a numbered grandchild does.
    assert "#### 1.1. Deep\n" in md
    assert "## Never\n" in md  # explicitly numbered=False
    assert "## 3. Tone\n" in md
    assert "1. Opening hours\n2. Allergens" in md
    assert "- Promise delivery" in md


def test_xml_is_well_formed_and_escaped() -> None:
    xml = PromptObjectModel.from_json(DOC).render_xml()
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<prompt>')
    root = ElementTree.fromstring(xml.split("\n", 1)[1])
    titles = [t.text for t in root.iter("title")]
    assert titles[:2] == ["1. Tasks", "Orders"]
    assert any(b.text == "Warm & short <always>." for b in root.iter("body"))
    assert [b.get("id") for b in root.iter("bullet")][:2] == ["1", "2"]


def test_builder_api_and_merging() -> None:
    pom = PromptObjectModel()
    role = pom.add_section("Role", body="Help.", bullets="one")
    role.add_subsection("Detail", body="x")
    assert role.bullets == ["one"]
    with pytest.raises(ValueError, match="only the first section"):
        pom.add_section(None, body="x")
    with pytest.raises(ValueError, match="needs a title"):
        role.add_subsection(None)
    with pytest.raises(TypeError, match="bullets"):
        pom.add_section("Bad", body=["a"])  # type: ignore[arg-type]
    other = PromptObjectModel.from_json([{"title": "Extra", "body": "e"}])
    pom.add_pom_as_subsection("Role", other)
    assert pom.find_section("Extra") is not None
    with pytest.raises(ValueError, match="no section titled 'Missing'"):
        pom.add_pom_as_subsection("Missing", other)
    with pytest.raises(TypeError):
        pom.add_pom_as_subsection(3, other)  # type: ignore[arg-type]


def test_the_model_feeds_an_agent_prompt() -> None:
    agent = AgentBase("pom", basic_auth=("u", "p"))
    agent.set_prompt_pom(PromptObjectModel.from_json(DOC[1:]).to_dict())
    assert agent.pom.has_section("Tasks")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("not json", "not valid JSON"),
        ('{"title": 3, "body": "x"}', "'title' must be a string"),
        ([{"title": "A"}], "needs a body, bullets or subsections"),
        ([{"title": "A", "bullets": "x"}], "'bullets' must be a list"),
        ([{"title": "A", "body": "b", "numbered": "yes"}], "'numbered' must be true or false"),
        ([{"title": "A", "subsections": [{"body": "x"}]}], "needs a title"),
        ([{"title": "A", "body": 5}], "'body' must be a string"),
        ([[1]], "must be an object"),
        ("7", "a POM is a list of sections"),
    ],
)
def test_bad_documents_give_value_errors_naming_the_place(data: Any, message: str) -> None:
    with pytest.raises(ValueError) as exc:
        PromptObjectModel.from_json(data)
    assert message in str(exc.value)


def test_untitled_later_sections_get_a_title_and_a_dict_is_one_section() -> None:
    src = [{"title": "A", "body": "a"}, {"body": "b"}]
    pom = PromptObjectModel.from_json(src)
    assert pom.sections[1].title == "Untitled Section"
    assert "title" not in src[1]
    assert PromptObjectModel.from_json({"title": "Solo", "body": "s"}).to_dict() == [
        {"title": "Solo", "body": "s"}
    ]


def test_yaml_round_trip() -> None:
    pytest.importorskip("yaml")
    pom = PromptObjectModel.from_json(DOC)
    assert PromptObjectModel.from_yaml(pom.to_yaml()).to_dict() == DOC
    with pytest.raises(ValueError, match="not valid YAML"):
        PromptObjectModel.from_yaml("a: [")


def test_yaml_without_pyyaml_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "yaml", None)
    with pytest.raises(ImportError, match="PyYAML"):
        PromptObjectModel.from_json(DOC).to_yaml()


# -- pom-tool --------------------------------------------------------------------------------


@pytest.fixture
def doc_file(tmp_path: Path) -> Path:
    path = tmp_path / "prompt.json"
    path.write_text(json.dumps(DOC))
    return path


def test_pom_tool_renders_each_format(doc_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(doc_file)]) == 0
    assert "## 1. Tasks" in capsys.readouterr().out
    assert main([str(doc_file), "--output", "xml"]) == 0
    assert "<prompt>" in capsys.readouterr().out
    assert main([str(doc_file), "--output", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == DOC


def test_pom_tool_yaml_sniffing_outfile_and_merge(
    tmp_path: Path, doc_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("yaml")
    extra = tmp_path / "extra.txt"  # no extension: the content is sniffed
    extra.write_text("- title: Extra\n  body: From YAML.\n")
    out = tmp_path / "out.yaml"
    code = main(
        [str(doc_file), "--merge_pom", f"Tone:{extra}", "--output", "yaml", "--outfile", str(out)]
    )
    assert code == 0
    assert capsys.readouterr().out == f"Output written to {out}\n"
    merged = PromptObjectModel.from_yaml(out.read_text())
    assert merged.find_section("Tone").subsections[0].title == "Extra"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.json"], "Error: cannot read missing.json"),
        (["{doc}", "--merge_pom", "NoColon"], "Error: --merge_pom takes"),
        (["{doc}", "--merge_pom", "Nope:{doc}"], "Error: no section titled 'Nope'"),
        (["{bad}"], "Error: section 1: a section needs a body"),
    ],
)
def test_pom_tool_errors_are_one_line_on_stderr_with_status_1(
    tmp_path: Path,
    doc_file: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('[{"title": "x"}]')
    argv = [a.format(doc=doc_file, bad=bad) for a in args]
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(message) and captured.err.count("\n") == 1


def test_pom_tool_console_script_usage_error_is_status_2(doc_file: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "signalwire.agents._pom_tool", str(doc_file), "--output", "pdf"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2, proc.stderr
    assert "invalid choice" in proc.stderr
