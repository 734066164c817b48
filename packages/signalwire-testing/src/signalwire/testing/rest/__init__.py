"""A fake SignalWire REST platform built from the OpenAPI specs at runtime.

It speaks raw JSON (and form data) and never imports ``signalwire.*``: it is an
independent oracle for the SDK's ``RestClient``/``AsyncRestClient``.

Quick start::

    from signalwire.testing.rest import FakeRestPlatform, FakeRestServer

    fake = FakeRestPlatform()          # a Starlette (ASGI) app
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=fake),
                                 base_url="http://test.signalwire.com",
                                 auth=fake.auth) as c:
        r = await c.get("/api/fabric/resources/ai_agents")
    fake.journal.last.operation_id     # "list_ai_agents"

    with FakeRestServer(fake) as server:   # real HTTP, 127.0.0.1, free port
        RestClient(fake.project, fake.token, server.host)

pytest fixtures (plugin ``signalwire.testing.rest.pytest_plugin``): ``fake_rest``
(a fresh platform, function scope), ``fake_rest_server`` (that platform served
by uvicorn; ``.base_url``, ``.host``, ``.app``, and the platform's attributes),
``fake_rest_shared_server`` (one server per session, ``reset()`` before each
test), ``fake_rest_specs`` (session: parsed specs). Standalone:
``python -m signalwire.testing.rest --port 8766 [-v]`` prints its URL and credentials
(``-v``: one line per request; ``--port 0`` picks a free port).

In-process transports: ``fake.transport()`` (sync) and ``fake.async_transport()``. Stateful
resources (``fake.store``): see the package README.

Specs are read once per process (``load_spec("rest" | "compat" | "rpc")``,
``load_operations()``; both public so tests can share them) from the committed
facts-only JSON copies in ``signalwire/testing/_data`` (``tools/generate.py``
refreshes them from the platform's published specs).

Behaviour
---------
Routing
    Every operation of ``signalwire-rest.openapi.yaml`` (253) and
    ``compatibility.openapi.yaml`` (79; paths under ``/api/laml/2010-04-01``).
    Literal segments win over ``{params}``. Unknown path: 404; known path,
    other method: 405 with ``Allow``. Path params are checked against their
    schemas (most are ``format: uuid``): a bad one is a 422 naming it.
Auth
    HTTP Basic ``project:token`` (``FakeRestPlatform.auth``). Failure: 401
    (REST ``{"error": "Unauthorized"}``; compat ``{"code": 20003, ...}``) and
    ``WWW-Authenticate``. Compat paths also need ``{AccountSid} == project``.
    The three Bearer operations (``GET /api/fabric/addresses[/{id}]``,
    ``POST /api/fabric/subscriber/invites``) accept Basic, or a Bearer
    subscriber token the fake issued: one from ``POST
    /api/fabric/subscribers/tokens`` (or its refresh), or
    ``issue_subscriber_token()``; any other Bearer token is a 401;
    ``POST /api/fabric/embeds/tokens`` needs none. The default project is a
    UUID because the compat spec types ``AccountSid`` as one.
Validation (JSON Schema 2020-12 via jsonschema; validators compiled lazily
per operation and cached, simple scalar parameters checked in plain Python;
OpenAPI 3.0 ``nullable`` honoured; ``oneOf`` read as ``anyOf`` because the
spec's branches overlap; only the ``uuid`` format is asserted: the spec's own
examples break ``uri``)
    Query: declared params are coerced from strings (``true``/``false``,
    integers, repeated keys or comma lists for arrays) and validated; required
    ones must be present; undeclared ones are a 422 (``strict_query=False`` to
    allow), except paging params (``page_size``/``page_number``/``page_token``,
    compat ``Page``/``PageSize``/``PageToken``) on list operations.
    Body: the declared media type only (REST JSON; compat form-encoded, except
    JSON for the tokens PATCH), else 415. Bad JSON/form: 400. A body on an
    operation without one (other than ``{}``): 422. An empty body where one
    is required is read as ``{}`` (so the 422 names the first missing field). Form values are coerced
    per property schema. A ``discriminator`` with a mapping is dispatched first:
    ``POST /api/calling/calls`` checks ``command`` against the 42 commands of
    the ``Calling.CallRequest`` mapping, then that command's schema (params).
    422 bodies name the field: REST ``{"errors": [{"type":
    "validation_error", "code", "message", "attribute", "url"}]}``;
    ``/api/relay/rest/*`` ``{"errors": [{"detail", "status": "422", "title",
    "code", "attribute"}]}``; compat ``{"code", "message", "more_info",
    "status": 422}`` (message names the field). ``code`` is
    ``missing_required_parameter``, ``unknown_parameter``,
    ``invalid_parameter_type``, ``invalid_parameter`` or ``unexpected_body``.
    Fake-made 400/404/405/415 bodies add a ``message`` to the spec's shape.
JSON-RPC
    ``POST /api/calling/rpc`` serves the 8 methods of
    ``calling-commands.openrpc.yaml`` (JSON-RPC 2.0, by-name params, Basic
    auth): HTTP 200 with ``result`` (params echoed) or ``error`` (-32700 parse,
    -32600 invalid request, -32601 unknown method, -32602 invalid params with
    ``data.attribute``). The journal's ``operation_id`` is the method name and
    ``spec`` is ``"rpc"``. It is not in ``operations``.
Responses
    The lowest declared 2xx status; 204 has no body. Bodies are synthesised
    deterministically from the response schema (``examples``/``example``
    first, else from types and formats), cached per operation. Request fields
    are echoed where the response already has a field of that name (top level
    or one level down; compat PascalCase -> snake_case), the last path param
    becomes ``id`` (compat ``sid``), and calling commands echo ``id`` and
    ``params``. Every response carries ``X-Request-Id``.
Lists
    REST lists (``data`` + ``links``) return ``set_list_size`` items (default
    2) in pages of the request's ``page_size`` (default 50) unless overridden;
    ``links.next`` is an absolute URL (request's scheme and Host) carrying
    ``page_number``, ``page_size`` and ``page_token``, absent on the last page.
    Compat lists fill the resource's collection key (``calls``,
    ``media_list``...) with relative ``next_page_uri`` (``Page``, ``PageSize``,
    ``PageToken``; ``null`` on the last page). Items get distinct stable ids.
    The three bare-array list operations return a JSON array of ``total``
    items. ``set_list_size(total, page_size=None, *, path_prefix=None)``; an
    unknown page token, or ``page_number > 0`` without ``page_token``, is a 422.
Documented-API exceptions
    ``platform_exceptions()`` (from ``platform_exceptions.json``, written by
    ``tools/generate.py`` from the SDK generator's ``relaxed.py``) lists,
    each with its reason, the request fields the spec requires but documented
    calls omit (``relaxed``: server-assigned ids, partial updates sent as PUT,
    the ``control_id`` of starting call commands) and the undeclared fields
    documented examples send (``undeclared``). The fake accepts those and
    nothing else: any other missing or unknown field is still a 422 naming it.
Known departures from the spec
    ``links.next`` is omitted on the last page although four list schemas
    require it (clients stop on its absence). A few spec examples violate their
    own schemas (``ai_agent.prompt.contexts``, ``params.convo``), and the fake
    serves them as examples. The OpenRPC file describes 8 JSON-RPC methods,
    not the 42 REST commands (those come from the REST spec's mapping).
Failure injection and stubs
    ``inject_failure(status=503, retry_after=None, times=1, path_prefix=None,
    method=None, operation_id=None, disconnect=False, delay=0.0, body=None,
    headers=None)`` answers the next matching requests with that status and
    ``Retry-After``; ``disconnect=True`` drops the connection mid-response (a
    transport error); ``delay`` sleeps first. Injection runs before auth and
    validation, like a gateway. ``stub(operation_id, json=..., status=200,
    raw_body=None, content_type=..., headers=None, times=None)`` replaces
    the answer to valid requests. Operations are selected by id
    (``"list_rooms"``), spec and id (``"compat:list_all_calls"``) or method
    and template (``"POST /api/pubsub/tokens"``: the REST spec gives
    ``create_token`` to both ``/api/project/tokens`` and ``/api/pubsub/tokens``).
    ``operations`` lists every `Operation` (``spec``, ``method``, ``path``,
    ``operation_id``, ``parameters``, ``uid``); ``operation(selector)`` finds
    one; ``example_path(op)`` builds a valid concrete path for it.
Journal
    ``journal`` records every request as a `JournalEntry`: ``method``,
    ``path``, ``query`` (dict of lists), ``headers`` (lower-case), ``body``
    (parsed JSON or form), ``raw_body``, ``operation_id``, ``spec``,
    ``raw_path``, ``raw_query`` (as sent), ``path_template``, ``path_params``,
    ``status``, ``response`` (errors too), ``note``
    (why the fake refused it). ``journal.last``, ``journal.find(...)``,
    ``journal.clear()``. ``reset()`` clears journal, failures, stubs and lists.
"""

from signalwire.testing._lazy import lazy_exports

# A plain flag (not typing.TYPE_CHECKING), deleted below so dir() shows only the API.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from signalwire.testing.rest._app import (
        DEFAULT_PROJECT,
        DEFAULT_SPACE,
        DEFAULT_TOKEN,
        FakeRestPlatform,
    )
    from signalwire.testing.rest._controls import FailureRule, Stub
    from signalwire.testing.rest._exceptions import platform_exceptions
    from signalwire.testing.rest._journal import Journal, JournalEntry
    from signalwire.testing.rest._server import BackgroundServer, FakeRestServer
    from signalwire.testing.rest._spec import Operation, Parameter, load_operations, load_spec

__all__ = [
    "DEFAULT_PROJECT",
    "DEFAULT_SPACE",
    "DEFAULT_TOKEN",
    "BackgroundServer",
    "FailureRule",
    "FakeRestPlatform",
    "FakeRestServer",
    "Journal",
    "JournalEntry",
    "Operation",
    "Parameter",
    "Stub",
    "load_operations",
    "load_spec",
    "platform_exceptions",
]

# Lazy so that loading the pytest plugin (which imports this package) is free.
__getattr__, __dir__ = lazy_exports(
    globals(),
    {
        "._app": ("DEFAULT_PROJECT", "DEFAULT_SPACE", "DEFAULT_TOKEN", "FakeRestPlatform"),
        "._controls": ("FailureRule", "Stub"),
        "._journal": ("Journal", "JournalEntry"),
        "._server": ("BackgroundServer", "FakeRestServer"),
        "._spec": ("Operation", "Parameter", "load_operations", "load_spec"),
        "._exceptions": ("platform_exceptions",),
    },
)

del TYPE_CHECKING, lazy_exports
