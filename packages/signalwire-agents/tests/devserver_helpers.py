"""The dev command in a subprocess, for the dev server and browser tests."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from pathlib import Path

APP = """
import logging
from signalwire.agents import AgentBase, FunctionResult

log = logging.getLogger("devapp")
agent = AgentBase("dev-demo", route="/agent")
agent.set_prompt_text("Help the caller.")

@agent.tool(description="Look an order up")
def lookup(order_id: str) -> FunctionResult:
    log.info("looking up %s", order_id)
    return FunctionResult(f"Order {order_id} shipped")
"""


class DevProcess:
    """``python -m signalwire.agents._cli._dev dev FILE --port 0`` and its banner."""

    def __init__(self, app_file: Path) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "signalwire.agents._cli._dev",
                "dev",
                str(app_file),
                "--port",
                "0",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._new = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        banner = self.wait_for(re.compile(r"serving .* Ctrl\+C"), 60)
        assert banner, "".join(self.lines)
        text = "".join(self.lines)
        found = re.search(r"(http://127\.0\.0\.1:\d+)/agent", text)
        auth = re.search(r"Basic auth: (\S+) / (\S+)", text)
        assert found and auth, text
        self.base = found.group(1)
        self.auth = (auth.group(1), auth.group(2))

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._new:
                self.lines.append(line)
                self._new.notify_all()

    def wait_for(self, pattern: re.Pattern[str], timeout: float, start: int = 0) -> str | None:
        with self._new:
            ok = self._new.wait_for(
                lambda: (
                    any(pattern.search(line) for line in self.lines[start:])
                    or self.proc.poll() is not None
                ),
                timeout,
            )
            found = [line for line in self.lines[start:] if pattern.search(line)]
        return found[0] if ok and found else None

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
