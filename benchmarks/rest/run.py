"""REST client benchmark: signalwire.rest against signalwire-sdk 3.7.5, same server, same run.

    uv run python benchmarks/rest/run.py [--requests N] [--rounds R]

Measures, each client in its own process against one local server process
(``_server.py``, a minimal keep-alive HTTP/1.1 server answering a 430-byte JSON page):

* sequential ``client.fabric.ai_agents.list()`` calls per second, sync clients;
* ``AsyncRestClient`` with 32 concurrent requests in flight;
* the same two with httpx's stock transports (``transport=httpx.HTTPTransport()``), for reference;
* import wall time (median of 11 fresh interpreters, interleaved) of ``import signalwire.rest`` and of
  ``from signalwire.rest import RestClient`` against the vendor's
  ``from signalwire.rest import RestClient``.

The vendor's python comes from ``SIGNALWIRE_VENDOR_PYTHON`` (default
``/work/vendor-venv/bin/python`` when it exists). Prints a markdown table with ratios;
always exits 0.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_VENDOR = "/work/vendor-venv/bin/python"

SYNC_SCRIPT = """
import sys, time
port, n, flavour = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
from signalwire.rest import RestClient
kwargs = {}
if flavour == "httpx":
    import httpx
    kwargs["transport"] = httpx.HTTPTransport()
client = RestClient("bench-project", "bench-token", f"127.0.0.1:{port}", **kwargs)
for _ in range(100):
    client.fabric.ai_agents.list()
start = time.perf_counter()
for _ in range(n):
    client.fabric.ai_agents.list()
print(n / (time.perf_counter() - start))
"""

ASYNC_SCRIPT = """
import asyncio, sys, time
port, n, flavour, conc = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
from signalwire.rest import AsyncRestClient
async def main():
    kwargs = {}
    if flavour == "httpx":
        import httpx
        kwargs["transport"] = httpx.AsyncHTTPTransport()
    async with AsyncRestClient("bench-project", "bench-token", f"127.0.0.1:{port}", **kwargs) as c:
        async def worker(count):
            for _ in range(count):
                await c.fabric.ai_agents.list()
        await asyncio.gather(*(worker(200 // conc + 1) for _ in range(conc)))
        start = time.perf_counter()
        await asyncio.gather(*(worker(n // conc) for _ in range(conc)))
        print((n // conc) * conc / (time.perf_counter() - start))
asyncio.run(main())
"""

VENDOR_SCRIPT = """
import sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
from signalwire.rest import RestClient
client = RestClient("bench-project", "bench-token", f"127.0.0.1:{port}")
for _ in range(100):
    client.fabric.ai_agents.list()
start = time.perf_counter()
for _ in range(n):
    client.fabric.ai_agents.list()
print(n / (time.perf_counter() - start))
"""


def vendor_python() -> str | None:
    path = os.environ.get("SIGNALWIRE_VENDOR_PYTHON") or DEFAULT_VENDOR
    return path if Path(path).exists() else None


def start_server() -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "_server.py")], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line.startswith("READY"):
        proc.kill()
        raise RuntimeError(f"benchmark server did not start: {line!r}")
    return proc, int(line.split()[1])


def run_rate(python: str, script: str, *args: object) -> float:
    out = subprocess.run(
        [python, "-c", script, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "SIGNALWIRE_LOG_MODE": "off"},
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr.strip().splitlines()[-1] if out.stderr else "failed")
    return float(out.stdout.strip().splitlines()[-1])


def import_times(statements: dict[str, tuple[str, str]], runs: int = 11) -> dict[str, float]:
    """Median wall ms of ``python -c stmt`` per entry, runs interleaved across entries
    so that a burst of machine load hits all of them alike."""
    for python, statement in statements.values():
        subprocess.run([python, "-c", statement], check=True)  # warm the .pyc cache
    samples: dict[str, list[float]] = {name: [] for name in statements}
    for _ in range(runs):
        for name, (python, statement) in statements.items():
            start = time.perf_counter()
            subprocess.run([python, "-c", statement], check=True)
            samples[name].append(time.perf_counter() - start)
    return {name: statistics.median(v) * 1000 for name, v in samples.items()}


def fmt(value: float | None, unit: str = "") -> str:
    return "n/a" if value is None else f"{value:,.0f}{unit}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    vendor = vendor_python()
    me = sys.executable
    n, rounds = args.requests, args.rounds

    server, port = start_server()
    rates: dict[str, list[float]] = {}
    try:
        for _ in range(rounds):  # interleaved, so drift in machine load hits every client
            if vendor:
                rates.setdefault("vendor", []).append(run_rate(vendor, VENDOR_SCRIPT, port, n))
            rates.setdefault("sync", []).append(run_rate(me, SYNC_SCRIPT, port, n, "lean"))
            rates.setdefault("async32", []).append(
                run_rate(me, ASYNC_SCRIPT, port, n * 2, "lean", 32)
            )
            rates.setdefault("sync_httpx", []).append(run_rate(me, SYNC_SCRIPT, port, n, "httpx"))
            rates.setdefault("async32_httpx", []).append(
                run_rate(me, ASYNC_SCRIPT, port, n, "httpx", 32)
            )
    finally:
        server.send_signal(signal.SIGTERM)
        served = server.communicate(timeout=10)[0].strip().splitlines()[-1]

    med = {k: statistics.median(v) for k, v in rates.items()}
    construct = "RestClient('p', 't', '127.0.0.1:1')"
    statements = {
        "ours_import": (me, "import signalwire.rest"),
        "ours_from": (me, "from signalwire.rest import RestClient"),
        "ours_construct": (me, f"from signalwire.rest import RestClient; {construct}"),
        "baseline": (me, "pass"),
    }
    if vendor:
        statements["vendor_from"] = (vendor, "from signalwire.rest import RestClient")
        statements["vendor_construct"] = (
            vendor,
            f"from signalwire.rest import RestClient; {construct}",
        )
    imports = import_times(statements)
    v = med.get("vendor")

    def ratio(x: float | None, y: float | None) -> str:
        return "n/a" if x is None or y is None else f"{x / y:.2f}x"

    print(
        f"\nREST client benchmark: {n} requests per run, median of {rounds} runs; "
        f"{os.cpu_count()} CPUs; python {sys.version.split()[0]}; server: {served}\n"
    )
    print("| measure | signalwire-sdk 3.7.5 | signalwire.rest | ratio | target |")
    print("|---|---|---|---|---|")
    print(
        f"| sequential GETs, req/s | {fmt(v)} | {fmt(med['sync'])} | "
        f"{ratio(med['sync'], v)} | >= 3x |"
    )
    print(
        f"| AsyncRestClient, 32 in flight, req/s (vs vendor sequential) | {fmt(v)} | "
        f"{fmt(med['async32'])} | {ratio(med['async32'], v)} | >= 6x |"
    )
    print(
        f"| sequential GETs, stock httpx.HTTPTransport, req/s | {fmt(v)} | "
        f"{fmt(med['sync_httpx'])} | {ratio(med['sync_httpx'], v)} | (reference) |"
    )
    print(
        f"| async 32 in flight, stock httpx.AsyncHTTPTransport, req/s | {fmt(v)} | "
        f"{fmt(med['async32_httpx'])} | {ratio(med['async32_httpx'], v)} | (reference) |"
    )
    vi = imports.get("vendor_from")
    print(
        f"| `import signalwire.rest`, wall ms (vendor: from ... import RestClient) | "
        f"{fmt(vi, ' ms')} | {imports['ours_import']:.0f} ms | "
        f"{ratio(imports['ours_import'], vi)} | <= 0.33x |"
    )
    print(
        f"| `from signalwire.rest import RestClient`, wall ms | {fmt(vi, ' ms')} | "
        f"{imports['ours_from']:.0f} ms | {ratio(imports['ours_from'], vi)} | |"
    )
    vc = imports.get("vendor_construct")
    print(
        f"| import + `RestClient(...)`, wall ms | {fmt(vc, ' ms')} | "
        f"{imports['ours_construct']:.0f} ms | {ratio(imports['ours_construct'], vc)} | |"
    )
    print(f"| `python -c pass`, wall ms | | {imports['baseline']:.0f} ms | | |")
    print(
        "\nAll runs (req/s): "
        + "; ".join(f"{k}: {', '.join(f'{x:,.0f}' for x in vals)}" for k, vals in rates.items())
    )
    if not vendor:
        print("\n(vendor SDK not found: set SIGNALWIRE_VENDOR_PYTHON for the ratios)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
