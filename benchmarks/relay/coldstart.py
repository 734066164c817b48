"""Cold start of the RELAY client: import, construction and a connected session.

    uv run python benchmarks/relay/coldstart.py [--samples 9]

Side by side with signalwire-sdk 3.7.5 (its python from ``SIGNALWIRE_VENDOR_PYTHON``) in the
same run, each sample a fresh interpreter with its bytecode cached (see
``benchmarks/_coldstart.py``): ``from signalwire.relay import RelayClient``, build a
client, ``await client.connect()`` against the local push server of this folder
(``_push_server.py``: WebSocket handshake, ``signalwire.connect`` answered), then leave.
The vendor client only speaks ``wss://``; its ``websockets.connect`` is wrapped to use
``ws://`` in its process, as in ``_client_vendor.py``. ``python -c "import asyncio"`` is
measured beside them: no asyncio client can start faster. Prints a markdown table; exits 0.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from _coldstart import child_env, compare, fmt_ms, fmt_ratio  # noqa: E402

DEFAULT_VENDOR = "/work/vendor-venv/bin/python"

OURS = """
import asyncio, os, sys
from signalwire.relay import RelayClient

async def main():
    client = RelayClient("p", "t", host="ws://127.0.0.1:" + sys.argv[1], contexts=["office"])
    await client.connect()
    os._exit(0)

asyncio.run(main())
"""

VENDOR = """
import asyncio, os, sys
import websockets

_connect = websockets.connect

def _plain(uri, *args, **kwargs):
    kwargs.pop("ssl", None)
    return _connect(uri.replace("wss://", "ws://", 1), *args, **kwargs)

websockets.connect = _plain
from signalwire.relay import RelayClient

async def main():
    client = RelayClient(project="p", token="t", host="127.0.0.1:" + sys.argv[1],
                         contexts=["office"])
    await client.connect()
    os._exit(0)

asyncio.run(main())
"""


def start_server(folder: str) -> tuple[subprocess.Popen[bytes], str]:
    port_file = Path(folder) / "port"
    proc = subprocess.Popen([sys.executable, str(HERE / "_push_server.py"), str(port_file), "0"])
    deadline = time.monotonic() + 30
    while not (port_file.exists() and port_file.read_text()):
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            raise SystemExit("the push server did not start")
        time.sleep(0.05)
    return proc, port_file.read_text()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=9)
    args = parser.parse_args()
    vendor = os.environ.get("SIGNALWIRE_VENDOR_PYTHON", DEFAULT_VENDOR)
    if not Path(vendor).exists():
        raise SystemExit(f"vendor python {vendor} not found (set SIGNALWIRE_VENDOR_PYTHON)")
    ours = sys.executable
    env = child_env({"SIGNALWIRE_LOG_MODE": "off"})
    with tempfile.TemporaryDirectory() as folder:
        server, port = start_server(folder)
        try:
            r = compare(
                {
                    "floor ours": ([ours, "-c", "pass"], env),
                    "floor vendor": ([vendor, "-c", "pass"], env),
                    # What any asyncio client pays before its own code runs.
                    "asyncio ours": ([ours, "-c", "import asyncio"], env),
                    "connected ours": ([ours, "-c", OURS, port], env),
                    "connected vendor": ([vendor, "-c", VENDOR, port], env),
                },
                samples=args.samples,
            )
        finally:
            server.terminate()
            server.wait(10)
    fo, fv, asy = r["floor ours"], r["floor vendor"], r["asyncio ours"]
    co, cv = r["connected ours"], r["connected vendor"]
    print(f"\n## RELAY cold start (median of {args.samples} fresh processes, bytecode cached)\n")
    print("| measure | vendor wall | ours wall | ratio | vendor CPU | ours CPU | target |")
    print("|---|---|---|---|---|---|---|")
    print(
        f"| `python -c pass` (floor) | {fmt_ms(fv.wall_ms)} | {fmt_ms(fo.wall_ms)} | | "
        f"{fmt_ms(fv.cpu_ms)} | {fmt_ms(fo.cpu_ms)} | |"
    )
    print(
        f"| `python -c 'import asyncio'` (the floor of any asyncio client) | | "
        f"{fmt_ms(asy.wall_ms)} | {fmt_ratio(asy.wall_ms, cv.wall_ms)} | | "
        f"{fmt_ms(asy.cpu_ms)} | |"
    )
    print(
        f"| import + construct + connected | {fmt_ms(cv.wall_ms)} | {fmt_ms(co.wall_ms)} | "
        f"{fmt_ratio(co.wall_ms, cv.wall_ms)} | {fmt_ms(cv.cpu_ms)} | {fmt_ms(co.cpu_ms)} | "
        "<= 0.25x |"
    )
    print(
        f"| peak RSS, connected | {cv.rss_mb:.1f} MiB | {co.rss_mb:.1f} MiB | "
        f"{fmt_ratio(co.rss_mb, cv.rss_mb)} | | | |"
    )
    print("\nAll samples (ms):")
    for name, series in r.items():
        print(f"- {name}: {series.all_ms}")


if __name__ == "__main__":
    main()
