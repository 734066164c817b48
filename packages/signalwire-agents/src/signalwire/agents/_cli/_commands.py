"""The ``swaig-test`` actions: list agents and tools, dump the SWML, run a tool."""

from __future__ import annotations

import base64
import json
from typing import Any, TextIO
from urllib.parse import unquote, urlsplit

from signalwire.agents._cli._args import UsageError, convert
from signalwire.agents._cli._calldata import swaig_request
from signalwire.agents._cli._platforms import app_path
from signalwire.agents._cli._session import (
    AgentError,
    Session,
    functions_of,
    global_data_of,
    service_functions,
)
from signalwire.agents._swml_service import SWMLService

__all__ = [
    "AGENT_ERROR",
    "datamap_executor",
    "dump_swml",
    "emit",
    "exec_tool",
    "list_agents",
    "list_tools",
]

AGENT_ERROR = 1


def emit(out: TextIO, data: Any, raw: bool) -> None:
    """Print ``data`` as JSON: one line with ``raw``, indented otherwise."""
    print(json.dumps(data) if raw else json.dumps(data, indent=2), file=out)


async def list_tools(session: Session) -> int:
    """``--list-tools``: the SWAIG functions of the SWML a call gets."""
    doc = await session.fetch_swml()
    functions = functions_of(doc)
    served = not functions and bool(session.agent.define_tools())
    if served:  # a service without an ai verb: the tools its /swaig/ route answers
        functions = service_functions(session)
    if session.args.raw:
        emit(session.out, functions, True)
        return 0
    out = session.out
    if not functions:
        print(f"{session.agent.name}: no SWAIG tools", file=out)
        return 0
    where = (
        f" served at {session.agent.route or ''}/swaig/ (no ai verb in its SWML)" if served else ""
    )
    print(f"{session.agent.name}: {len(functions)} SWAIG tool(s){where}", file=out)
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


async def dump_swml(session: Session) -> int:
    """``--dump-swml``: the SWML document of the simulated call."""
    doc = await session.fetch_swml()
    if not session.args.raw:
        platform = f", as {session.platform}" if session.platform else ""
        print(
            f"# SWML of {session.agent.name} for call {session.call_id} "
            f"({session.args.call_type}, {session.args.call_direction}{platform})",
            file=session.out,
        )
    emit(session.out, doc, session.args.raw)
    return 0


def datamap_executor() -> Any:
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


async def exec_tool(session: Session, name: str, raw_args: dict[str, str]) -> int:
    """``--exec``: fetch the SWML, then call the tool at the URL it gives, token included."""
    doc = await session.fetch_swml()
    functions = {str(f.get("function")): f for f in functions_of(doc, with_defaults=True)}
    if name not in functions:  # tools a service answers at /swaig/ without an ai verb
        for entry in service_functions(session):
            functions.setdefault(str(entry.get("function")), entry)
    fn = functions.get(name)
    if fn is None:
        names = ", ".join(sorted(functions)) or "none"
        raise UsageError(f"no tool {name!r} in the SWML of {session.agent.name} (tools: {names})")
    props = (fn.get("parameters") or {}).get("properties") or {}
    args = {k: convert(k, v, props.get(k) or {}) for k, v in raw_args.items()}
    missing = [r for r in (fn.get("parameters") or {}).get("required") or [] if r not in args]
    if missing:
        raise UsageError(f"{name}: missing required argument(s): --{', --'.join(missing)}")
    body = swaig_request(
        name,
        args,
        call_id=session.call_id,
        swml=session.call_body,
        global_data=global_data_of(doc),
        minimal=session.args.minimal,
    )
    if "data_map" in fn:
        return exec_datamap(session, fn, args, body)
    url = str(fn.get("web_hook_url") or "")
    parts = urlsplit(url)
    if not parts.path:
        raise AgentError(f"tool {name!r} has no web_hook_url in the SWML")
    auth = None
    if parts.username is not None:
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
    emit(session.out, result, session.args.raw)
    return 0 if resp.status == 200 else AGENT_ERROR


def exec_datamap(
    session: Session, fn: dict[str, Any], args: dict[str, Any], body: dict[str, Any]
) -> int:
    """A DataMap tool: the executor of signalwire-testing, else its data_map and a hint."""
    executor = datamap_executor()
    if executor is not None:
        emit(session.out, executor(fn, args, body), session.args.raw)
        return 0
    out = session.out
    if session.args.raw:
        emit(out, {"function": fn.get("function"), "data_map": fn["data_map"]}, True)
        return 0
    print(f"# {fn.get('function')} is a DataMap tool: the SignalWire platform runs it,", file=out)
    print("# not this agent. Its data_map, with the arguments it would get:", file=out)
    emit(out, {"arguments": args, "data_map": fn["data_map"]}, False)
    print(
        "# To run it locally, install signalwire-testing (its DataMap executor is used\n"
        "# automatically), or call the agent through a SignalWire number.",
        file=out,
    )
    return 0


def list_agents(agents: list[SWMLService], out: TextIO, raw: bool) -> int:
    """``--list-agents``: name, class, route and tool count of each agent found."""
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
        emit(out, rows, True)
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
