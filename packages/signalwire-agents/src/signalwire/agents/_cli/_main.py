"""``swaig-test``: list an agent's tools, dump its SWML and run a tool, all in process.

Every request goes through the agent's real HTTP app, exactly as SignalWire
sends it: the SWML fetch with Basic auth, then the tool call to the
``web_hook_url`` the SWML handed out, token included. Exit codes: 0 success,
1 the agent answered with an error, 2 bad usage (no agent, several agents, a
bad flag value).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import sys
from collections.abc import Sequence
from typing import Any, TextIO
from urllib.parse import urlencode, urlsplit

from signalwire.agents._cli._asgi import AsgiResponse, asgi_request
from signalwire.agents._cli._calldata import (
    apply_override,
    parse_value,
    swaig_request,
    swml_request,
)
from signalwire.agents._cli._loader import AgentLoadError, load_agents, select_agent
from signalwire.agents._cli._platforms import (
    PLATFORM_DEFAULTS,
    app_path,
    describe,
    platform_request,
)
from signalwire.agents._swml_service import SWMLService

__all__ = ["main"]

USAGE_ERROR = 2
AGENT_ERROR = 1

_PLATFORMS = """\
Serverless platforms swaig-test can simulate (--simulate-serverless MODE):
  lambda           AWS Lambda behind API Gateway or a function URL
  cgi              a CGI script (PATH_INFO, HTTP_AUTHORIZATION, stdin body)
  cloud_function   Google Cloud Functions
  azure_function   Azure Functions
Set the platform's variables with --env K=V or --env-file FILE (e.g.
AWS_LAMBDA_FUNCTION_URL) to see the public URLs the agent hands out there.
"""

_EXAMPLES = """\
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


def _parser() -> argparse.ArgumentParser:
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


def _json_object(text: str | None, flag: str) -> dict[str, Any]:
    if text is None:
        return {}
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"{flag}: not valid JSON ({exc})") from None
    if not isinstance(value, dict):
        raise UsageError(f"{flag}: expected a JSON object, got {type(value).__name__}")
    return value


def _pairs(items: Sequence[str], flag: str) -> list[tuple[str, str]]:
    out = []
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"{flag}: expected K=V (got {item!r})")
        out.append((key.strip(), value))
    return out


def _apply_env(args: argparse.Namespace) -> None:
    pairs: list[tuple[str, str]] = []
    if args.env_file:
        try:
            with open(args.env_file, encoding="utf-8") as fh:
                lines = [ln.strip() for ln in fh]
        except OSError as exc:
            raise UsageError(f"--env-file: {exc}") from None
        pairs += _pairs(
            [ln.removeprefix("export ") for ln in lines if ln and not ln.startswith("#")],
            "--env-file",
        )
    pairs += _pairs(args.env, "--env")
    for key, value in pairs:
        os.environ[key] = value.strip().strip("'\"") if args.env_file else value
    if args.simulate_serverless:
        for key, value in PLATFORM_DEFAULTS[args.simulate_serverless].items():
            os.environ.setdefault(key, value)


def _tool_args(extra: list[str]) -> dict[str, str]:
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


def _convert(name: str, text: str, schema: dict[str, Any]) -> Any:
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


class _Session:
    """One agent, the call data of one simulated call, and the requests made for it."""

    def __init__(self, agent: SWMLService, args: argparse.Namespace, out: TextIO) -> None:
        self.agent = agent
        self.args = args
        self.out = out
        custom = _json_object(args.custom_data, "--custom-data")
        self.call_body = swml_request(
            call_id=args.call_id,
            call_type=args.call_type,
            direction=args.call_direction,
            state=args.call_state,
            from_number=args.from_number,
            to_extension=args.to_extension,
            user_vars=_json_object(args.user_vars, "--user-vars"),
            minimal=args.minimal and not args.fake_full_data,
        )
        self.call_body.update(custom)
        for item in args.override:
            try:
                apply_override(self.call_body, item)
            except ValueError as exc:
                raise UsageError(str(exc)) from None
        call = self.call_body.get("call")
        self.call_id = str(
            (call.get("call_id") if isinstance(call, dict) else None)
            or self.call_body.get("call_id")
            or "swaig-test-call"
        )
        query = _json_object(args.query_params, "--query-params")
        self.query = {k: v if isinstance(v, str) else json.dumps(v) for k, v in query.items()}
        self.headers = _pairs(args.header, "--header")
        user, password = agent.get_basic_auth_credentials()[:2]
        self.auth = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        self.app = agent.get_app()
        self.platform: str | None = args.simulate_serverless

    def log(self, text: str) -> None:
        if self.args.verbose:
            print(text, file=sys.stderr)

    async def post(
        self, target: str, body: dict[str, Any], auth: str | None = None
    ) -> AsgiResponse:
        headers = [
            ("content-type", "application/json"),
            ("authorization", auth or self.auth),
            *self.headers,
        ]
        self.log(f"> POST {target}" + (f" (as {self.platform})" if self.platform else ""))
        data = json.dumps(body).encode()
        if self.platform:
            resp, answer = await platform_request(
                self.platform, self.app, "POST", target, headers, data
            )
            self.log(describe(answer))
        else:
            resp = await asgi_request(
                self.app, "POST", target, headers, data, server=("localhost", self.agent.port)
            )
        self.log(f"< {resp.status} ({len(resp.body)} bytes)")
        return resp

    async def fetch_swml(self) -> dict[str, Any]:
        route = (self.agent.route or "") + "/"
        target = route + ("?" + urlencode(self.query) if self.query else "")
        resp = await self.post(target, self.call_body)
        if resp.status != 200:
            raise _AgentError(
                f"SWML fetch answered {resp.status}: {resp.body.decode(errors='replace')}"
            )
        doc: dict[str, Any] = json.loads(resp.body)
        return doc


class _AgentError(Exception):
    """The agent answered a request with an error status."""


def _functions(doc: Any, *, with_defaults: bool = False) -> list[dict[str, Any]]:
    """Every SWAIG function of every ``ai`` verb in a SWML document.

    ``with_defaults`` fills in ``web_hook_url`` from ``SWAIG.defaults`` where a
    function has none (tools without a token use the shared default URL).
    """
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            swaig = node.get("SWAIG")
            if isinstance(swaig, dict):
                defaults = swaig.get("defaults") if isinstance(swaig.get("defaults"), dict) else {}
                for f in swaig.get("functions", []):
                    if not isinstance(f, dict):
                        continue
                    if with_defaults and "data_map" not in f and "web_hook_url" not in f:
                        f = {**f, "web_hook_url": (defaults or {}).get("web_hook_url")}
                    found.append(f)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(doc)
    return found


def _global_data(doc: Any) -> dict[str, Any]:
    for verb in doc.get("sections", {}).get("main", []) if isinstance(doc, dict) else []:
        if isinstance(verb, dict) and isinstance(verb.get("ai"), dict):
            data = verb["ai"].get("global_data")
            return data if isinstance(data, dict) else {}
    return {}


def _emit(out: TextIO, data: Any, raw: bool) -> None:
    print(json.dumps(data) if raw else json.dumps(data, indent=2), file=out)


async def _list_tools(session: _Session) -> int:
    doc = await session.fetch_swml()
    functions = _functions(doc)
    if session.args.raw:
        _emit(session.out, functions, True)
        return 0
    out = session.out
    if not functions:
        print(f"{session.agent.name}: no SWAIG tools", file=out)
        return 0
    print(f"{session.agent.name}: {len(functions)} SWAIG tool(s)", file=out)
    for fn in functions:
        kind = "data_map" if "data_map" in fn else "webhook"
        if kind == "webhook" and "__token=" in str(fn.get("web_hook_url", "")):
            kind = "webhook, secure"
        print(f"  {fn.get('function')}  ({kind})", file=out)
        if fn.get("description"):
            print(f"      {fn['description']}", file=out)
        props = (fn.get("parameters") or {}).get("properties") or {}
        required = set((fn.get("parameters") or {}).get("required") or [])
        for pname, pschema in props.items():
            flag = " (required)" if pname in required else ""
            desc = pschema.get("description", "") if isinstance(pschema, dict) else ""
            ptype = pschema.get("type", "any") if isinstance(pschema, dict) else "any"
            print(f"      --{pname} <{ptype}>{flag}  {desc}".rstrip(), file=out)
    return 0


async def _dump_swml(session: _Session) -> int:
    doc = await session.fetch_swml()
    if not session.args.raw:
        platform = f", as {session.platform}" if session.platform else ""
        print(
            f"# SWML of {session.agent.name} for call {session.call_id} "
            f"({session.args.call_type}, {session.args.call_direction}{platform})",
            file=session.out,
        )
    _emit(session.out, doc, session.args.raw)
    return 0


def _datamap_executor() -> Any:
    """The DataMap executor of ``signalwire-testing`` when installed, else None.

    The hook looks for ``signalwire.testing.execute_datamap(function, args,
    raw_data) -> dict``: it takes the SWAIG function dict (with ``data_map``),
    the tool arguments and the SWAIG request body, and returns the reply the
    platform would give the AI (``{"response": ..., "action": [...]}``).
    """
    import importlib
    import importlib.util

    try:
        if importlib.util.find_spec("signalwire.testing") is None:
            return None
    except (ImportError, ValueError):
        return None
    module = importlib.import_module("signalwire.testing")
    return getattr(module, "execute_datamap", None)


async def _exec(session: _Session, name: str, raw_args: dict[str, str]) -> int:
    doc = await session.fetch_swml()
    functions = {str(f.get("function")): f for f in _functions(doc, with_defaults=True)}
    fn = functions.get(name)
    if fn is None:
        names = ", ".join(sorted(functions)) or "none"
        raise UsageError(f"no tool {name!r} in the SWML of {session.agent.name} (tools: {names})")
    props = (fn.get("parameters") or {}).get("properties") or {}
    args = {k: _convert(k, v, props.get(k) or {}) for k, v in raw_args.items()}
    missing = [r for r in (fn.get("parameters") or {}).get("required") or [] if r not in args]
    if missing:
        raise UsageError(f"{name}: missing required argument(s): --{', --'.join(missing)}")
    body = swaig_request(
        name,
        args,
        call_id=session.call_id,
        swml=session.call_body,
        global_data=_global_data(doc),
        minimal=session.args.minimal,
    )
    if "data_map" in fn:
        return _exec_datamap(session, fn, args, body)
    url = str(fn.get("web_hook_url") or "")
    parts = urlsplit(url)
    if not parts.path:
        raise _AgentError(f"tool {name!r} has no web_hook_url in the SWML")
    auth = None
    if parts.username is not None:
        from urllib.parse import unquote

        creds = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        auth = "Basic " + base64.b64encode(creds.encode()).decode()
    path = app_path(session.platform, url) if session.platform else parts.path
    target = path + ("?" + parts.query if parts.query else "")
    resp = await session.post(target, body, auth)
    try:
        result: Any = json.loads(resp.body)
    except ValueError:
        result = resp.body.decode(errors="replace")
    if not session.args.raw:
        print(f"# {name}({json.dumps(args)}) -> HTTP {resp.status}", file=session.out)
    _emit(session.out, result, session.args.raw)
    return 0 if resp.status == 200 else AGENT_ERROR


def _exec_datamap(
    session: _Session, fn: dict[str, Any], args: dict[str, Any], body: dict[str, Any]
) -> int:
    executor = _datamap_executor()
    if executor is not None:
        _emit(session.out, executor(fn, args, body), session.args.raw)
        return 0
    out = session.out
    if session.args.raw:
        _emit(out, {"function": fn.get("function"), "data_map": fn["data_map"]}, True)
        return 0
    print(f"# {fn.get('function')} is a DataMap tool: the SignalWire platform runs it,", file=out)
    print("# not this agent. Its data_map, with the arguments it would get:", file=out)
    _emit(out, {"arguments": args, "data_map": fn["data_map"]}, False)
    print(
        "# To run it locally, install signalwire-testing (its DataMap executor is used\n"
        "# automatically), or call the agent through a SignalWire number.",
        file=out,
    )
    return 0


def _list_agents(agents: list[SWMLService], out: TextIO, raw: bool) -> int:
    rows = [
        {
            "name": a.name,
            "class": type(a).__name__,
            "route": a.route or "/",
            "tools": len(a.define_tools()),
        }
        for a in agents
    ]
    if raw:
        _emit(out, rows, True)
        return 0
    if not rows:
        print("no agents found", file=out)
        return 0
    for row in rows:
        print(
            f"{row['class']}  {row['name']!r}  route {row['route']}  ({row['tools']} tools)",
            file=out,
        )
    return 0


async def _run(args: argparse.Namespace, extra: list[str], out: TextIO) -> int:
    tool_args = _tool_args(extra)
    if tool_args and not args.exec:
        raise UsageError(f"unrecognized arguments: {' '.join(extra)}")
    agents = load_agents(args.agent_path, args.agent_class)
    if args.list_agents:
        return _list_agents(agents, out, args.raw)
    agent = select_agent(agents, args.agent_path, args.route)
    if args.dry_run:
        user, _password, source = agent.get_basic_auth_credentials(include_source=True)
        print(
            f"{type(agent).__name__} {agent.name!r} at {agent.route or '/'}: "
            f"{len(agent.define_tools())} tools, basic auth user {user!r} ({source})",
            file=out,
        )
        return 0
    session = _Session(agent, args, out)
    if args.exec:
        return await _exec(session, args.exec, tool_args)
    if args.list_tools:
        return await _list_tools(session)
    return await _dump_swml(session)


def _quiet_logging(verbose: bool) -> None:
    """Agent warnings (generated password, ...) only with -v; errors always, one line each."""
    import logging

    logger = logging.getLogger("signalwire")
    if not logger.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO if verbose else logging.ERROR)


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run ``swaig-test`` with ``argv`` (default: ``sys.argv[1:]``); returns the exit code."""
    stream = out or sys.stdout
    parser = _parser()
    try:
        args, extra = parser.parse_known_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:  # argparse already printed the problem
        return int(exc.code or 0)
    if args.help_platforms:
        print(_PLATFORMS, file=stream)
        return 0
    if args.help_examples:
        print(_EXAMPLES, file=stream)
        return 0
    if not args.agent_path:
        parser.print_usage(sys.stderr)
        print("swaig-test: error: an agent file or module is required", file=sys.stderr)
        return USAGE_ERROR
    actions = [args.list_agents, args.list_tools, args.dump_swml, bool(args.exec), args.dry_run]
    if sum(actions) > 1:
        print("swaig-test: error: choose one action", file=sys.stderr)
        return USAGE_ERROR
    if sum(actions) == 0:
        args.list_tools = True
    _quiet_logging(args.verbose)
    try:
        _apply_env(args)
        return asyncio.run(_run(args, extra, stream))
    except (AgentLoadError, UsageError) as exc:
        print(f"swaig-test: error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except _AgentError as exc:
        print(f"swaig-test: {exc}", file=sys.stderr)
        return AGENT_ERROR


def console_main() -> None:
    """Entry point of the ``swaig-test`` console script."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:  # `swaig-test ... | head`: the reader left, nothing to report
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = 0
    sys.exit(code)
