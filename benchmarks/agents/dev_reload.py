"""How long ``sw-agent dev`` takes from saving a file to serving the edited agent.

    uv run python benchmarks/agents/dev_reload.py [--edits N]

Starts the real command on a free port with a small agent file, then N times: rewrites
the file (the tool's answer changes), and polls the tool every 5 ms until the new answer
comes back. Reported: that edit-to-served time (file-system notification, the watcher's
30 ms quiet period, re-running the file, swapping the app), and the reload time the
command itself prints. Target: under a second.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from base64 import b64encode
from pathlib import Path

APP = """
from signalwire.agents import AgentBase

agent = AgentBase("reload-bench", route="/agent")
agent.set_prompt_text("Answer questions.")


@agent.tool(description="Which version is served", secure=False)
def version() -> str:
    return "VERSION"
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = Path(tmp) / "app.py"
        app.write_text(APP.replace("VERSION", "v0"))
        proc = subprocess.Popen(
            [sys.executable, "-m", "signalwire.agents._cli._dev", "dev", str(app), "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        lines: list[str] = []
        ready = threading.Event()

        def read() -> None:
            assert proc.stdout is not None
            for line in proc.stdout:
                lines.append(line)
                if "Ctrl+C" in line:
                    ready.set()

        threading.Thread(target=read, daemon=True).start()
        try:
            if not ready.wait(60):
                raise SystemExit("sw-agent dev did not start:\n" + "".join(lines))
            text = "".join(lines)
            base = re.search(r"(http://127\.0\.0\.1:\d+)/agent", text)
            auth = re.search(r"Basic auth: (\S+) / (\S+)", text)
            assert base and auth, text
            header = "Basic " + b64encode(f"{auth.group(1)}:{auth.group(2)}".encode()).decode()
            body = json.dumps({"function": "version", "argument": {"parsed": [{}]}}).encode()

            def served() -> str:
                req = urllib.request.Request(
                    base.group(1) + "/agent/swaig/",
                    data=body,
                    headers={"Authorization": header, "Content-Type": "application/json"},
                )
                with urllib.request.urlopen(req, timeout=5) as resp:
                    return str(json.loads(resp.read())["response"])

            assert served() == "v0"
            times: list[float] = []
            for i in range(1, args.edits + 1):
                time.sleep(0.3)  # let the watcher settle between edits
                want = f"v{i}"
                start = time.perf_counter()
                app.write_text(APP.replace("VERSION", want))
                while served() != want:
                    if time.perf_counter() - start > 10:
                        raise SystemExit(f"edit {i} not served after 10 s:\n" + "".join(lines))
                    time.sleep(0.005)
                times.append((time.perf_counter() - start) * 1000)
            own = [float(m) for m in re.findall(r"reloaded .* in (\d+) ms", "".join(lines))]
        finally:
            proc.terminate()
            proc.wait(10)
    times.sort()
    print("\n## sw-agent dev: edit to served (ms)\n")
    print("| edits | median | p90 | max | reload itself (median) |")
    print("|---:|---:|---:|---:|---:|")
    p90 = times[int(len(times) * 0.9) - 1]
    own_median = statistics.median(own) if own else float("nan")
    print(
        f"| {len(times)} | {statistics.median(times):.0f} | {p90:.0f} | {times[-1]:.0f} "
        f"| {own_median:.0f} |"
    )
    verdict = "met" if times[-1] < 1000 else "NOT met"
    print(f"\nTarget: every edit served within a second: {verdict}.")


if __name__ == "__main__":
    main()
