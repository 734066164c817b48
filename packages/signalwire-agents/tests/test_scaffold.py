"""``sw-agent-init``: the projects it writes, and what it refuses.

The generated projects' own tests run here in this environment (which holds both
signalwire-agents and signalwire-testing); ``test_scaffold_install.py`` installs them
from built wheels instead, as a user would.
"""

from __future__ import annotations

import ast
import io
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signalwire.agents._scaffold._main import main, write_project
from signalwire.agents._scaffold._plan import (
    PLATFORMS,
    TYPES,
    Project,
    class_name_for,
    plan_files,
    requirement,
)

ENTRY_FILES = {
    "local": {"app.py", ".env.example", "tests/test_app.py"},
    "aws": {"handler.py", "template.yaml", "samconfig.toml", "tests/test_aws.py"},
    "gcp": {"main.py", "deploy.sh", ".gcloudignore", "tests/test_gcp.py"},
    "azure": {
        "function_app.py",
        "host.json",
        "local.settings.json",
        "deploy.sh",
        ".funcignore",
        "tests/test_azure.py",
    },
}
COMMON = {
    "README.md",
    "agent.py",
    "requirements.txt",
    "requirements-dev.txt",
    "pytest.ini",
    ".gitignore",
    "tests/test_agent.py",
}


def run(*argv: str, stdin: io.StringIO | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stderr
    sys.stderr = err
    try:
        code = main(list(argv), out)
    finally:
        sys.stderr = saved
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("kind", TYPES)
def test_every_type_and_platform_writes_a_complete_project(
    tmp_path: Path, platform: str, kind: str
) -> None:
    code, out, err = run(
        "shop-line", "-p", platform, "--type", kind, "--no-venv", "--dir", str(tmp_path)
    )
    assert (code, err) == (0, ""), err
    root = tmp_path / "shop-line"
    assert f"Created {kind} {platform} project shop-line" in out
    written = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    assert written == COMMON | ENTRY_FILES[platform]
    assert [p.name for p in tmp_path.iterdir()] == ["shop-line"]  # no staging folder left
    for path in root.rglob("*.py"):
        ast.parse(path.read_text("utf-8"), str(path))  # every generated module is Python
        assert "{{" not in path.read_text("utf-8"), path
    for path in root.rglob("*.json"):
        json.loads(path.read_text("utf-8"))
    readme = (root / "README.md").read_text("utf-8")
    assert "pytest" in readme and "pip install -r requirements.txt" in readme
    assert "class ShopLineAgent(AgentBase)" in (root / "agent.py").read_text("utf-8")
    reqs = (root / "requirements.txt").read_text("utf-8")
    assert reqs.startswith("signalwire-agents>=") and ",<" in reqs
    for script in root.glob("*.sh"):
        assert script.stat().st_mode & 0o111, f"{script.name} is not executable"


def test_requirements_stay_on_this_sdk_line() -> None:
    # PyPI's signalwire-agents 1.x is another project: the bound keeps installers off it.
    from signalwire.agents import __version__

    major = int(__version__.split(".")[0])
    assert requirement("signalwire-agents") == f"signalwire-agents>={__version__},<{major + 1}"
    # A package that is not installed is named without a pin (its versions are its own).
    assert requirement("signalwire-not-installed") == "signalwire-not-installed"


def test_cloud_regions_reach_the_deployment_files(tmp_path: Path) -> None:
    assert run("a1", "-p", "aws", "-r", "eu-west-3", "--dir", str(tmp_path))[0] == 0
    assert 'region = "eu-west-3"' in (tmp_path / "a1/samconfig.toml").read_text()
    assert run("g1", "-p", "gcp", "--dir", str(tmp_path))[0] == 0
    assert 'REGION="${REGION:-us-central1}"' in (tmp_path / "g1/deploy.sh").read_text()
    assert run("z1", "-p", "azure", "--region", "westeurope", "--dir", str(tmp_path))[0] == 0
    assert 'LOCATION="${LOCATION:-westeurope}"' in (tmp_path / "z1/deploy.sh").read_text()


@pytest.mark.parametrize(
    ("platform", "kind"), [("local", "full"), ("aws", "basic"), ("gcp", "full")]
)
def test_generated_project_passes_its_own_tests(tmp_path: Path, platform: str, kind: str) -> None:
    assert run("desk", "-p", platform, "--type", kind, "--no-venv", "--dir", str(tmp_path))[0] == 0
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=tmp_path / "desk",
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout and "skipped" not in proc.stdout


@pytest.mark.parametrize(
    "name",
    ["My-Agent", "my agent", "1agent", "a", "_agent", "agent-", "my--agent", "my_agent", "x" * 41],
)
def test_invalid_names_are_refused(tmp_path: Path, name: str) -> None:
    code, _out, err = run(name, "--no-venv", "--dir", str(tmp_path))
    assert code == 2
    assert err.startswith("sw-agent-init: error: invalid project name") and err.count("\n") == 1
    assert "e.g. my-agent" in err
    assert list(tmp_path.iterdir()) == []


def test_a_non_empty_target_is_refused_unless_forced(tmp_path: Path) -> None:
    target = tmp_path / "desk"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    code, _out, err = run("desk", "--no-venv", "--dir", str(tmp_path))
    assert code == 2 and "is not empty" in err and "--force" in err
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["desk"]
    code, _out, err = run("desk", "--no-venv", "--force", "--dir", str(tmp_path))
    assert (code, err) == (0, "")
    assert not (target / "notes.txt").exists() and (target / "app.py").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["desk"]


def test_an_empty_target_folder_is_used(tmp_path: Path) -> None:
    (tmp_path / "desk").mkdir()
    assert run("desk", "--no-venv", "--dir", str(tmp_path))[0] == 0
    assert (tmp_path / "desk/agent.py").is_file()


def test_a_file_in_the_way_is_refused(tmp_path: Path) -> None:
    (tmp_path / "desk").write_text("a file")
    code, _out, err = run("desk", "--no-venv", "--force", "--dir", str(tmp_path))
    assert code == 2 and "is not a folder" in err
    assert (tmp_path / "desk").read_text() == "a file"


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "desk"
    with pytest.raises(OSError):  # "a" is a file, so "a/b" cannot be created
        write_project({"a": "x", "a/b": "y"}, target, force=False)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_forced_write_keeps_the_old_folder(tmp_path: Path) -> None:
    target = tmp_path / "desk"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    with pytest.raises(OSError):
        write_project({"a": "x", "a/b": "y"}, target, force=True)
    assert [p.name for p in tmp_path.iterdir()] == ["desk"]
    assert (target / "keep.txt").read_text() == "mine"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["desk", "--region", "us-east-1"], "--region applies to -p aws, gcp or azure"),
        (["desk", "-p", "aws", "-r", "mars"], "is not a aws region name (e.g. us-east-1)"),
        (["desk", "-p", "azure", "-r", "East US"], "(e.g. eastus)"),
        ([], "a project name is required: sw-agent-init NAME"),
    ],
)
def test_usage_errors_are_one_line_with_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str], message: str
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # not a terminal: no prompts
    code, out, err = run(*argv, "--no-venv", "--dir", str(tmp_path))
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_argparse_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["desk", "--platform", "heroku"]) == 2
    assert "invalid choice: 'heroku'" in capsys.readouterr().err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_prompts_in_a_terminal_when_the_name_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # name, platform (a wrong answer first), type, region
    monkeypatch.setattr(sys, "stdin", _Terminal("front-desk\nheroku\ngcp\nfull\n\n"))
    assert main(["--dir", str(tmp_path)]) == 0
    root = tmp_path / "front-desk"
    assert (root / "main.py").is_file()
    assert "order_status" in (root / "agent.py").read_text()
    assert 'REGION="${REGION:-us-central1}"' in (root / "deploy.sh").read_text()
    assert "choose one of: local, aws, gcp, azure" in capsys.readouterr().err


def test_prompts_skip_what_the_flags_gave(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", _Terminal("desk\n"))  # only the name is asked
    assert main(["-p", "aws", "--type", "basic", "-r", "us-west-2", "--dir", str(tmp_path)]) == 0
    assert 'region = "us-west-2"' in (tmp_path / "desk/samconfig.toml").read_text()


def test_end_of_input_at_a_prompt_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", _Terminal("desk\n"))  # then end of input
    code, _out, err = run("--dir", str(tmp_path))
    assert code == 2 and "cancelled, nothing written" in err
    assert list(tmp_path.iterdir()) == []


def test_a_failed_environment_install_exits_1_with_the_project_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIP_NO_INDEX", "1")  # the install fails at once, offline
    monkeypatch.setenv("PIP_FIND_LINKS", str(tmp_path / "nowhere"))
    code, out, err = run("desk", "--dir", str(tmp_path))
    assert code == 1
    assert "-m venv" in out and "pip install" in out
    assert err.startswith("sw-agent-init: error:") and err.count("\n") == 1
    assert "create the environment by hand" in err
    assert (tmp_path / "desk/agent.py").is_file() and (tmp_path / "desk/.venv").is_dir()


def test_help_shows_examples(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    assert "examples:" in text and "sw-agent-init my-agent -p aws" in text


def test_names_become_class_names() -> None:
    assert class_name_for("my-agent") == "MyAgent"
    assert class_name_for("support") == "SupportAgent"
    assert class_name_for("line-2") == "Line2Agent"
    assert Project("front-desk").title == "Front Desk"
    assert plan_files(Project("ab"))["agent.py"].count("class AbAgent(AgentBase)") == 1


@settings(max_examples=60, deadline=None)
@given(
    name=st.text(max_size=45),
    extra=st.lists(
        st.sampled_from(["-p", "aws", "gcp", "--region", "us-east-1", "x", "--type", "full", ""]),
        max_size=4,
    ),
)
def test_any_name_is_created_or_refused_cleanly(name: str, extra: list[str]) -> None:
    """Exit 0 with exactly one project, or 2 with one line and nothing written; no traceback."""
    with tempfile.TemporaryDirectory() as tmp:
        code, _out, err = run("--no-venv", "--dir", tmp, *extra, "--", name)
        assert code in (0, 2), err
        assert "Traceback" not in err
        written = list(Path(tmp).iterdir())
        if code == 0:
            assert [p.name for p in written] == [name]
        else:
            assert written == [] and err.count("\n") >= 1
