"""The examples run end to end against the in-process fake platform."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "relay"


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("ivr.py", ["routed to sales", "routed to support", "routed to goodbye"]),
        ("dial_record.py", ["answered by", "recording: https://"]),
        ("sms.py", ["final state delivered", "received from", "replied (delivered)"]),
    ],
)
def test_example_runs_against_the_fake(script: str, expected: list[str]) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNALWIRE_")}
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES / script), "--fake"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=EXAMPLES,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    for line in expected:
        assert line in proc.stdout, proc.stdout
    assert "Traceback" not in proc.stderr
