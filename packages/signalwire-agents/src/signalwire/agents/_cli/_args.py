"""Command-line parsing for ``swaig-test``: the flags, their values, the tool arguments."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import Any

from signalwire.agents._cli._calldata import parse_value
from signalwire.agents._cli._simulate import apply_changes, platform_flag_env, simulated_env

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
Each mode sets the variables that platform sets (example values), after clearing
the other platforms' variables and SWML_PROXY_URL_BASE. Change them with the
--aws-*, --gcp-*, --azure-* and --cgi-* flags, --env K=V or --env-file FILE:
  swaig-test handler.py --simulate-serverless lambda --aws-api-gateway-id abc123 \\
      --aws-region eu-west-1 --aws-stage live --dump-swml
  swaig-test main.py --simulate-serverless cloud_function --gcp-project acme \\
      --gcp-region europe-west1 --gcp-service agent --dump-swml
A URL part without the URL (a function name, a region) drops the preset URL, so the
agent builds its URL from the parts, as it would on the platform.
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
  swaig-test app.py --dump-swml --method GET --body '{"call": {"call_id": "c1"}}'
  swaig-test app.py --dump-swml --project-id p1 --space-id s1 \\
      --override-json vars.userVariables='{"vip": true}'
"""


class UsageError(Exception):
    """Bad command-line input: reported on stderr with exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="swaig-test",
        description="Try a SignalWire agent by hand: list its tools, dump its SWML, run a tool "
        "through the agent's own HTTP path (Basic auth and tool tokens included).",
        epilog="Tool arguments follow --exec NAME as --arg value pairs.\n\n"
        "Examples:\n"
        "  swaig-test agent.py --list-tools\n"
        "  swaig-test agent.py --exec get_weather --location Paris\n"
        "  swaig-test app.py --route /sales --dump-swml --raw\n\n"
        "More with --help-examples; serverless modes with --help-platforms.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
    data.add_argument(
        "--override-json",
        action="append",
        default=[],
        metavar="PATH=JSON",
        help="set a dotted field of the request body to a JSON value (after --override)",
    )
    data.add_argument("--project-id", help="call.project_id of the request body")
    data.add_argument("--space-id", help="call.space_id of the request body")
    data.add_argument(
        "--method",
        default="POST",
        type=str.upper,
        choices=["GET", "POST"],
        help="HTTP method of the SWML fetch (default: POST)",
    )
    data.add_argument(
        "--body",
        metavar="JSON",
        help="the exact JSON body of the SWML fetch (replaces the call data)",
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
    aws = p.add_argument_group("AWS Lambda (with --simulate-serverless lambda)")
    aws.add_argument("--aws-function-name", help="AWS_LAMBDA_FUNCTION_NAME")
    aws.add_argument("--aws-function-url", help="AWS_LAMBDA_FUNCTION_URL")
    aws.add_argument("--aws-region", help="AWS_REGION")
    aws.add_argument(
        "--aws-api-gateway-id",
        metavar="ID",
        help="the URL becomes https://ID.execute-api.REGION.amazonaws.com/STAGE",
    )
    aws.add_argument("--aws-stage", help="the API Gateway stage (default: prod)")
    cgi = p.add_argument_group("CGI (with --simulate-serverless cgi)")
    cgi.add_argument("--cgi-host", help="HTTP_HOST and SERVER_NAME")
    cgi.add_argument("--cgi-script-name", help="SCRIPT_NAME")
    cgi.add_argument("--cgi-https", action="store_true", help="HTTPS=on")
    cgi.add_argument("--cgi-path-info", help="PATH_INFO")
    gcp = p.add_argument_group("Google Cloud Functions (with --simulate-serverless cloud_function)")
    gcp.add_argument("--gcp-project", help="GOOGLE_CLOUD_PROJECT")
    gcp.add_argument("--gcp-function-url", help="FUNCTION_URL")
    gcp.add_argument("--gcp-region", help="GOOGLE_CLOUD_REGION")
    gcp.add_argument("--gcp-service", help="K_SERVICE")
    azure = p.add_argument_group("Azure Functions (with --simulate-serverless azure_function)")
    azure.add_argument("--azure-env", help="AZURE_FUNCTIONS_ENVIRONMENT")
    azure.add_argument("--azure-function-url", help="AZURE_FUNCTION_URL")
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
    """Set the simulated platform's variables, then ``--env-file``, ``--env`` and the flags'."""
    found: list[tuple[str, str]] = []
    if args.env_file:
        try:
            with open(args.env_file, encoding="utf-8") as fh:
                lines = [ln.strip() for ln in fh]
        except OSError as exc:
            raise UsageError(f"--env-file: {exc}") from None
        found += [
            (k, v.strip().strip("'\""))
            for k, v in pairs(
                [ln.removeprefix("export ") for ln in lines if ln and not ln.startswith("#")],
                "--env-file",
            )
        ]
    found += pairs(args.env, "--env")
    user = dict(found)
    user.update(platform_flag_env(args))
    apply_changes(simulated_env(args.simulate_serverless, user))


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
