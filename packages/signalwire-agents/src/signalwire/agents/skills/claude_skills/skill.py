"""The ``claude_skills`` skill: each Claude-style skill folder becomes one agent tool.

``skills_path`` holds one folder per skill, each with a ``SKILL.md``: front
matter (``name``, ``description``, ``argument-hint``, ``disable-model-invocation``,
``user-invocable``, ...) and a Markdown body of instructions. The tool
``<tool_prefix><name>`` answers with the body, with ``$ARGUMENTS``, ``$ARGUMENTS[N]``,
``$N``, ``${CLAUDE_SKILL_DIR}`` and ``${CLAUDE_SESSION_ID}`` filled in; other
``.md`` files in the folder are sections the tool can return instead (argument
``section``). The front matter is read without PyYAML.

``allow_shell_injection=True`` runs the ``!`command``` snippets written in the
skill files (never the caller's words) with a timeout; leave it off unless you
wrote the skills yourself.
"""

from __future__ import annotations

import fnmatch
import hashlib
import re
from pathlib import Path
from typing import Any

from signalwire.agents import FunctionResult
from signalwire.agents.skills import SkillBase
from signalwire.agents.skills.claude_skills._frontmatter import (
    parse_frontmatter,
    split_frontmatter,
)

_SHELL = re.compile(r"!`([^`]+)`")
_MAX_FILE_BYTES = 1_000_000
_UNSUPPORTED = ("context", "agent", "allowed-tools", "model", "hooks")
_INTRO = "These skills are available; call the matching tool when the caller's request fits one:"


def tool_suffix(name: str) -> str:
    """A skill name as the tail of a tool name: lower case, ``[a-z0-9_]`` only."""
    text = re.sub(r"[^a-z0-9_]", "", re.sub(r"[-\s]+", "_", name.lower()))
    if text[:1].isdigit():
        text = "_" + text
    return text or "unnamed"


def substitute_arguments(body: str, arguments: str) -> str:
    """Fill ``$ARGUMENTS``, ``$ARGUMENTS[N]`` and ``$N``; append the arguments if unused."""
    words = arguments.split()

    def positional(match: re.Match[str]) -> str:
        index = int(match.group(1))
        return words[index] if index < len(words) else ""

    uses_all = re.search(r"\$ARGUMENTS(?!\[)", body) is not None
    text = re.sub(r"\$ARGUMENTS\[(\d+)\]", positional, body)
    text = re.sub(r"\$(\d+)(?!\d)", positional, text)
    text = text.replace("$ARGUMENTS", arguments)
    if arguments and not uses_all:
        text += f"\n\nARGUMENTS: {arguments}"
    return text


def _read(path: Path) -> str:
    with path.open("rb") as fh:
        data = fh.read(_MAX_FILE_BYTES + 1)
    if len(data) > _MAX_FILE_BYTES:
        raise ValueError(f"{path.name} is larger than {_MAX_FILE_BYTES} bytes")
    return data.decode("utf-8", errors="replace")


class ClaudeSkillsSkill(SkillBase):
    """Serves a folder of ``SKILL.md`` skills as tools."""

    SKILL_NAME = "claude_skills"
    SKILL_DESCRIPTION = "Turn Claude-style SKILL.md folders into agent tools"
    SUPPORTS_MULTIPLE_INSTANCES = True

    @classmethod
    def get_parameter_schema(cls) -> dict[str, dict[str, Any]]:
        """``skills_path`` (required) and the selection, wording and execution options."""
        schema = super().get_parameter_schema()
        schema.pop("tool_name", None)  # instances are told apart by their skills_path
        schema.update(
            {
                "skills_path": {
                    "type": "string",
                    "description": "Folder holding one sub-folder (with a SKILL.md) per skill",
                    "required": True,
                },
                "include": {
                    "type": "array",
                    "description": "Glob patterns of skill folders to use",
                    "default": ["*"],
                },
                "exclude": {
                    "type": "array",
                    "description": "Glob patterns of skill folders to leave out",
                    "default": [],
                },
                "prompt_title": {
                    "type": "string",
                    "description": "Title of the prompt section that lists the skills",
                    "default": "Claude Skills",
                },
                "prompt_intro": {
                    "type": "string",
                    "description": "Opening text of that prompt section",
                    "default": _INTRO,
                },
                "skill_descriptions": {
                    "type": "object",
                    "description": "Tool descriptions to use instead of the front matter's, by name",
                    "default": {},
                },
                "tool_prefix": {
                    "type": "string",
                    "description": "Prefix of the tool names ('' for none)",
                    "default": "claude_",
                },
                "response_prefix": {
                    "type": "string",
                    "description": "Text put before every tool answer",
                    "default": "",
                },
                "response_postfix": {
                    "type": "string",
                    "description": "Text put after every tool answer",
                    "default": "",
                },
                "allow_shell_injection": {
                    "type": "boolean",
                    "description": "Run the !`command` snippets of the skill files (trusted "
                    "skills only)",
                    "default": False,
                },
                "allow_script_execution": {
                    "type": "boolean",
                    "description": "List each skill's scripts/ and assets/ files in the prompt",
                    "default": False,
                },
                "ignore_invocation_control": {
                    "type": "boolean",
                    "description": "Register every skill, whatever its invocation flags say",
                    "default": False,
                },
                "shell_timeout": {
                    "type": "integer",
                    "description": "Seconds each shell snippet may run",
                    "default": 30,
                    "min": 1,
                    "max": 600,
                },
            }
        )
        return schema

    def get_instance_key(self) -> str:
        """``claude_skills_<n>``, with ``n`` derived from ``skills_path`` (stable across runs)."""
        path = str(self.params.get("skills_path", "default"))
        digest = hashlib.sha256(path.encode()).hexdigest()
        return f"{self.SKILL_NAME}_{int(digest[:8], 16) % 10000}"

    # -- discovery --------------------------------------------------------------------------

    def setup(self) -> bool:
        """Find and parse the skill folders."""
        root = Path(str(self.params["skills_path"])).expanduser()
        if not root.is_dir():
            raise ValueError(f"skills_path {str(root)!r} is not a directory")
        self._root = root.resolve()
        self._prefix: str = self.params.get("tool_prefix", "claude_")
        if self.params.get("allow_shell_injection"):
            self.logger.warning(
                "allow_shell_injection is on: the skill files in %s can run shell commands",
                self._root,
            )
        self._skills = [
            skill
            for folder in sorted(p for p in self._root.iterdir() if p.is_dir())
            if (skill := self._load(folder)) is not None
        ]
        if not self._skills:
            self.logger.warning("no SKILL.md folders found in %s", self._root)
        return True

    def _selected(self, name: str) -> bool:
        if any(fnmatch.fnmatch(name, p) for p in self.params.get("exclude") or []):
            return False
        return any(fnmatch.fnmatch(name, p) for p in self.params.get("include") or ["*"])

    def _load(self, folder: Path) -> dict[str, Any] | None:
        skill_file = folder / "SKILL.md"
        if not skill_file.is_file() or not self._selected(folder.name):
            return None
        try:
            front_text, body = split_frontmatter(_read(skill_file))
        except (OSError, ValueError) as exc:
            self.logger.error("could not read %s: %s", skill_file, exc)
            return None
        front = parse_frontmatter(front_text) if front_text else {}
        name = str(front.get("name") or folder.name)
        for key in _UNSUPPORTED:
            if front.get(key) is not None:
                self.logger.warning("skill %r: front matter %r is not supported here", name, key)
        if not self.params.get("allow_shell_injection") and _SHELL.search(body):
            self.logger.warning("skill %r has !`command` snippets; they are sent as text", name)
        skip_tool = skip_prompt = False
        if not self.params.get("ignore_invocation_control"):
            if front.get("disable-model-invocation") is True:
                skip_tool = skip_prompt = True
            elif front.get("user-invocable") is False:
                skip_tool = True
        return {
            "name": name,
            "description": front.get("description"),
            "argument_hint": front.get("argument-hint"),
            "body": body,
            "dir": folder.resolve(),
            "sections": self._sections(folder),
            "files": self._files(folder) if self.params.get("allow_script_execution") else {},
            "skip_tool": skip_tool,
            "skip_prompt": skip_prompt,
        }

    def _inside(self, path: Path, folder: Path) -> bool:
        try:
            path.resolve().relative_to(folder.resolve())
        except (OSError, ValueError):
            return False
        return True

    def _sections(self, folder: Path) -> dict[str, Path]:
        sections: dict[str, Path] = {}
        for md in sorted(folder.rglob("*.md")):
            if md.name.upper() == "SKILL.MD" or not self._inside(md, folder):
                continue
            relative = md.relative_to(folder)
            key = (relative.parent / md.stem).as_posix() if relative.parent.parts else md.stem
            sections[key] = md
        return sections

    def _files(self, folder: Path) -> dict[str, list[str]]:
        files: dict[str, list[str]] = {"scripts": [], "assets": [], "other": []}
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder)
            hidden = any(p.startswith(".") or p == "__pycache__" for p in relative.parts)
            if hidden or not path.is_file() or path.suffix.lower() == ".md":
                continue
            kind = relative.parts[0] if relative.parts[0] in {"scripts", "assets"} else "other"
            files[kind].append(relative.as_posix())
        return files

    # -- tools ------------------------------------------------------------------------------

    def _tool_name(self, skill: dict[str, Any]) -> str:
        return f"{self._prefix}{tool_suffix(skill['name'])}"

    def register_tools(self) -> None:
        """One tool per skill (unless its invocation flags say otherwise)."""
        overrides = self.params.get("skill_descriptions") or {}
        for skill in self._skills:
            if skill["skip_tool"]:
                continue
            parameters: dict[str, Any] = {
                "arguments": {
                    "type": "string",
                    "description": str(
                        skill["argument_hint"] or "What the caller wants, to pass to the skill"
                    ),
                }
            }
            if skill["sections"]:
                parameters["section"] = {
                    "type": "string",
                    "description": "A reference section to read instead of the main text",
                    "enum": sorted(skill["sections"]),
                }
            self.define_tool(
                name=self._tool_name(skill),
                description=str(
                    overrides.get(skill["name"])
                    or skill["description"]
                    or f"Use the {skill['name']} skill"
                ),
                parameters=parameters,
                handler=self._handler(skill),
            )

    def _handler(self, skill: dict[str, Any]) -> Any:
        def handler(args: dict[str, Any], raw_data: dict[str, Any]) -> FunctionResult:
            return FunctionResult(self._answer(skill, args, raw_data))

        return handler

    def _answer(self, skill: dict[str, Any], args: dict[str, Any], raw_data: dict[str, Any]) -> str:
        section = args.get("section")
        content = skill["body"]
        if isinstance(section, str) and section in skill["sections"]:
            try:
                content = _read(skill["sections"][section])
            except (OSError, ValueError) as exc:
                self.logger.error("could not read section %r: %s", section, exc)
                return f"The section '{section}' could not be read."
        if self.params.get("allow_shell_injection"):
            content = self._run_snippets(content, skill["dir"])
        call_id = raw_data.get("call_id") if isinstance(raw_data, dict) else None
        content = content.replace("${CLAUDE_SKILL_DIR}", str(skill["dir"]))
        content = content.replace(
            "${CLAUDE_SESSION_ID}", call_id if isinstance(call_id, str) else ""
        )
        arguments = args.get("arguments")
        content = substitute_arguments(content, arguments if isinstance(arguments, str) else "")
        parts = [self.params.get("response_prefix"), content, self.params.get("response_postfix")]
        return "\n\n".join(p for p in parts if p)

    def _run_snippets(self, content: str, folder: Path) -> str:
        import subprocess  # only when snippets are allowed to run

        timeout = int(self.params.get("shell_timeout") or 30)

        def run(match: re.Match[str]) -> str:
            command = match.group(1)
            try:
                done = subprocess.run(  # noqa: S602 - opt-in: commands written in trusted skill files
                    command,
                    shell=True,
                    capture_output=True,
                    text=True,
                    timeout=timeout,
                    cwd=folder,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                self.logger.error("shell snippet timed out after %ss: %s", timeout, command)
                return f"[command timed out: {command}]"
            except OSError as exc:
                self.logger.error("shell snippet failed: %s: %s", command, exc)
                return f"[command error: {command}]"
            return done.stdout.rstrip("\n")

        return _SHELL.sub(run, content)

    # -- prompt and hints -------------------------------------------------------------------

    def get_hints(self) -> list[str]:
        """The words of the skill names."""
        words: list[str] = []
        for skill in self._skills:
            for word in re.split(r"[-_\s]+", skill["name"]):
                if word and word not in words:
                    words.append(word)
        return words

    def _get_prompt_sections(self) -> list[dict[str, Any]]:
        subsections = []
        for skill in self._skills:
            if skill["skip_prompt"]:
                continue
            body = skill["body"]
            if skill["sections"] and not skill["skip_tool"]:
                body += (
                    f"\n\nReference sections: {', '.join(sorted(skill['sections']))}. "
                    f'Call {self._tool_name(skill)}(section="<name>") to read one.'
                )
            for kind, label in (("scripts", "Scripts"), ("assets", "Assets"), ("other", "Files")):
                if skill["files"].get(kind):
                    body += f"\n\n{label}: {', '.join(skill['files'][kind])}"
            subsections.append({"title": skill["name"], "body": body})
        if not subsections:
            return []
        return [
            {
                "title": self.params.get("prompt_title") or "Claude Skills",
                "body": self.params.get("prompt_intro") or _INTRO,
                "subsections": subsections,
            }
        ]
