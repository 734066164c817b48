"""The examples under examples/search run offline and print what they promise."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "search"


def test_knowledge_agent_example_runs_offline() -> None:
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "knowledge_agent.py")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "indexed 3 files into 5 chunks" in result.stdout
    assert "search: Returns > Refunds" in result.stdout
    assert "**Result 1** (from returns.md, section: Returns > Return window" in result.stdout
