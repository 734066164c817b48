"""``signalwire-migrate``: import rewriting, --check/--diff, unmappable names, formatting kept."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from signalwire.agents import AgentBase, DataMap
from signalwire.agents._migrate import main, rewrite_source
from signalwire.testing.swml import validate_swml

MODULE = "signalwire.agents._migrate"


def rewrite(source: str) -> str:
    return rewrite_source(source).source


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("from signalwire import AgentBase\n", "from signalwire.agents import AgentBase\n"),
        (
            "from signalwire.core.function_result import FunctionResult\n",
            "from signalwire.agents import FunctionResult\n",
        ),
        (
            "from signalwire_agents.core.function_result import SwaigFunctionResult\n",
            "from signalwire.agents import SwaigFunctionResult\n",
        ),
        (
            "from signalwire.core.swml_service import SWMLService\n",
            "from signalwire.agents import SWMLService\n",
        ),
        (
            "from signalwire.core.data_map import DataMap\n",
            "from signalwire.agents import DataMap\n",
        ),
        (
            "from signalwire.core.swaig_function import SWAIGFunction\n",
            "from signalwire.agents import SWAIGFunction\n",
        ),
        (
            "from signalwire.core.skill_base import SkillBase\n",
            "from signalwire.agents.skills import SkillBase\n",
        ),
        (
            "from signalwire.core.logging_config import get_logger\n",
            "from signalwire.agents import get_logger\n",
        ),
        (
            "from signalwire.skills.registry import skill_registry\n",
            "from signalwire.agents.skills.registry import skill_registry\n",
        ),
        (
            "from signalwire.prefabs import ReceptionistAgent\n",
            "from signalwire.agents.prefabs import ReceptionistAgent\n",
        ),
        (
            "from signalwire_agents.prefabs.receptionist import ReceptionistAgent\n",
            "from signalwire.agents.prefabs.receptionist import ReceptionistAgent\n",
        ),
        (
            "from signalwire import AgentBase, RestClient\n",
            "from signalwire.agents import AgentBase\nfrom signalwire.rest import RestClient\n",
        ),
        (
            "from signalwire.core.security.webhook_validator import validate_request\n",
            "from signalwire.core.security import validate_request\n",
        ),
        ("import signalwire_agents as sw\n", "import signalwire.agents as sw\n"),
        (
            "import signalwire\nsignalwire.AgentBase('a')\n",
            "import signalwire.agents\nsignalwire.agents.AgentBase('a')\n",
        ),
        ("from signalwire import *\n", "from signalwire.agents import *\n"),
        (
            "import signalwire\nc = signalwire.RestClient()\nr = signalwire.relay.RelayClient\n"
            "a = signalwire.AgentBase\nreg = signalwire.skills.registry\n",
            "import signalwire.rest, signalwire.relay, signalwire.agents, signalwire.agents.skills\n"
            "c = signalwire.rest.RestClient()\nr = signalwire.relay.RelayClient\n"
            "a = signalwire.agents.AgentBase\nreg = signalwire.agents.skills.registry\n",
        ),
        (
            "import os, signalwire_agents\nx = signalwire_agents.FunctionResult\n",
            "import os, signalwire.agents\nx = signalwire.agents.FunctionResult\n",
        ),
        (
            "import signalwire.core.function_result\n"
            "r = signalwire.core.function_result.FunctionResult('x')\n",
            "import signalwire.agents\nr = signalwire.agents.FunctionResult('x')\n",
        ),
        ("from signalwire import relay\n", "from signalwire import relay\n"),
        (
            "def f():\n    x = 1; from signalwire import AgentBase, RestClient\n",
            "def f():\n    x = 1; from signalwire.agents import AgentBase; "
            "from signalwire.rest import RestClient\n",
        ),
        (
            "if True: from signalwire import AgentBase, RestClient\n",
            "if True: from signalwire.agents import AgentBase; from signalwire.rest import RestClient\n",
        ),
    ],
)
def test_mapping(before: str, after: str) -> None:
    assert rewrite(before) == after
    assert rewrite(after) == after  # idempotent


@pytest.mark.parametrize(
    "ours",
    [
        "from signalwire.agents import AgentBase\n",
        "from signalwire.relay import RelayClient\n",
        "from signalwire.rest import RestClient\n",
        "from signalwire.core import Credentials, SignalWireError\n",
        "from signalwire.core.security import validate_request\n",
        "import signalwire.agents\n",
        "from . import signalwire\nimport signalwirex\n",
    ],
)
def test_our_imports_are_left_alone(ours: str) -> None:
    result = rewrite_source(ours)
    assert result.source == ours and not result.changes and not result.problems


def test_formatting_and_comments_are_kept() -> None:
    source = (
        "# header comment\r\n"
        "import os  # stays\r\n"
        "from signalwire import (\r\n"
        "    AgentBase,  # the agent\r\n"
        "    FunctionResult,\r\n"
        ")  # trailing\r\n"
        "from signalwire import (\r\n"
        "    AgentBase as A,  # moved\r\n"
        "    RestClient,\r\n"
        ")\r\n"
        "\r\n"
        "def f():\r\n"
        "    from signalwire.core.data_map import DataMap  # inner\r\n"
        "    return DataMap, 'é'\r\n"
    )
    out = rewrite(source)
    assert out == (
        "# header comment\r\n"
        "import os  # stays\r\n"
        "from signalwire.agents import (\r\n"
        "    AgentBase,  # the agent\r\n"
        "    FunctionResult,\r\n"
        ")  # trailing\r\n"
        "# moved\r\n"
        "from signalwire.agents import AgentBase as A\r\n"
        "from signalwire.rest import RestClient\r\n"
        "\r\n"
        "def f():\r\n"
        "    from signalwire.agents import DataMap  # inner\r\n"
        "    return DataMap, 'é'\r\n"
    )


def test_unmappable_names_are_reported_and_kept() -> None:
    result = rewrite_source(
        "from signalwire import AgentBase, configure_logging\n"
        "from signalwire.core.logging_config import configure_logging\n"
        "from signalwire.core.swml_renderer import SwmlRenderer\n"
        "from signalwire.core.mystery import Thing\n"
    )
    assert result.source == (
        "from signalwire.agents import AgentBase\n"
        "from signalwire import configure_logging\n"
        "from signalwire.core.logging_config import configure_logging\n"
        "from signalwire.core.swml_renderer import SwmlRenderer\n"
        "from signalwire.core.mystery import Thing\n"
    )
    reasons = {p.name: p.reason for p in result.problems}
    assert set(reasons) == {
        "signalwire.configure_logging",
        "signalwire.core.logging_config.configure_logging",
        "signalwire.core.swml_renderer.SwmlRenderer",
        "signalwire.core.mystery.Thing",
    }
    assert "get_document" in reasons["signalwire.core.swml_renderer.SwmlRenderer"]
    assert "logging.basicConfig" in reasons["signalwire.core.logging_config.configure_logging"]
    assert "this project's credentials" in reasons["signalwire.core.mystery.Thing"]


def test_cli_check_diff_and_write(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pkg = tmp_path / "app"
    (pkg / ".venv").mkdir(parents=True)
    script = pkg / "agent.py"
    script.write_text("from signalwire import AgentBase\n")
    (pkg / ".venv" / "skipped.py").write_text("from signalwire import AgentBase\n")
    (pkg / "clean.py").write_text("from signalwire.agents import AgentBase\n")

    assert main(["--check", str(pkg)]) == 1
    out = capsys.readouterr()
    assert "agent.py:1: from signalwire import AgentBase  ->  from signalwire.agents" in out.out
    assert "skipped" not in out.out + out.err
    assert script.read_text() == "from signalwire import AgentBase\n"  # --check writes nothing

    assert main(["--diff", str(script)]) == 0
    diff = capsys.readouterr().out
    assert "-from signalwire import AgentBase" in diff
    assert "+from signalwire.agents import AgentBase" in diff
    assert script.read_text() == "from signalwire import AgentBase\n"

    assert main([str(pkg)]) == 0
    assert script.read_text() == "from signalwire.agents import AgentBase\n"
    assert (pkg / ".venv" / "skipped.py").read_text() == "from signalwire import AgentBase\n"
    assert main(["--check", str(pkg)]) == 0


def test_cli_reports_unmappable_and_bad_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    odd = tmp_path / "odd.py"
    odd.write_text("from signalwire import configure_logging\n")
    assert main([str(odd)]) == 1
    err = capsys.readouterr().err
    assert f"{odd}:1: cannot map signalwire.configure_logging: logging" in err
    broken = tmp_path / "broken.py"
    broken.write_text("from signalwire import (\n")
    assert main([str(broken)]) == 2
    assert "cannot migrate" in capsys.readouterr().err
    assert main([str(tmp_path / "missing.py")]) == 2


def test_console_script_runs(tmp_path: Path) -> None:
    script = tmp_path / "a.py"
    script.write_text("from signalwire import AgentBase\n")
    installed = Path(sys.executable).parent / "signalwire-migrate"
    command = [str(installed)] if installed.exists() else [sys.executable, "-m", MODULE]
    done = subprocess.run(
        [*command, "--check", str(script)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 1, done.stderr
    assert "would rewrite 1 file(s)" in done.stderr


_MODULES = [
    "signalwire",
    "signalwire_agents",
    "signalwire.core",
    "signalwire.core.function_result",
    "signalwire_agents.core.data_map",
    "signalwire.skills.registry",
    "signalwire.prefabs",
    "signalwire.core.semantic_gate",
    "signalwire.agents",
    "signalwire.relay",
    "os.path",
]
_NAMES = [
    "AgentBase",
    "FunctionResult",
    "RestClient",
    "DataMap",
    "SemanticGate",
    "x",
    "Credentials",
]


@given(
    imports=st.lists(
        st.tuples(
            st.sampled_from(_MODULES),
            st.lists(st.sampled_from(_NAMES), min_size=1, max_size=4, unique=True),
            st.booleans(),  # parenthesised over several lines
            st.booleans(),  # with a comment
            st.booleans(),  # indented inside a function
            st.booleans(),  # after other code and a semicolon
        ),
        min_size=1,
        max_size=5,
    )
)
def test_rewrite_parses_is_idempotent_and_keeps_comments(
    imports: list[tuple[str, list[str], bool, bool, bool, bool]],
) -> None:
    lines: list[str] = []
    for module, names, parens, comment, nested, semi in imports:
        note = "  # keep me" if comment else ""
        if parens:
            body = "".join(f"    {n},{note}\n" for n in names)
            stmt = f"from {module} import (\n{body})\n"
        else:
            lead = "x = 1; " if semi else ""
            stmt = f"{lead}from {module} import {', '.join(names)}{note}\n"
        if nested:
            stmt = "def f():\n" + "".join("    " + line + "\n" for line in stmt.splitlines())
        lines.append(stmt)
    source = "".join(lines)
    out = rewrite_source(source).source
    ast_tree = compile(out, "<migrated>", "exec", flags=0x400, dont_inherit=True)  # ONLY_AST
    assert ast_tree is not None
    assert rewrite_source(out).source == out
    assert out.count("# keep me") == source.count("# keep me")


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "from signalwire import AIChatClient\n",
            "from signalwire.agents.ai_chat import AIChatClient\n",
        ),
        (
            "from signalwire.ai_chat import ChatGateway, HandoffRouter\n",
            "from signalwire.agents.ai_chat import ChatGateway, HandoffRouter\n",
        ),
        (
            "from signalwire.ai_chat.client import AIChatError\n",
            "from signalwire.agents.ai_chat import AIChatError\n",
        ),
        (
            "from signalwire_agents.ai_chat.handoff import NonceEntry\n",
            "from signalwire.agents.ai_chat import NonceEntry\n",
        ),
        (
            "from signalwire.mcp_gateway.gateway_service import MCPGateway\n",
            "from signalwire.agents.mcp_gateway import MCPGateway\n",
        ),
        (
            "from signalwire.mcp_gateway.session_manager import SessionManager\n",
            "from signalwire.agents.mcp_gateway import SessionManager\n",
        ),
        ("import signalwire.mcp_gateway as mg\n", "import signalwire.agents.mcp_gateway as mg\n"),
    ],
)
def test_ai_chat_and_mcp_gateway_paths(before: str, after: str) -> None:
    result = rewrite_source(before)
    assert result.source == after
    assert not result.problems


RULES_SOURCE = """\
from signalwire.agents import AgentBase

agent = AgentBase("x")


@agent.tool("Look up the weather for a city")
def weather(args, raw):
    return None


@agent.tool("weather_two")  # an identifier: a name, as meant
def weather_two(args, raw):
    return None


@AgentBase.tool(name="a", description="Two words")  # keywords: fine
def a(args, raw):
    return None


agent.define_tool("t", "d", {}, None, fillers=["One moment"])
agent.define_tool("u", "d", {}, None, fillers={"en-US": ["One moment"]})
"""


def test_rules_report_idioms_with_their_line() -> None:
    notices = rewrite_source(RULES_SOURCE).notices
    assert [(n.line, n.rule) for n in notices] == [
        (6, "tool-positional-string"),
        (21, "fillers-list"),
    ]
    assert "description=" in notices[0].message
    assert "'Look up the weather for a city'" in notices[0].message
    assert '{"en-US":' in notices[1].message


def test_check_lists_notices_with_file_and_line_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "agent.py"
    script.write_text(RULES_SOURCE)
    assert main(["--check", str(script)]) == 1
    out, err = capsys.readouterr()
    assert f"{script}:6: note [tool-positional-string]: " in out
    assert f"{script}:21: note [fillers-list]: " in out
    assert "0 file(s)" in err and "2 notice(s)" in err
    # Notices are never rewritten: a normal run leaves the file as it was and succeeds.
    assert main([str(script)]) == 0
    assert script.read_text() == RULES_SOURCE


def test_rules_are_listed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--rules"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("tool-positional-string: ")
    assert "fillers-list: " in out


def test_livewire_pom_and_semantic_gate_imports_are_mapped() -> None:
    result = rewrite_source(
        "from signalwire import SemanticGate\n"
        "from signalwire.core.semantic_gate import SemanticGate as Gate\n"
        "from signalwire.livewire import Agent, AgentSession, function_tool\n"
        "from signalwire.livewire.plugins import DeepgramSTT\n"
        "from signalwire_agents.livewire import run_app\n"
        "from signalwire.pom import PromptObjectModel, Section\n"
        "import signalwire.livewire as lw\n"
    )
    assert result.problems == []
    assert result.source == (
        "from signalwire.agents import SemanticGate\n"
        "from signalwire.agents import SemanticGate as Gate\n"
        "from signalwire.agents.livewire import Agent, AgentSession, function_tool\n"
        "from signalwire.agents.livewire.plugins import DeepgramSTT\n"
        "from signalwire.agents.livewire import run_app\n"
        "from signalwire.agents.pom import PromptObjectModel, Section\n"
        "import signalwire.agents.livewire as lw\n"
    )
    # Every rewritten name exists where it now points.
    import signalwire.agents.livewire.plugins as plugins
    import signalwire.agents.pom as pom

    assert plugins.DeepgramSTT and pom.Section and pom.PromptObjectModel


def test_help_shows_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    assert "Examples:" in text and "\n  signalwire-migrate --check " in text


# Each rule: code it reports (and the line), code it leaves alone. The reported code is also
# run against this package, so a notice's claim about what happens here stays true.
FLAGGED = {
    "tool-bare-decorator": (
        'from signalwire import AgentBase\n\nagent = AgentBase("x")\n\n\n@agent.tool\n'
        'def hello(args, raw_data):\n    """Say hello."""\n    return "hi"\n',
        6,
    ),
    "prompt-section-positional": (
        'agent = AgentBase("x")\nagent.prompt_add_section(\n    "Role", "Be kind", ["a"], '
        '"numbered please"\n)\n',
        2,
    ),
    "datamap-body": (
        'tool = DataMap("t").webhook("GET", "https://api.example.com/x").body({"q": "${args.q}"})\n',
        1,
    ),
    "builder-both": (
        'doc = SWMLBuilder(SWMLService("s")).ai(prompt_text="Hi", prompt_pom=[{"title": "T"}])\n',
        1,
    ),
}

NOT_FLAGGED = [
    '@agent.tool()\ndef hello(args, raw_data):\n    return "hi"\n',
    '@mcp.tool\ndef hello():\n    return "hi"\n',  # another library's bare decorator
    'agent.prompt_add_section("Role", "Be kind", ["a"], True, False, [{"title": "S"}])\n',
    'agent.prompt_add_section("Role", "Be kind", None, flag)\n',  # a variable: not guessed at
    'agent.prompt_add_section("Role", body="Be kind", numbered="x")\n',  # keywords: no slots
    'DataMap("t").webhook("POST", "https://api.example.com/x").params({"q": 1})\n',
    'request.body({"q": 1})\n',
    'builder.ai(prompt_text="Hi")\nbuilder.play(url="a.mp3")\n',
]

PRELUDE = "from signalwire.agents import AgentBase, DataMap, SWMLBuilder, SWMLService\n"


@pytest.mark.parametrize("rule", sorted(FLAGGED))
def test_each_new_rule_reports_its_idiom_at_its_line(rule: str) -> None:
    source, line = FLAGGED[rule]
    notices = rewrite_source(source).notices
    assert [(n.line, n.rule) for n in notices] == [(line, rule)]


@pytest.mark.parametrize("source", NOT_FLAGGED)
def test_rules_leave_fitting_code_alone(source: str) -> None:
    assert rewrite_source(source).notices == []


def test_the_bare_decorator_is_reported_only_in_code_written_for_the_vendor() -> None:
    """Bare ``@agent.tool`` is this SDK's own style: a file with nothing to migrate is not
    told about it (3.7.5 registered nothing, which matters only to its code)."""
    ours = FLAGGED["tool-bare-decorator"][0].replace(
        "from signalwire import AgentBase", "from signalwire.agents import AgentBase"
    )
    assert rewrite_source(ours).notices == []


#: Examples written to show vendor-style code running here (their notices are the point).
VENDOR_STYLE_EXAMPLES = {"vendor_style_agent.py"}


def test_the_examples_of_this_repository_get_no_notices() -> None:
    examples = sorted(
        path
        for path in (Path(__file__).resolve().parents[3] / "examples").rglob("*.py")
        if path.name not in VENDOR_STYLE_EXAMPLES
    )
    assert examples
    noisy = {
        str(path): [n.rule for n in rewrite_source(path.read_text()).notices]
        for path in examples
        if rewrite_source(path.read_text()).notices
    }
    assert noisy == {}


def test_the_notices_say_what_happens_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWML_BASIC_AUTH_USER", "u")
    monkeypatch.setenv("SWML_BASIC_AUTH_PASSWORD", "p")

    def run(rule: str) -> dict[str, object]:
        namespace: dict[str, object] = {}
        # the test's own snippets, with this package's imports instead of the vendor's
        exec(
            PRELUDE + FLAGGED[rule][0].replace("from signalwire import AgentBase\n", ""), namespace
        )
        return namespace

    bare = run("tool-bare-decorator")["agent"]
    assert (
        "now has one tool more"
        in rewrite_source(FLAGGED["tool-bare-decorator"][0]).notices[0].message
    )
    assert isinstance(bare, AgentBase)
    document = json.loads(bare.render_swml())
    validate_swml(document)
    ai = next(verb["ai"] for verb in document["sections"]["main"] if "ai" in verb)
    assert [f["function"] for f in ai["SWAIG"]["functions"]] == ["hello"]

    section = rewrite_source(FLAGGED["prompt-section-positional"][0]).notices[0].message
    assert "numbered gets a str" in section and "TypeError" in section
    with pytest.raises(TypeError, match="numbered must be True or False"):
        run("prompt-section-positional")

    tool = run("datamap-body")["tool"]
    assert isinstance(tool, DataMap)
    webhook = tool.to_swaig_function()["data_map"]["webhooks"][0]
    assert webhook["body"] == {"q": "${args.q}"} and "params" not in webhook

    assert "ValueError" in rewrite_source(FLAGGED["builder-both"][0]).notices[0].message
    with pytest.raises(ValueError, match="prompt"):
        run("builder-both")


def test_the_new_rules_are_listed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--rules"]) == 0
    out = capsys.readouterr().out
    for rule in FLAGGED:
        assert f"\n{rule}: " in out
