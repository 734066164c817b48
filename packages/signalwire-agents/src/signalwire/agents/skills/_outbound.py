"""Outbound HTTP for the built-in skills that call outside services.

Every call has a total deadline (``asyncio.wait_for`` around httpx's own
per-operation timeouts, so a server that trickles bytes cannot hold a tool call
open), a cap on the body size, and turns every failure into `ServiceError`,
whose ``kind`` lets a skill give the AI a short sentence instead of a
traceback. Page fetches for URLs that come from a conversation or from search
results (`fetch_page`) also refuse private, loopback and link-local addresses
(checked when each connection is made, see ``_netguard``) unless
``allow_private`` or the ``SWML_ALLOW_PRIVATE_URLS`` environment variable says
otherwise, follow at most a few redirects, and accept only text content.

httpx is imported here, and this module only by the skills that need it, so
``import signalwire.agents`` does not load it.
"""

from __future__ import annotations

import asyncio
import json
import os
import ssl
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from signalwire.agents.skills._netguard import BlockedAddress, address_blocked, guard_transport

__all__ = [
    "BlockedAddress",
    "Page",
    "ServiceError",
    "address_blocked",
    "check_url",
    "fetch_page",
    "private_urls_allowed",
    "request_json",
    "request_json_sync",
    "speakable",
]

#: Largest JSON answer a skill reads from a service.
MAX_JSON_BYTES = 4 * 1024 * 1024
#: Largest web page the spider or web search reads; the rest is cut off.
MAX_PAGE_BYTES = 2 * 1024 * 1024
MAX_REDIRECTS = 5
_TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/xml", "text/xml")

_ssl_contexts: dict[bool, ssl.SSLContext] = {}


class ServiceError(Exception):
    """An outside service could not give a usable answer.

    ``kind`` is one of ``timeout``, ``unreachable``, ``status`` (a non-2xx
    answer; ``status`` and ``body`` hold it), ``invalid`` (not JSON, or not
    text), ``blocked`` (a private address, a bad scheme) or ``too_large``.
    """

    def __init__(self, kind: str, detail: str, status: int = 0, body: Any = None) -> None:
        super().__init__(detail)
        self.kind = kind
        self.status = status
        self.body = body


def speakable(service: str, error: ServiceError) -> str:
    """A short sentence the AI can say about ``error`` from ``service`` (no internals)."""
    if error.kind == "timeout":
        return f"Sorry, {service} took too long to answer. Please try again in a moment."
    if error.kind == "unreachable":
        return f"Sorry, I could not reach {service} right now. Please try again later."
    if error.kind == "status" and error.status in (401, 403):
        return f"Sorry, {service} refused the request; its access key may be wrong."
    if error.kind == "status" and error.status == 429:
        return f"Sorry, {service} is busy right now. Please try again in a little while."
    return f"Sorry, {service} is not working right now. Please try again later."


def _verify(verify: bool) -> ssl.SSLContext | bool:
    # Building an SSL context costs milliseconds; share one per mode.
    if not verify:
        return False
    ctx = _ssl_contexts.get(True)
    if ctx is None:
        ctx = _ssl_contexts[True] = ssl.create_default_context()
    return ctx


def _client(timeout: float, verify: bool = True, *, guarded: bool = False) -> httpx.AsyncClient:
    if not guarded:
        return httpx.AsyncClient(
            timeout=httpx.Timeout(timeout), verify=_verify(verify), follow_redirects=False
        )
    # A transport of our own also keeps environment proxies out: a proxy would connect
    # for us, past the address check.
    transport = guard_transport(httpx.AsyncHTTPTransport(verify=_verify(verify)))
    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout), transport=transport, follow_redirects=False
    )


async def _read_capped(response: httpx.Response, limit: int) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            return b"".join(chunks)[:limit], True
    return b"".join(chunks), False


def _decode_json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:  # RecursionError: absurdly deep nesting
        raise ServiceError("invalid", "the answer is not JSON") from exc


async def request_json(
    method: str,
    url: str,
    *,
    timeout: float,
    params: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    json_body: Any = None,
    auth: tuple[str, str] | None = None,
    verify: bool = True,
) -> Any:
    """Send one request and return the parsed JSON of a 2xx answer.

    Raises ServiceError for a timeout (``timeout`` seconds in total), a
    connection failure, a non-2xx status (with the parsed body when it is
    JSON), a body that is not JSON or one over `MAX_JSON_BYTES`.
    """

    async def run() -> Any:
        async with _client(timeout, verify) as client:
            request = client.build_request(
                method, url, params=params, headers=headers, json=json_body
            )
            response = await client.send(request, auth=auth, stream=True)
            try:
                raw, cut = await _read_capped(response, MAX_JSON_BYTES)
            finally:
                await response.aclose()
        if cut:
            raise ServiceError("too_large", "the answer is too large")
        if not 200 <= response.status_code < 300:
            try:
                body = json.loads(raw)
            except (ValueError, RecursionError):
                body = raw[:200].decode("utf-8", "replace")
            raise ServiceError("status", f"HTTP {response.status_code}", response.status_code, body)
        return _decode_json(raw)

    try:
        return await asyncio.wait_for(run(), timeout)
    except asyncio.TimeoutError as exc:
        raise ServiceError("timeout", f"no answer within {timeout:g} s") from exc
    except httpx.TimeoutException as exc:
        raise ServiceError("timeout", f"no answer within {timeout:g} s") from exc
    except (httpx.InvalidURL, UnicodeError) as exc:
        raise ServiceError("blocked", "the web address is malformed") from exc
    except httpx.HTTPError as exc:
        raise ServiceError("unreachable", type(exc).__name__) from exc


def request_json_sync(
    method: str,
    url: str,
    *,
    timeout: float,
    headers: dict[str, str] | None = None,
    auth: tuple[str, str] | None = None,
    verify: bool = True,
) -> Any:
    """The blocking form of `request_json`, for work done while a skill loads."""
    try:
        with httpx.Client(timeout=timeout, verify=_verify(verify)) as client:
            response = client.request(method, url, headers=headers, auth=auth)
    except httpx.TimeoutException as exc:
        raise ServiceError("timeout", f"no answer within {timeout:g} s") from exc
    except (httpx.InvalidURL, UnicodeError) as exc:
        raise ServiceError("blocked", "the web address is malformed") from exc
    except httpx.HTTPError as exc:
        raise ServiceError("unreachable", type(exc).__name__) from exc
    if not 200 <= response.status_code < 300:
        raise ServiceError("status", f"HTTP {response.status_code}", response.status_code)
    if len(response.content) > MAX_JSON_BYTES:
        raise ServiceError("too_large", "the answer is too large")
    return _decode_json(response.content)


# -- page fetches ---------------------------------------------------------------------------


def private_urls_allowed(allow_private: bool = False) -> bool:
    """Whether fetches may reach private addresses (argument or ``SWML_ALLOW_PRIVATE_URLS``)."""
    flag = os.environ.get("SWML_ALLOW_PRIVATE_URLS", "").strip().lower()
    return allow_private or flag in {"1", "true", "yes"}


@dataclass
class Page:
    """A fetched page: final URL, status, content type, decoded text, whether it was cut."""

    url: str
    status: int
    content_type: str
    text: str
    truncated: bool = False
    headers: dict[str, str] = field(default_factory=dict)


def check_url(url: str) -> str | None:
    """Why ``url`` cannot be fetched (a short sentence), or None when it looks usable."""
    if not isinstance(url, str) or not url.strip():
        return "no URL was given"
    if len(url) > 2048:
        return "the URL is too long"
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
        if host:
            host.encode("idna")  # raises UnicodeError for an empty or overlong label
    except (ValueError, UnicodeError):
        return "the web address is malformed"
    if parts.scheme not in ("http", "https") or not host:
        return "only http and https web addresses can be read"
    return None


async def fetch_page(
    url: str,
    *,
    timeout: float,
    headers: dict[str, str] | None = None,
    max_bytes: int = MAX_PAGE_BYTES,
    allow_private: bool = False,
) -> Page:
    """GET a web page as text, within ``timeout`` seconds in total.

    Raises ServiceError: ``blocked`` for a bad scheme or a private address,
    ``status`` for a 4xx/5xx, ``invalid`` for non-text content or too many
    redirects, ``timeout``/``unreachable`` for transport failures. A body over
    ``max_bytes`` is cut (``Page.truncated``), never read whole.
    """
    problem = check_url(url)
    if problem:
        raise ServiceError("blocked", problem)
    private_ok = private_urls_allowed(allow_private)

    async def run() -> Page:
        current = url.strip()
        # Without private addresses allowed, every connection (redirects too) is checked
        # when it is made, before a byte of the request is sent.
        async with _client(timeout, guarded=not private_ok) as client:
            for _ in range(MAX_REDIRECTS + 1):
                parts = urlsplit(current)
                if parts.scheme not in ("http", "https") or not parts.hostname:
                    raise ServiceError("blocked", "the page redirected to an unusable address")
                request = client.build_request("GET", current, headers=headers)
                response = await client.send(request, stream=True)
                try:
                    location = response.headers.get("location")
                    if response.is_redirect and location:
                        try:
                            current = urljoin(current, location)
                        except ValueError:
                            current = ""
                        if check_url(current):
                            raise ServiceError("blocked", "the page redirected to a bad address")
                        continue
                    if response.status_code >= 400:
                        raise ServiceError(
                            "status", f"HTTP {response.status_code}", response.status_code
                        )
                    ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
                    if ctype and not ctype.startswith(_TEXT_TYPES):
                        raise ServiceError("invalid", f"the page is {ctype}, not text")
                    raw, cut = await _read_capped(response, max_bytes)
                    encoding = response.charset_encoding or "utf-8"
                    try:
                        text = raw.decode(encoding, "replace")
                    except LookupError:
                        text = raw.decode("utf-8", "replace")
                    return Page(
                        str(response.url),
                        response.status_code,
                        ctype,
                        text,
                        cut,
                        dict(response.headers),
                    )
                finally:
                    await response.aclose()
        raise ServiceError("invalid", "the page redirected too many times")

    try:
        return await asyncio.wait_for(run(), timeout)
    except asyncio.TimeoutError as exc:
        raise ServiceError("timeout", f"no answer within {timeout:g} s") from exc
    except httpx.TimeoutException as exc:
        raise ServiceError("timeout", f"no answer within {timeout:g} s") from exc
    except BlockedAddress as exc:
        raise ServiceError("blocked", str(exc)) from exc
    except (httpx.InvalidURL, UnicodeError) as exc:
        raise ServiceError("blocked", "the web address is malformed") from exc
    except httpx.HTTPError as exc:
        raise ServiceError("unreachable", type(exc).__name__) from exc
