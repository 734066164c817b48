"""Start agents in real server processes and read their banner: helpers for the serving tests."""

from __future__ import annotations

import os
import re
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

AGENT_SCRIPT = '''
import asyncio, json, os, sys
from signalwire.agents import AgentBase, FunctionResult

agent = AgentBase("live", route="/live")
agent.prompt_add_section("Role", "You are live.")


@agent.tool
def whoami() -> FunctionResult:
    """Which process answered."""
    return FunctionResult(str(os.getpid()))


@agent.tool(secure=False)
async def slow() -> str:
    """Answers after longer than the request timeout."""
    await asyncio.sleep(float(os.environ.get("SLOW_SECONDS", "0")))
    return "finally"


@agent.tool(secure=False)
def shutdown() -> str:
    """Stops the whole server (every worker) through agent.stop()."""
    agent.stop()
    return "stopping"


settings = json.loads(os.environ.get("SERVE_SETTINGS", "{}"))
agent.run(host="127.0.0.1", port=int(os.environ.get("PORT", "0")), **settings)
'''

BANNER = re.compile(r"serving SWML at (https?)://localhost:(\d+)(/\S*)")


class ServerProcess:
    """An agent served by ``agent.run()`` in its own process, stopped with SIGTERM."""

    def __init__(
        self, script: Path, env: dict[str, str], timeout: float = 30, *, may_exit: bool = False
    ) -> None:
        full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **env}
        self.proc = subprocess.Popen(
            [sys.executable, str(script)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=full_env,
        )
        self.output: list[str] = []
        self.scheme = "http"
        self.port = 0
        #: Set when the script ended before printing a banner (``may_exit``: a one-shot script).
        self.exited = False
        match = self.wait_for_line(BANNER, timeout)
        if match is None:
            self.stop()
            if may_exit:
                self.exited = True
                return
            raise AssertionError("server exited before its banner:\n" + "".join(self.output))
        self.scheme, self.port = match.group(1), int(match.group(2))
        self.wait_for_line(re.compile(r"try: curl"), timeout)  # the banner's last line

    @property
    def base(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def wait_for_line(self, pattern: re.Pattern[str], timeout: float) -> re.Match[str] | None:
        """Read output until a line matches ``pattern``; None when the process ends first."""
        assert self.proc.stdout is not None
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as sel:
            sel.register(self.proc.stdout, selectors.EVENT_READ)
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"no line matching {pattern.pattern!r} in {timeout} s")
                if not sel.select(remaining):
                    continue
                line = self.proc.stdout.readline().decode(errors="replace")
                if not line:
                    return None
                self.output.append(line)
                found = pattern.search(line)
                if found:
                    return found

    def rest_of_output(self, timeout: float = 20) -> str:
        """Everything the process prints until it exits."""
        out, _ = self.proc.communicate(timeout=timeout)
        return "".join(self.output) + out.decode(errors="replace")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        return self.proc.returncode


def write_script(folder: Path, body: str = AGENT_SCRIPT) -> Path:
    path = folder / "serve_agent.py"
    path.write_text(body)
    return path


def env_for(**settings: Any) -> dict[str, str]:
    import json

    return {
        "SWML_BASIC_AUTH_USER": "signalwire",
        "SWML_BASIC_AUTH_PASSWORD": "s3cret",
        "SIGNALWIRE_SWAIG_SECRET": "shared-secret",
        "SERVE_SETTINGS": json.dumps(settings),
    }
