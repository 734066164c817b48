"""The claude_skills skill: SKILL.md folders become tools; front matter read without PyYAML."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from agents_testkit import ai_of
from hypothesis import given, settings
from hypothesis import strategies as st
from skills_testkit import call_tool, fetch, functions, new_agent

from signalwire.agents.skills.claude_skills._frontmatter import parse_frontmatter, split_frontmatter


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip())


@pytest.fixture
def skills_dir(tmp_path: Path) -> Path:
    write(
        tmp_path / "pdf-tools" / "SKILL.md",
        """
        ---
        name: pdf-tools
        description: "Work with PDF files: split, merge"   # a comment
        argument-hint: the file name
        ---
        Open $ARGUMENTS[0] and then $1. Skill dir: ${CLAUDE_SKILL_DIR}. Call ${CLAUDE_SESSION_ID}.
        """,
    )
    write(tmp_path / "pdf-tools" / "reference" / "api.md", "API notes for $ARGUMENTS")
    write(tmp_path / "pdf-tools" / "forms.md", "Form filling")
    write(
        tmp_path / "hidden" / "SKILL.md",
        """
        ---
        name: hidden
        description: never offered
        disable-model-invocation: true
        ---
        Secret body
        """,
    )
    write(
        tmp_path / "background" / "SKILL.md",
        """
        ---
        name: background
        user-invocable: false
        description: >
          Folded text
          on two lines
        ---
        Background knowledge only.
        """,
    )
    write(tmp_path / "no_front" / "SKILL.md", "Plain body with no front matter.")
    (tmp_path / "not_a_skill").mkdir()
    return tmp_path


async def test_each_skill_folder_becomes_a_tool(skills_dir: Path) -> None:
    agent = new_agent().add_skill("claude_skills", {"skills_path": str(skills_dir)})
    doc = await fetch(agent)
    tools = functions(doc)
    assert set(tools) == {"claude_pdf_tools", "claude_no_front"}
    pdf = tools["claude_pdf_tools"]
    assert pdf["description"] == "Work with PDF files: split, merge"
    assert pdf["parameters"]["properties"]["arguments"]["description"] == "the file name"
    assert pdf["parameters"]["properties"]["section"]["enum"] == ["forms", "reference/api"]
    pom = ai_of(doc)["prompt"]["pom"]
    assert pom[0]["title"] == "Claude Skills"
    titles = [s["title"] for s in pom[0]["subsections"]]
    assert titles == ["background", "no_front", "pdf-tools"]  # hidden is left out
    answer = await call_tool(agent, "claude_pdf_tools", {"arguments": "a.pdf b.pdf"}, call_id="c9")
    text = answer["response"]
    assert text.startswith("Open a.pdf and then b.pdf.")
    assert f"Skill dir: {(skills_dir / 'pdf-tools').resolve()}" in text
    assert "Call c9." in text
    assert text.endswith("ARGUMENTS: a.pdf b.pdf")
    section = await call_tool(
        agent, "claude_pdf_tools", {"arguments": "x", "section": "reference/api"}
    )
    assert section["response"] == "API notes for x"
    # Unknown sections and odd arguments fall back to the main text.
    odd = await call_tool(agent, "claude_pdf_tools", {"arguments": 5, "section": "../../etc"})
    assert odd["response"].startswith("Open  and then .")


async def test_options_prefix_filters_overrides_and_invocation_control(skills_dir: Path) -> None:
    agent = new_agent().add_skill(
        "claude_skills",
        {
            "skills_path": str(skills_dir),
            "tool_prefix": "",
            "exclude": ["no_*"],
            "skill_descriptions": {"pdf-tools": "PDF help"},
            "ignore_invocation_control": True,
            "response_prefix": "Follow these steps:",
            "prompt_title": "Playbooks",
        },
    )
    doc = await fetch(agent)
    assert set(functions(doc)) == {"pdf_tools", "hidden", "background"}
    assert functions(doc)["pdf_tools"]["description"] == "PDF help"
    assert functions(doc)["background"]["description"] == "Folded text on two lines"
    answer = await call_tool(agent, "hidden", {})
    assert answer["response"] == "Follow these steps:\n\nSecret body"
    assert ai_of(doc)["prompt"]["pom"][0]["title"] == "Playbooks"


async def test_shell_snippets_run_only_when_allowed(tmp_path: Path) -> None:
    write(tmp_path / "shell" / "SKILL.md", "Today: !`echo from-shell` for $ARGUMENTS")
    plain = new_agent().add_skill("claude_skills", {"skills_path": str(tmp_path)})
    text = (await call_tool(plain, "claude_shell", {"arguments": "!`echo no`"}))["response"]
    assert text == "Today: !`echo from-shell` for !`echo no`"
    allowed = new_agent().add_skill(
        "claude_skills", {"skills_path": str(tmp_path), "allow_shell_injection": True}
    )
    text = (await call_tool(allowed, "claude_shell", {"arguments": "!`echo no`"}))["response"]
    assert text == "Today: from-shell for !`echo no`"  # the caller's words never run


def test_bad_skills_path_fails_at_add_skill(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="needs the parameter 'skills_path'"):
        new_agent().add_skill("claude_skills")
    with pytest.raises(ValueError, match="is not a directory"):
        new_agent().add_skill("claude_skills", {"skills_path": str(tmp_path / "missing")})


def test_two_folders_are_two_instances(tmp_path: Path, skills_dir: Path) -> None:
    other = tmp_path / "other_root"
    write(other / "extra" / "SKILL.md", "Extra")
    agent = new_agent()
    agent.add_skill("claude_skills", {"skills_path": str(skills_dir)})
    agent.add_skill("claude_skills", {"skills_path": str(other), "tool_prefix": "x_"})
    keys = agent.list_skills()
    assert len(keys) == 2 and all(k.startswith("claude_skills_") for k in keys)


def test_frontmatter_reader() -> None:
    front, body = split_frontmatter(
        "---\nname: a\nlist:\n  - one\n  - 'two'\ninline: [x, \"y, z\"]\n"
        "flag: yes\ncount: 3\nnothing: ~\nnested:\n  key: value\n"
        "literal: |\n  line 1\n  line 2\n---\nBody\n"
    )
    assert body == "Body"
    assert front is not None
    assert parse_frontmatter(front) == {
        "name": "a",
        "list": ["one", "two"],
        "inline": ["x", "y, z"],
        "flag": True,
        "count": 3,
        "nothing": None,
        "nested": {"key": "value"},
        "literal": "line 1\nline 2",
    }
    assert split_frontmatter("no front matter") == (None, "no front matter")
    assert split_frontmatter("---\nunterminated") == (None, "---\nunterminated")


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=300))
def test_frontmatter_reader_never_crashes(text: str) -> None:
    assert isinstance(parse_frontmatter(text), dict)
