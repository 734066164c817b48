"""Serverless and CGI: turn one platform event into a request for the same ASGI app.

Each adapter builds an ASGI ``http`` scope from the platform's event, runs the
app that server mode serves (so auth, tokens, limits and routing are the same)
and turns the answer into what the platform expects. No cloud SDK is needed:
events are read duck-typed, and ``flask``/``azure.functions`` response objects
are used only when those packages are importable (they always are on GCF and
Azure). The public base URL of the SWML webhooks comes from the platform, not
from request headers (``SWML_PROXY_URL_BASE`` still wins).

The ``handle_*`` functions are the per-mode entry points; ``swaig-test
--simulate-serverless`` calls them with events built by :func:`lambda_event`,
:func:`cgi_environ` and friends.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import logging
import os
import sys
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit

from signalwire.agents._hosting.http import PUBLIC_BASE_KEY

__all__ = [
    "MODES",
    "ServerlessResponse",
    "call_app",
    "cgi_environ",
    "get_execution_mode",
    "handle",
    "handle_azure",
    "handle_cgi",
    "handle_gcf",
    "handle_lambda",
    "lambda_event",
    "public_base_url",
    "resolve_mode",
]

log = logging.getLogger("signalwire.agents.serverless")

MODES = ("server", "cgi", "lambda", "google_cloud_function", "azure_function")
_ALIASES = {
    "aws_lambda": "lambda",
    "gcf": "google_cloud_function",
    "cloud_function": "google_cloud_function",
    "google": "google_cloud_function",
    "azure": "azure_function",
}
#: CGI bodies above this are not read (the app answers 413 from the declared length).
MAX_CGI_BODY = 64 * 1024 * 1024

Headers = list[tuple[bytes, bytes]]


def get_execution_mode(environ: Mapping[str, str] | None = None) -> str:
    """The hosting mode the environment shows; the first match wins.

    ``GATEWAY_INTERFACE`` → cgi; ``AWS_LAMBDA_FUNCTION_NAME``/``LAMBDA_TASK_ROOT`` →
    lambda; ``FUNCTION_TARGET`` → google_cloud_function (``K_SERVICE`` alone is Cloud
    Run, i.e. server); ``AZURE_FUNCTIONS_ENVIRONMENT``/``FUNCTIONS_WORKER_RUNTIME``/
    ``AzureWebJobsStorage`` → azure_function; otherwise server.
    """
    env = os.environ if environ is None else environ
    if env.get("GATEWAY_INTERFACE"):
        return "cgi"
    if env.get("AWS_LAMBDA_FUNCTION_NAME") or env.get("LAMBDA_TASK_ROOT"):
        return "lambda"
    if env.get("FUNCTION_TARGET"):
        return "google_cloud_function"
    if (
        env.get("AZURE_FUNCTIONS_ENVIRONMENT")
        or env.get("FUNCTIONS_WORKER_RUNTIME")
        or env.get("AzureWebJobsStorage")
    ):
        return "azure_function"
    return "server"


def resolve_mode(force_mode: str | None, event: Any) -> str:
    """``force_mode`` (aliases: ``gcf``, ``azure``, ...), else the environment, else the event's shape."""
    if force_mode:
        mode = _ALIASES.get(force_mode.lower(), force_mode.lower())
        if mode not in MODES:
            raise ValueError(f"unknown mode {force_mode!r}; expected one of {', '.join(MODES)}")
        return mode
    mode = get_execution_mode()
    if mode != "server" or event is None:
        return mode
    if isinstance(event, Mapping):
        return "lambda"
    if hasattr(event, "get_body"):
        return "azure_function"
    if hasattr(event, "get_data"):
        return "google_cloud_function"
    raise TypeError(f"cannot tell the platform of an event of type {type(event).__name__}")


def public_base_url(
    mode: str, environ: Mapping[str, str] | None = None, event: Any = None
) -> str | None:
    """The public ``scheme://host[/prefix]`` the platform serves this function at, or None."""
    env = os.environ if environ is None else environ
    if mode == "lambda":
        if env.get("AWS_LAMBDA_FUNCTION_URL"):
            return env["AWS_LAMBDA_FUNCTION_URL"].rstrip("/")
        ctx = event.get("requestContext") if isinstance(event, Mapping) else None
        domain = ctx.get("domainName") if isinstance(ctx, Mapping) else None
        if isinstance(domain, str) and domain:
            stage = ctx.get("stage") if isinstance(ctx, Mapping) else None
            # The default execute-api host needs the stage in the path; custom domains map it.
            if stage and stage != "$default" and domain.endswith(".amazonaws.com"):
                return f"https://{domain}/{stage}"
            return f"https://{domain}"
        name, region = env.get("AWS_LAMBDA_FUNCTION_NAME"), env.get("AWS_REGION")
        return f"https://{name}.lambda-url.{region}.on.aws" if name and region else None
    if mode == "google_cloud_function":
        if env.get("FUNCTION_URL"):
            return env["FUNCTION_URL"].rstrip("/")
        region = env.get("FUNCTION_REGION") or env.get("GOOGLE_CLOUD_REGION")
        project = env.get("GOOGLE_CLOUD_PROJECT") or env.get("GCP_PROJECT")
        function = env.get("K_SERVICE") or env.get("FUNCTION_TARGET")
        if region and project and function:
            return f"https://{region}-{project}.cloudfunctions.net/{function}"
        return None
    if mode == "azure_function":
        if env.get("AZURE_FUNCTION_URL"):
            return env["AZURE_FUNCTION_URL"].rstrip("/")
        site, function = env.get("WEBSITE_SITE_NAME"), env.get("AZURE_FUNCTION_NAME")
        if site and function:
            return f"https://{site}.azurewebsites.net/api/{function}"
        return None
    if mode == "cgi":
        host = env.get("HTTP_HOST") or env.get("SERVER_NAME")
        if not host:
            return None
        scheme = "https" if env.get("HTTPS", "").lower() in ("on", "1") else "http"
        return f"{scheme}://{host}{env.get('SCRIPT_NAME', '').rstrip('/')}"
    return None


# -- running the app --------------------------------------------------------------------------


def _encode(value: Any) -> bytes:
    return str(value).encode("utf-8", "surrogatepass")


def _error_body(status: int, message: str) -> tuple[int, Headers, bytes]:
    body = json.dumps({"error": message}).encode()
    return (
        status,
        [(b"content-type", b"application/json"), (b"content-length", _encode(len(body)))],
        body,
    )


async def call_app(
    app: Any,
    method: str,
    path: str,
    *,
    query_string: bytes = b"",
    headers: Headers | None = None,
    body: bytes = b"",
    scheme: str = "https",
    client: tuple[str, int] | None = None,
    public_base: str | None = None,
) -> tuple[int, Headers, bytes]:
    """Run one request through the ASGI ``app``: ``(status, headers, body)``.

    ``public_base`` fixes the base of the webhook URLs the app writes into SWML.
    An exception escaping the app is logged and answered with a 500 JSON body.
    """
    header_list = list(headers or [])
    host = next((v for k, v in header_list if k == b"host"), b"")
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method.upper(),
        "scheme": scheme,
        "path": path,
        "raw_path": path.encode("utf-8", "surrogatepass"),
        "query_string": query_string,
        "root_path": "",
        "headers": header_list,
        "client": client,
        "server": (host.decode("latin-1") or "serverless", 443 if scheme == "https" else 80),
        PUBLIC_BASE_KEY: public_base,
    }
    delivered = False

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    status = 500
    out_headers: Headers = []
    chunks: list[bytes] = []

    async def send(message: Mapping[str, Any]) -> None:
        nonlocal status, out_headers
        if message["type"] == "http.response.start":
            status = int(message["status"])
            out_headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            chunks.append(bytes(message.get("body", b"")))

    try:
        await app(scope, receive, send)
    except Exception:
        log.exception("unhandled error for %s %s", method, path)
        return _error_body(500, "Internal server error")
    return status, out_headers, b"".join(chunks)


_LOOP: Any = None


def _run(factory: Callable[[], Any]) -> Any:
    """Run the coroutine ``factory()`` makes: without a loop when nothing needs one
    (see :mod:`._hosting.loopless`), else on a loop kept across warm invocations."""
    from signalwire.agents._hosting import loopless

    return loopless.run(factory, _run_on_loop)


def _run_on_loop(coro: Any) -> Any:
    """Run ``coro`` to completion on a loop kept across warm invocations."""
    import asyncio

    global _LOOP
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        if _LOOP is None or _LOOP.is_closed():
            _LOOP = asyncio.new_event_loop()
        return _LOOP.run_until_complete(coro)
    # Called from inside a running loop (an async host): use a private thread.
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _headers_from(mapping: Any) -> Headers:
    items = mapping.items() if hasattr(mapping, "items") else mapping or []
    out: Headers = []
    for key, value in items:
        values = value if isinstance(value, (list, tuple)) else [value]
        out.extend((_encode(key).lower(), _encode(v)) for v in values if v is not None)
    return out


def _text_headers(headers: Headers) -> dict[str, str]:
    merged: dict[str, str] = {}
    for key, value in headers:
        name, text = key.decode("latin-1"), value.decode("latin-1")
        merged[name] = f"{merged[name]}, {text}" if name in merged else text
    return merged


# -- AWS Lambda ---------------------------------------------------------------------------------


def _lambda_request(event: Mapping[str, Any]) -> dict[str, Any]:
    ctx = event.get("requestContext") or {}
    if not isinstance(ctx, Mapping):
        ctx = {}
    raw_body = event.get("body") or ""
    if not isinstance(raw_body, str):
        raise ValueError("the event body must be a string")
    if event.get("isBase64Encoded"):
        try:
            body = base64.b64decode(raw_body, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("the event body is not valid base64") from None
    else:
        body = raw_body.encode("utf-8", "surrogatepass")
    if event.get("version") == "2.0" or "rawPath" in event:
        http = ctx.get("http") or {}
        method = http.get("method") or event.get("httpMethod") or "GET"
        path = unquote(str(event.get("rawPath") or "/"))
        stage = ctx.get("stage")
        if stage and stage != "$default" and (path == f"/{stage}" or path.startswith(f"/{stage}/")):
            path = path[len(stage) + 1 :] or "/"
        query = _encode(event.get("rawQueryString") or "")
        headers = _headers_from(event.get("headers") or {})
        cookies = event.get("cookies")
        if isinstance(cookies, list) and cookies:
            headers.append((b"cookie", _encode("; ".join(map(str, cookies)))))
        source = http.get("sourceIp")
    else:
        method = event.get("httpMethod") or "GET"
        given: Any = event.get("path")
        proxy = (event.get("pathParameters") or {}).get("proxy")
        path = str(given) if given else "/" + str(proxy or "").lstrip("/")
        multi = event.get("multiValueQueryStringParameters")
        single = event.get("queryStringParameters")
        if isinstance(multi, Mapping) and multi:
            query = _encode(urlencode([(k, v) for k, vs in multi.items() for v in (vs or [])]))
        elif isinstance(single, Mapping) and single:
            query = _encode(urlencode(list(single.items())))
        else:
            query = b""
        multi_headers = event.get("multiValueHeaders")
        headers = _headers_from(
            multi_headers
            if isinstance(multi_headers, Mapping) and multi_headers
            else event.get("headers") or {}
        )
        identity = ctx.get("identity") or {}
        source = identity.get("sourceIp") if isinstance(identity, Mapping) else None
    return {
        "method": str(method),
        "path": str(path),
        "query_string": query,
        "headers": headers,
        "body": body,
        "client": (str(source), 0) if source else None,
    }


def handle_lambda(app: Any, event: Any, context: Any = None) -> dict[str, Any]:
    """Answer an API Gateway (v1 REST or v2 HTTP) or function-URL event.

    Returns ``{"statusCode", "headers", "body", "isBase64Encoded"}``; a body that
    is not UTF-8 text (a static file) is base64-encoded.
    """
    if not isinstance(event, Mapping):
        return _lambda_answer(*_error_body(400, "the Lambda event must be a JSON object"))
    try:
        request = _lambda_request(event)
    except (ValueError, TypeError, AttributeError) as exc:
        return _lambda_answer(*_error_body(400, f"malformed Lambda event: {exc}"))
    base = public_base_url("lambda", event=event)
    return _lambda_answer(*_run(lambda: call_app(app, public_base=base, **request)))


def _lambda_answer(status: int, headers: Headers, body: bytes) -> dict[str, Any]:
    try:
        text, encoded = body.decode("utf-8"), False
    except UnicodeDecodeError:
        text, encoded = base64.b64encode(body).decode("ascii"), True
    return {
        "statusCode": status,
        "headers": _text_headers(headers),
        "body": text,
        "isBase64Encoded": encoded,
    }


def lambda_event(
    method: str,
    path: str,
    *,
    headers: Mapping[str, str] | None = None,
    body: bytes | str = b"",
    query: str = "",
    version: str = "2.0",
    base64_body: bool = False,
    source_ip: str = "198.51.100.10",
) -> dict[str, Any]:
    """An API Gateway event of ``version`` ``"2.0"`` (HTTP API, function URL) or ``"1.0"`` (REST)."""
    raw = body.encode() if isinstance(body, str) else body
    payload = (
        base64.b64encode(raw).decode() if base64_body else raw.decode("utf-8", "surrogatepass")
    )
    if version == "2.0":
        return {
            "version": "2.0",
            "routeKey": "$default",
            "rawPath": path,
            "rawQueryString": query,
            "headers": dict(headers or {}),
            "requestContext": {
                "domainName": "abc123.lambda-url.us-east-1.on.aws",
                "stage": "$default",
                "http": {"method": method, "path": path, "sourceIp": source_ip},
            },
            "body": payload,
            "isBase64Encoded": base64_body,
        }
    from urllib.parse import parse_qsl

    pairs = parse_qsl(query, keep_blank_values=True)
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": dict(headers or {}),
        "multiValueHeaders": {k: [v] for k, v in (headers or {}).items()},
        "queryStringParameters": dict(pairs) or None,
        "multiValueQueryStringParameters": {k: [v for kk, v in pairs if kk == k] for k, _ in pairs}
        or None,
        "pathParameters": {"proxy": path.lstrip("/")},
        "requestContext": {
            "domainName": "abc123.execute-api.us-east-1.amazonaws.com",
            "stage": "prod",
            "httpMethod": method,
            "identity": {"sourceIp": source_ip},
        },
        "body": payload,
        "isBase64Encoded": base64_body,
    }


# -- Google Cloud Functions ---------------------------------------------------------------------


def _answer(
    app: Any, mode: str, platform: str, parse: Callable[[], dict[str, Any]]
) -> tuple[int, dict[str, str], bytes]:
    """Run the request ``parse()`` reads from a platform object: ``(status, headers, body)``.

    ``parse`` returns the keywords of :func:`call_app`; a request object it cannot
    read is a 400 naming the ``platform``. The public base URL is the ``mode``'s.
    """
    try:
        request = parse()
    except (AttributeError, TypeError, ValueError) as exc:
        status, out, data = _error_body(400, f"malformed {platform} request: {exc}")
    except Exception as exc:  # noqa: BLE001 - the platform's object failed to give us the request
        # Reading the body is the platform's code (a client that went away mid-upload, a
        # size limit, a closed stream): the request is unusable, not our failure.
        log.warning("%s request could not be read: %s", platform, type(exc).__name__)
        status, out, data = _error_body(400, f"could not read the {platform} request")
    else:
        base = public_base_url(mode)
        status, out, data = _run(lambda: call_app(app, public_base=base, **request))
    return status, _text_headers(out), data


def handle_gcf(app: Any, request: Any) -> Any:
    """Answer a Google Cloud Functions (Flask) request; a ``flask.Response`` when Flask is there.

    Without Flask the answer is ``(body, status, headers)``, which Flask also accepts.
    """

    def parse() -> dict[str, Any]:
        query = request.query_string
        remote = getattr(request, "remote_addr", None)
        return {
            "method": str(request.method),
            "path": str(getattr(request, "path", None) or "/"),
            "query_string": query if isinstance(query, bytes) else _encode(query or ""),
            "headers": _headers_from(request.headers),
            "body": bytes(request.get_data() or b""),
            "client": (str(remote), 0) if remote else None,
        }

    status, text_headers, data = _answer(app, "google_cloud_function", "Cloud Functions", parse)
    try:
        from flask import Response  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return data, status, text_headers
    return Response(data, status=status, headers=text_headers)


# -- Azure Functions ----------------------------------------------------------------------------


class ServerlessResponse:
    """Status, headers and body, shaped like ``azure.functions.HttpResponse``."""

    __slots__ = ("body", "headers", "status_code")

    def __init__(self, body: bytes, status_code: int, headers: dict[str, str]) -> None:
        self.body = body
        self.status_code = status_code
        self.headers = headers

    def __repr__(self) -> str:
        return f"ServerlessResponse(status_code={self.status_code}, bytes={len(self.body)})"

    def get_body(self) -> bytes:
        """The response body."""
        return self.body

    @property
    def mimetype(self) -> str:
        """The Content-Type without parameters."""
        return self.headers.get("content-type", "application/json").split(";")[0]


def _azure_path(req: Any) -> str:
    params = getattr(req, "route_params", None) or {}
    for key in ("route", "path", "restOfPath", "rest"):
        if params.get(key) is not None:
            return "/" + str(params[key]).lstrip("/")
    path = urlsplit(str(req.url)).path or "/"
    function = os.environ.get("AZURE_FUNCTION_NAME")
    for prefix in ([f"/api/{function}"] if function else []) + ["/api"]:
        if path == prefix or path.startswith(prefix + "/"):
            return path[len(prefix) :] or "/"
    return path


def handle_azure(app: Any, req: Any) -> Any:
    """Answer an Azure Functions ``HttpRequest``; an ``azure.functions.HttpResponse`` when available."""

    def parse() -> dict[str, Any]:
        params = getattr(req, "params", None) or {}
        query = urlencode(list(params.items())) if params else urlsplit(str(req.url)).query
        return {
            "method": str(req.method),
            "path": _azure_path(req),
            "query_string": _encode(query),
            "headers": _headers_from(req.headers),
            "body": bytes(req.get_body() or b""),
        }

    status, text_headers, data = _answer(app, "azure_function", "Azure Functions", parse)
    try:
        import azure.functions as func  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return ServerlessResponse(data, status, text_headers)
    return func.HttpResponse(body=data, status_code=status, headers=text_headers)


# -- CGI ----------------------------------------------------------------------------------------


def cgi_environ(
    method: str,
    path: str,
    *,
    headers: Mapping[str, str] | None = None,
    query: str = "",
    body: bytes = b"",
    host: str = "agent.example",
    script_name: str = "/cgi-bin/agent.py",
) -> dict[str, str]:
    """The CGI/1.1 environment a web server sets for one request (for tests and simulation)."""
    env = {
        "GATEWAY_INTERFACE": "CGI/1.1",
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": script_name,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": host,
        "SERVER_PORT": "443",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTPS": "on",
        "REMOTE_ADDR": "198.51.100.20",
        "HTTP_HOST": host,
        "CONTENT_LENGTH": str(len(body)),
    }
    for key, value in (headers or {}).items():
        name = key.upper().replace("-", "_")
        if name == "CONTENT_TYPE":
            env["CONTENT_TYPE"] = value
        else:
            env[f"HTTP_{name}"] = value
    return env


_REASONS = {
    200: "OK",
    307: "Temporary Redirect",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    500: "Internal Server Error",
}


def handle_cgi(
    app: Any,
    environ: Mapping[str, str] | None = None,
    stdin: Any = None,
    stdout: Any = None,
) -> str:
    """Answer one CGI request: read the body from ``stdin``, write the answer to ``stdout``.

    Returns the answer as text (``Status: ...``, headers, blank line, body).
    """
    env = os.environ if environ is None else environ
    source = stdin if stdin is not None else getattr(sys.stdin, "buffer", sys.stdin)
    headers: Headers = []
    for key, value in env.items():
        if key.startswith("HTTP_"):
            headers.append(
                (key[5:].lower().replace("_", "-").encode("latin-1", "replace"), _encode(value))
            )
    if env.get("CONTENT_TYPE"):
        headers.append((b"content-type", _encode(env["CONTENT_TYPE"])))
    declared = (env.get("CONTENT_LENGTH") or "").strip()
    body = b""
    if declared:
        headers.append((b"content-length", _encode(declared)))
        if declared.isdigit() and 0 < int(declared) <= MAX_CGI_BODY:
            chunk: Any = source.read(int(declared)) or b""
            body = (
                chunk.encode("utf-8", "surrogatepass") if isinstance(chunk, str) else bytes(chunk)
            )
    remote = env.get("REMOTE_ADDR")
    status, out, data = _run(
        lambda: call_app(
            app,
            env.get("REQUEST_METHOD", "GET"),
            env.get("PATH_INFO") or "/",
            query_string=_encode(env.get("QUERY_STRING", "")),
            headers=headers,
            body=body,
            scheme="https" if env.get("HTTPS", "").lower() in ("on", "1") else "http",
            client=(remote, 0) if remote else None,
            public_base=public_base_url("cgi", env),
        )
    )
    lines = [f"Status: {status} {_REASONS.get(status, '')}".rstrip()]
    lines += [f"{k.decode('latin-1')}: {v.decode('latin-1')}" for k, v in out]
    text: str = "\r\n".join(lines) + "\r\n\r\n" + bytes(data).decode("utf-8", "replace")
    target = stdout if stdout is not None else sys.stdout
    if isinstance(target, io.TextIOBase) or not hasattr(target, "buffer"):
        target.write(text)
    else:
        target.buffer.write(text.encode("utf-8"))
    target.flush()
    return text


def handle(mode: str, app: Any, event: Any = None, context: Any = None) -> Any:
    """Answer one request in ``mode`` (see :data:`MODES`, server excluded)."""
    if mode == "lambda":
        return handle_lambda(app, event, context)
    if mode == "google_cloud_function":
        if event is None:
            raise ValueError("Google Cloud Functions mode needs the Flask request as the event")
        return handle_gcf(app, event)
    if mode == "azure_function":
        if event is None:
            raise ValueError("Azure Functions mode needs the HttpRequest as the event")
        return handle_azure(app, event)
    if mode == "cgi":
        return handle_cgi(app)
    raise ValueError(f"mode {mode!r} does not answer single requests; use serve()")
