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

    def __init__(self, python: str, side: str) -> None:
        self.port = free_port()
        self.proc = subprocess.Popen(
            [python, str(APPS), side, str(self.port)],
            env=ENV,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=HERE,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # a benchmark may poll for the port
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{side} server did not start")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

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


def http_suite(
    sides: dict[str, tuple[str, str]], duration: int, rounds: int
) -> dict[str, dict[str, tuple[float, float]]]:
    """Run every side's servers together and alternate the load between them.

    The machine is shared, so each endpoint is measured in ``rounds`` short
    rounds, one side after the other, and the median of each side is kept:
    the sides see the same background load.
    """
    servers: dict[str, Server] = {}
    for name, (python, kind) in sides.items():
        try:
            servers[name] = Server(python, kind)
        except RuntimeError as exc:  # e.g. [fast] or AgentServer not available here
            print(f"(skipped side {name}: {exc})")
    try:
        endpoints = {name: _side_endpoints(name, srv) for name, srv in servers.items()}
        samples: dict[str, dict[str, list[tuple[float, float]]]] = {n: {} for n in servers}
        for endpoint in endpoints["ours"]:
            for _ in range(rounds):
                for name, srv in servers.items():
                    if endpoint in endpoints[name]:
                        path, body = endpoints[name][endpoint]
                        result = load(srv.port, path, body, duration)
                        samples[name].setdefault(endpoint, []).append(result)
        return {
            name: {
                ep: (
                    statistics.median(r for r, _ in values),
                    statistics.median(p for _, p in values),
                )
                for ep, values in per.items()
            }
            for name, per in samples.items()
        }
    finally:
        for srv in servers.values():
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
    results = http_suite(sides, opts.duration, opts.rounds)
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


if __name__ == "__main__":
    main()
