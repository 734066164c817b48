"""``@agent.tool`` / ``@AgentBase.tool`` are typed: a user's module passes ``mypy --strict``.

Runs wherever mypy is installed (the workspace dev group, ``nox -s typecheck``
checks the same module); the isolated ``tests(pkg='agents')`` environment has
no mypy, so there the test is skipped.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

USER_MODULE = Path(__file__).parent / "typing_user" / "user_agent.py"


def test_user_module_passes_mypy_strict(tmp_path: Path) -> None:
    pytest.importorskip("mypy", reason="mypy is not installed in this environment")
    src = Path(__file__).resolve().parents[1] / "src"
    core = Path(__file__).resolve().parents[2] / "signalwire-core" / "src"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--cache-dir",
            str(tmp_path / "cache"),
            "--explicit-package-bases",
            "--namespace-packages",
            str(USER_MODULE),
        ],
        capture_output=True,
        text=True,
        env={"MYPYPATH": f"{src}:{core}", "PATH": ""},
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_user_module_runs() -> None:
    namespace: dict[str, object] = {}
    exec(compile(USER_MODULE.read_text(), str(USER_MODULE), "exec"), namespace)
    assert namespace["hours"] == "9 to 5"
    assert namespace["pong"] == "pong"
