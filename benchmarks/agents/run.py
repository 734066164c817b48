"""Agents benchmarks: this SDK against signalwire-sdk 3.7.5, measured in the same run.

    uv run python benchmarks/agents/run.py [--duration SECONDS]

* SWML render of a typical agent (in process, per call);
* ``POST /`` and ``POST /swaig/`` over HTTP on uvicorn, 32 connections (wrk when
  installed, else a small asyncio load generator): req/s and p99, against the
  vendor SDK and against a bare Starlette endpoint returning the same document;
* the serving modes, same run: ``[fast]`` (httptools + uvloop) against the
  default h11 and against bare Starlette on the fast stack, ``workers=2``
  against one process, and an AgentServer with 5 agents against one agent;
* ``import signalwire.agents`` wall time in a fresh interpreter against
  ``from signalwire import AgentBase``.

The vendor interpreter comes from ``SIGNALWIRE_VENDOR_PYTHON`` (default
``/work/vendor-venv/bin/python``); without it only our figures are printed.
Prints a markdown table and exits 0.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from base64 import b64encode
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

HERE = Path(__file__).resolve().parent
APPS = HERE / "agent_apps.py"
USER, PASSWORD = "bench", "benchpass"
AUTH = "Basic " + b64encode(f"{USER}:{PASSWORD}".encode()).decode()
ENV = {
    **os.environ,
    "SWML_BASIC_AUTH_USER": USER,
    "SWML_BASIC_AUTH_PASSWORD": PASSWORD,
    "SIGNALWIRE_LOG_MODE": "default",
}
ENV.pop("SWML_PROXY_URL_BASE", None)


def vendor_python() -> str | None:
    candidate = os.environ.get("SIGNALWIRE_VENDOR_PYTHON") or "/work/vendor-venv/bin/python"
    return candidate if Path(candidate).exists() else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- render and import ---------------------------------------------------------------------


def render(python: str, side: str, n: int = 3000) -> dict[str, float]:
    out = subprocess.run(
        [python, str(APPS), "render", side, str(n)],
        env=ENV,
        capture_output=True,
        text=True,
        check=True,
        cwd=HERE,
    )
    median, mean, p99, size = out.stdout.split()[-4:]
    return {"median": float(median), "mean": float(mean), "p99": float(p99), "size": float(size)}


def import_wall(python: str, statement: str, runs: int = 9) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([python, "-c", statement], env=ENV, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


# -- HTTP ------------------------------------------------------------------------------------


class Server:
    """One side's server process; ``RuntimeError`` when it does not come up."""

    def __init__(self, python: str, side: str, processes: int = 1) -> None:
        self.port = free_port()
        fd, self.stack_file = tempfile.mkstemp(prefix=f"bench-{side}-", suffix=".jsonl")
        os.close(fd)
        self.proc = subprocess.Popen(
            [python, str(APPS), side, str(self.port)],
            env={**ENV, "BENCH_STACK_FILE": self.stack_file},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=HERE,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # a benchmark may poll for the port
            if len(self.stack()) >= processes:  # every serving process is up
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                        return
                except OSError:
                    pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{side} server did not start")

    def stack(self) -> list[dict[str, Any]]:
        """What each serving process reported: pid, event loop class, HTTP protocol classes."""
        with open(self.stack_file, encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        with contextlib.suppress(OSError):
            os.unlink(self.stack_file)

    def post(self, path: str, body: dict[str, object]) -> dict[str, object]:
        req = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Authorization": AUTH, "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            result: dict[str, object] = json.loads(resp.read())
            return result


def wrk(port: int, path: str, body: str, duration: int, connections: int) -> tuple[float, float]:
    script = (
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(body)}\n"
        f'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["Authorization"] = "{AUTH}"\n'
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(script)
    try:
        url = f"http://127.0.0.1:{port}{path}"
        subprocess.run(
            ["wrk", "-t1", "-c", str(connections), "-d1s", "-s", fh.name, url],
            capture_output=True,
            check=True,
        )  # warm-up
        out = subprocess.run(
            [
                "wrk",
                "-t1",
                "-c",
                str(connections),
                f"-d{duration}s",
                "--latency",
                "-s",
                fh.name,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(fh.name)
    rps = float(
        next(line.split()[1] for line in out.splitlines() if line.startswith("Requests/sec"))
    )
    p99 = next(line.split()[1] for line in out.splitlines() if line.strip().startswith("99%"))
    non2xx = [line for line in out.splitlines() if "Non-2xx" in line]
    if non2xx:
        raise RuntimeError(f"{path}: {non2xx[0].strip()}")
    return rps, _ms(p99)


def _ms(text: str) -> float:
    for unit, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    return float(text)


async def _pyload(
    port: int, path: str, body: str, duration: int, conns: int
) -> tuple[float, float]:
    payload = body.encode()
    request = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {AUTH}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
    ).encode() + payload
    latencies: list[float] = []
    stop = time.perf_counter() + duration

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while time.perf_counter() < stop:
            start = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = next(
                int(h.split(b":")[1])
                for h in head.split(b"\r\n")
                if h.lower().startswith(b"content-length")
            )
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - start)
        writer.close()

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(conns)))
    elapsed = time.perf_counter() - began
    latencies.sort()
    return len(latencies) / elapsed, latencies[int(len(latencies) * 0.99)] * 1000


def load(port: int, path: str, body: str, duration: int, conns: int = 32) -> tuple[float, float]:
    if shutil.which("wrk"):
        return wrk(port, path, body, duration, conns)
    return asyncio.run(_pyload(port, path, body, duration, conns))


def _endpoints(server: Server, prefix: str = "") -> dict[str, tuple[str, str]]:
    """``name -> (path, body)`` for one running server (reads the secure tool's token)."""
    swml_body = json.dumps({"call_id": "x"})
    doc = server.post(f"{prefix}/", {"call_id": "x"})
    ai = doc["sections"]["main"][-1]["ai"]  # type: ignore[index]
    secure = next(f for f in ai["SWAIG"]["functions"] if f["function"] == "lookup_order")
    token = parse_qs(urlsplit(secure["web_hook_url"]).query)["__token"][0]
    weather = {
        "function": "get_weather",
        "argument": {"parsed": [{"city": "Paris"}]},
        "call_id": "x",
    }
    order = {
        "function": "lookup_order",
        "argument": {"parsed": [{"order_number": "12345678"}]},
        "call_id": "x",
    }
    assert "sunny" in json.dumps(server.post(f"{prefix}/swaig/", weather))
    assert "ships" in json.dumps(server.post(f"{prefix}/swaig/?__token={token}", order))
    return {
        "POST /": (f"{prefix}/", swml_body),
        "POST /swaig/": (f"{prefix}/swaig/", json.dumps(weather)),
        "POST /swaig/ (secure)": (f"{prefix}/swaig/?__token={token}", json.dumps(order)),
    }


WEATHER = {"function": "get_weather", "argument": {"parsed": [{"city": "Paris"}]}, "call_id": "x"}


def _side_endpoints(name: str, server: Server) -> dict[str, tuple[str, str]]:
    if name.startswith("bare"):
        return {
            "POST /": ("/", '{"call_id": "x"}'),
            "POST /swaig/": ("/swaig/", json.dumps(WEATHER)),
        }
    return _endpoints(server, "/a3" if name == "server5" else "")


#: Serving processes each side must report before it is measured.
PROCESSES = {"workers2": 2}


class Suite:
    """Every side's servers running together; endpoints measured in alternating rounds.

    The machine is shared, so each endpoint is measured in ``rounds`` short
    rounds, one side after the other, and the median of each side is kept:
    the sides see the same background load. :meth:`measure` can add rounds
    later (a borderline target is measured again) while the servers still run.
    """

    def __init__(self, sides: dict[str, tuple[str, str]], duration: int) -> None:
        self.duration = duration
        self.servers: dict[str, Server] = {}
        self.samples: dict[str, dict[str, list[tuple[float, float]]]] = {}
        try:
            for name, (python, kind) in sides.items():
                try:
                    self.servers[name] = Server(python, kind, PROCESSES.get(name, 1))
                except RuntimeError as exc:  # e.g. [fast] or AgentServer not available here
                    print(f"(skipped side {name}: {exc})")
            self.endpoints = {n: _side_endpoints(n, srv) for n, srv in self.servers.items()}
        except BaseException:
            self.stop()
            raise
        self.samples = {n: {} for n in self.servers}

    def stacks(self) -> dict[str, list[dict[str, Any]]]:
        return {name: srv.stack() for name, srv in self.servers.items()}

    def measure(self, endpoint: str, names: list[str], rounds: int) -> None:
        for _ in range(rounds):
            for name in names:
                if name in self.servers and endpoint in self.endpoints[name]:
                    path, body = self.endpoints[name][endpoint]
                    result = load(self.servers[name].port, path, body, self.duration)
                    self.samples[name].setdefault(endpoint, []).append(result)

    def results(self) -> dict[str, dict[str, tuple[float, float]]]:
        """``side -> endpoint -> (median req/s, median p99 ms)`` over every round so far."""
        return {
            name: {
                ep: (
                    statistics.median(r for r, _ in values),
                    statistics.median(p for _, p in values),
                )
                for ep, values in per.items()
            }
            for name, per in self.samples.items()
        }

    def stop(self) -> None:
        for srv in self.servers.values():
            srv.stop()


def ratio(a: float, b: float) -> str:
    return f"{a / b:.1f}x" if a and b else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=3, help="seconds per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per endpoint")
    parser.add_argument("--skip-http", action="store_true")
    opts = parser.parse_args()
    ours_py = sys.executable
    vendor = vendor_python()
    tool = "wrk -t1 -c32" if shutil.which("wrk") else "asyncio load generator, 32 connections"
    print(
        f"# signalwire.agents benchmarks ({os.cpu_count()} cores, Python {sys.version.split()[0]})"
    )
    print(f"vendor python: {vendor or 'not found (vendor columns empty)'}; HTTP load: {tool}\n")

    ours_r = render(ours_py, "ours")
    vend_r = render(vendor, "vendor") if vendor else None
    print("| SWML render (µs per call, typical agent) | ours | vendor 3.7.5 | speed-up |")
    print("|---|---|---|---|")
    for key in ("median", "mean", "p99"):
        v = vend_r[key] if vend_r else 0.0
        print(f"| {key} | {ours_r[key]:.1f} | {v:.1f} | {ratio(v, ours_r[key])} |")
    print(
        f"\ndocument size: ours {ours_r['size']:.0f} B, "
        f"vendor {vend_r['size'] if vend_r else 0:.0f} B\n"
    )

    ours_imp = import_wall(ours_py, "import signalwire.agents")
    ours_imp_full = import_wall(ours_py, "from signalwire.agents import AgentBase")
    base_imp = import_wall(ours_py, "pass")
    vend_imp = import_wall(vendor, "from signalwire import AgentBase") if vendor else 0.0
    print("| import (fresh interpreter, wall ms, median of 9) | ms | vs vendor |")
    print("|---|---|---|")
    print(f"| `python -c pass` (interpreter floor) | {base_imp:.0f} | |")
    print(
        f"| `import signalwire.agents` | {ours_imp:.0f} | {ours_imp / vend_imp:.2f} of vendor |"
        if vendor
        else f"| `import signalwire.agents` | {ours_imp:.0f} | |"
    )
    print(
        f"| `from signalwire.agents import AgentBase` | {ours_imp_full:.0f} | "
        f"{ours_imp_full / vend_imp:.2f} of vendor |"
        if vendor
        else ""
    )
    if vendor:
        print(f"| vendor `from signalwire import AgentBase` | {vend_imp:.0f} | 1.00 |")
    print()

    if opts.skip_http:
        return
    sides = {
        "ours": (ours_py, "ours"),
        "bare": (ours_py, "bare"),
        "fast": (ours_py, "fast"),
        "bare-fast": (ours_py, "bare-fast"),
        "workers2": (ours_py, "workers2"),
        "server5": (ours_py, "server5"),
    }
    if vendor:
        sides["vendor"] = (vendor, "vendor")
    suite = Suite(sides, opts.duration)
    try:
        for endpoint in suite.endpoints["ours"]:
            suite.measure(endpoint, list(suite.servers), opts.rounds)
        stack_report(suite.stacks())
        repeated = remeasure_borderline(suite, opts.rounds)
        results = suite.results()
    finally:
        suite.stop()
    ours_h, bare_h, vend_h = results["ours"], results["bare"], results.get("vendor", {})
    print(f"(median of {opts.rounds} alternating rounds of {opts.duration} s per side)\n")
    print(
        "| HTTP, 32 connections | ours req/s | ours p99 ms | vendor req/s | vendor p99 ms "
        "| req/s ratio | p99 ratio (vendor/ours) | bare Starlette req/s | bare/ours |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, (rps, p99) in ours_h.items():
        v_rps, v_p99 = vend_h.get(name, (0.0, 0.0))
        bare = bare_h.get(name)
        bare_cells = f"{bare[0]:.0f} | {bare[0] / rps:.2f}x" if bare else " | "
        print(
            f"| {name} | {rps:.0f} | {p99:.1f} | {v_rps:.0f} | {v_p99:.1f} | {ratio(rps, v_rps)} "
            f"| {ratio(v_p99, p99)} | {bare_cells} |"
        )
    serving_tables(results)
    targets_table(results, repeated)


def _cell(figures: dict[str, tuple[float, float]], name: str) -> tuple[str, str]:
    if name not in figures:
        return "n/a", "n/a"
    rps, p99 = figures[name]
    return f"{rps:.0f}", f"{p99:.1f}"


def serving_tables(results: dict[str, dict[str, tuple[float, float]]]) -> None:
    """Fast serving, workers=2 and AgentServer, each beside the vendor's figure."""
    h11, fast = results.get("ours", {}), results.get("fast", {})
    bare_fast, vend = results.get("bare-fast", {}), results.get("vendor", {})
    workers, server5 = results.get("workers2", {}), results.get("server5", {})
    print("\n| [fast] vs h11, 32 connections | h11 req/s (p99 ms) | [fast] req/s (p99 ms) "
          "| fast/h11 | bare Starlette on the fast stack req/s | fast / bare | vendor req/s (p99 ms) "
          "| fast/vendor |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for name in h11:
        (hr, hp), (fr, fp) = _cell(h11, name), _cell(fast, name)
        (br, _bp), (vr, vp) = _cell(bare_fast, name), _cell(vend, name)
        f_rps = fast.get(name, (0.0, 0.0))[0]
        print(
            f"| {name} | {hr} ({hp}) | {fr} ({fp}) | {ratio(f_rps, h11[name][0])} | {br} "
            f"| {ratio(f_rps, bare_fast[name][0]) if name in bare_fast else 'n/a'} "
            f"| {vr} ({vp}) | {ratio(f_rps, vend[name][0]) if name in vend else 'n/a'} |"
        )
    print("\n| workers=2 vs 1 process ([fast]), 32 connections | 1 process req/s (p99 ms) "
          "| workers=2 req/s (p99 ms) | workers/single | vendor req/s (p99 ms) |")  # fmt: skip
    print("|---|---|---|---|---|")
    for name in fast:
        (fr, fp), (wr, wp), (vr, vp) = _cell(fast, name), _cell(workers, name), _cell(vend, name)
        w_rps = workers.get(name, (0.0, 0.0))[0]
        print(
            f"| {name} | {fr} ({fp}) | {wr} ({wp}) | {ratio(w_rps, fast[name][0])} | {vr} ({vp}) |"
        )
    print("\n| AgentServer, 5 agents, `/a3/...` vs one agent ([fast]) | one agent req/s (p99 ms) "
          "| AgentServer req/s (p99 ms) | server/single | vendor req/s (p99 ms) |")  # fmt: skip
    print("|---|---|---|---|---|")
    for name in fast:
        (fr, fp), (sr, sp), (vr, vp) = _cell(fast, name), _cell(server5, name), _cell(vend, name)
        s_rps = server5.get(name, (0.0, 0.0))[0]
        print(
            f"| {name} | {fr} ({fp}) | {sr} ({sp}) | {ratio(s_rps, fast[name][0])} | {vr} ({vp}) |"
        )


# -- targets ----------------------------------------------------------------------------------

#: (label, endpoint, side, baseline side, kind, threshold): "min" = side/baseline req/s at least
#: threshold; "max" = baseline/side req/s at most threshold (side within threshold of baseline).
TARGETS = [
    ("POST / [fast] >= 2x h11", "POST /", "fast", "ours", "min", 2.0),
    ("POST / bare Starlette <= 1.5x [fast]", "POST /", "fast", "bare-fast", "max", 1.5),
    ("POST /swaig/ [fast] >= 2x h11", "POST /swaig/", "fast", "ours", "min", 2.0),
    ("POST /swaig/ bare Starlette <= 1.5x [fast]", "POST /swaig/", "fast", "bare-fast", "max", 1.5),
    ("POST / workers=2 >= 1.6x one process", "POST /", "workers2", "fast", "min", 1.6),
    ("POST /swaig/ workers=2 >= 1.6x one process", "POST /swaig/", "workers2", "fast", "min", 1.6),
    ("POST /{route}/ AgentServer x5 >= 0.9x one agent", "POST /", "server5", "fast", "min", 0.9),
    (
        "POST /{route}/swaig/ AgentServer x5 >= 0.9x one agent",
        "POST /swaig/",
        "server5",
        "fast",
        "min",
        0.9,
    ),
]
#: p99 ceilings (ms): side, endpoint, limit.
P99_TARGETS = [("workers2", "POST /", 20.0), ("workers2", "POST /swaig/", 20.0)]
#: A ratio within this fraction of its threshold is measured again before it is judged.
BORDERLINE = 0.1


def _target_ratio(
    results: dict[str, dict[str, tuple[float, float]]],
    endpoint: str,
    side: str,
    base: str,
    kind: str,
) -> float | None:
    a = results.get(side, {}).get(endpoint)
    b = results.get(base, {}).get(endpoint)
    if not a or not b or not a[0] or not b[0]:
        return None
    return a[0] / b[0] if kind == "min" else b[0] / a[0]


def remeasure_borderline(suite: Suite, rounds: int) -> set[str]:
    """Measure again, in more alternating rounds, each pair near or short of its threshold.

    One short round on a shared machine can land in a burst of someone else's
    load; the extra rounds join the first ones and the median of all is judged.
    Measuring a side again moves the other targets it is part of, so the check
    runs a second time over the targets not measured again yet.
    """
    repeated: set[str] = set()
    for _ in range(2):
        results = suite.results()
        todo = []
        for label, endpoint, side, base, kind, threshold in TARGETS:
            value = _target_ratio(results, endpoint, side, base, kind)
            if value is None or label in repeated:
                continue
            met = value >= threshold if kind == "min" else value <= threshold
            if not met or abs(value - threshold) <= BORDERLINE * threshold:
                todo.append((label, endpoint, side, base, value))
        for label, endpoint, side, base, value in todo:
            print(f"({label}: {value:.2f}; measuring {side} and {base} again)")
            suite.measure(endpoint, [side, base], rounds)
            repeated.add(label)
        if not todo:
            break
    return repeated


def stack_report(stacks: dict[str, list[dict[str, Any]]]) -> None:
    """Print the loop, parser and process count each side really runs, and check the claims."""
    print("\n| side | processes | event loop | HTTP protocol |")
    print("|---|---|---|---|")
    for name, records in stacks.items():
        loops = sorted({r["loop"] for r in records})
        parsers = sorted({_parser(r["http"]) for r in records})
        pids = sorted({r["pid"] for r in records})
        print(f"| {name} | {len(pids)} | {', '.join(loops)} | {', '.join(parsers)} |")
    problems = []
    for name in ("fast", "bare-fast", "workers2", "server5"):
        for r in stacks.get(name, []):
            if not r["loop"].startswith("uvloop") or _parser(r["http"]) != "httptools":
                problems.append(f"{name} runs {r['loop']} / {_parser(r['http'])}, not [fast]")
    for name in ("ours", "bare"):
        for r in stacks.get(name, []):
            if r["loop"].startswith("uvloop") or _parser(r["http"]) != "h11":
                problems.append(f"{name} runs {r['loop']} / {_parser(r['http'])}, not h11/asyncio")
    if "workers2" in stacks and len({r["pid"] for r in stacks["workers2"]}) != 2:
        problems.append("workers2 does not run two serving processes")
    for problem in problems:
        print(f"WARNING: {problem}")
    print()


def _parser(mro: list[str]) -> str:
    names = " ".join(mro)
    if "httptools_impl" in names:
        return "httptools"
    if "h11_impl" in names:
        return "h11"
    return mro[0]


def targets_table(results: dict[str, dict[str, tuple[float, float]]], repeated: set[str]) -> None:
    """Each serving-mode performance target (README, "Serving modes") with its figure, met or not."""
    vend = results.get("vendor", {})
    print("\n| target | figure | met? | vendor req/s (p99 ms), same request |")
    print("|---|---|---|---|")
    for label, endpoint, side, base, kind, threshold in TARGETS:
        value = _target_ratio(results, endpoint, side, base, kind)
        v_rps, v_p99 = _cell(vend, endpoint)
        note = " (measured again)" if label in repeated else ""
        if value is None:
            print(f"| {label} | n/a | not measured | {v_rps} ({v_p99}) |")
            continue
        met = value >= threshold if kind == "min" else value <= threshold
        print(
            f"| {label} | {value:.2f}x{note} | {'met' if met else 'NOT met'} | {v_rps} ({v_p99}) |"
        )
    for side, endpoint, limit in P99_TARGETS:
        figure = results.get(side, {}).get(endpoint)
        v_rps, v_p99 = _cell(vend, endpoint)
        if figure is None:
            print(f"| {endpoint} {side} p99 < {limit:.0f} ms | n/a | not measured | |")
            continue
        met = figure[1] < limit
        print(
            f"| {endpoint} {side} p99 < {limit:.0f} ms | {figure[1]:.1f} ms | "
            f"{'met' if met else 'NOT met'} | {v_rps} ({v_p99}) |"
        )


if __name__ == "__main__":
    main()
