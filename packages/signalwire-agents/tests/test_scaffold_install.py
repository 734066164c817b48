"""Projects from ``sw-agent-init``, installed from the built wheels, pass their own tests.

Run by ``nox -s init_projects`` (one project per platform, as in CI) and
``nox -s "init_projects(matrix='all')"`` (every type x platform): the session builds the
wheels once and names their folder in ``SW_WHEELHOUSE``. Each project gets a fresh
``uv venv`` with our wheel files installed first (by path: PyPI's ``signalwire-agents`` 1.x
is another project), then its ``requirements.txt`` and ``requirements-dev.txt``, then runs
``pytest`` in the project.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

WHEELHOUSE = os.environ.get("SW_WHEELHOUSE")
MATRIX = os.environ.get("SW_INIT_MATRIX", "platforms")
ALL = [(t, p) for p in ("local", "aws", "gcp", "azure") for t in ("basic", "full")]
ONE_PER_PLATFORM = [("full", "local"), ("basic", "aws"), ("full", "gcp"), ("basic", "azure")]
COMBOS = ALL if MATRIX == "all" else ONE_PER_PLATFORM

pytestmark = pytest.mark.skipif(
    not WHEELHOUSE, reason="needs built wheels: run `uvx nox -s init_projects`"
)


def _run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, f"{' '.join(argv)}\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    return proc


@pytest.mark.timeout(900)
@pytest.mark.parametrize(("kind", "platform"), COMBOS, ids=[f"{t}-{p}" for t, p in COMBOS])
def test_generated_project_installs_and_passes_its_tests(
    tmp_path: Path, kind: str, platform: str
) -> None:
    uv = shutil.which("uv")
    assert uv, "uv is needed on PATH"
    wheels = sorted(str(w) for w in Path(str(WHEELHOUSE)).glob("*.whl"))
    assert len(wheels) >= 3, wheels
    # The console script of the installed wheel, as a user runs it.
    init = Path(sys.executable).with_name("sw-agent-init")
    _run([str(init), "help-desk", "-p", platform, "--type", kind, "--no-venv"], tmp_path)
    project = tmp_path / "help-desk"
    venv = project / ".venv"
    python = str(venv / "bin" / "python")
    _run([uv, "venv", "-q", str(venv)], project)
    _run([uv, "pip", "install", "-q", "--python", python, *wheels], project)
    _run(
        [
            uv,
            "pip",
            "install",
            "-q",
            "--python",
            python,
            "--find-links",
            str(WHEELHOUSE),
            "-r",
            "requirements.txt",
            "-r",
            "requirements-dev.txt",
        ],
        project,
    )
    proc = _run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], project)
    assert " passed" in proc.stdout and "skipped" not in proc.stdout and "failed" not in proc.stdout
