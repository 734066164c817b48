"""AgentSession: the platform's side of one call, played against an agent's HTTP app.

No model runs: the test scripts what the AI would do (which tool, which arguments,
which step) and the session does what the platform does around it: fetch and validate
the SWML, keep the tokens the document handed out, post SWAIG requests shaped like the
platform's, run DataMap tools locally and apply every returned action to the call state.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from signalwire.testing.agents._datamap import execute_datamap_async
from signalwire.testing.agents._errors import AgentSessionError, ToolCallError, ToolNotAllowedError
from signalwire.testing.agents._state import CallState, apply_actions, enter_context, enter_step

if TYPE_CHECKING:
    import httpx

__all__ = ["AgentSession"]

_BASE = "http://agent.test"


def _ai_verb(doc: Mapping[str, Any]) -> dict[str, Any]:
    for section in (doc.get("sections") or {}).values():
        for verb in section if isinstance(section, list) else []:
            if isinstance(verb, Mapping) and isinstance(verb.get("ai"), dict):
                ai: dict[str, Any] = verb["ai"]
                return ai
    raise AgentSessionError("the SWML document has no 'ai' verb: is this an AI agent?")


class AgentSession:
    """One simulated call against an agent (an ``AgentBase``, an ASGI app or a URL).

    ``target`` may be an agent object (duck-typed: ``get_app()``, its ``route`` and
    ``get_basic_auth_credentials()`` are used), any ASGI app (give ``route`` and
    ``auth``), or an ``http://`` URL of a running agent (the URL is the route).
    Use it as ``async with AgentSession(agent) as call: ...``; ``start()`` fetches the
    SWML (``call.swml``), which is validated against the SWML schema unless
    ``validate=False``. Call details shape the request the way the platform sends it.
    """

    def __init__(
        self,
        target: Any,
        *,
        route: str | None = None,
        auth: tuple[str, str] | None = None,
        from_number: str = "+15550100001",
        to_number: str = "+15550100002",
        direction: str = "inbound",
        call_type: str = "phone",
        sip_headers: Mapping[str, str] | None = None,
        query_params: Mapping[str, str] | None = None,
        call_id: str | None = None,
        vars: Mapping[str, Any] | None = None,
        validate: bool = True,
        datamap_transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 10.0,
    ) -> None:
        self._target = target
        self._route = route
        self._auth = auth
        self._validate = validate
        self._datamap_transport = datamap_transport
        self._timeout = timeout
        self._query = dict(query_params or {})
        self._client: httpx.AsyncClient | None = None
        #: This call's id (tokens the agent hands out are bound to it).
        self.call_id = call_id or str(uuid.uuid4())
        call: dict[str, Any] = {
            "call_id": self.call_id,
            "node_id": f"node-{self.call_id[:8]}",
            "segment_id": str(uuid.uuid4()),
            "state": "created",
            "direction": direction,
            "type": "sip" if sip_headers and call_type == "phone" else call_type,
            "from": from_number,
            "to": to_number,
            "from_number": from_number,
            "to_number": to_number,
            "headers": [{"name": k, "value": v} for k, v in (sip_headers or {}).items()],
            "project_id": "00000000-0000-4000-8000-000000000001",
            "space_id": "00000000-0000-4000-8000-000000000002",
        }
        #: The body POSTed to the agent's route to fetch the SWML.
        self.call_request: dict[str, Any] = {
            "call": call,
            "vars": {"userVariables": dict(vars or {})},
            "params": dict(self._query),
        }
        #: The SWML document the agent answered (after ``start()``).
        self.swml: dict[str, Any] = {}
        #: What the call has done so far (global data, step, SMS, transfers...).
        self.state = CallState()
        #: Every tool reply, in order: ``(tool name, reply dict)``.
        self.replies: list[tuple[str, dict[str, Any]]] = []
        self._tools: dict[str, dict[str, Any]] = {}
        self._contexts: dict[str, Any] | None = None

    # -- lifecycle ---------------------------------------------------------------------

    async def __aenter__(self) -> AgentSession:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP client (the agent app itself is left alone)."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def _open(self) -> httpx.AsyncClient:
        import httpx

        if self._client is not None:
            return self._client
        target = self._target
        if isinstance(target, str):
            parts = urlsplit(target)
            base = f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")
            self._route = self._route or parts.path or "/"
            if parts.username is not None and self._auth is None:
                self._auth = (unquote(parts.username), unquote(parts.password or ""))
            self._client = httpx.AsyncClient(base_url=base, timeout=self._timeout)
            return self._client
        app = target
        if hasattr(target, "get_app") and callable(target.get_app):
            app = target.get_app()
            if self._route is None:
                self._route = str(getattr(target, "route", "/") or "/")
            creds = getattr(target, "get_basic_auth_credentials", None)
            if self._auth is None and callable(creds):
                user, password = creds()[:2]
                self._auth = (str(user), str(password))
        from signalwire.testing.agents._asgi import InProcessASGITransport

        transport = InProcessASGITransport(app)
        self._client = httpx.AsyncClient(transport=transport, base_url=_BASE, timeout=self._timeout)
        return self._client

    async def start(self) -> dict[str, Any]:
        """Fetch the SWML for this call (validated), read its tools, tokens and contexts."""
        client = self._open()
        route = self._route or "/"
        path = route
        if self._query:
            path += "?" + urlencode(self._query)
        response = await client.post(path, json=self.call_request, auth=self._auth or None)  # type: ignore[arg-type]
        if response.status_code != 200:
            raise AgentSessionError(
                f"fetching the SWML from {route!r} answered HTTP {response.status_code}: {response.text[:300]}"
            )
        try:
            doc: dict[str, Any] = response.json()
        except ValueError:
            raise AgentSessionError(
                f"the agent at {route!r} answered non-JSON: {response.text[:200]!r}"
            ) from None
        if self._validate:
            from signalwire.testing.swml import validate_swml

            validate_swml(doc)
        self.swml = doc
        ai = _ai_verb(doc)
        swaig = ai.get("SWAIG") or {}
        self._default_url = str((swaig.get("defaults") or {}).get("web_hook_url") or "")
        self._tools = {
            str(f["function"]): f for f in swaig.get("functions") or [] if "function" in f
        }
        self.state.global_data = dict(ai.get("global_data") or {})
        self.state.active = {name: bool(f.get("active", True)) for name, f in self._tools.items()}
        prompt = ai.get("prompt") or {}
        contexts = prompt.get("contexts") if isinstance(prompt, Mapping) else None
        self._contexts = dict(contexts) if isinstance(contexts, Mapping) and contexts else None
        if self._contexts:
            first = "default" if "default" in self._contexts else next(iter(self._contexts))
            enter_context(self.state, first, self._contexts, "start")
        return doc

    # -- what the AI may do ------------------------------------------------------------

    @property
    def ai(self) -> dict[str, Any]:
        """The ``ai`` verb of the SWML document."""
        return _ai_verb(self.swml)

    def _current_step(self) -> dict[str, Any] | None:
        if not self._contexts or self.state.context is None:
            return None
        for step in (self._contexts.get(self.state.context) or {}).get("steps") or []:
            if isinstance(step, dict) and step.get("name") == self.state.step:
                return step
        return None

    def tools(self) -> list[str]:
        """Tools the AI may call now: declared, active, and allowed by the current step."""
        names = [n for n in self._tools if self.state.active.get(n, True)]
        step = self._current_step()
        if step is not None and "functions" in step:
            allowed = step["functions"]
            if allowed == "none" or not isinstance(allowed, list):
                return []
            names = [n for n in names if n in allowed]
        return names

    def tool(self, name: str) -> dict[str, Any]:
        """The SWAIG definition of ``name`` as the document declares it."""
        try:
            return self._tools[name]
        except KeyError:
            raise ToolNotAllowedError(
                f"no tool {name!r} in the SWML (tools: {sorted(self._tools)})"
            ) from None

    def token_for(self, name: str) -> str:
        """The token the document handed out for ``name`` (``""`` when it has none)."""
        url = str(self.tool(name).get("web_hook_url") or "")
        return dict(parse_qsl(urlsplit(url).query)).get("__token", "")

    def change_step(self, name: str) -> None:
        """Script the AI moving to step ``name`` (or ``"next"``); it must be a valid move."""
        step = self._current_step()
        valid = (step or {}).get("valid_steps")
        if isinstance(valid, list) and name not in valid:
            steps = [
                s.get("name")
                for s in (self._contexts or {}).get(self.state.context or "", {}).get("steps", [])
            ]
            following = steps.index(self.state.step) + 1 if self.state.step in steps else -1
            is_next = 0 < following < len(steps) and steps[following] == name and "next" in valid
            if not is_next:
                raise AgentSessionError(
                    f"step {self.state.step!r} does not allow moving to {name!r} (valid_steps: {valid})"
                )
        enter_step(self.state, name, self._contexts, "change_step")

    def change_context(self, name: str) -> None:
        """Script the AI switching to context ``name``; the step must list it in valid_contexts."""
        step = self._current_step()
        valid = (step or {}).get("valid_contexts")
        if step is not None and (not isinstance(valid, list) or name not in valid):
            raise AgentSessionError(
                f"step {self.state.step!r} does not allow switching to context {name!r} (valid_contexts: {valid or []})"
            )
        enter_context(self.state, name, self._contexts, "change_context")

    # -- tool calls --------------------------------------------------------------------

    def _swaig_body(self, name: str, args: Mapping[str, Any]) -> dict[str, Any]:
        raw = json.dumps(dict(args))
        fn = self._tools.get(name, {})
        return {
            "version": "2.0",
            "content_type": "text/swaig",
            "content_disposition": "SWAIG Function",
            "function": name,
            "argument": {"parsed": [dict(args)], "raw": raw, "substituted": raw},
            "argument_desc": fn.get("parameters") or {"type": "object", "properties": {}},
            "purpose": str(fn.get("description") or ""),
            "call_id": self.call_id,
            "ai_session_id": self.call_id,
            "conversation_id": self.call_id,
            "app_name": "signalwire-testing",
            "caller_id_name": self.call_request["call"]["from"],
            "caller_id_num": self.call_request["call"]["from"],
            "global_data": dict(self.state.global_data),
            "meta_data": dict(self.state.meta_data.get(name, {})),
            "meta_data_token": str(fn.get("meta_data_token") or ""),
            "project_id": self.call_request["call"]["project_id"],
            "space_id": self.call_request["call"]["space_id"],
            "channel_active": True,
            "channel_offhook": True,
            "channel_ready": True,
        }

    async def call_tool(
        self, name: str, args: Mapping[str, Any] | None = None, *, token: str | None = None
    ) -> dict[str, Any]:
        """Script the AI calling tool ``name`` with ``args``; return the agent's reply.

        The tool must be available now (:meth:`tools`), else :class:`ToolNotAllowedError`
        names the step and what it allows. The request carries the token the SWML handed
        out (``token=`` sends another, e.g. one from a different call). An error answer
        raises :class:`ToolCallError`; a reply's actions are applied to :attr:`state`.
        """
        if self.state.hung_up:
            raise ToolNotAllowedError(f"{name}: the call has hung up")
        self.tool(name)
        available = self.tools()
        if name not in available:
            where = (
                f"step {self.state.step!r} of context {self.state.context!r}"
                if self.state.step is not None
                else "this call"
            )
            why = (
                "is toggled off"
                if not self.state.active.get(name, True)
                else f"is not allowed in {where}"
            )
            raise ToolNotAllowedError(f"tool {name!r} {why} (available: {available})")
        args = dict(args or {})
        fn = self._tools[name]
        body = self._swaig_body(name, args)
        if "data_map" in fn:
            reply = await execute_datamap_async(fn, args, body, transport=self._datamap_transport)
        else:
            reply = await self._post_tool(name, fn, body, token)
            handed_out = self.token_for(name)
            if token is not None and token != handed_out:
                # The platform only ever sends the token this call's SWML gave out.
                raise ToolCallError(
                    f"tool {name!r} was called with a token this call ({self.call_id}) was not "
                    f"handed (another call's or another tool's); the agent answered: {reply!r}",
                    status=200,
                    body=reply,
                )
        self.replies.append((name, reply))
        apply_actions(self.state, reply.get("action"), self._contexts, name)
        return reply

    async def _post_tool(
        self, name: str, fn: Mapping[str, Any], body: dict[str, Any], token: str | None
    ) -> dict[str, Any]:
        url = str(fn.get("web_hook_url") or self._default_url)
        if not url:
            raise AgentSessionError(f"tool {name!r} has no web_hook_url and SWAIG has no default")
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query))
        if token is not None:
            query["__token"] = token
        auth = self._auth
        if parts.username is not None:
            auth = (unquote(parts.username), unquote(parts.password or ""))
        target = parts.path + ("?" + urlencode(query) if query else "")
        response = await self._open().post(target, json=body, auth=auth or None)  # type: ignore[arg-type]
        try:
            data: Any = response.json()
        except ValueError:
            data = response.text
        if response.status_code != 200:
            hint = (
                " (a token for another call or tool?)" if response.status_code in (401, 403) else ""
            )
            raise ToolCallError(
                f"the agent refused the call of {name!r}: HTTP {response.status_code}{hint}: {str(data)[:300]}",
                status=response.status_code,
                body=data,
            )
        if not isinstance(data, dict):
            raise ToolCallError(
                f"{name}: the agent answered {type(data).__name__}, not a JSON object",
                status=200,
                body=data,
            )
        return data

    # -- end of call -------------------------------------------------------------------

    async def post_summary(self, summary: Any) -> Any:
        """Deliver the post-prompt summary (a string, or JSON data) as the platform does."""
        url = str(self.ai.get("post_prompt_url") or "")
        if not url:
            raise AgentSessionError(
                "the SWML has no post_prompt_url: the agent asked for no summary"
            )
        raw = summary if isinstance(summary, str) else json.dumps(summary)
        body: dict[str, Any] = {
            "call_id": self.call_id,
            "ai_session_id": self.call_id,
            "conversation_id": self.call_id,
            "app_name": "signalwire-testing",
            "content_type": "text/swaig",
            "global_data": dict(self.state.global_data),
            "post_prompt_data": {"raw": raw, "substituted": raw},
        }
        if not isinstance(summary, str):
            body["post_prompt_data"]["parsed"] = [summary]
        parts = urlsplit(url)
        auth = self._auth
        if parts.username is not None:
            auth = (unquote(parts.username), unquote(parts.password or ""))
        target = parts.path + ("?" + parts.query if parts.query else "")
        response = await self._open().post(target, json=body, auth=auth or None)  # type: ignore[arg-type]
        if response.status_code != 200:
            raise ToolCallError(
                f"the agent refused the post-prompt summary: HTTP {response.status_code}: {response.text[:300]}",
                status=response.status_code,
                body=response.text,
            )
        return response.json()
