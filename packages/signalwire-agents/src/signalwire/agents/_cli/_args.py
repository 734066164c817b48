"""Command-line parsing for ``swaig-test``: the flags, their values, the tool arguments."""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Sequence
from typing import Any

from signalwire.agents._cli._calldata import parse_value
from signalwire.agents._cli._platforms import PLATFORM_DEFAULTS

__all__ = [
    "EXAMPLES_HELP",
    "PLATFORMS_HELP",
    "UsageError",
    "apply_env",
    "build_parser",
    "convert",
    "json_object",
    "pairs",
    "tool_args",
]

PLATFORMS_HELP = """\
Serverless platforms swaig-test can simulate (--simulate-serverless MODE):
  lambda           AWS Lambda behind API Gateway or a function URL
  cgi              a CGI script (PATH_INFO, HTTP_AUTHORIZATION, stdin body)
  cloud_function   Google Cloud Functions
  azure_function   Azure Functions
Set the platform's variables with --env K=V or --env-file FILE (e.g.
AWS_LAMBDA_FUNCTION_URL) to see the public URLs the agent hands out there.
"""

EXAMPLES_HELP = """\
Examples:
  swaig-test agent.py --list-agents
  swaig-test agent.py --list-tools
  swaig-test agent.py --dump-swml --raw | jq .
  swaig-test agent.py --dump-swml --call-type sip --call-direction outbound \\
      --user-vars '{"tier": "gold"}' --query-params '{"lang": "fr"}' --header X-Test=1
  swaig-test agent.py --exec get_weather --location Paris --units celsius
  swaig-test agent.py --route /sales --exec lookup --order_id 42
  swaig-test mypkg.agents:agent --exec ping
"""


class UsageError(Exception):
    """Bad command-line input: reported on stderr with exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="swaig-test",
        description="Try a SignalWire agent by hand: list its tools, dump its SWML, run a tool "
        "through the agent's own HTTP path (Basic auth and tool tokens included).",
        epilog="Tool arguments follow --exec NAME as --arg value pairs. See --help-examples.",
        allow_abbrev=False,
    )
    p.add_argument(
        "agent_path", nargs="?", help="an agent file (agent.py), a module, or module:attr"
    )
    act = p.add_argument_group("actions")
    act.add_argument("--list-agents", action="store_true", help="list the agents found")
    act.add_argument("--list-tools", action="store_true", help="list the agent's SWAIG tools")
    act.add_argument("--dump-swml", action="store_true", help="print the SWML of a call")
    act.add_argument(
        "--exec", metavar="TOOL", help="run TOOL; its arguments follow as --name value"
    )
    sel = p.add_argument_group("agent selection")
    sel.add_argument("--agent-class", help="the agent class to use when a file has several")
    sel.add_argument("--route", help="the route of the agent to use when a file has several")
    out = p.add_argument_group("output")
    out.add_argument("-v", "--verbose", action="store_true", help="show the requests made")
    out.add_argument("--raw", action="store_true", help="print JSON only (for piping)")
    data = p.add_argument_group("call data")
    data.add_argument("--minimal", action="store_true", help="send minimal request bodies")
    data.add_argument(
        "--fake-full-data", action="store_true", help="send complete platform-shaped bodies"
    )
    data.add_argument("--custom-data", metavar="JSON", help="JSON object merged into the body")
    data.add_argument("--call-type", choices=["sip", "webrtc"], default="webrtc")
    data.add_argument("--call-direction", choices=["inbound", "outbound"], default="inbound")
    data.add_argument("--call-state", default="created")
    data.add_argument("--call-id", help="the call_id (default: a random UUID)")
    data.add_argument("--from-number", help="the caller")
    data.add_argument("--to-extension", help="the number or extension called")
    data.add_argument("--user-vars", metavar="JSON", help="vars.userVariables of the SWML fetch")
    data.add_argument("--query-params", metavar="JSON", help="query parameters of the SWML fetch")
    data.add_argument(
        "--header", action="append", default=[], metavar="K=V", help="a request header (repeat)"
    )
    data.add_argument(
        "--override",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="set a dotted field of the request body (repeat)",
    )
    env = p.add_argument_group("environment")
    env.add_argument(
        "--simulate-serverless",
        metavar="MODE",
        choices=["lambda", "cgi", "cloud_function", "azure_function"],
        help="answer as the agent would on that serverless platform",
    )
    env.add_argument("--env", action="append", default=[], metavar="K=V", help="set a variable")
    env.add_argument("--env-file", help="a file of K=V lines to set before loading the agent")
    other = p.add_argument_group("other")
    other.add_argument(
        "--dry-run", "--parse-only", action="store_true", help="load the agent, print what it is"
    )
    other.add_argument("--help-platforms", action="store_true", help="serverless modes")
    other.add_argument("--help-examples", action="store_true", help="usage examples")
    return p


def json_object(text: str | None, flag: str) -> dict[str, Any]:
    """The JSON object given to ``flag`` ({} when absent); UsageError for anything else."""
    if text is None:
        return {}
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"{flag}: not valid JSON ({exc})") from None
    if not isinstance(value, dict):
        raise UsageError(f"{flag}: expected a JSON object, got {type(value).__name__}")
    return value


def pairs(items: Sequence[str], flag: str) -> list[tuple[str, str]]:
    """``K=V`` items as ``(K, V)``; UsageError naming ``flag`` for a malformed one."""
    out = []
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"{flag}: expected K=V (got {item!r})")
        out.append((key.strip(), value))
    return out


def apply_env(args: argparse.Namespace) -> None:
    """Set ``--env-file`` and ``--env`` variables, then the simulated platform's defaults."""
    found: list[tuple[str, str]] = []
    if args.env_file:
        try:
            with open(args.env_file, encoding="utf-8") as fh:
                lines = [ln.strip() for ln in fh]
        except OSError as exc:
            raise UsageError(f"--env-file: {exc}") from None
        found += pairs(
            [ln.removeprefix("export ") for ln in lines if ln and not ln.startswith("#")],
            "--env-file",
        )
    found += pairs(args.env, "--env")
    for key, value in found:
        os.environ[key] = value.strip().strip("'\"") if args.env_file else value
    if args.simulate_serverless:
        for key, value in PLATFORM_DEFAULTS[args.simulate_serverless].items():
            os.environ.setdefault(key, value)


def tool_args(extra: list[str]) -> dict[str, str]:
    """``--name value`` / ``--name=value`` pairs after ``--exec``."""
    out: dict[str, str] = {}
    i = 0
    while i < len(extra):
        token = extra[i]
        if token == "--":
            i += 1
            continue
        if not token.startswith("--") or len(token) < 3:
            raise UsageError(f"unexpected argument {token!r}: tool arguments are --name value")
        name, sep, value = token[2:].partition("=")
        if not sep:
            if i + 1 < len(extra) and not extra[i + 1].startswith("--"):
                value = extra[i + 1]
                i += 1
            else:
                value = "true"
        out[name] = value
        i += 1
    return out


def convert(name: str, text: str, schema: dict[str, Any]) -> Any:
    """A tool argument from its command-line text, following the parameter's JSON type."""
    kind = schema.get("type")
    if kind == "string" or (kind is None and "enum" not in schema):
        return text if kind == "string" else parse_value(text)
    if kind == "boolean":
        lowered = text.lower()
        if lowered in ("true", "1", "yes", "on"):
            return True
        if lowered in ("false", "0", "no", "off"):
            return False
        raise UsageError(f"--{name}: expected true or false, got {text!r}")
    value = parse_value(text)
    expected: dict[str, type | tuple[type, ...]] = {
        "integer": int,
        "number": (int, float),
        "array": list,
        "object": dict,
    }
    want = expected.get(str(kind))
    if want is not None and (not isinstance(value, want) or isinstance(value, bool)):
        raise UsageError(f"--{name}: expected a JSON {kind}, got {text!r}")
    return value
