"""The request engine shared by both clients: encoding, retries, error mapping.

Each request is an ``httpx.Request`` handed to an httpx transport through
httpx's public transport interface: by default :class:`~signalwire.rest.LeanTransport`
(a lean HTTP/1.1 keep-alive pool, see :mod:`signalwire.rest._lean`), or any
transport the user passes (``httpx.HTTPTransport`` for proxies or HTTP/2,
``httpx.ASGITransport``, ``httpx.MockTransport``...). The client layer of httpx
(cookies, redirects, auth flows, event hooks) is not needed for a JSON API with a
fixed Basic-auth header, so the engine talks to the transport directly.
"""

from __future__ import annotations

import asyncio
import json as jsonlib
import logging
import time
import uuid
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from signalwire.rest._errors import (
    SignalWireRestError,
    SignalWireRestTimeoutError,
    SignalWireRestTransportError,
    rest_error,
)
from signalwire.rest._options import RequestOptions, ResolvedOptions
from signalwire.rest._otel import active, telemetry
from signalwire.rest._pagination import Paginator
from signalwire.rest._wire import (
    ConnectFailed,
    ConnectTimedOut,
    Key,
    ReadFailed,
    ReadTimedOut,
    WireFailure,
    WriteTimedOut,
)

if TYPE_CHECKING:
    import httpx

__all__ = ["AsyncEngine", "SyncEngine"]

log = logging.getLogger("signalwire.rest")

IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
#: Statuses that mean "not processed, try later": retried for every method.
ALWAYS_RETRYABLE = frozenset({429, 503})
_JSON = "application/json"
_FORM = "application/x-www-form-urlencoded"
_NO_CONTENT = frozenset({204, 205, 304})
_URL_CACHE_SIZE = 512


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
        self._options = options or RequestOptions()
        self._resolved_default = self._options.resolve()
        self._timeouts = self._timeout_ext(self._resolved_default.timeout)
        self._compat_base = compat_base
        self._url_cache: dict[str, httpx.URL] = {}
        self._header_cache: dict[str | None, httpx.Headers] = {}

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
        return self._options.merge(options).resolve()

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
        if log.isEnabledFor(logging.DEBUG):
            path = prep.url[len(self._base_url) :].split("?", 1)[0]
            log.debug("%s %s -> %s (attempt %d)", prep.method, path, outcome, attempt)

    def _log_retry(
        self, prep: _Prepared, cause: int | str, delay: float, attempt: int, opts: ResolvedOptions
    ) -> None:
        """Say what is retried and why: ``retrying after 503 in 0.50 s``."""
        traced = active()
        if traced is not None:
            traced.retry(cause, delay, attempt)
        if log.isEnabledFor(logging.DEBUG):
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
    """Blocking engine over a lean pool or any ``httpx.BaseTransport``."""

    def __init__(
        self,
        transport: httpx.BaseTransport,
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

    def _send(self, prep: _Prepared, opts: ResolvedOptions) -> _Reply:
        import httpx

        transport = self._transport
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
        """Close the transport and its connections."""
        self._transport.close()


class AsyncEngine(_EngineBase):
    """asyncio engine over a lean pool or any ``httpx.AsyncBaseTransport``."""

    is_async = True

    def __init__(
        self,
        transport: httpx.AsyncBaseTransport,
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
        self._transport = transport

    async def _send(self, prep: _Prepared, opts: ResolvedOptions) -> _Reply:
        import httpx

        transport = self._transport
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
        """Close the transport and its connections."""
        await self._transport.aclose()
