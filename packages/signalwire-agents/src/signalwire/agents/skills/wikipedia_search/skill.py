"""The ``wikipedia_search`` skill: summaries of matching Wikipedia articles.

Tool ``search_wiki`` (argument ``query``): the agent searches the MediaWiki
action API (``list=search``), then fetches the introduction of each hit
(``prop=extracts``) concurrently, and gives the AI ``**Title**`` and the text
of up to ``num_results`` articles.

Parameters: ``num_results`` (1, at most 5), ``no_results_message``
(``{query}`` is replaced), ``timeout`` (10 s in total) and ``base_url``
(``https://en.wikipedia.org/w/api.php``; another language's wiki works too).
Requests carry a descriptive User-Agent, which Wikimedia requires.
"""

from __future__ import annotations

from typing import Any, ClassVar

from signalwire.agents import FunctionResult
from signalwire.agents._version import __version__
from signalwire.agents.skills import SkillBase
from signalwire.agents.skills._guard import guarded
from signalwire.agents.skills._params import (
    base_url_param,
    text_param,
)

DEFAULT_BASE_URL = "https://en.wikipedia.org/w/api.php"
NO_RESULTS = "Wikipedia has no article matching '{query}'. Try other words or a more common name."
USER_AGENT = (
    f"signalwire-agents/{__version__} "
    "(https://github.com/signalwire/signalwire-python) wikipedia_search"
)
_MAX_EXTRACT_CHARS = 6000
_SEPARATOR = "\n\n" + "=" * 50 + "\n\n"


class WikipediaSearchSkill(SkillBase):
    """Look topics up on Wikipedia (a webhook tool)."""

    SKILL_NAME = "wikipedia_search"
    SKILL_DESCRIPTION = "Look topics up on Wikipedia and return article summaries"
    SKILL_VERSION = "1.0.0"
    REQUIRED_PACKAGES: ClassVar[list[str]] = ["httpx"]
    REQUIRED_ENV_VARS: ClassVar[list[str]] = []

    @classmethod
    def get_parameter_schema(cls) -> dict[str, dict[str, Any]]:
        """The base parameters plus result count, no-results message, timeout, base URL."""
        schema = super().get_parameter_schema()
        schema.update(
            {
                "num_results": {
                    "type": "integer",
                    "description": "Most articles to summarise per search",
                    "default": 1,
                    "required": False,
                    "min": 1,
                    "max": 5,
                },
                "no_results_message": {
                    "type": "string",
                    "description": "What to say when nothing matches ({query} is replaced)",
                    "default": NO_RESULTS,
                    "required": False,
                },
                "timeout": {
                    "type": "number",
                    "description": "Seconds the whole lookup may take before apologising",
                    "default": 10.0,
                    "required": False,
                    "min": 0.1,
                    "max": 60.0,
                },
                "base_url": base_url_param(
                    "MediaWiki API endpoint (override for another wiki or tests)", DEFAULT_BASE_URL
                ),
            }
        )
        return schema

    def setup(self) -> bool:
        """Read the settings."""
        self.num_results = max(1, int(self.params.get("num_results") or 1))
        self.no_results_message = str(self.params.get("no_results_message") or NO_RESULTS)
        self.timeout = float(self.params.get("timeout") or 10.0)
        self.base_url = text_param(self, "base_url")
        return True

    def register_tools(self) -> None:
        """Register ``search_wiki``."""
        self.define_tool(
            name="search_wiki",
            description="Look a topic up on Wikipedia and get the article's summary",
            parameters={
                "query": {
                    "type": "string",
                    "description": "The topic, person, place or thing to look up",
                }
            },
            handler=guarded(self._search_wiki, "Wikipedia", self.logger),
        )

    async def _search_wiki(self, args: dict[str, Any], raw_data: dict[str, Any]) -> FunctionResult:
        import asyncio  # here, not at module level: loading the skill stays cheap

        from signalwire.agents.skills._outbound import ServiceError, speakable

        query = args.get("query")
        if not isinstance(query, str) or not query.strip():
            return FunctionResult("What topic should I look up on Wikipedia?")
        query = query.strip()[:300]
        try:
            text = await asyncio.wait_for(self.search_wiki(query), self.timeout)
        except asyncio.TimeoutError:
            return FunctionResult(
                "Sorry, Wikipedia took too long to answer. Please try again in a moment."
            )
        except ServiceError as exc:
            self.logger.warning("Wikipedia lookup failed: %s %s", exc.kind, exc)
            return FunctionResult(speakable("Wikipedia", exc))
        return FunctionResult(text)

    async def search_wiki(self, query: str) -> str:
        """The summaries for ``query`` (or the no-results sentence); raises ServiceError."""
        import asyncio

        from signalwire.agents.skills._outbound import request_json

        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        found = await request_json(
            "GET",
            self.base_url,
            timeout=self.timeout,
            headers=headers,
            params={
                "action": "query",
                "list": "search",
                "format": "json",
                "srsearch": query,
                "srlimit": self.num_results,
            },
        )
        hits = (found.get("query") or {}).get("search") if isinstance(found, dict) else None
        titles = [
            h["title"][:300]
            for h in (hits if isinstance(hits, list) else [])
            if isinstance(h, dict) and isinstance(h.get("title"), str) and h["title"]
        ]
        if not titles:
            return self.no_results_message.replace("{query}", query)

        async def extract(title: str) -> str:
            data = await request_json(
                "GET",
                self.base_url,
                timeout=self.timeout,
                headers=headers,
                params={
                    "action": "query",
                    "prop": "extracts",
                    "exintro": 1,
                    "explaintext": 1,
                    "format": "json",
                    "titles": title,
                },
            )
            pages = (data.get("query") or {}).get("pages") if isinstance(data, dict) else None
            page: Any = next(iter(pages.values()), {}) if isinstance(pages, dict) and pages else {}
            text = str(page.get("extract") or "").strip() if isinstance(page, dict) else ""
            if len(text) > _MAX_EXTRACT_CHARS:
                text = text[:_MAX_EXTRACT_CHARS].rsplit(" ", 1)[0] + " ..."
            return f"**{title}**\n\n{text or 'This article has no summary.'}"

        articles = await asyncio.gather(*(extract(t) for t in titles[: self.num_results]))
        return _SEPARATOR.join(articles)

    def _get_prompt_sections(self) -> list[dict[str, Any]]:
        count = "one article" if self.num_results == 1 else f"up to {self.num_results} articles"
        return [
            {
                "title": "Wikipedia Search",
                "body": f"search_wiki looks a topic up on Wikipedia and returns {count}.",
                "bullets": [
                    "Use search_wiki for encyclopedic facts: people, places, history, science",
                    "Search with the plain name of the topic",
                    "Retell what you find briefly in your own words",
                ],
            }
        ]
