"""The README's example tests run as written, in a separate pytest process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
README = HERE.parent / "README.md"


def test_readme_examples_pass(tmp_path: Path) -> None:
    script = HERE / "readme_examples.py"
    subprocess.run(
        [sys.executable, str(script), str(README), str(tmp_path / "examples")], check=True
    )
    files = sorted((tmp_path / "examples").glob("test_readme_*.py"))
    assert len(files) >= 1
    # A fresh process in a folder without the workspace's pytest configuration: the
    # examples must work with the plugin's defaults, as in a user's project.
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            str(tmp_path / "examples"),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert f"{len(files)} passed" in result.stdout and "skipped" not in result.stdout
