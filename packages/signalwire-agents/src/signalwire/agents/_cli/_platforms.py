"""``--simulate-serverless``: send the CLI's requests through a serverless adapter.

Each request becomes the event that platform would deliver (an API Gateway
event, a CGI environment, a Flask-like or Azure-like request object), goes
through the same adapter ``agent.run(event, context)`` uses, and the
platform's answer is turned back into status, headers and body.
"""

from __future__ import annotations

import base64
import io
import os
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from signalwire.agents._cli._asgi import AsgiResponse

__all__ = ["app_path", "describe", "platform_request"]

#: CLI name -> adapter mode.
_MODES = {
    "lambda": "lambda",
    "cgi": "cgi",
    "cloud_function": "google_cloud_function",
    "azure_function": "azure_function",
}
_CGI_SCRIPT = "/cgi-bin/agent.py"


def _cgi_script() -> str:
    return os.environ.get("SCRIPT_NAME") or _CGI_SCRIPT


def app_path(name: str, url: str) -> str:
    """The path the app sees for a webhook URL the agent handed out on platform ``name``."""
    from signalwire.agents._hosting.serverless import public_base_url

    path = urlsplit(url).path or "/"
    environ = dict(os.environ)
    if name == "cgi":
        environ.update({"SCRIPT_NAME": _cgi_script()})
    base = public_base_url(_MODES[name], environ) if name != "lambda" else None
    prefix = urlsplit(base).path.rstrip("/") if base else ""
    if name == "cgi":
        prefix = _cgi_script().rstrip("/")
    if prefix and (path == prefix or path.startswith(prefix + "/")):
        path = path[len(prefix) :] or "/"
    return path


class _FlaskLikeRequest:
    """The attributes of a Flask request the Cloud Functions adapter reads."""

    def __init__(self, method: str, path: str, query: str, headers: dict[str, str], body: bytes):
        self.method = method
        self.path = path
        self.query_string = query.encode()
        self.headers = headers
        self.remote_addr = "198.51.100.30"
        self._body = body

    def get_data(self) -> bytes:
        return self._body


class _AzureLikeRequest:
    """The attributes of an ``azure.functions.HttpRequest`` the Azure adapter reads."""

    def __init__(self, method: str, path: str, query: str, headers: dict[str, str], body: bytes):
        function = os.environ.get("AZURE_FUNCTION_NAME", "agent")
        site = os.environ.get("WEBSITE_SITE_NAME", "my-function-app")
        self.method = method
        self.url = f"https://{site}.azurewebsites.net/api/{function}{path}" + (
            f"?{query}" if query else ""
        )
        self.headers = headers
        self.params: dict[str, str] = {}
        self.route_params = {"route": path.lstrip("/")}
        self._body = body

    def get_body(self) -> bytes:
        return self._body


def _from_object(answer: Any) -> AsgiResponse:
    if isinstance(answer, tuple):  # (body, status, headers): Flask's tuple form
        data, status, headers = answer
        body = data if isinstance(data, bytes) else str(data).encode()
        return AsgiResponse(int(status), [(k.lower(), v) for k, v in headers.items()], body)
    body = answer.get_body() if hasattr(answer, "get_body") else answer.get_data()
    headers = [(str(k).lower(), str(v)) for k, v in dict(answer.headers).items()]
    return AsgiResponse(int(answer.status_code), headers, bytes(body))


def _from_cgi(text: str) -> AsgiResponse:
    head, _, body = text.partition("\r\n\r\n")
    lines = head.split("\r\n")
    status = int(lines[0].split()[1])
    headers = []
    for line in lines[1:]:
        key, _, value = line.partition(":")
        headers.append((key.strip().lower(), value.strip()))
    return AsgiResponse(status, headers, body.encode())


def _call(
    name: str, app: Any, method: str, target: str, headers: dict[str, str], body: bytes
) -> tuple[AsgiResponse, Any]:
    from signalwire.agents._hosting import serverless

    parts = urlsplit(target)
    path, query = parts.path or "/", parts.query
    if name == "lambda":
        event = serverless.lambda_event(method, path, headers=headers, body=body, query=query)
        function = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        region = os.environ.get("AWS_REGION")
        if function and region:  # the function URL's host, as the simulated function would get
            event["requestContext"]["domainName"] = f"{function}.lambda-url.{region}.on.aws"
        answer: Any = serverless.handle_lambda(app, event, None)
        raw = answer["body"]
        data = base64.b64decode(raw) if answer.get("isBase64Encoded") else raw.encode()
        items = [(k.lower(), v) for k, v in answer["headers"].items()]
        return AsgiResponse(answer["statusCode"], items, data), answer
    if name == "cgi":
        host = os.environ.get("HTTP_HOST") or os.environ.get("SERVER_NAME") or "agent.example"
        env = serverless.cgi_environ(
            method,
            path,
            headers=headers,
            query=query,
            body=body,
            host=host,
            script_name=_cgi_script(),
        )
        if "HTTPS" in os.environ:  # the simulated server's setting (cgi_environ assumes on)
            env["HTTPS"] = os.environ["HTTPS"]
        text = serverless.handle_cgi(app, env, stdin=io.BytesIO(body), stdout=io.StringIO())
        return _from_cgi(text), text
    if name == "cloud_function":
        answer = serverless.handle_gcf(app, _FlaskLikeRequest(method, path, query, headers, body))
        return _from_object(answer), answer
    answer = serverless.handle_azure(app, _AzureLikeRequest(method, path, query, headers, body))
    return _from_object(answer), answer


async def platform_request(
    name: str,
    app: Any,
    method: str,
    target: str,
    headers: Iterable[tuple[str, str]],
    body: bytes,
) -> tuple[AsgiResponse, Any]:
    """Send one request through platform ``name``'s adapter; also returns its raw answer."""
    merged: dict[str, str] = {}
    for key, value in headers:
        merged[key] = value
    # The adapters run their own event loop, as on the platform: keep it off this one.
    import asyncio  # lazy: listing tools without a platform never needs it

    return await asyncio.to_thread(_call, name, app, method, target, merged, body)


def describe(answer: Any) -> str:
    """A short text form of the platform's raw answer (for ``-v``)."""
    if isinstance(answer, Mapping):
        return (
            f"Lambda answer: statusCode={answer.get('statusCode')}, headers={answer.get('headers')}"
        )
    if isinstance(answer, str):
        return "CGI answer: " + answer.split("\r\n\r\n", 1)[0].replace("\r\n", " | ")
    return f"{type(answer).__name__} answer"
