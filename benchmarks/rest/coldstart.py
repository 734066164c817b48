"""Cold start of the REST client: import, construction and the first request.

    uv run python benchmarks/rest/coldstart.py [--samples 9]

Side by side with signalwire-sdk 3.7.5 (its python from ``SIGNALWIRE_VENDOR_PYTHON``) in the
same run, each sample a fresh interpreter with its bytecode cached (see
``benchmarks/_coldstart.py``), against the local server of ``benchmarks/rest/_server.py``:

* ``from signalwire.rest import RestClient`` + ``RestClient(project, token, host)``;
* the same, then ``client.fabric.ai_agents.list()`` (the first request: connection,
  request, response, JSON).

Each process leaves as soon as it has its answer. The interpreter floor
(``python -c pass``) is measured in the same run. Prints a markdown table; exits 0.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from _coldstart import child_env, compare, fmt_ms, fmt_ratio  # noqa: E402
from run import start_server  # noqa: E402

DEFAULT_VENDOR = "/work/vendor-venv/bin/python"

CONSTRUCT = """
import os, sys
from signalwire.rest import RestClient
client = RestClient("bench-project", "bench-token", "127.0.0.1:" + sys.argv[1])
os._exit(0)
"""

FIRST_REQUEST = """
import os, sys
from signalwire.rest import RestClient
client = RestClient("bench-project", "bench-token", "127.0.0.1:" + sys.argv[1])
page = client.fabric.ai_agents.list()
assert len(page["data"]) == 2, page
os._exit(0)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=9)
    args = parser.parse_args()
    vendor = os.environ.get("SIGNALWIRE_VENDOR_PYTHON", DEFAULT_VENDOR)
    if not Path(vendor).exists():
        raise SystemExit(f"vendor python {vendor} not found (set SIGNALWIRE_VENDOR_PYTHON)")
    ours = sys.executable
    server, port = start_server()
    env = child_env({"SIGNALWIRE_LOG_MODE": "off"})
    try:
        r = compare(
            {
                "floor ours": ([ours, "-c", "pass"], env),
                "floor vendor": ([vendor, "-c", "pass"], env),
                "construct ours": ([ours, "-c", CONSTRUCT, str(port)], env),
                "construct vendor": ([vendor, "-c", CONSTRUCT, str(port)], env),
                "first ours": ([ours, "-c", FIRST_REQUEST, str(port)], env),
                "first vendor": ([vendor, "-c", FIRST_REQUEST, str(port)], env),
            },
            samples=args.samples,
        )
    finally:
        server.terminate()
        server.wait(10)
    floor_o, floor_v = r["floor ours"], r["floor vendor"]
    co, cv, fo, fv = r["construct ours"], r["construct vendor"], r["first ours"], r["first vendor"]
    print(f"\n## REST cold start (median of {args.samples} fresh processes, bytecode cached)\n")
    print("| measure | vendor wall | ours wall | ratio | vendor CPU | ours CPU | target |")
    print("|---|---|---|---|---|---|---|")
    print(
        f"| `python -c pass` (floor) | {fmt_ms(floor_v.wall_ms)} | {fmt_ms(floor_o.wall_ms)} | "
        f"| {fmt_ms(floor_v.cpu_ms)} | {fmt_ms(floor_o.cpu_ms)} | |"
    )
    print(
        f"| import + `RestClient(...)` | {fmt_ms(cv.wall_ms)} | {fmt_ms(co.wall_ms)} | "
        f"{fmt_ratio(co.wall_ms, cv.wall_ms)} | {fmt_ms(cv.cpu_ms)} | {fmt_ms(co.cpu_ms)} | |"
    )
    print(
        f"| import + `RestClient(...)` beyond the floor | "
        f"{fmt_ms(cv.wall_ms - floor_v.wall_ms)} | {fmt_ms(co.wall_ms - floor_o.wall_ms)} | | "
        f"{fmt_ms(cv.cpu_ms - floor_v.cpu_ms)} | {fmt_ms(co.cpu_ms - floor_o.cpu_ms)} | "
        "<= 40 ms |"
    )
    print(
        f"| import + construct + first request | {fmt_ms(fv.wall_ms)} | {fmt_ms(fo.wall_ms)} | "
        f"{fmt_ratio(fo.wall_ms, fv.wall_ms)} | {fmt_ms(fv.cpu_ms)} | {fmt_ms(fo.cpu_ms)} | "
        "<= 0.25x |"
    )
    print(
        f"| peak RSS after the first request | {fv.rss_mb:.1f} MiB | {fo.rss_mb:.1f} MiB | "
        f"{fmt_ratio(fo.rss_mb, fv.rss_mb)} | | | |"
    )
    print("\nAll samples (ms):")
    for name, series in r.items():
        print(f"- {name}: {series.all_ms}")


if __name__ == "__main__":
    main()
