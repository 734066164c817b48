"""The ``spider`` skill: read web pages for the AI.

Tools (prefixed ``<tool_name>_`` when ``tool_name`` is set, so several
instances can coexist):

* ``scrape_url(url)``: the page's readable text (``fast_text``), Markdown
  (``markdown``) or a JSON summary (``structured``), per ``extract_type``;
* ``crawl_site(start_url)``: up to ``max_pages`` pages of the same site, at
  most ``max_depth`` links deep, following only links that match one of
  ``follow_patterns`` (regular expressions) when any are given;
* ``extract_structured_data(url)``: title, description, headings, link count
  and the text of each of ``selectors`` (``{"name": "css selector"}``; simple
  selectors only: ``tag``, ``.class``, ``#id``, ``tag.class``, ``tag#id``).

Pages are parsed with the standard library's ``html.parser`` (no lxml). The
URL comes from the conversation, so every fetch is guarded: http(s) only; no
private, loopback or link-local address unless ``allow_private_urls`` (or
``SWML_ALLOW_PRIVATE_URLS``); at most ``max_page_bytes`` read per page; text
content only; five redirects; ``timeout`` seconds per page and
``overall_deadline`` seconds per tool call.
"""

from __future__ import annotations

import json
import re
import time
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

from signalwire.agents import FunctionResult
from signalwire.agents.skills import SkillBase, SkillParameterError
from signalwire.agents.skills._guard import guarded
from signalwire.agents.skills._params import (
    tool_name_param,
)

if TYPE_CHECKING:
    from signalwire.agents.skills._html_text import Document

USER_AGENT = "Spider/1.0 (SignalWire AI Agent)"
_CACHE_SIZE = 64
_ROBOTS_TTL = 3600.0
_SUMMARY_CHARS = 300


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit].rstrip() + " ..."


class SpiderSkill(SkillBase):
    """Scrape and crawl web pages (webhook tools)."""

    SKILL_NAME = "spider"
    SKILL_DESCRIPTION = "Read, crawl and extract data from web pages"
    SKILL_VERSION = "1.0.0"
    REQUIRED_PACKAGES: ClassVar[list[str]] = ["httpx"]
    REQUIRED_ENV_VARS: ClassVar[list[str]] = []
    SUPPORTS_MULTIPLE_INSTANCES = True

    @classmethod
    def get_parameter_schema(cls) -> dict[str, dict[str, Any]]:
        """The base parameters plus the fetch, crawl and extraction settings."""
        schema = super().get_parameter_schema()
        schema.update(
            {
                "tool_name": tool_name_param(
                    "Prefix of this instance's tools (<tool_name>_scrape_url); "
                    "plain names when unset"
                ),
                "delay": {
                    "type": "number",
                    "description": "Seconds to wait between pages of a crawl",
                    "default": 0.1,
                    "required": False,
                    "min": 0.0,
                },
                "concurrent_requests": {
                    "type": "integer",
                    "description": "Accepted for compatibility; pages are fetched one at a time",
                    "default": 5,
                    "required": False,
                    "min": 1,
                    "max": 20,
                },
                "timeout": {
                    "type": "integer",
                    "description": "Seconds one page may take, in total",
                    "default": 5,
                    "required": False,
                    "min": 1,
                    "max": 60,
                },
                "overall_deadline": {
                    "type": "number",
                    "description": "Seconds one tool call may take in total (crawls stop there)",
                    "default": 15.0,
                    "required": False,
                    "min": 1.0,
                    "max": 300.0,
                },
                "max_pages": {
                    "type": "integer",
                    "description": "Most pages one crawl reads",
                    "default": 1,
                    "required": False,
                    "min": 1,
                    "max": 100,
                },
                "max_depth": {
                    "type": "integer",
                    "description": "How many links deep a crawl goes (0 = the start page only)",
                    "default": 0,
                    "required": False,
                    "min": 0,
                    "max": 5,
                },
                "extract_type": {
                    "type": "string",
                    "description": "What scrape_url returns: plain text, Markdown or a JSON summary",
                    "default": "fast_text",
                    "required": False,
                    "enum": ["fast_text", "markdown", "structured"],
                },
                "max_text_length": {
                    "type": "integer",
                    "description": "Most characters returned to the AI",
                    "default": 3000,
                    "required": False,
                    "min": 100,
                    "max": 100000,
                },
                "clean_text": {
                    "type": "boolean",
                    "description": "Collapse whitespace and blank lines in the text",
                    "default": True,
                    "required": False,
                },
                "selectors": {
                    "type": "object",
                    "description": "Name -> simple CSS selector (tag, .class, #id, tag.class) "
                    "for extract_structured_data",
                    "default": {},
                    "required": False,
                    "additionalProperties": {"type": "string"},
                },
                "follow_patterns": {
                    "type": "array",
                    "description": "Regular expressions; a crawl follows only matching links",
                    "default": [],
                    "required": False,
                    "items": {"type": "string"},
                },
                "user_agent": {
                    "type": "string",
                    "description": "User-Agent header sent with every request",
                    "default": USER_AGENT,
                    "required": False,
                },
                "headers": {
                    "type": "object",
                    "description": "Extra HTTP headers sent with every request",
                    "default": {},
                    "required": False,
                    "additionalProperties": {"type": "string"},
                },
                "follow_robots_txt": {
                    "type": "boolean",
                    "description": "Skip pages the site's robots.txt disallows for user_agent",
                    "default": False,
                    "required": False,
                },
                "cache_enabled": {
                    "type": "boolean",
                    "description": "Keep recently read pages in memory",
                    "default": True,
                    "required": False,
                },
                "max_page_bytes": {
                    "type": "integer",
                    "description": "Most bytes read from one page; the rest is ignored",
                    "default": 2 * 1024 * 1024,
                    "required": False,
                    "min": 1024,
                    "max": 20 * 1024 * 1024,
                },
                "allow_private_urls": {
                    "type": "boolean",
                    "description": "Allow private, loopback and link-local addresses "
                    "(also SWML_ALLOW_PRIVATE_URLS)",
                    "default": False,
                    "required": False,
                },
            }
        )
        return schema

    def setup(self) -> bool:
        """Read and check the settings; compile the follow patterns."""
        p = self.params
        self.delay = float(p.get("delay", 0.1))
        self.timeout = float(p.get("timeout") or 5)
        self.overall_deadline = float(p.get("overall_deadline") or 15.0)
        self.max_pages = int(p.get("max_pages") or 1)
        self.max_depth = int(p.get("max_depth") or 0)
        self.extract_type = str(p.get("extract_type") or "fast_text")
        self.max_text_length = int(p.get("max_text_length") or 3000)
        self.clean_text = bool(p.get("clean_text", True))
        self.selectors = {str(k): str(v) for k, v in (p.get("selectors") or {}).items()}
        self.follow_robots_txt = bool(p.get("follow_robots_txt", False))
        self.cache_enabled = bool(p.get("cache_enabled", True))
        self.max_page_bytes = int(p.get("max_page_bytes") or 2 * 1024 * 1024)
        self.allow_private = bool(p.get("allow_private_urls", False))
        self.request_headers = {
            **{str(k): str(v) for k, v in (p.get("headers") or {}).items()},
            "User-Agent": str(p.get("user_agent") or USER_AGENT),
        }
        self.follow_patterns: list[re.Pattern[str]] = []
        for pattern in p.get("follow_patterns") or []:
            try:
                self.follow_patterns.append(re.compile(str(pattern)))
            except re.error as exc:
                raise SkillParameterError(
                    f"parameter 'follow_patterns' of skill 'spider' has an invalid "
                    f"regular expression {pattern!r}: {exc}"
                ) from exc
        prefix = p.get("tool_name")
        self.prefix = f"{prefix}_" if prefix else ""
        self._cache: OrderedDict[str, Document] = OrderedDict()
        self._robots: dict[str, tuple[float, Any]] = {}
        return True

    def register_tools(self) -> None:
        """Register scrape_url, crawl_site and extract_structured_data."""
        url_arg = {"url": {"type": "string", "description": "The full web address, https://..."}}
        self.define_tool(
            name=f"{self.prefix}scrape_url",
            description="Read a web page and return its text",
            parameters=url_arg,
            required=["url"],
            handler=guarded(self._scrape_url, "the web page reader", self.logger),
        )
        self.define_tool(
            name=f"{self.prefix}crawl_site",
            description="Read several pages of a website, starting from one address",
            parameters={
                "start_url": {
                    "type": "string",
                    "description": "The web address to start from, https://...",
                }
            },
            required=["start_url"],
            handler=guarded(self._crawl_site, "the web page reader", self.logger),
        )
        self.define_tool(
            name=f"{self.prefix}extract_structured_data",
            description="Pull the title, headings and configured fields out of a web page",
            parameters=url_arg,
            required=["url"],
            handler=guarded(self._extract_structured, "the web page reader", self.logger),
        )

    # -- fetching ---------------------------------------------------------------------------

    async def _allowed_by_robots(self, url: str) -> bool:
        if not self.follow_robots_txt:
            return True
        from urllib.robotparser import RobotFileParser

        from signalwire.agents.skills._outbound import ServiceError, fetch_page

        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        cached = self._robots.get(origin)
        if cached is None or time.monotonic() - cached[0] > _ROBOTS_TTL:
            parser = RobotFileParser()
            try:
                page = await fetch_page(
                    f"{origin}/robots.txt",
                    timeout=self.timeout,
                    headers=self.request_headers,
                    max_bytes=512 * 1024,
                    allow_private=self.allow_private,
                )
                parser.parse(page.text.splitlines())
            except ServiceError as exc:
                if exc.kind == "status" and exc.status in (401, 403):
                    parser.parse(["User-agent: *", "Disallow: /"])
                elif exc.kind == "status" and 400 <= exc.status < 500:
                    parser.parse([])
                else:
                    return False  # unknown rules: do not fetch, and retry next time
            cached = (time.monotonic(), parser)
            self._robots[origin] = cached
        return bool(cached[1].can_fetch(self.request_headers["User-Agent"], url))

    async def _document(self, url: str) -> Document:
        """The parsed page at ``url`` (from the cache when enabled); raises ServiceError."""
        import asyncio  # imported by the tools, not at load: add_skill stays cheap

        from signalwire.agents.skills._html_text import extract
        from signalwire.agents.skills._outbound import fetch_page

        if self.cache_enabled and url in self._cache:
            self._cache.move_to_end(url)
            return self._cache[url]
        page = await fetch_page(
            url,
            timeout=self.timeout,
            headers=self.request_headers,
            max_bytes=self.max_page_bytes,
            allow_private=self.allow_private,
        )
        if page.content_type.startswith("text/plain"):
            from signalwire.agents.skills._html_text import Document, clean

            doc = Document(text=clean(page.text), markdown=clean(page.text))
        else:
            # The parser runs in a thread so a big page does not stall the event loop.
            doc = await asyncio.to_thread(extract, page.text, page.url, self.selectors)
        if self.cache_enabled:
            self._cache[url] = doc
            while len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        return doc

    def _problem(self, url: Any) -> str | None:
        from signalwire.agents.skills._outbound import check_url

        problem = check_url(url)
        return f"I can't read that address: {problem}." if problem else None

    def _failure(self, url: str, exc: Exception) -> FunctionResult:
        kind = getattr(exc, "kind", "")
        status = getattr(exc, "status", 0)
        if kind == "blocked":
            text = f"I can't read that address: {exc}."
        elif kind == "timeout":
            text = f"The page at {url} took too long to load."
        elif kind == "status":
            text = f"The page at {url} could not be loaded (the site answered {status})."
        elif kind == "invalid":
            text = f"I can't read the page at {url}: {exc}."
        else:
            text = f"I could not reach {url}."
        return FunctionResult(text)

    def _summary_json(self, url: str, doc: Document) -> str:
        data: dict[str, Any] = {
            "url": url,
            "title": doc.title,
            "description": doc.description,
            "headings": doc.headings[:20],
            "link_count": len(doc.links),
        }
        if self.selectors:
            data["data"] = {name: values[:10] for name, values in doc.selected.items()}
        text = json.dumps(data, ensure_ascii=False)
        return _cut(text, self.max_text_length)

    def _text_of(self, doc: Document) -> str:
        text = doc.markdown if self.extract_type == "markdown" else doc.text
        if not self.clean_text:
            return text
        from signalwire.agents.skills._html_text import clean

        return clean(text)

    # -- tools ------------------------------------------------------------------------------

    async def _read(self, url: Any) -> tuple[str, Document | FunctionResult]:
        problem = self._problem(url)
        if problem:
            return "", FunctionResult(problem)
        import asyncio

        from signalwire.agents.skills._outbound import ServiceError

        url = str(url).strip()
        if not await self._allowed_by_robots(url):
            return url, FunctionResult(f"The site's robots.txt does not allow reading {url}.")
        try:
            doc = await asyncio.wait_for(self._document(url), self.overall_deadline)
        except asyncio.TimeoutError:
            return url, FunctionResult(f"The page at {url} took too long to load.")
        except ServiceError as exc:
            self.logger.info("spider could not read %s: %s %s", url, exc.kind, exc)
            return url, self._failure(url, exc)
        return url, doc

    async def _scrape_url(self, args: dict[str, Any], raw_data: dict[str, Any]) -> FunctionResult:
        url, got = await self._read(args.get("url"))
        if isinstance(got, FunctionResult):
            return got
        if self.extract_type == "structured":
            return FunctionResult(f"Structured data from {url}: {self._summary_json(url, got)}")
        text = self._text_of(got)
        if not text:
            return FunctionResult(f"The page at {url} has no readable text.")
        return FunctionResult(
            f"Content from {url} ({len(text)} characters):\n\n{_cut(text, self.max_text_length)}"
        )

    async def _extract_structured(
        self, args: dict[str, Any], raw_data: dict[str, Any]
    ) -> FunctionResult:
        url, got = await self._read(args.get("url"))
        if isinstance(got, FunctionResult):
            return got
        return FunctionResult(f"Structured data from {url}: {self._summary_json(url, got)}")

    async def _crawl_site(self, args: dict[str, Any], raw_data: dict[str, Any]) -> FunctionResult:
        import asyncio

        start = args.get("start_url")
        problem = self._problem(start)
        if problem:
            return FunctionResult(problem)
        start = str(start).strip()
        host = urlsplit(start).netloc
        results: list[tuple[str, int, str]] = []
        first_failure: FunctionResult | None = None
        deadline = time.monotonic() + self.overall_deadline
        queue: list[tuple[str, int]] = [(start, 0)]
        seen = {start}
        while queue and len(results) < self.max_pages and time.monotonic() < deadline:
            url, depth = queue.pop(0)
            if results and self.delay > 0:
                await asyncio.sleep(min(self.delay, max(0.0, deadline - time.monotonic())))
            _, got = await self._read(url)
            if isinstance(got, FunctionResult):
                first_failure = first_failure or got
                continue
            results.append((url, depth, self._text_of(got)))
            if depth >= self.max_depth:
                continue
            for link in got.links:
                if link in seen or urlsplit(link).netloc != host:
                    continue
                if self.follow_patterns and not any(p.search(link) for p in self.follow_patterns):
                    continue
                seen.add(link)
                queue.append((link, depth + 1))
        if not results:
            return first_failure or FunctionResult(f"I could not read any page from {start}.")
        lines = [f"Read {len(results)} page{'s' if len(results) != 1 else ''} from {host}:\n"]
        per_page = max(_SUMMARY_CHARS, self.max_text_length // len(results))
        for i, (url, depth, text) in enumerate(results, 1):
            lines.append(f"{i}. {url} (depth {depth}, {len(text)} characters)")
            lines.append(f"   {_cut(text, per_page)}\n")
        total = sum(len(text) for _, _, text in results)
        lines.append(f"Total: {total} characters across {len(results)} pages.")
        return FunctionResult(_cut("\n".join(lines), self.max_text_length + 500))

    def cleanup(self) -> None:
        """Forget cached pages and robots.txt rules."""
        self._cache.clear()
        self._robots.clear()

    def get_hints(self) -> list[str]:
        """Words callers use when asking about web pages."""
        return ["scrape", "crawl", "web page", "website", "spider"]

    def _get_prompt_sections(self) -> list[dict[str, Any]]:
        p = self.prefix
        return [
            {
                "title": "Web Page Reading",
                "body": "You can read web pages when the caller gives you an address.",
                "bullets": [
                    f"Use {p}scrape_url to read one page",
                    f"Use {p}crawl_site to look through several pages of one site",
                    f"Use {p}extract_structured_data for a page's title, headings and key fields",
                    "Summarise what you read instead of reading it out word for word",
                ],
            }
        ]
