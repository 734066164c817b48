"""One simulated call: the agent, its call data and the requests made through its app."""

from __future__ import annotations

import argparse
import base64
import json
import sys
from typing import Any, TextIO
from urllib.parse import urlencode

from signalwire.agents._cli._args import UsageError, json_object, pairs
from signalwire.agents._cli._asgi import AsgiResponse, asgi_request
from signalwire.agents._cli._calldata import apply_override, swml_request
from signalwire.agents._cli._platforms import describe, platform_request
from signalwire.agents._swml_service import SWMLService

__all__ = ["AgentError", "Session", "functions_of", "global_data_of", "service_functions"]


class Session:
    """One agent, the call data of one simulated call, and the requests made for it."""

    def __init__(self, agent: SWMLService, args: argparse.Namespace, out: TextIO) -> None:
        self.agent = agent
        self.args = args
        self.out = out
        custom = json_object(args.custom_data, "--custom-data")
        self.call_body = swml_request(
            call_id=args.call_id,
            call_type=args.call_type,
            direction=args.call_direction,
            state=args.call_state,
            from_number=args.from_number,
            to_extension=args.to_extension,
            user_vars=json_object(args.user_vars, "--user-vars"),
            minimal=args.minimal and not args.fake_full_data,
        )
        self.call_body.update(custom)
        for key, value in (("project_id", args.project_id), ("space_id", args.space_id)):
            if value is not None:
                call = self.call_body.get("call")
                if not isinstance(call, dict):
                    call = self.call_body["call"] = {}
                call[key] = value
        try:
            for item in args.override:
                apply_override(self.call_body, item)
            for item in args.override_json:
                apply_override(self.call_body, item, json_only=True)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        #: The SWML fetch's body: --body as given, else the call data.
        self.fetch_body: Any = self.call_body
        if args.body is not None:
            try:
                self.fetch_body = json.loads(args.body)
            except ValueError as exc:
                raise UsageError(f"--body: not valid JSON ({exc})") from None
        call = self.call_body.get("call")
        self.call_id = str(
            (call.get("call_id") if isinstance(call, dict) else None)
            or self.call_body.get("call_id")
            or "swaig-test-call"
        )
        query = json_object(args.query_params, "--query-params")
        self.query = {k: v if isinstance(v, str) else json.dumps(v) for k, v in query.items()}
        self.headers = pairs(args.header, "--header")
        user, password = agent.get_basic_auth_credentials()[:2]
        self.auth = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        # The agent's app as get_app() builds it, without loading the web framework
        # when nothing was added to it (see SWMLService._in_process_app).
        try:
            self.app = agent._in_process_app()
        except Exception as exc:  # the agent's own configuration check refused it
            raise AgentError(f"{agent.name} cannot be served: {type(exc).__name__}: {exc}") from exc
        self.platform: str | None = args.simulate_serverless

    def log(self, text: str) -> None:
        """A line on stderr with ``-v``."""
        if self.args.verbose:
            print(text, file=sys.stderr)

    async def post(
        self, target: str, body: Any, auth: str | None = None, method: str = "POST"
    ) -> AsgiResponse:
        """Send ``body`` to ``target`` with Basic auth (or ``auth``), in process or as the platform.

        A GET sends no body.
        """
        headers = [("authorization", auth or self.auth), *self.headers]
        data = b""
        if method != "GET":
            headers.insert(0, ("content-type", "application/json"))
            data = json.dumps(body).encode()
        self.log(f"> {method} {target}" + (f" (as {self.platform})" if self.platform else ""))
        try:
            if self.platform:
                resp, answer = await platform_request(
                    self.platform, self.app, method, target, headers, data
                )
                self.log(describe(answer))
            else:
                resp = await asgi_request(
                    self.app, method, target, headers, data, server=("localhost", self.agent.port)
                )
        except Exception as exc:  # the app raised instead of answering: report, no traceback
            raise AgentError(
                f"{method} {target} raised {type(exc).__name__}: {exc} (run with -v for the log)"
            ) from exc
        self.log(f"< {resp.status} ({len(resp.body)} bytes)")
        return resp

    async def fetch_swml(self) -> dict[str, Any]:
        """The SWML fetch SignalWire makes when the call arrives."""
        route = (self.agent.route or "") + "/"
        target = route + ("?" + urlencode(self.query) if self.query else "")
        resp = await self.post(target, self.fetch_body, method=self.args.method)
        if resp.status != 200:
            raise AgentError(
                f"SWML fetch answered {resp.status}: {resp.body.decode(errors='replace')}"
            )
        doc: dict[str, Any] = json.loads(resp.body)
        return doc


class AgentError(Exception):
    """The agent answered a request with an error status."""


def functions_of(doc: Any, *, with_defaults: bool = False) -> list[dict[str, Any]]:
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


def service_functions(session: Session) -> list[dict[str, Any]]:
    """The tools a service registered, as SWAIG entries pointing at its ``/swaig/`` route.

    A plain SWMLService can define tools and answer them at ``{route}/swaig/`` without
    putting an ``ai`` verb in its SWML; these entries (secure ones with a token for this
    call, as an ``ai`` verb would carry) let the CLI list and run them all the same.
    """
    from signalwire.agents._swaig_function import SWAIGFunction

    agent = session.agent
    base = f"http://localhost:{agent.port}{agent.route or ''}"
    found: list[dict[str, Any]] = []
    for tool in agent.define_tools():
        if isinstance(tool, SWAIGFunction):
            token = None
            if tool.secure and not tool.is_external:
                token = agent._token_signer.mint(tool.name, session.call_id)
            found.append(tool.to_swaig(base, token=token))
        elif isinstance(tool, dict):
            found.append(dict(tool))
    return found


def global_data_of(doc: Any) -> dict[str, Any]:
    for verb in doc.get("sections", {}).get("main", []) if isinstance(doc, dict) else []:
        if isinstance(verb, dict) and isinstance(verb.get("ai"), dict):
            data = verb["ai"].get("global_data")
            return data if isinstance(data, dict) else {}
    return {}
