"""Run the fake REST platform standalone: ``python -m signalwire_fakes.rest --port 8766``."""

from __future__ import annotations

import argparse

from signalwire_fakes.rest._app import (
    DEFAULT_PROJECT,
    DEFAULT_SPACE,
    DEFAULT_TOKEN,
    FakeRestPlatform,
)


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, print the URL and credentials, and serve until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m signalwire_fakes.rest", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--project", default=DEFAULT_PROJECT)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--list-size", type=int, default=2, help="items in every list")
    parser.add_argument("--page-size", type=int, default=None, help="force a page size")
    parser.add_argument(
        "--lenient-query", action="store_true", help="accept undeclared query parameters"
    )
    args = parser.parse_args(argv)

    import uvicorn

    app = FakeRestPlatform(
        args.project,
        args.token,
        DEFAULT_SPACE,
        list_size=args.list_size,
        page_size=args.page_size,
        strict_query=not args.lenient_query,
    )
    print(f"fake SignalWire REST platform on http://{args.host}:{args.port}")
    print(f"  SIGNALWIRE_SPACE={args.host}:{args.port}")
    print(f"  SIGNALWIRE_PROJECT_ID={args.project}")
    print(f"  SIGNALWIRE_API_TOKEN={args.token}", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", lifespan="off", ws="none")


if __name__ == "__main__":
    main()
