"""The request engine shared by both clients: encoding, retries, error mapping.

Two ways out, chosen when the client is built:

* by default the engine writes each request's bytes itself and hands them to a
  keep-alive pool of :mod:`signalwire.rest._wire` (sockets or asyncio streams).
  Nothing of httpx is imported on this path, so a script or serverless function
  that only talks to the REST API does not pay for loading httpx;
* with ``transport=`` (any ``httpx.BaseTransport``/``httpx.AsyncBaseTransport``:
  ``httpx.HTTPTransport`` for proxies or HTTP/2, ``httpx.ASGITransport``,
  ``httpx.MockTransport``, :class:`~signalwire.rest.LeanTransport`...) each request
  is an ``httpx.Request`` handed to that transport through httpx's public
  transport interface.

The client layer of httpx (cookies, redirects, auth flows, event hooks) is not
needed for a JSON API with a fixed Basic-auth header, so the engine talks to the
transport directly either way.
"""

from __future__ import annotations

import json as jsonlib
import sys
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote, urlencode

from signalwire.rest._errors import (
    SignalWireRestError,
    SignalWireRestTimeoutError,
    SignalWireRestTransportError,
    rest_error,
)
from signalwire.rest._otel import active, telemetry
from signalwire.rest._pagination import Paginator
from signalwire.rest._resolved import ResolvedOptions, resolve
from signalwire.rest._wire import (
    ConnectFailed,
    ConnectTimedOut,
    Key,
    ReadFailed,
    ReadTimedOut,
    SyncPool,
    WireFailure,
    WriteTimedOut,
)

if TYPE_CHECKING:
    import logging

    import httpx

    from signalwire.rest._options import RequestOptions
    from signalwire.rest._otel import _Call
    from signalwire.rest._wire import Head
    from signalwire.rest._wire_async import AsyncPool

__all__ = ["AsyncEngine", "SyncEngine"]

LOGGER_NAME = "signalwire.rest"
_logger: logging.Logger | None = None


def _debug_logger() -> logging.Logger | None:
    """The package logger when it takes DEBUG records, else None.

    Until some code imports :mod:`logging`, nothing can have configured it, and a DEBUG
    record would go nowhere (logging's last-resort handler shows WARNING and above).
    So the engine never imports logging itself: a script's cold start skips it, and the
    first request after the application sets logging up is logged as usual.
    """
    global _logger
    if _logger is None:
        logging = sys.modules.get("logging")
        if logging is None:
            return None
        _logger = logging.getLogger(LOGGER_NAME)
    return _logger if _logger.isEnabledFor(10) else None  # 10: logging.DEBUG


IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
#: Statuses that mean "not processed, try later": retried for every method.
ALWAYS_RETRYABLE = frozenset({429, 503})
_JSON = "application/json"
_FORM = "application/x-www-form-urlencoded"
_NO_CONTENT = frozenset({204, 205, 304})
_URL_CACHE_SIZE = 512
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
#: Characters left as they are in a request target: RFC 3986 reserved and unreserved
#: characters and ``%`` (paths and queries arrive already quoted; anything else, such as
#: a space or a non-ASCII character in a hand-written ``client.request()`` path, is
#: percent-encoded as httpx would).
_TARGET_SAFE = "/?#[]@!$&'()*+,;=:%~-._"


def encode_query(query: Mapping[str, Any]) -> str:
    """Form-style query string; lists repeat the key, booleans are ``true``/``false``."""
    pairs: list[tuple[str, str]] = []
    for key, value in query.items():
        if value is None:
            continue
        values = value if isinstance(value, (list, tuple)) else (value,)
        for item in values:
            if item is None:
                continue
            pairs.append((key, _scalar(item)))
    return urlencode(pairs)


def _scalar(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def _retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP-date), else None."""
    value = headers.get("retry-after")
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime  # rare: a date rather than seconds

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class _Prepared:
    """A request ready to send (re-sent unchanged on each retry)."""

    __slots__ = ("auth", "content", "content_type", "method", "url")

    def __init__(self, method: str, url: str, content_type: str | None, content: bytes):
        self.method = method
        self.url = url
        self.content_type = content_type
        self.content = content
        #: An ``Authorization`` value replacing the client's (subscriber Bearer auth).
        self.auth: str | None = None


class _Reply:
    """Status, body and (lazily) headers of one response, whichever transport sent it."""

    __slots__ = ("_headers", "content", "status")

    def __init__(
        self, status: int, content: bytes, headers: Callable[[], Mapping[str, str]]
    ) -> None:
        self.status = status
        self.content = content
        self._headers = headers

    @property
    def headers(self) -> Mapping[str, str]:
        return self._headers()


class _EngineBase:
    """State and the pure steps shared by the sync and async engines."""

    is_async = False

    def __init__(
        self,
        key: Key,
        netloc: str,
        auth_header: str,
        user_agent: str,
        options: RequestOptions | None,
        compat_base: str,
        subscriber_token: str | None = None,
    ) -> None:
        scheme, _, _ = key
        self._base_url = f"{scheme}://{netloc}"
        self._subscriber_token = subscriber_token
        self._headers = [
            ("Authorization", auth_header),
            ("Accept", _JSON),
            ("User-Agent", user_agent),
        ]
        self._options = options
        self._resolved_default = resolve(options)
        self._timeouts = self._timeout_ext(self._resolved_default.timeout)
        self._compat_base = compat_base
        self._url_cache: dict[str, httpx.URL] = {}
        self._header_cache: dict[str | None, httpx.Headers] = {}
        self._key = key
        self._host_header = f"Host: {netloc}\r\n"
        self._target_cache: dict[str, bytes] = {}
        self._head_cache: dict[str | None, bytes] = {}

    @property
    def compat_base(self) -> str:
        """Base path of the compatibility API for this project."""
        return self._compat_base

    @property
    def base_url(self) -> str:
        """``scheme://host[:port]`` every path is appended to."""
        return self._base_url

    def subscriber_auth(self, token: str | None) -> str | None:
        """``Bearer <token>`` for a per-call or the client's subscriber token, else None
        (the request then keeps the project's Basic auth)."""
        token = token if token is not None else self._subscriber_token
        if token is None:
            return None
        if not token or any(c in token for c in "\r\n"):
            raise ValueError("subscriber_token must be a non-empty single-line string")
        return f"Bearer {token}"

    @staticmethod
    def _timeout_ext(timeout: float) -> dict[str, float]:
        return {"connect": timeout, "read": timeout, "write": timeout, "pool": timeout}

    def _resolve(self, options: RequestOptions | None) -> ResolvedOptions:
        if options is None:
            return self._resolved_default
        return resolve(options if self._options is None else self._options.merge(options))

    def _prepare(
        self,
        method: str,
        path: str,
        query: Mapping[str, Any] | None,
        json: Any,
        form: Mapping[str, Any] | None,
    ) -> _Prepared:
        url = self._base_url + path
        if query:
            encoded = encode_query(query)
            if encoded:
                url += ("&" if "?" in path else "?") + encoded
        if form is not None:
            return _Prepared(method, url, _FORM, encode_query(form).encode("ascii"))
        if json is not None:
            content = jsonlib.dumps(json, separators=(",", ":")).encode("utf-8")
            return _Prepared(method, url, _JSON, content)
        return _Prepared(method, url, None, b"")

    def _request(self, prep: _Prepared, opts: ResolvedOptions) -> httpx.Request:
        """The request as an ``httpx.Request``, for any httpx transport."""
        import httpx

        timeouts = (
            self._timeouts
            if opts.timeout == self._resolved_default.timeout
            else self._timeout_ext(opts.timeout)
        )
        # Parsing a URL string and normalising headers are most of httpx.Request's cost;
        # the same few URLs and header sets recur, so both are cached (bounded).
        url = self._url_cache.get(prep.url)
        if url is None:
            if len(self._url_cache) >= _URL_CACHE_SIZE:
                self._url_cache.clear()
            url = self._url_cache[prep.url] = httpx.URL(prep.url)
        headers = self._header_cache.get(prep.content_type) if prep.auth is None else None
        if headers is None:
            extra = [] if prep.content_type is None else [("Content-Type", prep.content_type)]
            if prep.auth is None:
                headers = self._header_cache[prep.content_type] = httpx.Headers(
                    [*self._headers, *extra]
                )
            else:  # rare: a subscriber's request, built uncached
                base = [("Authorization", prep.auth), *self._headers[1:]]
                headers = httpx.Headers([*base, *extra])
        return httpx.Request(
            prep.method,
            url,
            headers=headers,
            content=prep.content,
            extensions={"timeout": timeouts},
        )

    def _wire_bytes(self, prep: _Prepared, extra: Mapping[str, str] | None = None) -> bytes:
        """The request as HTTP/1.1 bytes for the default pools (no httpx objects).

        The same headers the httpx path sends, in one buffer: request line, ``Host``,
        the client's headers, ``Content-Type``, ``extra`` (trace context),
        ``Content-Length``, body. Both the request line and the header block recur, so
        each is cached (bounded; never with ``extra``).
        """
        line = self._target_cache.get(prep.url)
        if line is None:
            if len(self._target_cache) >= _URL_CACHE_SIZE:
                self._target_cache.clear()
            target = quote(prep.url[len(self._base_url) :] or "/", safe=_TARGET_SAFE)
            line = self._target_cache[prep.url] = f" {target} HTTP/1.1\r\n".encode("ascii")
        cacheable = prep.auth is None and not extra
        block = self._head_cache.get(prep.content_type) if cacheable else None
        if block is None:
            headers = (
                self._headers
                if prep.auth is None
                else [
                    ("Authorization", prep.auth),
                    *self._headers[1:],
                ]
            )
            text = self._host_header + "".join(f"{k}: {v}\r\n" for k, v in headers)
            if prep.content_type is not None:
                text += f"Content-Type: {prep.content_type}\r\n"
            if extra:  # trace context (traceparent, ...) of the current span
                text += "".join(f"{k}: {v}\r\n" for k, v in extra.items())
            block = text.encode("latin-1")
            if cacheable:
                self._head_cache[prep.content_type] = block
        body = prep.content
        if body or prep.method in _BODY_METHODS:
            length = b"Content-Length: %d\r\n\r\n" % len(body)
        else:
            length = b"\r\n"
        return b"".join((prep.method.encode("ascii"), line, block, length, body))

    def _pool_request(self, prep: _Prepared) -> tuple[bytes, _Call | None]:
        """The bytes for the default pools, carrying the trace context of the current
        REST span when one is being traced; and that span."""
        traced = active()
        if traced is None:
            return self._wire_bytes(prep), None
        carrier: dict[str, str] = {}
        traced.inject(carrier)
        return self._wire_bytes(prep, carrier), traced

    @staticmethod
    def _pool_reply(head: Head, body: bytes, traced: _Call | None) -> _Reply:
        """A pool's answer as a :class:`_Reply`, recorded on the traced span if any."""
        if traced is not None:
            traced.response(head.status, head.header_dict())
        return _Reply(head.status, body, head.header_dict)

    @staticmethod
    def _aborted(prep: _Prepared, opts: ResolvedOptions) -> None:
        if opts.abort_signal is not None and opts.abort_signal.is_set():
            raise SignalWireRestTransportError("aborted by abort_signal", prep.url, prep.method)

    @staticmethod
    def _transport_error(
        prep: _Prepared, exc: Exception, attempt: int, opts: ResolvedOptions
    ) -> tuple[SignalWireRestError, bool]:
        """Map a transport exception; also say whether it may be retried."""
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        if isinstance(exc, (ConnectTimedOut, ReadTimedOut, WriteTimedOut, TimeoutError)):
            err: SignalWireRestError = SignalWireRestTimeoutError(reason, prep.url, prep.method)
        else:
            err = SignalWireRestTransportError(reason, prep.url, prep.method)
        # Nothing was sent when the connection could not be opened, so any method may
        # retry; after that only idempotent methods may (a POST might have been applied).
        nothing_sent = isinstance(exc, ConnectFailed)
        retry = attempt <= opts.retries and (nothing_sent or prep.method in IDEMPOTENT)
        return err, retry

    @staticmethod
    def _may_retry_status(method: str, status: int, attempt: int, opts: ResolvedOptions) -> bool:
        if attempt > opts.retries or status not in opts.retry_on_status:
            return False
        return status in ALWAYS_RETRYABLE or method in IDEMPOTENT

    def _rpc_envelope(self, method: str, params: Mapping[str, Any]) -> dict[str, Any]:
        import uuid

        return {"jsonrpc": "2.0", "id": str(uuid.uuid4()), "method": method, "params": params}

    def _rpc_result(self, path: str, reply: Any) -> Any:
        """The ``result`` of a JSON-RPC response; an ``error`` raises (HTTP said 200)."""
        if isinstance(reply, dict) and reply.get("error") is not None:
            raise SignalWireRestError(200, reply["error"], self._base_url + path, "POST")
        return reply.get("result") if isinstance(reply, dict) else reply

    @staticmethod
    def _decode(prep: _Prepared, reply: _Reply) -> Any:
        status, content = reply.status, reply.content
        if 200 <= status < 300:
            if status in _NO_CONTENT or not content.strip():
                return {}
            try:
                return jsonlib.loads(content)
            except ValueError:
                raise SignalWireRestError(
                    status,
                    content.decode("utf-8", "replace"),
                    prep.url,
                    prep.method,
                    reply.headers,
                ) from None
        try:
            body: Any = jsonlib.loads(content) if content else None
        except ValueError:
            body = content.decode("utf-8", "replace")
        credential = "subscriber" if prep.auth is not None else "project"
        raise rest_error(status, body, prep.url, prep.method, reply.headers, credential)

    def _log(self, prep: _Prepared, outcome: int | str, attempt: int) -> None:
        """One attempt's outcome: its status, or the transport error's reason."""
        log = _debug_logger()
        if log is not None:
            path = prep.url[len(self._base_url) :].split("?", 1)[0]
            log.debug("%s %s -> %s (attempt %d)", prep.method, path, outcome, attempt)

    def _log_retry(
        self, prep: _Prepared, cause: int | str, delay: float, attempt: int, opts: ResolvedOptions
    ) -> None:
        """Say what is retried and why: ``retrying after 503 in 0.50 s``."""
        traced = active()
        if traced is not None:
            traced.retry(cause, delay, attempt)
        log = _debug_logger()
        if log is not None:
            path = prep.url[len(self._base_url) :].split("?", 1)[0]
            log.debug(
                "%s %s: retrying after %s in %.2f s (retry %d of %d)",
                prep.method,
                path,
                cause,
                delay,
                attempt,
                opts.retries,
            )


def _wire_failure(exc: Exception) -> WireFailure:
    """Translate an httpx transport exception into the pools' terms."""
    import httpx

    kinds: list[tuple[type[Exception], type[WireFailure]]] = [
        (httpx.ConnectTimeout, ConnectTimedOut),
        (httpx.ConnectError, ConnectFailed),
        (httpx.WriteTimeout, WriteTimedOut),
        (httpx.TimeoutException, ReadTimedOut),
    ]
    for theirs, ours in kinds:
        if isinstance(exc, theirs):
            return ours(str(exc) or type(exc).__name__)
    return ReadFailed(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)


class SyncEngine(_EngineBase):
    """Blocking engine over a keep-alive :class:`SyncPool` or any ``httpx.BaseTransport``."""

    def __init__(
        self,
        transport: httpx.BaseTransport | SyncPool,
        key: Key,
        netloc: str,
        auth_header: str,
        user_agent: str,
        options: RequestOptions | None,
        compat_base: str,
        sleep: Callable[[float], None] = time.sleep,
        subscriber_token: str | None = None,
    ) -> None:
        super().__init__(
            key, netloc, auth_header, user_agent, options, compat_base, subscriber_token
        )
        self._sleep = sleep
        self._transport = transport
        if isinstance(transport, SyncPool):
            self._send = self._send_pool  # type: ignore[method-assign]

    def _send_pool(self, prep: _Prepared, opts: ResolvedOptions) -> _Reply:
        """Default path: the request's bytes straight to the pool."""
        pool = self._transport
        assert isinstance(pool, SyncPool)
        t = opts.timeout
        data, traced = self._pool_request(prep)
        head, body = pool.send_bytes(self._key, prep.method, data, t, t, t)
        return self._pool_reply(head, body, traced)

    def _send(self, prep: _Prepared, opts: ResolvedOptions) -> _Reply:
        """Through a user-chosen httpx transport."""
        import httpx

        transport = self._transport
        assert not isinstance(transport, SyncPool)
        request = self._request(prep, opts)
        traced = active()
        if traced is not None:
            traced.inject(request.headers)
        try:
            response = transport.handle_request(request)
            try:
                content = response.read()
            finally:
                response.close()
        except httpx.TransportError as exc:
            raise _wire_failure(exc) from exc
        if traced is not None:
            traced.response(response.status_code, response.headers)
        return _Reply(response.status_code, content, lambda: response.headers)

    def call(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, Any] | None = None,
        json: Any = None,
        form: Mapping[str, Any] | None = None,
        options: RequestOptions | None = None,
        auth: str | None = None,
    ) -> Any:
        """Send one request (with retries) and return the decoded JSON body."""
        otel = telemetry()
        if otel is None:
            return self._call(method, path, query, json, form, options, auth)
        return otel.call(
            method,
            path,
            self._base_url,
            lambda: self._call(method, path, query, json, form, options, auth),
        )

    def _call(
        self,
        method: str,
        path: str,
        query: Mapping[str, Any] | None,
        json: Any,
        form: Mapping[str, Any] | None,
        options: RequestOptions | None,
        auth: str | None,
    ) -> Any:
        opts = self._resolve(options)
        prep = self._prepare(method, path, query, json, form)
        prep.auth = auth
        attempt = 0
        while True:
            attempt += 1
            self._aborted(prep, opts)
            try:
                reply = self._send(prep, opts)
            except (WireFailure, OSError) as exc:
                err, retry = self._transport_error(prep, exc, attempt, opts)
                self._log(prep, str(err.body), attempt)
                if not retry:
                    raise err from exc
                delay = opts.delay(attempt, None)
                self._log_retry(prep, str(err.body), delay, attempt, opts)
                self._wait(prep, opts, delay)
                continue
            status = reply.status
            self._log(prep, status, attempt)
            if status >= 400 and self._may_retry_status(method, status, attempt, opts):
                after = _retry_after(reply.headers)
                # A server that asks for a longer pause than we may wait gets its answer
                # raised rather than a retry it said it would refuse.
                if after is None or after <= opts.max_retry_delay:
                    delay = opts.delay(attempt, after)
                    self._log_retry(prep, status, delay, attempt, opts)
                    self._wait(prep, opts, delay)
                    continue
            return self._decode(prep, reply)

    def _wait(self, prep: _Prepared, opts: ResolvedOptions, delay: float) -> None:
        self._aborted(prep, opts)
        if delay > 0:
            self._sleep(delay)

    def paginate(
        self, first: Callable[[], Any], options: RequestOptions | None, auth: str | None = None
    ) -> Paginator:
        """A lazy iterator over ``first()``'s items and the pages it links to."""
        if auth is None:
            return Paginator(first, self._fetch_page, options, is_async=False)

        def fetch(path: str, opts: RequestOptions | None) -> Any:
            return self.call("GET", path, options=opts, auth=auth)

        return Paginator(first, fetch, options, is_async=False)

    def _fetch_page(self, path: str, options: RequestOptions | None) -> Any:
        return self.call("GET", path, options=options)

    def rpc(
        self,
        path: str,
        method: str,
        params: Mapping[str, Any],
        options: RequestOptions | None = None,
    ) -> Any:
        """Send one JSON-RPC 2.0 call to ``path`` and return its ``result``."""
        envelope = self._rpc_envelope(method, params)
        return self._rpc_result(path, self.call("POST", path, json=envelope, options=options))

    def close(self) -> None:
        """Close the transport (or pool) and its connections."""
        self._transport.close()


class AsyncEngine(_EngineBase):
    """asyncio engine over a keep-alive :class:`AsyncPool` or any ``httpx.AsyncBaseTransport``."""

    is_async = True

    def __init__(
        self,
        transport: httpx.AsyncBaseTransport | AsyncPool,
        key: Key,
        netloc: str,
        auth_header: str,
        user_agent: str,
        options: RequestOptions | None,
        compat_base: str,
        subscriber_token: str | None = None,
    ) -> None:
        super().__init__(
            key, netloc, auth_header, user_agent, options, compat_base, subscriber_token
        )
        from signalwire.rest._wire_async import AsyncPool  # with the async client only

        self._transport = transport
        self._pool = transport if isinstance(transport, AsyncPool) else None
        if self._pool is not None:
            self._send = self._send_pool  # type: ignore[method-assign]

    async def _send_pool(self, prep: _Prepared, opts: ResolvedOptions) -> _Reply:
        """Default path: the request's bytes straight to the pool."""
        pool = self._pool
        assert pool is not None
        t = opts.timeout
        data, traced = self._pool_request(prep)
        head, body = await pool.send_bytes(self._key, prep.method, data, t, t)
        return self._pool_reply(head, body, traced)

    async def _send(self, prep: _Prepared, opts: ResolvedOptions) -> _Reply:
        """Through a user-chosen httpx transport."""
        import httpx

        transport = cast("httpx.AsyncBaseTransport", self._transport)  # _pool is None here
        request = self._request(prep, opts)
        traced = active()
        if traced is not None:
            traced.inject(request.headers)
        try:
            response = await transport.handle_async_request(request)
            try:
                content = await response.aread()
            finally:
                await response.aclose()
        except httpx.TransportError as exc:
            raise _wire_failure(exc) from exc
        if traced is not None:
            traced.response(response.status_code, response.headers)
        return _Reply(response.status_code, content, lambda: response.headers)

    async def call(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, Any] | None = None,
        json: Any = None,
        form: Mapping[str, Any] | None = None,
        options: RequestOptions | None = None,
        auth: str | None = None,
    ) -> Any:
        """Send one request (with retries) and return the decoded JSON body."""
        otel = telemetry()
        if otel is None:
            return await self._call(method, path, query, json, form, options, auth)
        return await otel.acall(
            method,
            path,
            self._base_url,
            lambda: self._call(method, path, query, json, form, options, auth),
        )

    async def _call(
        self,
        method: str,
        path: str,
        query: Mapping[str, Any] | None,
        json: Any,
        form: Mapping[str, Any] | None,
        options: RequestOptions | None,
        auth: str | None,
    ) -> Any:
        opts = self._resolve(options)
        prep = self._prepare(method, path, query, json, form)
        prep.auth = auth
        attempt = 0
        while True:
            attempt += 1
            self._aborted(prep, opts)
            try:
                reply = await self._send(prep, opts)
            except (WireFailure, OSError) as exc:
                err, retry = self._transport_error(prep, exc, attempt, opts)
                self._log(prep, str(err.body), attempt)
                if not retry:
                    raise err from exc
                delay = opts.delay(attempt, None)
                self._log_retry(prep, str(err.body), delay, attempt, opts)
                await self._wait(prep, opts, delay)
                continue
            status = reply.status
            self._log(prep, status, attempt)
            if status >= 400 and self._may_retry_status(method, status, attempt, opts):
                after = _retry_after(reply.headers)
                # A server that asks for a longer pause than we may wait gets its answer
                # raised rather than a retry it said it would refuse.
                if after is None or after <= opts.max_retry_delay:
                    delay = opts.delay(attempt, after)
                    self._log_retry(prep, status, delay, attempt, opts)
                    await self._wait(prep, opts, delay)
                    continue
            return self._decode(prep, reply)

    async def _wait(self, prep: _Prepared, opts: ResolvedOptions, delay: float) -> None:
        self._aborted(prep, opts)
        if delay > 0:
            import asyncio

            await asyncio.sleep(delay)

    def paginate(
        self, first: Callable[[], Any], options: RequestOptions | None, auth: str | None = None
    ) -> Paginator:
        """A lazy async iterator over ``first()``'s items and the pages it links to."""
        if auth is None:
            return Paginator(first, self._fetch_page, options, is_async=True)

        async def fetch(path: str, opts: RequestOptions | None) -> Any:
            return await self.call("GET", path, options=opts, auth=auth)

        return Paginator(first, fetch, options, is_async=True)

    async def _fetch_page(self, path: str, options: RequestOptions | None) -> Any:
        return await self.call("GET", path, options=options)

    async def rpc(
        self,
        path: str,
        method: str,
        params: Mapping[str, Any],
        options: RequestOptions | None = None,
    ) -> Any:
        """Send one JSON-RPC 2.0 call to ``path`` and return its ``result``."""
        envelope = self._rpc_envelope(method, params)
        reply = await self.call("POST", path, json=envelope, options=options)
        return self._rpc_result(path, reply)

    async def aclose(self) -> None:
        """Close the transport (or pool) and its connections."""
        await self._transport.aclose()
