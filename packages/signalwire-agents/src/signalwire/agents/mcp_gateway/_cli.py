"""The ``mcp-gateway`` command."""

from __future__ import annotations

import argparse
import logging
import sys

__all__ = ["console_main", "main"]

EXAMPLE = """\
example:
  mcp-gateway -c config.json

  config.json:
    {"server": {"port": 8080, "auth_user": "admin", "auth_password": "${MCP_AUTH_PASSWORD}"},
     "services": {"todo": {"command": ["python3", "todo_mcp.py"],
                           "description": "A to-do list"}}}

exit codes: 0 stopped normally, 1 configuration or start-up error, 2 bad command line
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mcp-gateway",
        description="Serve the MCP servers named in a configuration file over HTTP "
        "(Basic or Bearer auth), one server process per caller session.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "-c", "--config", default="config.json", help="configuration file (default: config.json)"
    )
    parser.add_argument("--host", help="listen address (overrides server.host)")
    parser.add_argument("--port", type=int, help="listen port (overrides server.port)")
    parser.add_argument(
        "--check",
        action="store_true",
        help="load the configuration, start each service once, report, and exit",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command; the exit code."""
    import asyncio

    from signalwire.agents.mcp_gateway._config import ConfigError
    from signalwire.agents.mcp_gateway._service import MCPGateway

    args = _parser().parse_args(argv)
    gateway = MCPGateway(args.config)
    try:
        config = gateway.config
    except ConfigError as exc:
        print(f"mcp-gateway: error: {exc}", file=sys.stderr)
        return 1
    if args.host:
        config["server"]["host"] = args.host
    if args.port is not None:
        if not 1 <= args.port <= 65535:
            print("mcp-gateway: error: --port must be from 1 to 65535", file=sys.stderr)
            return 2
        config["server"]["port"] = args.port
    logging.basicConfig(
        level=str((config.get("logging") or {}).get("level", "INFO")).upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if args.check:
        results = asyncio.run(gateway.manager.validate_services())
        for name, ok in results.items():
            print(f"{name}: {'ok' if ok else 'FAILED'}")
        return 0 if all(results.values()) else 1
    try:
        gateway.run()
    except OSError as exc:
        print(f"mcp-gateway: error: cannot listen: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0


def console_main() -> None:
    """Entry point of the console script."""
    raise SystemExit(main())
