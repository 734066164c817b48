"""Fakes of the outside services the agents' built-in skills call.

One Starlette app, `FakeServices`, answers each service under its own path
prefix with the response shapes the services document, so a skill's base URL
parameter points at ``<server>/<prefix>``:

=====================  ===========================================================
prefix                 service (the real base URL)
=====================  ===========================================================
``/weatherapi/v1``     WeatherAPI.com (``https://api.weatherapi.com/v1``)
``/api-ninjas/v1``     API Ninjas jokes, dad jokes, trivia (``https://api.api-ninjas.com/v1``)
``/google-cse``        Google Custom Search JSON API (``https://www.googleapis.com/customsearch/v1``)
``/wikipedia``         MediaWiki action API (``https://en.wikipedia.org/w/api.php``)
``/google-maps``       Places API (``https://maps.googleapis.com``)
``/google-routes``     Routes API (``https://routes.googleapis.com``)
``/mcp``               an MCP Gateway (health, services, tools, call, sessions)
``/site``              web pages for the spider and for search results to scrape
=====================  ===========================================================

Controls (thread-safe; the app usually runs in a `BackgroundServer`):
``fail(prefix, status, body=..., times=..., delay=..., disconnect=...)``,
``data`` (the canned records each service answers from, editable per test),
``pages`` (path under ``/site/`` -> (content type, body bytes or a callable
giving an async iterator of chunks; a content type ``redirect:<url>`` answers
302), plus ``"/robots.txt"`` for the site root's robots file), ``journal`` (every request) and
``reset()``. API keys are checked: ``api_key`` (default ``"test-key"``) is the
one accepted key for every keyed service.

It speaks raw JSON and never imports ``signalwire.*``.
"""

from __future__ import annotations

import asyncio
import copy
import json
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

__all__ = ["DEFAULT_DATA", "Failure", "FakeServices", "Recorded"]

ChunkSource = Callable[[], AsyncIterator[bytes]]

#: What each service answers with by default (deep-copied per app and on reset).
DEFAULT_DATA: dict[str, Any] = {
    "weather": {
        "location": {"name": "London", "region": "City of London", "country": "United Kingdom"},
        "current": {
            "temp_c": 12.0,
            "temp_f": 53.6,
            "condition": {"text": "Partly cloudy", "code": 1003},
            "wind_mph": 8.1,
            "wind_kph": 13.0,
            "wind_dir": "SW",
            "cloud": 50,
            "humidity": 72,
            "feelslike_c": 10.5,
            "feelslike_f": 50.9,
        },
    },
    "weather_unknown_locations": ["atlantis"],
    "jokes": [{"joke": "I told a joke about a broken pencil, but it was pointless."}],
    "dadjokes": [{"joke": "I'm reading a book on anti-gravity. It's impossible to put down."}],
    "trivia": {
        "general": [
            {
                "category": "general",
                "question": "How many sides does a hexagon have",
                "answer": "Six",
            }
        ]
    },
    "cse_items": [
        {
            "title": "Example result one",
            "link": "/site/result1.html",
            "displayLink": "example.org",
            "snippet": "The first result's snippet.",
        },
        {
            "title": "Example result two",
            "link": "/site/result2.html",
            "displayLink": "example.org",
            "snippet": "The second result's snippet.",
        },
    ],
    "wiki_articles": {
        "Python (programming language)": (
            "Python is a high-level, general-purpose programming language."
        ),
        "Monty Python": "Monty Python were a British comedy troupe.",
    },
    "places": [
        {
            "place_id": "place-1",
            "name": "Walmart Supercenter",
            "formatted_address": "123 Main St, Springfield, IL 62701, USA",
            "vicinity": "123 Main St, Springfield",
            "types": ["department_store", "store", "point_of_interest", "establishment"],
            "location": {"lat": 39.7817, "lng": -89.6501},
        },
        {
            "place_id": "place-2",
            "name": "714 East Street",
            "formatted_address": "714 East St, Springfield, IL 62703, USA",
            "vicinity": "714 East St, Springfield",
            "types": ["street_address"],
            "location": {"lat": 39.7900, "lng": -89.6400},
        },
    ],
    "route": {"distanceMeters": 16093, "duration": "1260s"},
    "mcp_services": {
        "todo": {
            "description": "A to-do list",
            "tools": [
                {
                    "name": "add_item",
                    "description": "Add an item to the list",
                    "inputSchema": {
                        "type": "object",
                        "properties": {
                            "text": {"type": "string", "description": "The item"},
                            "priority": {
                                "type": "string",
                                "description": "How urgent",
                                "enum": ["low", "high"],
                                "default": "low",
                            },
                        },
                        "required": ["text"],
                    },
                },
                {
                    "name": "list_items",
                    "description": "List the items",
                    "inputSchema": {"type": "object", "properties": {}},
                },
            ],
        },
        "calc": {
            "description": "Arithmetic",
            "tools": [
                {
                    "name": "add",
                    "description": "Add two numbers",
                    "inputSchema": {
                        "type": "object",
                        "properties": {
                            "a": {"type": "number", "description": "First"},
                            "b": {"type": "number", "description": "Second"},
                        },
                        "required": ["a", "b"],
                    },
                }
            ],
        },
    },
}


class _Disconnect(Response):
    """Starts an answer and drops the connection mid-body (a transport error for the client)."""

    def __init__(self) -> None:
        super().__init__(status_code=200)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/html"), (b"content-length", b"64")],
            }
        )
        await send({"type": "http.response.body", "body": b"<html", "more_body": True})
        raise ConnectionResetError("fake services: injected connection drop")


@dataclass
class Recorded:
    """One request the fake received (header names lower-case)."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


@dataclass
class Failure:
    """An injected failure for requests whose path starts with ``prefix``."""

    prefix: str
    status: int = 500
    body: Any = None
    times: int | None = None
    delay: float = 0.0
    disconnect: bool = False
    raw_body: bytes | None = None
    content_type: str = "application/json"


@dataclass
class _State:
    data: dict[str, Any] = field(default_factory=lambda: copy.deepcopy(DEFAULT_DATA))
    failures: list[Failure] = field(default_factory=list)
    journal: list[Recorded] = field(default_factory=list)
    pages: dict[str, tuple[str, bytes | ChunkSource]] = field(default_factory=dict)
    mcp_sessions_deleted: list[str] = field(default_factory=list)


def _default_pages() -> dict[str, tuple[str, bytes | ChunkSource]]:
    html = "text/html; charset=utf-8"
    return {
        "result1.html": (
            html,
            b"<html><head><title>Result one</title><style>p{}</style></head><body>"
            b"<nav>Menu</nav><main><h1>First page</h1><p>Python is a programming language "
            b"that lets you work quickly and integrate systems more effectively. It is used "
            b"for web development, data analysis, automation and much more besides.</p>"
            b"<script>alert('x')</script></main><footer>Footer</footer></body></html>",
        ),
        "result2.html": (
            html,
            b"<html><head><title>Result two</title></head><body><article><h2>Second</h2>"
            b"<p>Python was created by Guido van Rossum and first released in 1991. Its "
            b"design philosophy emphasises code readability with significant indentation."
            b"</p></article></body></html>",
        ),
    }


class FakeServices(Starlette):
    """The fake outside services; see the module docstring."""

    def __init__(self, api_key: str = "test-key") -> None:
        self.api_key = api_key
        #: ``http://127.0.0.1:<port>`` once served (the ``fake_services`` fixture sets it).
        self.base_url = ""
        self._lock = threading.Lock()
        self._state = _State(pages=_default_pages())
        super().__init__(
            routes=[
                Route(
                    "/{path:path}",
                    self._endpoint,
                    methods=["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"],
                )
            ]
        )

    # -- controls -------------------------------------------------------------

    @property
    def data(self) -> dict[str, Any]:
        """The canned records (edit them in a test; `reset` restores the defaults)."""
        return self._state.data

    @property
    def pages(self) -> dict[str, tuple[str, bytes | ChunkSource]]:
        """Pages served under ``/site/``: name -> (content type, body or chunk source)."""
        return self._state.pages

    @property
    def journal(self) -> list[Recorded]:
        """Every request received, oldest first."""
        with self._lock:
            return list(self._state.journal)

    def requests_to(self, prefix: str) -> list[Recorded]:
        """The journal entries whose path starts with ``prefix``."""
        return [r for r in self.journal if r.path.startswith(prefix)]

    @property
    def mcp_sessions_deleted(self) -> list[str]:
        """Session ids the MCP gateway was asked to close."""
        return list(self._state.mcp_sessions_deleted)

    def fail(
        self,
        prefix: str,
        status: int = 500,
        *,
        body: Any = None,
        times: int | None = None,
        delay: float = 0.0,
        disconnect: bool = False,
        raw_body: bytes | None = None,
        content_type: str = "application/json",
    ) -> Failure:
        """Make requests under ``prefix`` fail (``status=0`` with ``delay`` only delays)."""
        failure = Failure(prefix, status, body, times, delay, disconnect, raw_body, content_type)
        with self._lock:
            self._state.failures.append(failure)
        return failure

    def reset(self) -> None:
        """Restore the default data and pages; clear failures and the journal."""
        with self._lock:
            self._state = _State(pages=_default_pages())

    # -- dispatch -------------------------------------------------------------

    async def _endpoint(self, request: Request) -> Response:
        raw = await request.body()
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        path = "/" + request.path_params["path"]
        record = Recorded(
            request.method,
            path,
            dict(request.query_params),
            {k.lower(): v for k, v in request.headers.items()},
            body,
        )
        with self._lock:
            self._state.journal.append(record)
            failure = self._take_failure(path)
        if failure is not None:
            if failure.delay:
                await asyncio.sleep(failure.delay)
            if failure.disconnect:
                return _Disconnect()
            if failure.status:
                if failure.raw_body is not None:
                    return Response(
                        failure.raw_body, failure.status, media_type=failure.content_type
                    )
                return JSONResponse(
                    failure.body if failure.body is not None else {"error": "injected failure"},
                    failure.status,
                )
        for prefix, handler in self._handlers():
            if path.startswith(prefix):
                return await handler(request, path[len(prefix) :], record)
        return JSONResponse({"error": f"no fake service at {path}"}, 404)

    def _take_failure(self, path: str) -> Failure | None:
        for failure in self._state.failures:
            if path.startswith(failure.prefix) and failure.times != 0:
                if failure.times is not None:
                    failure.times -= 1
                return failure
        return None

    def _handlers(self) -> list[tuple[str, Callable[..., Awaitable[Response]]]]:
        return [
            ("/weatherapi/v1", self._weather),
            ("/api-ninjas/v1", self._ninjas),
            ("/google-cse", self._cse),
            ("/wikipedia", self._wikipedia),
            ("/google-maps", self._places),
            ("/google-routes", self._routes),
            ("/mcp", self._mcp),
            ("/site/", self._site),
            ("/robots.txt", self._robots),
        ]

    # -- services -------------------------------------------------------------

    async def _weather(self, request: Request, rest: str, record: Recorded) -> Response:
        if rest != "/current.json":
            return JSONResponse(
                {"error": {"code": 1005, "message": "API request url is invalid"}}, 400
            )
        key = record.query.get("key")
        if not key:
            return JSONResponse(
                {"error": {"code": 1002, "message": "API key is invalid or not provided."}}, 401
            )
        if key != self.api_key:
            return JSONResponse(
                {"error": {"code": 2006, "message": "API key provided is invalid"}}, 401
            )
        q = record.query.get("q", "")
        if not q:
            return JSONResponse(
                {"error": {"code": 1003, "message": "Parameter q is missing."}}, 400
            )
        if q.lower() in self.data["weather_unknown_locations"]:
            return JSONResponse(
                {"error": {"code": 1006, "message": "No matching location found."}}, 400
            )
        answer = copy.deepcopy(self.data["weather"])
        answer["location"]["name"] = q
        return JSONResponse(answer)

    async def _ninjas(self, request: Request, rest: str, record: Recorded) -> Response:
        key = record.headers.get("x-api-key")
        if not key:
            return JSONResponse({"error": "Missing API Key."}, 400)
        if key != self.api_key:
            return JSONResponse({"error": "Invalid API Key."}, 400)
        if rest in ("/jokes", "/dadjokes"):
            return JSONResponse(self.data[rest[1:]])
        if rest == "/trivia":
            category = record.query.get("category", "general")
            return JSONResponse(self.data["trivia"].get(category, []))
        return JSONResponse({"error": "Not found."}, 404)

    async def _cse(self, request: Request, rest: str, record: Recorded) -> Response:
        q = record.query
        if q.get("key") != self.api_key:
            return JSONResponse(
                {
                    "error": {
                        "code": 400,
                        "message": "API key not valid.",
                        "status": "INVALID_ARGUMENT",
                    }
                },
                400,
            )
        if not q.get("cx") or not q.get("q"):
            return JSONResponse(
                {
                    "error": {
                        "code": 400,
                        "message": "Missing cx or q.",
                        "status": "INVALID_ARGUMENT",
                    }
                },
                400,
            )
        base = str(request.base_url).rstrip("/")
        items = []
        for item in self.data["cse_items"][: int(q.get("num", "10") or 10)]:
            item = dict(item)
            if str(item.get("link", "")).startswith("/"):
                item["link"] = base + item["link"]
            items.append(item)
        answer: dict[str, Any] = {
            "kind": "customsearch#search",
            "searchInformation": {"totalResults": str(len(items))},
        }
        if items:
            answer["items"] = items
        return JSONResponse(answer)

    async def _wikipedia(self, request: Request, rest: str, record: Recorded) -> Response:
        q = record.query
        if rest != "/w/api.php" or q.get("action") != "query" or q.get("format") != "json":
            return JSONResponse({"error": {"code": "badparams", "info": "Unsupported request."}})
        articles: dict[str, str] = self.data["wiki_articles"]
        if q.get("list") == "search":
            term = q.get("srsearch", "").lower()
            limit = int(q.get("srlimit", "10") or 10)
            hits = [
                {"ns": 0, "title": title, "pageid": 1000 + i, "snippet": text[:40]}
                for i, (title, text) in enumerate(articles.items())
                if any(word in (title + " " + text).lower() for word in term.split())
            ]
            return JSONResponse(
                {
                    "batchcomplete": "",
                    "query": {"searchinfo": {"totalhits": len(hits)}, "search": hits[:limit]},
                }
            )
        if q.get("prop") == "extracts":
            title = q.get("titles", "")
            if title in articles:
                page = {
                    "pageid": 1000 + list(articles).index(title),
                    "ns": 0,
                    "title": title,
                    "extract": articles[title],
                }
                return JSONResponse(
                    {"batchcomplete": "", "query": {"pages": {str(page["pageid"]): page}}}
                )
            return JSONResponse(
                {"query": {"pages": {"-1": {"ns": 0, "title": title, "missing": ""}}}}
            )
        return JSONResponse({"error": {"code": "badparams", "info": "Unsupported query."}})

    def _place_result(self, place: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "place_id": place["place_id"],
            "name": place["name"],
            "formatted_address": place["formatted_address"],
            "vicinity": place["vicinity"],
            "types": place["types"],
            "geometry": {"location": place["location"]},
        }

    async def _places(self, request: Request, rest: str, record: Recorded) -> Response:
        q = record.query
        if q.get("key") != self.api_key:
            return JSONResponse(
                {"status": "REQUEST_DENIED", "error_message": "The provided API key is invalid."}
            )
        places: list[dict[str, Any]] = self.data["places"]
        if rest == "/maps/api/place/autocomplete/json":
            text = q.get("input", "").lower()
            found = [
                p
                for p in places
                if text and (text in p["name"].lower() or text in p["formatted_address"].lower())
            ]
            if not found:
                return JSONResponse({"status": "ZERO_RESULTS", "predictions": []})
            return JSONResponse(
                {
                    "status": "OK",
                    "predictions": [
                        {"description": p["formatted_address"], "place_id": p["place_id"]}
                        for p in found
                    ],
                }
            )
        if rest == "/maps/api/place/details/json":
            for p in places:
                if p["place_id"] == q.get("place_id"):
                    return JSONResponse({"status": "OK", "result": self._place_result(p)})
            return JSONResponse({"status": "NOT_FOUND"})
        if rest == "/maps/api/place/nearbysearch/json":
            keyword = q.get("keyword", "").lower()
            found = [
                self._place_result(p) for p in places if keyword and keyword in p["name"].lower()
            ]
            return JSONResponse({"status": "OK" if found else "ZERO_RESULTS", "results": found})
        return JSONResponse({"status": "INVALID_REQUEST"}, 404)

    async def _routes(self, request: Request, rest: str, record: Recorded) -> Response:
        if rest != "/directions/v2:computeRoutes" or request.method != "POST":
            return JSONResponse({"error": {"code": 404, "status": "NOT_FOUND"}}, 404)
        if record.headers.get("x-goog-api-key") != self.api_key:
            return JSONResponse(
                {
                    "error": {
                        "code": 403,
                        "message": "API key not valid.",
                        "status": "PERMISSION_DENIED",
                    }
                },
                403,
            )
        if not record.headers.get("x-goog-fieldmask"):
            return JSONResponse(
                {
                    "error": {
                        "code": 400,
                        "message": "FieldMask is a required parameter.",
                        "status": "INVALID_ARGUMENT",
                    }
                },
                400,
            )
        body = record.body if isinstance(record.body, dict) else {}
        for end in ("origin", "destination"):
            lat_lng = (((body.get(end) or {}).get("location") or {}).get("latLng")) or {}
            if not isinstance(lat_lng.get("latitude"), (int, float)) or not isinstance(
                lat_lng.get("longitude"), (int, float)
            ):
                return JSONResponse(
                    {
                        "error": {
                            "code": 400,
                            "message": f"Invalid {end}.",
                            "status": "INVALID_ARGUMENT",
                        }
                    },
                    400,
                )
        route = self.data["route"]
        return JSONResponse({"routes": [route]} if route else {})

    async def _mcp(self, request: Request, rest: str, record: Recorded) -> Response:
        expected = f"Bearer {self.api_key}"
        auth = record.headers.get("authorization", "")
        if rest != "/health" and auth != expected and not auth.startswith("Basic "):
            return JSONResponse({"error": "Unauthorized"}, 401)
        services: dict[str, Any] = self.data["mcp_services"]
        parts = [p for p in rest.split("/") if p]
        if parts == ["health"]:
            return JSONResponse({"status": "healthy"})
        if parts == ["services"]:
            return JSONResponse(
                {name: {"description": s["description"]} for name, s in services.items()}
            )
        if len(parts) == 3 and parts[0] == "services" and parts[1] in services:
            service = services[parts[1]]
            if parts[2] == "tools" and request.method == "GET":
                return JSONResponse({"tools": service["tools"]})
            if parts[2] == "call" and request.method == "POST":
                body = record.body if isinstance(record.body, dict) else {}
                names = {t["name"] for t in service["tools"]}
                if body.get("tool") not in names:
                    return JSONResponse({"error": f"Unknown tool {body.get('tool')!r}"}, 404)
                return JSONResponse(
                    {
                        "result": f"{body['tool']} called with {json.dumps(body.get('arguments'), sort_keys=True)}"
                    }
                )
        if len(parts) == 2 and parts[0] == "sessions" and request.method == "DELETE":
            with self._lock:
                self._state.mcp_sessions_deleted.append(parts[1])
            return JSONResponse({"status": "closed"})
        return JSONResponse({"error": "Not found"}, 404)

    async def _robots(self, request: Request, rest: str, record: Recorded) -> Response:
        # Served from pages["/robots.txt"] when a test sets it; a 404 otherwise.
        entry = self.pages.get("/robots.txt")
        if entry is None:
            return Response(b"", 404, media_type="text/plain")
        return Response(entry[1] if isinstance(entry[1], bytes) else b"", media_type=entry[0])

    async def _site(self, request: Request, rest: str, record: Recorded) -> Response:
        entry = self.pages.get(rest)
        if entry is None:
            return Response(b"<html><body>Not found</body></html>", 404, media_type="text/html")
        content_type, content = entry
        if callable(content):
            return StreamingResponse(content(), media_type=content_type)
        if content_type.startswith("redirect:"):
            return Response(b"", 302, headers={"location": content_type[len("redirect:") :]})
        return Response(content, media_type=content_type)
