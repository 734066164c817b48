"""The REST examples run end to end against the fake platform (``--fake``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "rest"
EXPECTED = {
    "buy_number.py": "bought +",
    "create_ai_agent.py": "created AI agent 'Booking Assistant'",
    "call_logs.py": "12 calls in all",
    "compat_sms.py": "is queued",
    "async_fanout.py": "50 requests in",
    "subscriber_addresses.py": "a made-up token is refused (401): Check the subscriber token",
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_runs_against_the_fake(name: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNALWIRE_")}
    if "SIGNALWIRE_SPECS_DIR" in os.environ:
        env["SIGNALWIRE_SPECS_DIR"] = os.environ["SIGNALWIRE_SPECS_DIR"]
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / name), "--fake"],
        capture_output=True,
        text=True,
        timeout=90,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "fake platform" in result.stdout
    assert EXPECTED[name] in result.stdout
