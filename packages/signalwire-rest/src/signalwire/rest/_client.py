"""``RestClient`` and ``AsyncRestClient``: credentials, transport and the namespace tree."""

from __future__ import annotations

import base64
import os
from collections.abc import Awaitable, Callable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any

from signalwire.rest._generated._tree import ClientTree
from signalwire.rest._resource import seg
from signalwire.rest._version import __version__

if TYPE_CHECKING:
    import httpx

    from signalwire.rest._http import AsyncEngine, SyncEngine
    from signalwire.rest._options import RequestOptions
    from signalwire.rest._pagination import Paginator
    from signalwire.rest._wire import Key, Verify

# signalwire.core and the request engine load when the first client is built, not at
# import: `from signalwire.rest import RestClient` stays cheap. httpx loads only when a
# transport built on it is passed (the default path writes to the pools of ._wire).

__all__ = ["AsyncRestClient", "RestClient"]

#: Environment variable naming a CA bundle for TLS verification (as in signalwire-sdk).
CA_FILE_ENV = "SIGNALWIRE_REST_CA_FILE"
COMPAT_ROOT = "/api/laml/2010-04-01/Accounts"
USER_AGENT = f"signalwire-python-rest/{__version__}"


def _settings(
    project: str | None,
    token: str | None,
    host: str | None,
    environ: Mapping[str, str] | None,
) -> tuple[Key, str, str, str, str]:
    """Resolve ((scheme, host, port), netloc, auth header, compat base path, project id)."""
    from signalwire.core import resolve_credentials

    # An empty argument falls back to the environment, as in signalwire-sdk.
    creds = resolve_credentials(
        project or None, token or None, host or None, allow_jwt=False, environ=environ
    )
    project_id, api_token = creds.basic_auth()
    assert creds.space is not None  # require_space=True guarantees it
    raw = f"{project_id}:{api_token}".encode()
    auth = "Basic " + base64.b64encode(raw).decode("ascii")
    space = creds.space
    scheme = "https" if space.secure else "http"
    key = (scheme, space.host, space.port or (443 if space.secure else 80))
    return key, space.netloc, auth, f"{COMPAT_ROOT}/{seg(project_id)}", project_id


def _verify(verify: Verify | None, environ: Mapping[str, str] | None) -> Verify:
    if verify is not None:
        return verify
    env = os.environ if environ is None else environ
    return env.get(CA_FILE_ENV) or True


def _with_shortcuts(
    options: RequestOptions | None, timeout: float | None, retries: int | None
) -> RequestOptions | None:
    """``request_options`` with the client's ``timeout=``/``retries=`` shortcuts applied."""
    if timeout is None and retries is None:
        return options
    from signalwire.rest._options import RequestOptions

    if timeout is not None and (isinstance(timeout, bool) or not timeout > 0):
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    if retries is not None and (
        isinstance(retries, bool) or not isinstance(retries, int) or retries < 0
    ):
        raise ValueError(f"retries must be an integer >= 0, got {retries!r}")
    return (options or RequestOptions()).merge(RequestOptions(timeout=timeout, retries=retries))


class RestClient(ClientTree[Any]):
    """Synchronous client for the SignalWire REST and compatibility (LaML) APIs.

    ``project``, ``token`` and ``host`` fall back to ``SIGNALWIRE_PROJECT_ID``,
    ``SIGNALWIRE_API_TOKEN`` and ``SIGNALWIRE_SPACE``. ``host`` is a space
    (``example``), a host (``example.signalwire.com``), a URL, or
    ``host:port``; loopback hosts use plain http. ``space=`` is an alias.

    Every method returns the decoded JSON (``dict``, or ``list`` for the few
    endpoints that answer with an array). Use as a context manager, or call
    :meth:`close`, to release pooled connections.

    By default requests go to a lean HTTP/1.1 keep-alive pool without loading
    httpx. ``transport`` sends them through any ``httpx.BaseTransport`` instead,
    e.g. ``httpx.HTTPTransport(proxy=...)`` for a proxy or HTTP/2.
    ``verify`` (True, False, a CA bundle path or an ``ssl.SSLContext``; default
    from ``SIGNALWIRE_REST_CA_FILE``) applies to the default pool only.

    ``timeout=`` (seconds per attempt) and ``retries=`` (extra attempts) are
    shortcuts for the same fields of ``request_options``, and win over them.

    ``subscriber_token`` is a subscriber's token (from
    ``fabric.tokens.create_subscriber_token``): the operations the spec
    authenticates with a subscriber's Bearer token (``fabric.addresses.list``/
    ``get``, ``fabric.tokens.create_invite_token``) send it, every other request
    keeps the project's Basic auth. Those methods also take ``subscriber_token=``
    per call.
    """

    def __init__(
        self,
        project: str | None = None,
        token: str | None = None,
        host: str | None = None,
        request_options: RequestOptions | None = None,
        *,
        space: str | None = None,
        timeout: float | None = None,
        retries: int | None = None,
        transport: httpx.BaseTransport | None = None,
        verify: Verify | None = None,
        subscriber_token: str | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        key, netloc, auth, compat_base, project_id = _settings(
            project, token, host or space, environ
        )
        from signalwire.rest._http import SyncEngine
        from signalwire.rest._wire import SyncPool

        self._project_id = project_id
        self._engine: SyncEngine = SyncEngine(
            transport or SyncPool(verify=_verify(verify, environ)),
            key,
            netloc,
            auth,
            USER_AGENT,
            _with_shortcuts(request_options, timeout, retries),
            compat_base,
            subscriber_token=subscriber_token,
        )
        self._t = self._engine

    @property
    def project_id(self) -> str:
        """The project id used for Basic auth and as the compat ``AccountSid``."""
        return self._project_id

    @property
    def base_url(self) -> str:
        """``scheme://host[:port]`` of the API."""
        return self._engine.base_url

    def request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, Any] | None = None,
        json: Any = None,
        form: Mapping[str, Any] | None = None,
        request_options: RequestOptions | None = None,
    ) -> Any:
        """Send a request to any path (``/api/...``) with the client's auth and retries."""
        return self._engine.call(
            method.upper(), path, query=query, json=json, form=form, options=request_options
        )

    def paginate(self, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Paginator:
        """Iterate lazily over every item of any list method, following next links.

        ``client.paginate(client.logs.voice.list_events, call_id, page_size=100)``.
        """
        options = kwargs.get("request_options")
        return self._engine.paginate(lambda: method(*args, **kwargs), options)

    def close(self) -> None:
        """Close pooled connections. The client must not be used afterwards."""
        self._engine.close()

    def __enter__(self) -> RestClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<RestClient {self.base_url} project={self._project_id!r}>"


class AsyncRestClient(ClientTree[Awaitable[Any]]):
    """asyncio client with the same namespaces and arguments as :class:`RestClient`.

    Every method returns an awaitable of the decoded JSON; ``paginate()``
    results are iterated with ``async for``. Use ``async with`` or
    :meth:`aclose`. Requests may run concurrently (``asyncio.gather``); each
    uses its own pooled keep-alive connection.

    ``transport`` accepts any ``httpx.AsyncBaseTransport``, e.g.
    ``httpx.AsyncHTTPTransport()`` or ``httpx.ASGITransport(app)``.
    ``max_connections`` bounds the default pool. ``subscriber_token``
    works as on :class:`RestClient`.
    """

    def __init__(
        self,
        project: str | None = None,
        token: str | None = None,
        host: str | None = None,
        request_options: RequestOptions | None = None,
        *,
        space: str | None = None,
        timeout: float | None = None,
        retries: int | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        verify: Verify | None = None,
        max_connections: int = 100,
        subscriber_token: str | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        key, netloc, auth, compat_base, project_id = _settings(
            project, token, host or space, environ
        )
        from signalwire.rest._http import AsyncEngine
        from signalwire.rest._wire_async import AsyncPool

        self._project_id = project_id
        self._engine: AsyncEngine = AsyncEngine(
            transport
            or AsyncPool(verify=_verify(verify, environ), max_connections=max_connections),
            key,
            netloc,
            auth,
            USER_AGENT,
            _with_shortcuts(request_options, timeout, retries),
            compat_base,
            subscriber_token=subscriber_token,
        )
        self._t = self._engine

    @property
    def project_id(self) -> str:
        """The project id used for Basic auth and as the compat ``AccountSid``."""
        return self._project_id

    @property
    def base_url(self) -> str:
        """``scheme://host[:port]`` of the API."""
        return self._engine.base_url

    async def request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, Any] | None = None,
        json: Any = None,
        form: Mapping[str, Any] | None = None,
        request_options: RequestOptions | None = None,
    ) -> Any:
        """Send a request to any path (``/api/...``) with the client's auth and retries."""
        return await self._engine.call(
            method.upper(), path, query=query, json=json, form=form, options=request_options
        )

    def paginate(self, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Paginator:
        """Iterate lazily (``async for``) over every item of any list method."""
        options = kwargs.get("request_options")
        return self._engine.paginate(lambda: method(*args, **kwargs), options)

    async def aclose(self) -> None:
        """Close pooled connections. The client must not be used afterwards."""
        await self._engine.aclose()

    async def __aenter__(self) -> AsyncRestClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"<AsyncRestClient {self.base_url} project={self._project_id!r}>"
