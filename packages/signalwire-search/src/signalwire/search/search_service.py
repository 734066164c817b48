"""The search service: indexes over HTTP for agents on other machines.

Routes (vendor-compatible JSON):

* ``POST /search`` ``{"query", "index_name"="default", "count"=3,
  "similarity_threshold"=0.0, "tags", "language"}`` →
  ``{"results": [{"content", "score", "metadata"}], "query_analysis": {...}}``;
* ``GET /health`` → ``{"status": "healthy", "backend", "indexes", "ssl_enabled",
  "auth_required", "connection_string"}`` (index names only for authenticated callers);
* ``POST /reload_index?index_name=&index_path=`` swaps an index in without dropping
  requests: queries already running finish on the old index.

Every route but ``/health`` needs HTTP Basic auth. Searches run in worker threads (the
event loop never waits on SQLite or a model), bodies over ``max_request_bytes`` get 413,
more than ``max_concurrent`` searches running or waiting get 429, bad bodies 422, all as JSON.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import logging
import os
import re
import secrets
import sys
import threading
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from signalwire.search.errors import SearchError

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

    from signalwire.search.search_engine import SearchEngine

__all__ = ["SearchService"]

logger = logging.getLogger("signalwire.search")

_CONFIG_FILES = (
    "search_config.json",
    ".swml/search_config.json",
    "config.json",
    "agent_config.json",
    ".swml/config.json",
    "~/.swml/config.json",
    "/etc/swml/config.json",
)
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:\|([^}]*))?\}")
_SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"x-xss-protection", b"1; mode=block"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
]
MAX_COUNT = 100
CACHE_SIZE = 100


def _substitute(value: Any) -> Any:
    if isinstance(value, str):
        return _ENV_REF.sub(lambda m: os.environ.get(m.group(1), m.group(2) or ""), value)
    if isinstance(value, dict):
        return {k: _substitute(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v) for v in value]
    return value


class _Slot:
    """One open index and the searches using it (so a reload closes it only when idle)."""

    def __init__(self, engine: SearchEngine) -> None:
        self.engine = engine
        self.active = 0
        self.retired = False


class SearchService:
    """Serve one or more indexes over HTTP (starlette on uvicorn; extra ``service``).

    ``indexes`` maps names to ``.swsearch`` paths (or collection names with
    ``backend="pgvector"``). ``basic_auth`` defaults to the config file, then
    ``SWML_BASIC_AUTH_USER``/``SWML_BASIC_AUTH_PASSWORD``; with no password one is
    generated and printed once. ``cors_origins`` (default ``SWML_CORS_ORIGINS``, none when
    unset) allows browsers from those origins, without credentials for ``*``.
    """

    def __init__(
        self,
        port: int = 8001,
        indexes: Mapping[str, str] | None = None,
        basic_auth: tuple[str, str] | None = None,
        config_file: str | None = None,
        backend: str = "sqlite",
        connection_string: str | None = None,
        *,
        cors_origins: list[str] | None = None,
        max_request_bytes: int = 64 * 1024,
        max_concurrent: int = 256,
    ) -> None:
        if backend not in ("sqlite", "pgvector"):
            raise ValueError(f"backend must be 'sqlite' or 'pgvector', not {backend!r}")
        self.port = port
        self.backend = backend
        self.connection_string = connection_string
        self.config_file = config_file
        self._config: dict[str, Any] | None = None
        self._indexes_arg = dict(indexes) if indexes is not None else None
        self._basic_auth_arg = basic_auth
        self._cors_arg = cors_origins
        self.max_request_bytes = max_request_bytes
        self.max_concurrent = max_concurrent
        self._slots: dict[str, _Slot] = {}
        self._slot_lock = threading.Lock()
        self._inflight = 0
        self._cache: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._auth: tuple[str, str] | None = None
        self._app: Starlette | None = None
        self.ssl_enabled = False

    # -- configuration (read when first needed) ---------------------------------------------

    def _load_config(self) -> dict[str, Any]:
        if self._config is None:
            self._config = {}
            candidates = [self.config_file] if self.config_file else list(_CONFIG_FILES)
            for name in candidates:
                path = Path(os.path.expanduser(name))
                if path.is_file():
                    try:
                        loaded = json.loads(path.read_text("utf-8"))
                    except (OSError, ValueError) as exc:
                        raise SearchError(f"cannot read config file {path}: {exc}") from exc
                    if isinstance(loaded, dict):
                        self._config = _substitute(loaded)
                    break
        return self._config

    @property
    def indexes(self) -> dict[str, str]:
        """Index names and their paths (or collections)."""
        if self._indexes_arg is not None:
            return self._indexes_arg
        service = self._load_config().get("service") or {}
        found = service.get("indexes") if isinstance(service, dict) else None
        self._indexes_arg = {str(k): str(v) for k, v in (found or {}).items()}
        return self._indexes_arg

    def credentials(self) -> tuple[str, str]:
        """``(user, password)``: argument, config file, environment, else generated."""
        if self._auth is None:
            basic = ((self._load_config().get("security") or {}).get("auth") or {}).get(
                "basic"
            ) or {}
            if self._basic_auth_arg:
                self._auth = self._basic_auth_arg
            elif basic.get("user") and basic.get("password"):
                self._auth = (str(basic["user"]), str(basic["password"]))
            else:
                user = os.environ.get("SWML_BASIC_AUTH_USER") or "signalwire"
                password = os.environ.get("SWML_BASIC_AUTH_PASSWORD")
                if not password:
                    password = secrets.token_urlsafe(32)
                    print(
                        f"Search service: no password configured (SWML_BASIC_AUTH_PASSWORD); "
                        f"generated for this process: {user}:{password}",
                        file=sys.stderr,
                    )
                self._auth = (user, password)
        return self._auth

    def _engine_for(self, target: str) -> SearchEngine:
        from signalwire.search.search_engine import SearchEngine

        if self.backend == "pgvector":
            return SearchEngine(
                backend="pgvector", connection_string=self.connection_string, collection_name=target
            )
        return SearchEngine(index_path=target)

    def _open(self) -> None:
        with self._slot_lock:
            if self._slots:
                return
            for name, target in self.indexes.items():
                self._slots[name] = _Slot(self._engine_for(target))

    # -- the search itself ------------------------------------------------------------------

    def _acquire(self, index_name: str) -> _Slot | None:
        self._open()
        with self._slot_lock:
            slot = self._slots.get(index_name)
            if slot is not None:
                slot.active += 1
            return slot

    def _release(self, slot: _Slot) -> None:
        with self._slot_lock:
            slot.active -= 1
            close = slot.retired and slot.active == 0
        if close:
            slot.engine.close()

    def search_direct(
        self,
        query: str,
        index_name: str = "default",
        count: int = 3,
        distance: float = 0.0,
        tags: list[str] | None = None,
        language: str | None = None,
    ) -> dict[str, Any]:
        """Search without HTTP: ``{"results": [...], "query_analysis": {...}}``.

        Raises ``KeyError`` for an unknown index and ``ValueError`` for bad arguments.
        """
        from signalwire.search.query_processor import drop_corpus_terms, preprocess_query

        key = hashlib.sha256(
            json.dumps(
                [
                    query.lower().strip(),
                    index_name,
                    count,
                    sorted(tags or []),
                    distance,
                    language or "auto",
                ]
            ).encode()
        ).hexdigest()
        with self._slot_lock:
            cached = self._cache.get(key)
        if cached is not None:
            return cached
        slot = self._acquire(index_name)
        if slot is None:
            raise KeyError(index_name)
        try:
            engine = slot.engine
            cleaned = drop_corpus_terms(query, engine.query_stopwords)
            analysis = preprocess_query(cleaned, language=language or "auto")
            vector = engine.embed_query(analysis["enhanced_text"])
            results = engine.search(
                vector, analysis["enhanced_text"], count, distance, tags, original_query=query
            )
        finally:
            self._release(slot)
        answer = {
            "results": [
                {"content": r["content"], "score": r["score"], "metadata": r["metadata"]}
                for r in results
            ],
            "query_analysis": {
                "original_query": query,
                "enhanced_query": analysis["enhanced_text"],
                "detected_language": analysis["language"],
                "pos_analysis": analysis["POS"],
            },
        }
        with self._slot_lock:
            self._cache[key] = answer
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return answer

    def reload_index(self, index_name: str, index_path: str) -> None:
        """Open ``index_path`` and serve it as ``index_name``; searches running on the old
        index finish there, and it is closed when the last one does."""
        self._open()
        engine = self._engine_for(index_path)
        with self._slot_lock:
            old = self._slots.get(index_name)
            self._slots[index_name] = _Slot(engine)
            self.indexes[index_name] = index_path
            close = False
            if old is not None:
                old.retired = True
                close = old.active == 0
            self._cache.clear()
        if old is not None and close:
            old.engine.close()

    # -- HTTP -------------------------------------------------------------------------------

    @property
    def app(self) -> Starlette:
        """The ASGI app (built on first access)."""
        if self._app is None:
            self._app = self._build_app()
        return self._app

    def _authorized(self, request: Request) -> bool:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "basic" or not token:
            return False
        try:
            user, sep, password = (
                base64.b64decode(token, validate=True).decode("utf-8").partition(":")
            )
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return False
        want_user, want_password = self.credentials()
        return (
            bool(sep)
            and secrets.compare_digest(user.encode(), want_user.encode())
            and secrets.compare_digest(password.encode(), want_password.encode())
        )

    def _build_app(self) -> Starlette:
        try:
            from starlette.applications import Starlette
            from starlette.concurrency import run_in_threadpool
            from starlette.middleware import Middleware
            from starlette.responses import JSONResponse
            from starlette.routing import Route
        except ImportError as exc:
            from signalwire.search.errors import MissingDependencyError

            raise MissingDependencyError("The search service", "service", "starlette") from exc
        self.credentials()

        def error(status: int, detail: str, **headers: str) -> Response:
            return JSONResponse({"detail": detail}, status_code=status, headers=headers or None)

        def unauthorized() -> Response:
            return error(401, "Invalid credentials", **{"WWW-Authenticate": 'Basic realm="search"'})

        async def read_json(request: Request) -> Any:
            declared = request.headers.get("content-length")
            if declared is not None and (
                not declared.isdigit() or int(declared) > self.max_request_bytes
            ):
                raise _HTTPProblem(413, f"request body over {self.max_request_bytes} bytes")
            body = bytearray()
            async for part in request.stream():
                body += part
                if len(body) > self.max_request_bytes:
                    raise _HTTPProblem(413, f"request body over {self.max_request_bytes} bytes")
            try:
                return json.loads(body)
            except (ValueError, RecursionError) as exc:
                raise _HTTPProblem(422, "the body is not valid JSON") from exc

        def field(data: dict[str, Any], name: str, kinds: tuple[type, ...], default: Any) -> Any:
            value = data.get(name, default)
            if value is None:
                return default
            if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
                raise _HTTPProblem(
                    422, f"'{name}' must be {' or '.join(k.__name__ for k in kinds)}"
                )
            return value

        async def search(request: Request) -> Response:
            if not self._authorized(request):
                return unauthorized()
            try:
                data = await read_json(request)
                if not isinstance(data, dict):
                    raise _HTTPProblem(422, "the body must be a JSON object")
                query = data.get("query")
                if not isinstance(query, str):
                    raise _HTTPProblem(422, "'query' (a string) is required")
                index_name = field(data, "index_name", (str,), "default")
                count = field(data, "count", (int,), 3)
                threshold = field(data, "similarity_threshold", (int, float), 0.0)
                tags = field(data, "tags", (list,), None)
                language = field(data, "language", (str,), None)
                if not 1 <= count <= MAX_COUNT:
                    raise _HTTPProblem(422, f"'count' must be from 1 to {MAX_COUNT}")
                if not 0 <= threshold <= 1:
                    raise _HTTPProblem(422, "'similarity_threshold' must be from 0 to 1")
                if tags is not None and not all(isinstance(t, str) for t in tags):
                    raise _HTTPProblem(422, "'tags' must be a list of strings")
                if language is not None and language not in ("auto", "en", "es"):
                    language = "en"
            except _HTTPProblem as problem:
                return error(problem.status, problem.detail)
            if index_name not in self.indexes:
                return error(404, f"Index '{index_name}' not found")
            if self._inflight >= self.max_concurrent:
                return error(
                    429, "too many searches at once; try again shortly", **{"Retry-After": "1"}
                )
            self._inflight += 1
            try:
                answer = await run_in_threadpool(
                    self.search_direct, query, index_name, count, float(threshold), tags, language
                )
            except KeyError:
                return error(404, f"Index '{index_name}' not found")
            except ValueError as exc:
                return error(422, str(exc))
            except SearchError as exc:
                logger.warning("search on %r failed: %s", index_name, exc)
                return error(503, f"the index '{index_name}' cannot be searched right now")
            finally:
                self._inflight -= 1
            return JSONResponse(answer)

        async def health(request: Request) -> Response:
            body: dict[str, Any] = {
                "status": "healthy",
                "backend": self.backend,
                "ssl_enabled": self.ssl_enabled,
                "auth_required": True,
                "connection_string": "***" if self.connection_string else None,
            }
            # Index names only for callers who may search them.
            body["indexes"] = sorted(self.indexes) if self._authorized(request) else []
            return JSONResponse(body)

        async def reload(request: Request) -> Response:
            if not self._authorized(request):
                return unauthorized()
            name = request.query_params.get("index_name") or ""
            path = request.query_params.get("index_path") or ""
            if not name or not path:
                return error(422, "index_name and index_path are required")
            if self.backend == "sqlite":
                if ".." in Path(path).parts:
                    return error(400, "Invalid index path")
                if not path.endswith(".swsearch"):
                    return error(400, "Index path must end with .swsearch")
                if not await run_in_threadpool(Path(path).is_file):
                    return error(400, "Index file not found")
            try:
                await run_in_threadpool(self.reload_index, name, path)
            except (SearchError, ValueError, OSError) as exc:
                return error(400, f"cannot open the index: {exc}")
            return JSONResponse({"status": "reloaded", "index": name, "backend": self.backend})

        middleware = [Middleware(_SecurityHeaders)]
        origins = self._cors_arg
        if origins is None:
            env = os.environ.get("SWML_CORS_ORIGINS", "").strip()
            origins = [o.strip() for o in env.split(",") if o.strip()] if env else []
        if origins:
            from starlette.middleware.cors import CORSMiddleware

            middleware.append(
                Middleware(
                    CORSMiddleware,
                    allow_origins=origins,
                    allow_methods=["GET", "POST"],
                    allow_headers=["authorization", "content-type"],
                    allow_credentials="*" not in origins,
                )
            )
        return Starlette(
            routes=[
                Route("/search", search, methods=["POST"]),
                Route("/health", health, methods=["GET"]),
                Route("/reload_index", reload, methods=["POST"]),
            ],
            middleware=middleware,
            exception_handlers={
                404: lambda request, exc: error(404, "Not Found"),
                405: lambda request, exc: error(405, "Method Not Allowed"),
                500: lambda request, exc: error(500, "Internal Server Error"),
            },
        )

    def start(
        self,
        host: str = "0.0.0.0",  # noqa: S104 - the vendor default; every search needs auth
        port: int | None = None,
        ssl_cert: str | None = None,
        ssl_key: str | None = None,
    ) -> None:
        """Serve until interrupted (uvicorn). SSL from the arguments, else
        ``SWML_SSL_ENABLED`` with ``SWML_SSL_CERT_PATH``/``SWML_SSL_KEY_PATH``."""
        import uvicorn

        if not (ssl_cert and ssl_key) and os.environ.get("SWML_SSL_ENABLED", "").lower() in (
            "1",
            "true",
            "yes",
        ):
            ssl_cert = os.environ.get("SWML_SSL_CERT_PATH")
            ssl_key = os.environ.get("SWML_SSL_KEY_PATH")
            if not (ssl_cert and ssl_key and Path(ssl_cert).is_file() and Path(ssl_key).is_file()):
                logger.warning(
                    "SWML_SSL_ENABLED is set but the certificate or key file is missing: serving http"
                )
                ssl_cert = ssl_key = None
        self.ssl_enabled = bool(ssl_cert and ssl_key)
        app = self.app
        self._open()
        user, _ = self.credentials()
        scheme = "https" if self.ssl_enabled else "http"
        print(
            f"SignalWire Search Service on {scheme}://{host}:{port or self.port}", file=sys.stderr
        )
        print(f"  Indexes: {', '.join(sorted(self.indexes)) or '(none)'}", file=sys.stderr)
        print(f"  Basic Auth: {user}:(credentials configured)", file=sys.stderr)
        uvicorn.run(
            app,
            host=host,
            port=port or self.port,
            ssl_certfile=ssl_cert,
            ssl_keyfile=ssl_key,
            log_level="warning",
        )

    def stop(self) -> None:
        """Close every open index."""
        with self._slot_lock:
            slots, self._slots = list(self._slots.values()), {}
        for slot in slots:
            with contextlib.suppress(Exception):
                slot.engine.close()


class _HTTPProblem(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


class _SecurityHeaders:
    """Adds the usual hardening headers to every response."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *_SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)
