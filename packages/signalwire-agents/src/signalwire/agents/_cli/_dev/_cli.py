"""``sw-agent``: the development command line (``sw-agent dev app.py``)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

__all__ = ["console_main", "main"]

_DESCRIPTION = """\
Serve an agent (or an AgentServer) from a Python file for development: reload on every
change in its folder, keep the same credentials across reloads, and watch the platform's
requests in the inspector at <route>/_inspector/ (needs the agent's Basic auth).
Not for production: use agent.run() or your ASGI server there.
"""

_DEV_EXAMPLES = """\
Examples:
  sw-agent dev agent.py                  # http://127.0.0.1:3000/, inspector at /_inspector/
  sw-agent dev app.py --route /sales     # one agent of an AgentServer file
  sw-agent dev my_pkg.agents:server --port 0 --no-reload
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sw-agent",
        description="SignalWire agents tools.",
        epilog="Example:\n  sw-agent dev agent.py   # serve agent.py with reload and an inspector\n\n"
        "Each command has its own --help (sw-agent dev --help).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    dev = commands.add_parser(
        "dev",
        help="serve an agent file with reload and an inspector",
        description=_DESCRIPTION,
        epilog=_DEV_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    dev.add_argument("target", help="app.py, a module, or module:attribute")
    dev.add_argument(
        "--host",
        default="127.0.0.1",
        help="interface to bind (default 127.0.0.1: this machine only)",
    )
    dev.add_argument("--port", type=int, default=3000, help="port (default 3000; 0 picks one)")
    dev.add_argument("--route", default=None, help="serve only the agent at this route")
    dev.add_argument("--no-reload", action="store_true", help="do not watch for changes")
    dev.add_argument(
        "--history", type=int, default=100, help="requests the inspector keeps (default 100)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``sw-agent`` with ``argv``; returns the exit code."""
    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    from signalwire.agents._cli._dev._recorder import LogCapture
    from signalwire.agents._cli._dev._runner import DevServer, LoadError

    reload = not args.no_reload
    if reload:
        try:
            import watchfiles  # noqa: F401
        except ImportError:
            print(
                "sw-agent dev: reloading needs watchfiles: pip install 'signalwire-agents[dev]' "
                "(or pass --no-reload)",
                file=sys.stderr,
            )
            return 2
    if args.history < 1:
        print("sw-agent dev: --history must be at least 1", file=sys.stderr)
        return 2
    # A development command: log to the console, and hand each line to the inspector too.
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger().addHandler(LogCapture(logging.DEBUG))
    logging.getLogger("watchfiles").setLevel(logging.WARNING)
    server = DevServer(
        args.target,
        host=args.host,
        port=args.port,
        route=args.route,
        reload=reload,
        history=args.history,
    )
    try:
        server.build()
    except LoadError as exc:
        print(f"sw-agent dev: error: {exc}", file=sys.stderr)
        return 2
    try:
        server.serve()
    except ValueError as exc:
        print(f"sw-agent dev: error: {exc}", file=sys.stderr)
        return 2
    return 0


def console_main() -> None:
    """Entry point of the ``sw-agent`` console script."""
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
