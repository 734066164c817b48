"""``sw-agent-dokku``: the project ``init`` writes, and the git/ssh commands the others run.

A fake ``ssh`` on PATH records each call and plays a Dokku host: ``apps:*`` and ``urls``
answers, and ``git-receive-pack`` into a local bare repository per app, so ``git push``
really pushes.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signalwire.agents._dokku._main import main

FAKE_SSH = """\
#!{python}
import json, os, shlex, subprocess, sys
args = sys.argv[1:]
while args and args[0] == "-o":
    args = args[2:]
host, command = args[0], " ".join(args[1:])
with open(os.environ["FAKE_SSH_LOG"], "a") as log:
    log.write(json.dumps(sys.argv[1:]) + "\\n")
if os.environ.get("FAKE_SSH_REFUSE"):
    sys.stderr.write("ssh: connect to host example port 22: Connection refused\\n")
    sys.exit(255)
root = os.environ["FAKE_DOKKU_ROOT"]
words = shlex.split(command)
if words[0] == "git-receive-pack":
    sys.exit(subprocess.call(["git-receive-pack", os.path.join(root, words[1] + ".git")]))
if words[0] == "apps:exists":
    if os.path.isdir(os.path.join(root, words[1] + ".git")):
        sys.exit(0)
    sys.stderr.write("App " + words[1] + " does not exist\\n")
    sys.exit(1)
if words[0] == "apps:create":
    subprocess.check_call(["git", "init", "-q", "--bare", os.path.join(root, words[1] + ".git")])
    print("-----> Creating " + words[1] + "...")
    sys.exit(0)
if words[0] == "urls":
    print("http://" + words[1] + ".dokku.test")
    sys.exit(0)
print("fake dokku: " + " | ".join(words))
"""


@pytest.fixture
def dokku(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake Dokku host behind a fake ssh on PATH; returns the folder of its bare repos."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    ssh = bin_dir / "ssh"
    ssh.write_text(FAKE_SSH.format(python=sys.executable))
    ssh.chmod(0o755)
    root = tmp_path / "dokku-host"
    root.mkdir()
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_SSH_LOG", str(tmp_path / "ssh.log"))
    monkeypatch.setenv("FAKE_DOKKU_ROOT", str(root))
    monkeypatch.delenv("DOKKU_HOST", raising=False)
    monkeypatch.delenv("GIT_SSH_COMMAND", raising=False)
    monkeypatch.delenv("GIT_SSH", raising=False)
    for key, value in {
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.com",
        "GIT_CONFIG_GLOBAL": str(tmp_path / "gitconfig"),
        "GIT_CONFIG_NOSYSTEM": "1",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # not a terminal: never prompt
    return root


def ssh_calls(tmp_path: Path) -> list[list[str]]:
    log = tmp_path / "ssh.log"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stderr
    sys.stderr = err
    try:
        code = main(list(argv), out)
    finally:
        sys.stderr = saved
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def project(tmp_path: Path, dokku: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    code, _out, err = run("init", "desk", "--host", "dokku.test", "--dir", str(tmp_path))
    assert (code, err) == (0, "")
    monkeypatch.chdir(tmp_path / "desk")
    return tmp_path / "desk"


def test_init_writes_what_dokku_needs(tmp_path: Path) -> None:
    assert run("init", "desk", "--dir", str(tmp_path), "--host", "dokku.test")[0] == 0
    root = tmp_path / "desk"
    assert (root / "Procfile").read_text() == "web: uvicorn app:app --host 0.0.0.0 --port $PORT\n"
    assert (root / ".python-version").read_text() == "3.12\n"
    app_json = json.loads((root / "app.json").read_text())
    assert app_json["name"] == "desk"
    assert app_json["healthchecks"]["web"][0]["path"] == "/health"
    assert "sw-agent-dokku deploy --host dokku.test" in (root / "README.md").read_text()
    assert not (root / "Dockerfile").exists() and not (root / ".github").exists()


def test_init_with_dockerfile_web_and_cicd(tmp_path: Path) -> None:
    argv = ["init", "desk", "--dockerfile", "--web", "--cicd", "--dir", str(tmp_path)]
    assert run(*argv)[0] == 0
    root = tmp_path / "desk"
    assert "uvicorn app:app" in (root / "Dockerfile").read_text()
    assert not (root / "Procfile").exists()
    assert (root / "web/index.html").is_file()
    workflow = (root / ".github/workflows/deploy.yml").read_text()
    assert 'git push "dokku@$DOKKU_HOST:desk" HEAD:main' in workflow
    assert "dokku.example.com" in workflow  # no --host: the placeholder, to be replaced


@pytest.mark.parametrize("web", [False, True])
def test_the_dokku_project_passes_its_own_tests(tmp_path: Path, web: bool) -> None:
    assert run("init", "desk", "--dir", str(tmp_path), *(["--web"] if web else []))[0] == 0
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=tmp_path / "desk",
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout


def test_init_refuses_a_non_empty_folder_and_bad_names(tmp_path: Path) -> None:
    (tmp_path / "desk").mkdir()
    (tmp_path / "desk/keep.txt").write_text("mine")
    code, _out, err = run("init", "desk", "--dir", str(tmp_path))
    assert code == 2 and "--force" in err and err.count("\n") == 1
    assert [p.name for p in (tmp_path / "desk").iterdir()] == ["keep.txt"]
    assert run("init", "desk", "--force", "--dir", str(tmp_path))[0] == 0
    assert (tmp_path / "desk/Procfile").is_file() and not (tmp_path / "desk/keep.txt").exists()
    code, _out, err = run("init", "Bad_Name", "--dir", str(tmp_path))
    assert code == 2 and "invalid app name 'Bad_Name'" in err
    code, _out, err = run("init", "ok-name", "--host", "bad host!", "--dir", str(tmp_path))
    assert code == 2 and "invalid host" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["desk"]


def test_deploy_creates_the_app_and_pushes_to_the_host(
    project: Path, dokku: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run("deploy", "--host", "dokku.test")
    assert code == 0, err
    lines = [ln for ln in out.splitlines() if ln.startswith("$ ")]
    assert lines == [
        "$ git init -q -b main",
        "$ git add -A",
        "$ git commit -q -m 'First deploy'",
        "$ ssh dokku@dokku.test apps:exists desk",
        "$ ssh dokku@dokku.test apps:create desk",
        "$ git remote add dokku dokku@dokku.test:desk",
        "$ git push dokku HEAD:main",
        "$ ssh dokku@dokku.test urls desk",
    ]
    assert "http://desk.dokku.test" in capfd.readouterr().out  # the host's answer, passed through
    # The bare repository on the "host" holds the project's commit.
    pushed = subprocess.run(
        ["git", "--git-dir", str(dokku / "desk.git"), "ls-tree", "-r", "--name-only", "main"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert {"Procfile", "app.json", "agent.py", "app.py"} <= set(pushed)
    calls = ssh_calls(tmp_path)
    assert calls[0] == ["dokku@dokku.test", "apps:exists", "desk"]
    assert any("git-receive-pack 'desk'" in " ".join(c) for c in calls)

    # A second deploy: the app exists, the remote is known, so the host comes from it.
    (project / "agent.py").write_text((project / "agent.py").read_text() + "\n# v2\n")
    subprocess.run(["git", "commit", "-qam", "v2"], check=True)
    code, out, err = run("deploy")
    assert code == 0, err
    assert [ln for ln in out.splitlines() if ln.startswith("$ ")] == [
        "$ ssh dokku@dokku.test apps:exists desk",
        "$ git push dokku HEAD:main",
        "$ ssh dokku@dokku.test urls desk",
    ]


def test_deploy_dry_run_prints_and_runs_nothing(project: Path, tmp_path: Path) -> None:
    code, out, _err = run("deploy", "--host", "dokku.test", "--dry-run")
    assert code == 0
    assert "$ git push dokku HEAD:main" in out and "$ git remote add dokku" in out
    assert not (project / ".git").exists()
    assert ssh_calls(tmp_path) == []
    # The flag also works before the command.
    code, out, _err = run("--dry-run", "scale", "web=2", "--host", "dokku.test")
    assert (code, out) == (0, "$ ssh dokku@dokku.test ps:scale desk web=2\n")
    assert ssh_calls(tmp_path) == []


def test_logs_config_and_scale_run_ssh_as_a_user_would(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOKKU_HOST", "dokku.test")
    assert run("logs", "-t", "-n", "50")[0] == 0
    assert run("config", "show")[0] == 0
    assert run("config", "set", "SWML_BASIC_AUTH_PASSWORD=two words", "MODE=prod")[0] == 0
    assert run("config", "unset", "MODE")[0] == 0
    assert run("scale", "web=2", "worker=0")[0] == 0
    assert run("scale", "--app", "other", "--host", "dokku2.test")[0] == 0
    assert ssh_calls(tmp_path) == [
        ["dokku@dokku.test", "logs", "desk", "--tail", "--num", "50"],
        ["dokku@dokku.test", "config:show", "desk"],
        [
            "dokku@dokku.test",
            "config:set",
            "desk",
            "'SWML_BASIC_AUTH_PASSWORD=two words'",
            "MODE=prod",
        ],
        ["dokku@dokku.test", "config:unset", "desk", "MODE"],
        ["dokku@dokku.test", "ps:scale", "desk", "web=2", "worker=0"],
        ["dokku@dokku2.test", "ps:scale", "other"],
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["config", "set", "NOEQUALS"], "expected KEY=value"),
        (["config", "unset", "A=B"], "expected a variable name"),
        (["config", "show", "X"], "takes no variables"),
        (["config", "set"], "needs variables"),
        (["scale", "web=two"], "expected PROCESS=COUNT"),
        (["logs", "-n", "0"], "--num must be a positive"),
        (["logs", "--app", "Bad!"], "invalid app name"),
    ],
)
def test_bad_arguments_exit_2_without_running_anything(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str], message: str
) -> None:
    monkeypatch.setenv("DOKKU_HOST", "dokku.test")
    code, _out, err = run(*argv)
    assert code == 2 and message in err and err.count("\n") == 1
    assert ssh_calls(tmp_path) == []


def test_no_host_and_no_app_are_usage_errors(
    dokku: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _out, err = run("logs", "--host", "dokku.test")
    assert code == 2 and "no app name: pass --app NAME" in err
    code, _out, err = run("logs", "--app", "desk")
    assert code == 2 and "no Dokku host: pass --host HOST or set DOKKU_HOST" in err
    code, _out, err = run("deploy", "--app", "desk", "--host", "dokku.test")
    assert code == 2 and "no Procfile or Dockerfile here" in err
    code, _out, err = run()
    assert code == 2 and "choose a command" in err


def test_a_refusing_host_is_one_line_and_exit_1(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_SSH_REFUSE", "1")
    code, _out, err = run("logs", "--host", "dokku.test")
    assert code == 1
    last = err.strip().splitlines()[-1]
    assert last.startswith("sw-agent-dokku: error: ssh dokku@dokku.test logs ... could not reach")
    assert "Connection refused" in last and "ssh-keys:add" in last
    code, _out, err = run("deploy", "--host", "dokku.test")
    assert code == 1 and "could not reach the host" in err and "Traceback" not in err


def test_missing_git_or_ssh_is_one_line_and_exit_1(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    git = shutil.which("git")
    assert git
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    code, _out, err = run("deploy", "--host", "dokku.test")
    assert code == 1
    assert err == "sw-agent-dokku: error: git is not installed or not on PATH: install git first\n"
    assert not (project / ".git").exists()  # checked before the first command
    (empty / "git").symlink_to(git)
    code, _out, err = run("deploy", "--host", "dokku.test")
    assert code == 1 and "ssh is not installed" in err
    assert not (project / ".git").exists()
    code, _out, err = run("logs", "--host", "dokku.test")
    assert code == 1 and "ssh is not installed" in err


def test_help_pages_show_examples(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    assert "examples:" in text and "sw-agent-dokku deploy --dry-run" in text
    for command in ("init", "deploy", "logs", "config", "scale"):
        assert main([command, "--help"]) == 0
        assert "--dry-run" in capsys.readouterr().out
    assert main(["deploy", "--bogus"]) == 2


TOKENS = [
    "init", "deploy", "logs", "config", "scale", "show", "set", "unset", "--app", "-a", "--host",
    "-H", "--dry-run", "-t", "-n", "0", "5", "web=2", "web=x", "K=V", "K", "desk", "Bad!", "",
    "--force", "--web", "--cicd", "--dockerfile", "dokku.test", "a b", "=", "--",
]  # fmt: skip


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(argv=st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=6)), max_size=6))
def test_any_command_line_gets_an_exit_code(project: Path, tmp_path: Path, argv: list[str]) -> None:
    """With --dry-run nothing runs and nothing is written outside the project; never a traceback."""
    err = io.StringIO()
    saved = sys.stderr
    sys.stderr = err
    try:
        code = main(["--dry-run", *argv], io.StringIO())
    finally:
        sys.stderr = saved
    assert code in (0, 1, 2)
    assert "Traceback" not in err.getvalue()
    assert ssh_calls(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bin", "desk", "dokku-host"]
