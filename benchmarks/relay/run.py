"""RELAY benchmarks: signalwire.relay vs signalwire-sdk 3.7.5 (same server, same run).

    uv run python benchmarks/relay/run.py [--events 20000] [--rounds 3]

* Event dispatch: a bench push server (``_push_server.py``, its own process)
  offers one call, then pushes N ``calling.call.state`` events; each client
  acks every event and delivers it to a handler registered with
  ``call.on("calling.call.state", ...)``. Clients: ours, the vendor's
  (``SIGNALWIRE_VENDOR_PYTHON``, default ``/work/vendor-venv/bin/python``;
  its ``websockets.connect`` is wrapped to ws:// inside that process only) and
  a bare websockets client that only parses and acks. Rounds interleave the
  clients so machine noise hits all of them; medians are reported.
* Memory: 10,000 Call objects built from ``calling.call.receive`` events.
* Import (fresh interpreters, median of 7, .pyc files written first on both
  sides): ``from signalwire.relay import RelayClient`` beyond ``import asyncio,
  ssl`` (which both SDKs need) against the vendor's, ``import signalwire.core``
  beyond the interpreter floor, and ``import signalwire.relay`` for
  information.

Prints a markdown table and exits 0 (the vendor rows are skipped if the vendor
python is missing).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OURS = sys.executable


def vendor_python() -> str | None:
    path = os.environ.get("SIGNALWIRE_VENDOR_PYTHON") or "/work/vendor-venv/bin/python"
    return path if Path(path).exists() else None


def run_json(cmd: list[str], timeout: float = 300) -> dict[str, float]:
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _import_env() -> dict[str, str]:
    # .pyc files must be written (and then used) on both sides: with PYTHONDONTWRITEBYTECODE
    # set, a side installed without compiled bytecode would recompile its sources every run
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def import_time(python: str, stmt: str, runs: int = 7, setup: str = "pass") -> float:
    """Median ms of ``stmt`` in fresh interpreters, timed after ``setup`` has run."""
    code = f"import time\n{setup}\nt = time.perf_counter()\n{stmt}\nprint(time.perf_counter() - t)"
    env = _import_env()
    subprocess.run([python, "-c", f"{setup}\n{stmt}"], check=True, capture_output=True, env=env)
    times = [
        float(
            subprocess.run(
                [python, "-c", code], check=True, capture_output=True, text=True, env=env
            ).stdout
        )
        for _ in range(runs)
    ]
    return statistics.median(times) * 1000


def dispatch(events: int, rounds: int, vendor: str | None) -> dict[str, list[dict[str, float]]]:
    results: dict[str, list[dict[str, float]]] = {"ours": [], "bare": [], "vendor": []}
    with tempfile.TemporaryDirectory() as tmp:
        port_file = Path(tmp) / "port"
        server = subprocess.Popen(
            [OURS, str(HERE / "_push_server.py"), str(port_file), str(events)]
        )
        try:
            deadline = time.monotonic() + 30
            while not (port_file.exists() and port_file.read_text()):
                if time.monotonic() > deadline:
                    raise RuntimeError("bench server did not start")
                time.sleep(0.05)
            port = port_file.read_text()
            for _ in range(rounds):
                results["ours"].append(
                    run_json([OURS, str(HERE / "_client_ours.py"), port, str(events)])
                )
                results["bare"].append(
                    run_json([OURS, str(HERE / "_client_bare.py"), port, str(events)])
                )
                if vendor:
                    results["vendor"].append(
                        run_json([vendor, str(HERE / "_client_vendor.py"), port, str(events)])
                    )
        finally:
            server.terminate()
            server.wait(10)
    return results


def med(rows: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    vendor = vendor_python()
    if vendor is None:
        print("vendor python not found (set SIGNALWIRE_VENDOR_PYTHON): vendor rows skipped\n")

    res = dispatch(args.events, args.rounds, vendor)
    mem = run_json([OURS, str(HERE / "_memory.py"), "10000"])
    client_stmt, base = "from signalwire.relay import RelayClient", "import asyncio, ssl"
    imp_ours_client = import_time(OURS, client_stmt, setup=base)
    imp_vendor = import_time(vendor, client_stmt, setup=base) if vendor else float("nan")
    imp_core = import_time(OURS, "import signalwire.core")
    imp_ours = import_time(OURS, "import signalwire.relay")
    # The same statement on both sides (the vendor's package __init__ loads its client eagerly).
    imp_vendor_pkg = import_time(vendor, "import signalwire.relay") if vendor else float("nan")

    ours_eps, bare_eps = med(res["ours"], "events_per_s"), med(res["bare"], "events_per_s")
    ours_cpu, bare_cpu = med(res["ours"], "cpu_us_per_event"), med(res["bare"], "cpu_us_per_event")
    v_eps = med(res["vendor"], "events_per_s") if res["vendor"] else float("nan")
    v_cpu = med(res["vendor"], "cpu_us_per_event") if res["vendor"] else float("nan")

    def runs(rows: list[dict[str, float]]) -> str:
        return " / ".join(f"{r['events_per_s']:,.0f}" for r in rows) or "n/a"

    # each round's ours/vendor ratio (the same round's runs, back to back on the same server)
    ratios = [
        o["events_per_s"] / v["events_per_s"]
        for o, v in zip(res["ours"], res["vendor"], strict=False)
    ]
    ratio_text = " / ".join(f"{r:.2f}x" for r in ratios) or "n/a"
    worst = min(ratios) if ratios else float("nan")

    print(
        f"RELAY benchmarks: {args.events:,} events x {args.rounds} rounds, {os.cpu_count()} CPUs, "
        f"python {sys.version.split()[0]}\n"
    )
    print("| measurement | signalwire.relay | vendor 3.7.5 | bare websockets | ratio | target |")
    print("|---|---|---|---|---|---|")
    print(
        f"| event dispatch, events/s (median) | {ours_eps:,.0f} | {v_eps:,.0f} | {bare_eps:,.0f} | "
        f"{ours_eps / v_eps:.2f}x vendor; bare/ours {bare_eps / ours_eps:.2f} | >= 3.5x vendor; bare/ours <= 1.5 |"
    )
    print(
        f"| dispatch ratio per round (ours / vendor) | {ratio_text} | | | "
        f"worst {worst:.2f}x | >= 3.5x in every round |"
    )
    print(
        f"| client CPU per event, us (median) | {ours_cpu:.1f} | {v_cpu:.1f} | {bare_cpu:.1f} | "
        f"{v_cpu / ours_cpu:.2f}x less than vendor; {ours_cpu / bare_cpu:.2f}x bare | |"
    )
    print(
        f"| events/s per round | {runs(res['ours'])} | {runs(res['vendor'])} | {runs(res['bare'])} | | |"
    )
    print(f"| 10,000 Call objects, MB | {mem['bytes'] / 1e6:.1f} | | | | < 50 MB |")
    print(
        f"| `from signalwire.relay import RelayClient` beyond `import asyncio, ssl`, ms "
        f"(median of 7) | {imp_ours_client:.1f} | {imp_vendor:.1f} | | "
        f"{imp_ours_client / imp_vendor:.3f} | <= 1/3 |"
    )
    print(
        f"| `import signalwire.core` beyond the interpreter floor, ms (median of 7) "
        f"| {imp_core:.2f} | | | | < 5 ms |"
    )
    print(
        f"| `import signalwire.relay`, ms (median of 7) | {imp_ours:.1f} | {imp_vendor_pkg:.1f} "
        f"| | {imp_ours / imp_vendor_pkg:.3f} | (for information) |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
