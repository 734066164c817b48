"""The ``web_search`` skill: search the web and read the best pages.

Tool ``web_search`` (argument ``query``; renamed with ``tool_name``): the agent
asks the Google Custom Search JSON API for about ``num_results *
oversample_factor`` hits, reads those pages concurrently (standard-library
HTML parsing), scores each by how much text it has and how many query words
it contains, and returns the best ``num_results`` that reach
``min_quality_score``, within ``max_content_length`` characters. With
``snippets_only`` it skips the pages and returns Google's snippets; when no
page can be read it falls back to the snippets too.

Every page has ``per_page_timeout`` seconds and the whole call
``overall_deadline`` seconds, so the answer beats the platform's webhook
timeout. Page fetches use the same guards as the spider (no private
addresses unless ``allow_private_urls`` or ``SWML_ALLOW_PRIVATE_URLS``, size
and content-type limits).

Parameters: ``api_key`` (``GOOGLE_SEARCH_API_KEY``) and ``search_engine_id``
(``GOOGLE_SEARCH_ENGINE_ID``) are required; ``base_url`` defaults to
``https://www.googleapis.com/customsearch/v1``.
"""

from __future__ import annotations

import asyncio
import math
import re
import time
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlsplit

from signalwire.agents import FunctionResult
from signalwire.agents.skills import SkillBase
from signalwire.agents.skills._guard import guarded
from signalwire.agents.skills._params import (
    api_key_param,
    base_url_param,
    required_text,
    text_param,
    tool_name_param,
)

DEFAULT_BASE_URL = "https://www.googleapis.com/customsearch/v1"
NO_RESULTS = (
    "I couldn't find useful results for '{query}'. The pages found were unreadable or "
    "not relevant. Try different or more specific words."
)
USER_AGENT = "Mozilla/5.0 (compatible; signalwire-agents web_search)"
_PAGE_BYTES = 1024 * 1024


@dataclass
class _Hit:
    title: str
    url: str
    snippet: str
    source: str
    text: str = ""
    score: float = 0.0
    relevance: float = 0.0


def quality(text: str, query: str) -> tuple[float, float]:
    """``(score, relevance)`` of a page's text for ``query``, both 0..1.

    Half the score is length (full marks from 2,000 characters), half is the
    share of the query's words (three letters or more) found in the text.
    """
    if not text:
        return 0.0, 0.0
    words = {w for w in re.findall(r"\w+", query.lower()) if len(w) >= 3}
    lower = text.lower()
    relevance = (sum(1 for w in words if w in lower) / len(words)) if words else 1.0
    length = min(1.0, len(text) / 2000)
    return round(0.5 * length + 0.5 * relevance, 2), relevance


class WebSearchSkill(SkillBase):
    """Search the web with Google Custom Search (a webhook tool)."""

    SKILL_NAME = "web_search"
    SKILL_DESCRIPTION = "Search the web with Google Custom Search and read the best pages"
    SKILL_VERSION = "2.0.0"
    REQUIRED_PACKAGES: ClassVar[list[str]] = ["httpx"]
    REQUIRED_ENV_VARS: ClassVar[list[str]] = []
    SUPPORTS_MULTIPLE_INSTANCES = True

    @classmethod
    def get_parameter_schema(cls) -> dict[str, dict[str, Any]]:
        """The base parameters plus the search, scraping and formatting settings."""
        schema = super().get_parameter_schema()
        schema.update(
            {
                "tool_name": tool_name_param("Name of this instance's search tool", "web_search"),
                "api_key": api_key_param("Google Custom Search API key", "GOOGLE_SEARCH_API_KEY"),
                "search_engine_id": {
                    "type": "string",
                    "description": "Google Programmable Search Engine ID (cx)",
                    "required": True,
                    "hidden": True,
                    "env_var": "GOOGLE_SEARCH_ENGINE_ID",
                },
                "num_results": {
                    "type": "integer",
                    "description": "How many good results to return",
                    "default": 3,
                    "required": False,
                    "min": 1,
                    "max": 10,
                },
                "delay": {
                    "type": "number",
                    "description": "Seconds between page reads when they are not parallel",
                    "default": 0.5,
                    "required": False,
                    "min": 0,
                },
                "max_content_length": {
                    "type": "integer",
                    "description": "Most characters in the whole answer",
                    "default": 32768,
                    "required": False,
                    "min": 1000,
                },
                "oversample_factor": {
                    "type": "number",
                    "description": "How many more hits to fetch than results wanted (2.5 = 2.5x)",
                    "default": 2.5,
                    "required": False,
                    "min": 1.0,
                    "max": 3.5,
                },
                "min_quality_score": {
                    "type": "number",
                    "description": "Lowest quality score (0 to 1) a page needs to be used",
                    "default": 0.3,
                    "required": False,
                    "min": 0.0,
                    "max": 1.0,
                },
                "no_results_message": {
                    "type": "string",
                    "description": "What to say when nothing useful is found ({query} is replaced)",
                    "default": NO_RESULTS,
                    "required": False,
                },
                "response_prefix": {
                    "type": "string",
                    "description": "Text put before every non-empty answer",
                    "default": "",
                    "required": False,
                },
                "response_postfix": {
                    "type": "string",
                    "description": "Text put after every non-empty answer",
                    "default": "",
                    "required": False,
                },
                "per_page_timeout": {
                    "type": "number",
                    "description": "Seconds one page read may take",
                    "default": 2.0,
                    "required": False,
                    "min": 0.1,
                },
                "overall_deadline": {
                    "type": "number",
                    "description": "Seconds the whole tool call may take; slower pages are dropped",
                    "default": 10.0,
                    "required": False,
                    "min": 1.0,
                },
                "parallel_scrape": {
                    "type": "boolean",
                    "description": "Read the pages at the same time rather than one by one",
                    "default": True,
                    "required": False,
                },
                "snippets_only": {
                    "type": "boolean",
                    "description": "Return Google's snippets without reading the pages (fastest)",
                    "default": False,
                    "required": False,
                },
                "base_url": base_url_param(
                    "Custom Search endpoint (override for tests or a proxy)", DEFAULT_BASE_URL
                ),
                "allow_private_urls": {
                    "type": "boolean",
                    "description": "Allow reading result pages on private addresses",
                    "default": False,
                    "required": False,
                },
            }
        )
        return schema

    def get_instance_key(self) -> str:
        """``web_search_<search_engine_id>_<tool_name>``: one instance per engine and name."""
        engine = self.params.get("search_engine_id") or "default"
        return f"{self.SKILL_NAME}_{engine}_{self.params.get('tool_name') or 'web_search'}"

    def setup(self) -> bool:
        """Check the credentials; read the settings."""
        p = self.params
        self.api_key = required_text(self, "api_key")
        self.engine_id = required_text(self, "search_engine_id")
        self.tool_name = text_param(self, "tool_name")
        self.num_results = int(p.get("num_results") or 3)
        self.delay = float(p.get("delay", 0.5))
        self.max_content_length = int(p.get("max_content_length") or 32768)
        self.oversample = float(p.get("oversample_factor") or 2.5)
        self.min_quality = float(p.get("min_quality_score", 0.3))
        self.no_results_message = str(p.get("no_results_message") or NO_RESULTS)
        self.prefix = str(p.get("response_prefix") or "")
        self.postfix = str(p.get("response_postfix") or "")
        self.per_page_timeout = float(p.get("per_page_timeout") or 2.0)
        self.overall_deadline = float(p.get("overall_deadline") or 10.0)
        self.parallel = bool(p.get("parallel_scrape", True))
        self.snippets_only = bool(p.get("snippets_only", False))
        self.base_url = text_param(self, "base_url")
        self.allow_private = bool(p.get("allow_private_urls", False))
        return True

    def register_tools(self) -> None:
        """Register the search tool."""
        self.define_tool(
            name=self.tool_name,
            description="Search the web and return the most useful pages' content",
            parameters={
                "query": {
                    "type": "string",
                    "description": "What to search for, in a few words",
                }
            },
            handler=guarded(self._web_search, "the web search", self.logger),
        )

    # -- the search ---------------------------------------------------------------------------

    async def _search(self, query: str, count: int, timeout: float) -> list[_Hit]:
        from signalwire.agents.skills._outbound import check_url, request_json

        data = await request_json(
            "GET",
            self.base_url,
            timeout=timeout,
            params={"key": self.api_key, "cx": self.engine_id, "q": query, "num": count},
        )
        hits: list[_Hit] = []
        for item in (data.get("items") if isinstance(data, dict) else None) or []:
            if not isinstance(item, dict) or not isinstance(item.get("link"), str):
                continue
            link = item["link"]
            if check_url(link):
                continue  # not a usable web address
            hits.append(
                _Hit(
                    title=str(item.get("title") or link)[:300],
                    url=link,
                    snippet=str(item.get("snippet") or "").replace("\n", " ")[:500],
                    source=str(item.get("displayLink") or urlsplit(link).netloc),
                )
            )
        return hits

    async def _read_page(self, hit: _Hit, query: str) -> None:
        from signalwire.agents.skills._html_text import extract
        from signalwire.agents.skills._outbound import ServiceError, fetch_page

        try:
            page = await fetch_page(
                hit.url,
                timeout=self.per_page_timeout,
                headers={"User-Agent": USER_AGENT},
                max_bytes=_PAGE_BYTES,
                allow_private=self.allow_private,
            )
        except ServiceError as exc:
            self.logger.debug("could not read %s: %s %s", hit.url, exc.kind, exc)
            return
        doc = await asyncio.to_thread(extract, page.text, page.url)
        hit.text = doc.text
        hit.score, hit.relevance = quality(doc.text, query)

    async def _read_pages(self, hits: list[_Hit], query: str, deadline: float) -> None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return
        if self.parallel:
            tasks = [asyncio.ensure_future(self._read_page(h, query)) for h in hits]
            _, pending = await asyncio.wait(tasks, timeout=remaining)
            for task in pending:  # past the deadline: drop the slow pages
                task.cancel()
            if pending:
                await asyncio.wait(pending)
            return
        for i, hit in enumerate(hits):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            if i and self.delay > 0:
                await asyncio.sleep(min(self.delay, remaining))
            try:
                await asyncio.wait_for(
                    self._read_page(hit, query), max(0.0, deadline - time.monotonic())
                )
            except asyncio.TimeoutError:
                return

    def _snippets(self, query: str, hits: list[_Hit], note: str) -> str:
        lines = [f"{note} for '{query}':\n"]
        for i, hit in enumerate(hits[: self.num_results], 1):
            lines += [f"=== RESULT {i} ===", f"Title: {hit.title}", f"URL: {hit.url}"]
            lines += [f"Snippet: {hit.snippet}", ""]
        return "\n".join(lines)

    def _format(self, query: str, good: list[_Hit], searched: int) -> str:
        head = [
            f"Quality web search results for '{query}':\n",
            f"{len(good)} of {searched} pages met the quality threshold; the best follow.\n",
        ]
        overhead = sum(len(h) for h in head) + 400 * len(good)
        per_result = max(500, (self.max_content_length - overhead) // max(1, len(good)))
        parts = list(head)
        for i, hit in enumerate(good, 1):
            content = hit.text if len(hit.text) <= per_result else hit.text[:per_result] + "..."
            parts.append(
                f"=== RESULT {i} (Quality: {hit.score:.2f}) ===\n"
                f"Title: {hit.title}\nURL: {hit.url}\nSource: {hit.source}\n"
                f"Snippet: {hit.snippet}\nContent:\n{content}\n{'=' * 50}\n"
            )
        return "\n".join(parts)[: self.max_content_length]

    async def search_and_read(self, query: str) -> str | None:
        """The answer text for ``query``, or None when nothing useful was found."""
        deadline = time.monotonic() + self.overall_deadline
        count = self.num_results if self.snippets_only else self.num_results * self.oversample
        hits = await self._search(query, min(10, math.ceil(count)), self.overall_deadline)
        if not hits:
            return None
        if self.snippets_only:
            return self._snippets(query, hits, "Search snippets (pages not read)")
        await self._read_pages(hits, query, deadline)
        read = [h for h in hits if h.text]
        if not read:
            return self._snippets(query, hits, "The pages could not be read; search snippets")
        good = sorted(
            (h for h in read if h.score >= self.min_quality), key=lambda h: h.score, reverse=True
        )[: self.num_results]
        if not good:
            return None
        return self._format(query, good, len(hits))

    async def _web_search(self, args: dict[str, Any], raw_data: dict[str, Any]) -> FunctionResult:
        from signalwire.agents.skills._outbound import ServiceError, speakable

        query = args.get("query")
        if not isinstance(query, str) or not query.strip():
            return FunctionResult("What would you like me to search the web for?")
        query = query.strip()[:300]
        try:
            text = await asyncio.wait_for(self.search_and_read(query), self.overall_deadline + 1)
        except asyncio.TimeoutError:
            return FunctionResult("Sorry, the web search took too long. Please try again.")
        except ServiceError as exc:
            self.logger.warning("web search failed: %s %s", exc.kind, exc)
            return FunctionResult(speakable("the web search", exc))
        if text is None:
            return FunctionResult(self.no_results_message.replace("{query}", query))
        if self.prefix:
            text = f"{self.prefix}\n\n{text}"
        if self.postfix:
            text = f"{text}\n\n{self.postfix}"
        return FunctionResult(text)

    def get_global_data(self) -> dict[str, Any]:
        """That web search is available, and from which provider."""
        return {
            "web_search_enabled": True,
            "search_provider": "Google Custom Search",
            "quality_filtering": True,
        }

    def _get_prompt_sections(self) -> list[dict[str, Any]]:
        return [
            {
                "title": "Web Search Capability (Quality Enhanced)",
                "body": f"You can search the web with the {self.tool_name} tool.",
                "bullets": [
                    f"Use {self.tool_name} for current events or facts you are unsure of",
                    "Search with a few specific words",
                    f"It returns up to {self.num_results} of the most useful pages",
                    "Answer from what the pages say and mention where it came from",
                ],
            }
        ]
