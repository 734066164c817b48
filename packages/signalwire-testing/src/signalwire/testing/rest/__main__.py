"""Run the fake REST platform standalone: ``python -m signalwire.testing.rest --port 8766``.

The URL and test credentials are printed once the socket is listening
(``--port 0`` picks a free port and prints it).
"""

from __future__ import annotations

import argparse
from typing import Any

from signalwire.testing.rest._app import (
    DEFAULT_PROJECT,
    DEFAULT_SPACE,
    DEFAULT_TOKEN,
    FakeRestPlatform,
)
from signalwire.testing.rest._journal import JournalEntry


def _print_entry(entry: JournalEntry) -> None:
    op = f"{entry.spec}:{entry.operation_id}" if entry.operation_id else "-"
    note = f"  ({entry.note})" if entry.note else ""
    print(f"{entry.method} {entry.raw_path} -> {entry.status} {op}{note}", flush=True)


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, serve, and print the URL and credentials once listening."""
    parser = argparse.ArgumentParser(prog="python -m signalwire.testing.rest", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8766, help="0 picks a free port")
    parser.add_argument("--project", default=DEFAULT_PROJECT)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--list-size", type=int, default=2, help="items in every list")
    parser.add_argument("--page-size", type=int, default=None, help="force a page size")
    parser.add_argument(
        "--lenient-query", action="store_true", help="accept undeclared query parameters"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print one line per request")
    args = parser.parse_args(argv)

    import uvicorn

    app = FakeRestPlatform(
        args.project,
        args.token,
        DEFAULT_SPACE,
        list_size=args.list_size,
        page_size=args.page_size,
        strict_query=not args.lenient_query,
        on_request=_print_entry if args.verbose else None,
    )

    class _Server(uvicorn.Server):
        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets=sockets)
            port = self.servers[0].sockets[0].getsockname()[1] if self.servers else args.port
            hostport = f"{args.host}:{port}"
            print(f"fake SignalWire REST platform on http://{hostport}")
            print(f"  SIGNALWIRE_SPACE={hostport}")
            print(f"  SIGNALWIRE_PROJECT_ID={args.project}")
            print(f"  SIGNALWIRE_API_TOKEN={args.token}", flush=True)

    config = uvicorn.Config(
        app,
        host=args.host,
        port=args.port,
        log_level="warning",
        lifespan="off",
        ws="none",
        access_log=False,  # -v prints its own line per request
    )
    _Server(config).run()


if __name__ == "__main__":
    main()
