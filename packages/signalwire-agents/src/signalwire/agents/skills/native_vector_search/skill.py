"""The ``native_vector_search`` skill: the agent answers from your documents.

Tool ``search_knowledge`` (or ``tool_name``; arguments ``query`` and ``count``) searches
one knowledge index and hands the AI the best passages:

* a local ``.swsearch`` file (``index_file``; built from ``source_dir`` when
  ``build_index`` is set and the file does not exist yet),
* a pgvector collection (``backend="pgvector"``, ``connection_string``,
  ``collection_name``), shared by many agent replicas,
* a search service (``remote_url``, with ``user:password@`` for Basic auth).

The search itself lives in the separate ``signalwire-search`` package, imported on
first use. Without it the tool is still registered; it answers with a short sentence
and the log names the package to install.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from signalwire.agents import FunctionResult
from signalwire.agents.skills import SkillBase
from signalwire.agents.skills._params import text_param

NOT_INSTALLED = "Knowledge search is not available right now, so I can't look that up."
NO_INDEX = "The knowledge base is not available right now, so I can't look that up."
SERVICE_DOWN = "The knowledge search service is not answering right now. Please try again later."
FAILED = "Sorry, I couldn't search the knowledge base just now. Please try rephrasing the question."
EMPTY_QUERY = "Please tell me what to search for."
TOO_LONG = "That question is too long to search; please ask it in fewer words."
DEFAULT_NO_RESULTS = "No information found for '{query}'"
DEFAULT_DESCRIPTION = "Search the local knowledge base for information"
_HINTS = ["search", "find", "look up", "documentation", "knowledge base"]
_INSTALL = 'pip install "signalwire-search[vectors,models]"'


def _p(kind: str, description: str, default: Any = None, **extra: Any) -> dict[str, Any]:
    spec = {"type": kind, "description": description, "required": False, **extra}
    if default is not None:
        spec["default"] = default
    return spec


class NativeVectorSearchSkill(SkillBase):
    """Search documents: a local index, a pgvector collection or a search service."""

    SKILL_NAME = "native_vector_search"
    SKILL_DESCRIPTION = "Search document indexes (local file, pgvector or a search service)"
    SKILL_VERSION = "1.0.0"
    REQUIRED_PACKAGES: ClassVar[list[str]] = []
    REQUIRED_ENV_VARS: ClassVar[list[str]] = []
    SUPPORTS_MULTIPLE_INSTANCES = True

    @classmethod
    def get_parameter_schema(cls) -> dict[str, dict[str, Any]]:
        """Every parameter of the vendor's skill, with its effective default."""
        schema = super().get_parameter_schema()
        schema["tool_name"]["default"] = "search_knowledge"
        schema.update(
            {
                "description": _p("string", "Tool description the AI sees", DEFAULT_DESCRIPTION),
                "index_file": _p("string", "Path of a .swsearch index file"),
                "build_index": _p(
                    "boolean", "Build index_file from source_dir when it is missing", False
                ),
                "source_dir": _p("string", "Folder of documents to build the index from"),
                "file_types": _p("array", "File extensions to index when building", ["md", "txt"]),
                "exclude_patterns": _p("array", "Glob patterns of paths left out of a build"),
                "global_tags": _p("array", "Tags added to every chunk of a build"),
                "remote_url": _p("string", "Base URL of a search service (user:pass@ allowed)"),
                "index_name": _p("string", "Index name on the search service", "default"),
                "backend": _p("string", "Local backend", "sqlite", enum=["sqlite", "pgvector"]),
                "connection_string": _p("string", "PostgreSQL connection string (pgvector)"),
                "collection_name": _p("string", "pgvector collection name"),
                "overwrite": _p("boolean", "Rebuild the pgvector collection when building", False),
                "count": _p("integer", "Results per search", 5, min=1, max=20),
                "similarity_threshold": _p(
                    "number", "Lowest score a result may have", 0.0, min=0.0, max=1.0
                ),
                "tags": _p("array", "Only return chunks with one of these tags", []),
                "no_results_message": _p(
                    "string", "Said when nothing matches ({query} is replaced)", DEFAULT_NO_RESULTS
                ),
                "response_prefix": _p("string", "Text put before the results", ""),
                "response_postfix": _p("string", "Text put after the results", ""),
                "max_content_length": _p(
                    "integer", "Most characters of results per answer", 32768, min=1000
                ),
                "response_format_callback": _p(
                    "callable", "Called with the answer and results; returns the text"
                ),
                "model_name": _p(
                    "string", "Embedding model for building an index (mini, base or an id)", "mini"
                ),
                "query_nlp_backend": _p("string", "Accepted for compatibility", "nltk"),
                "index_nlp_backend": _p("string", "Accepted for compatibility", "nltk"),
                "nlp_backend": _p("string", "Deprecated; accepted for compatibility"),
                "keyword_weight": _p("number", "Deprecated; ignored"),
                "verbose": _p("boolean", "Log build progress", False),
                "hints": _p("array", "Extra speech-recognition hints", []),
                "timeout": _p("number", "Seconds a search may take", 30.0, min=0.1, max=300.0),
            }
        )
        return schema

    # -- setup -----------------------------------------------------------------------------

    def setup(self) -> bool:
        """Read the settings; open (or build) a local index. Missing signalwire-search is
        not a failure: the tool then explains it cannot search."""
        p = self.params
        self.tool_name = text_param(self, "tool_name")
        self.description = str(p.get("description") or DEFAULT_DESCRIPTION)
        self.count = int(p.get("count") or 5)
        self.similarity_threshold = float(p.get("similarity_threshold") or 0.0)
        if not 0.0 <= self.similarity_threshold <= 1.0:
            raise ValueError(
                f"similarity_threshold must be from 0 to 1, not {self.similarity_threshold}"
            )
        self.tags = [str(t) for t in p.get("tags") or []]
        self.no_results_message = str(p.get("no_results_message") or DEFAULT_NO_RESULTS)
        self.response_prefix = str(p.get("response_prefix") or "")
        self.response_postfix = str(p.get("response_postfix") or "")
        self.max_content_length = int(p.get("max_content_length") or 32768)
        callback = p.get("response_format_callback")
        self.response_format_callback: Callable[..., Any] | None = (
            callback if callable(callback) else None
        )
        self.timeout = float(p.get("timeout") or 30.0)
        self.remote_url: str | None = p.get("remote_url") or None
        self.index_name = str(p.get("index_name") or "default")
        self.backend = str(p.get("backend") or "sqlite")
        self.index_file: str | None = p.get("index_file") or None
        self.connection_string: str | None = p.get("connection_string") or None
        self.collection_name: str | None = p.get("collection_name") or None
        if p.get("keyword_weight") is not None:
            self.logger.warning("keyword_weight is deprecated and ignored")
        self._engine: Any = None
        self._engine_lock: Any = None  # an asyncio.Lock, made on the first search
        self.unavailable: str | None = None
        self.mode = "remote" if self.remote_url else self.backend
        if self.remote_url:
            from signalwire.agents.skills._outbound import check_url

            from_url, _ = _split_auth(self.remote_url)
            problem = check_url(from_url)
            if problem:
                raise ValueError(f"remote_url: {problem}")
            return True
        try:
            import signalwire.search  # noqa: F401 - only to learn whether it is installed
        except ImportError:
            self.unavailable = NOT_INSTALLED
            self.logger.error(
                "native_vector_search needs the signalwire-search package: %s", _INSTALL
            )
            return True
        if self.backend == "pgvector":
            if not self.connection_string or not self.collection_name:
                raise ValueError("the pgvector backend needs connection_string and collection_name")
            if p.get("build_index") and p.get("source_dir"):
                self._build(collection=self.collection_name)
            return True
        if not self.index_file and p.get("build_index") and p.get("source_dir"):
            self.index_file = f"{Path(str(p['source_dir'])).name}.swsearch"
        if (
            self.index_file
            and not Path(self.index_file).exists()
            and p.get("build_index")
            and p.get("source_dir")
        ):
            self._build(collection=None)
        if not self.index_file:
            self.unavailable = NO_INDEX
            self.logger.error("native_vector_search: no index_file configured")
            return True
        if not Path(self.index_file).exists():
            self.unavailable = NO_INDEX
            self.logger.error("native_vector_search: index file not found: %s", self.index_file)
            return True
        from signalwire.search import SearchEngine, SearchError

        try:
            self._engine = SearchEngine(index_path=self.index_file)
        except (SearchError, ValueError, OSError) as exc:
            self.unavailable = NO_INDEX
            self.logger.error("native_vector_search: cannot open %s: %s", self.index_file, exc)
        return True

    def _build(self, collection: str | None) -> None:
        from signalwire.search import IndexBuilder

        p = self.params
        builder = IndexBuilder(
            model_name=str(p.get("model_name") or "mini"),
            verbose=bool(p.get("verbose")),
            backend="pgvector" if collection else "sqlite",
            connection_string=self.connection_string,
        )
        builder.build_index(
            str(p["source_dir"]),
            collection or str(self.index_file),
            [str(t) for t in p.get("file_types") or ["md", "txt"]],
            [str(x) for x in p.get("exclude_patterns") or []] or None,
            tags=[str(t) for t in p.get("global_tags") or []] or None,
            overwrite=bool(p.get("overwrite")),
        )

    def get_instance_key(self) -> str:
        """``native_vector_search_<tool_name>_<index_file or "default">``."""
        tool = self.params.get("tool_name") or "search_knowledge"
        return f"{self.SKILL_NAME}_{tool}_{self.params.get('index_file') or 'default'}"

    def register_tools(self) -> None:
        """Register the search tool."""
        self.define_tool(
            name=self.tool_name,
            description=self.description,
            parameters={
                "query": {"type": "string", "description": "Search query or question"},
                "count": {
                    "type": "integer",
                    "description": f"Number of results to return (default: {self.count})",
                    "default": self.count,
                },
            },
            handler=self._search_handler,
        )

    def get_hints(self) -> list[str]:
        """Search words plus the configured ``hints``."""
        return [*_HINTS, *(str(h) for h in self.params.get("hints") or [])]

    def _get_prompt_sections(self) -> list[dict[str, Any]]:
        where = "a knowledge search service" if self.mode == "remote" else "the document index"
        return [
            {
                "title": "Knowledge Search",
                "body": f"{self.tool_name} searches {where} for passages that answer a question.",
                "bullets": [
                    f"Call {self.tool_name} before answering questions about the documented topics",
                    "Search with the caller's question in plain words",
                    "Answer from what the search returns; say so when it finds nothing",
                ],
            }
        ]

    def cleanup(self) -> None:
        """Close the index."""
        if self._engine is not None:
            self._engine.close()
            self._engine = None

    # -- searching -------------------------------------------------------------------------

    async def _search_handler(
        self, args: dict[str, Any], raw_data: dict[str, Any]
    ) -> FunctionResult:
        query = args.get("query")
        if not isinstance(query, str) or not query.strip():
            return FunctionResult(EMPTY_QUERY)
        query = query.strip()
        if len(query) > 4096:
            self.logger.warning("query of %d characters refused", len(query))
            return FunctionResult(TOO_LONG)
        count = args.get("count")
        # The AI may ask for fewer results, never for more than configured.
        count = (
            min(self.count, count)
            if isinstance(count, int) and not isinstance(count, bool) and count > 0
            else self.count
        )
        if self.unavailable:
            return FunctionResult(self.unavailable)
        import asyncio  # here, not at module level: loading the skill stays cheap

        try:
            if self.mode == "remote":
                results = await self._remote(query, count)
            else:
                results = await asyncio.wait_for(self._local(query, count), self.timeout)
        except asyncio.TimeoutError:
            self.logger.warning("search for %r took longer than %s s", query[:80], self.timeout)
            return FunctionResult(SERVICE_DOWN)
        except _Unavailable as exc:
            self.logger.warning("search backend unavailable: %s", exc)
            return FunctionResult(SERVICE_DOWN)
        except Exception as exc:
            self.logger.exception("search failed: %s: %s", type(exc).__name__, exc)
            return FunctionResult(FAILED)
        return FunctionResult(self._answer(query, results, count, args, raw_data))

    async def _local(self, query: str, count: int) -> list[dict[str, Any]]:
        import asyncio

        from signalwire.search import SearchBackendError

        if self._engine_lock is None:
            self._engine_lock = asyncio.Lock()
        async with self._engine_lock:
            if self._engine is None and self.backend == "pgvector":
                from signalwire.search import SearchEngine

                try:
                    self._engine = await asyncio.to_thread(
                        SearchEngine,
                        backend="pgvector",
                        connection_string=self.connection_string,
                        collection_name=self.collection_name,
                    )
                except (SearchBackendError, OSError) as exc:
                    raise _Unavailable(str(exc)) from exc
        if self._engine is None:
            raise _Unavailable("no index")
        try:
            results: list[dict[str, Any]] = await asyncio.to_thread(
                self._engine.query, query, count, self.similarity_threshold, self.tags or None
            )
        except SearchBackendError as exc:
            raise _Unavailable(str(exc)) from exc
        return results

    async def _remote(self, query: str, count: int) -> list[dict[str, Any]]:
        from signalwire.agents.skills._outbound import ServiceError, request_json

        base, auth = _split_auth(str(self.remote_url))
        body = {
            "query": query,
            "index_name": self.index_name,
            "count": count,
            "similarity_threshold": self.similarity_threshold,
            "tags": self.tags or None,
        }
        try:
            data = await request_json(
                "POST",
                base.rstrip("/") + "/search",
                timeout=self.timeout,
                json_body=body,
                auth=auth,
            )
        except ServiceError as exc:
            if exc.kind == "status" and exc.status == 404:
                self.logger.error("search service has no index %r", self.index_name)
            raise _Unavailable(f"{exc.kind}: {exc}") from exc
        results = data.get("results") if isinstance(data, dict) else None
        if not isinstance(results, list):
            raise _Unavailable("the search service sent no results list")
        return [r for r in results if isinstance(r, dict) and isinstance(r.get("content"), str)]

    def _answer(
        self,
        query: str,
        results: list[dict[str, Any]],
        count: int,
        args: dict[str, Any],
        raw_data: dict[str, Any],
    ) -> str:
        if not results:
            text = self.no_results_message.replace("{query}", query)
            text = " ".join(s for s in (self.response_prefix, text, self.response_postfix) if s)
        else:
            n = len(results)
            budget = self.max_content_length - (
                300 * n + len(self.response_prefix) + len(self.response_postfix) + 100
            )
            per_result = max(500, budget // n)
            parts = [self.response_prefix] if self.response_prefix else []
            parts.append(f"Found {n} relevant results for '{query}':\n")
            for i, r in enumerate(results, 1):
                raw_meta = r.get("metadata")
                meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
                raw_nested = meta.get("metadata")
                nested: dict[str, Any] = raw_nested if isinstance(raw_nested, dict) else {}
                tags = nested.get("tags") or meta.get("tags") or []
                head = f"**Result {i}** (from {meta.get('filename') or 'unknown'}"
                if meta.get("section"):
                    head += f", section: {meta['section']}"
                if tags:
                    head += f", tags: {', '.join(map(str, tags))}"
                score = r.get("score")
                head += (
                    f", relevance: {float(score) if isinstance(score, (int, float)) else 0.0:.2f})"
                )
                content = str(r.get("content") or "")
                if len(content) > per_result:
                    content = content[:per_result] + "..."
                parts.append(f"{head}\n{content}\n")
            if self.response_postfix:
                parts.append(self.response_postfix)
            text = "\n".join(parts)
        if self.response_format_callback is not None:
            try:
                custom = self.response_format_callback(
                    response=text,
                    agent=self.agent,
                    query=query,
                    results=results,
                    args=args,
                    count=count,
                    skill=self,
                )
            except Exception as exc:  # noqa: BLE001 - a user callback may raise anything
                self.logger.error("response_format_callback failed: %s", type(exc).__name__)
            else:
                if isinstance(custom, str):
                    return custom
                self.logger.warning(
                    "response_format_callback returned %s, not str; ignored", type(custom).__name__
                )
        return text


class _Unavailable(Exception):
    """The index, database or service could not answer."""


def _split_auth(url: str) -> tuple[str, tuple[str, str] | None]:
    from urllib.parse import unquote, urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.username is None:
        return url, None
    try:
        port = parts.port
    except ValueError:
        port = None
    host = (parts.hostname or "") + (f":{port}" if port else "")
    return urlunsplit(parts._replace(netloc=host)), (
        unquote(parts.username),
        unquote(parts.password or ""),
    )
