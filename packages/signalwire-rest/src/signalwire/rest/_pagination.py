"""Lazy iteration over list endpoints, page by page.

Two page shapes exist. The REST API returns ``{"data": [...], "links":
{"next": "<absolute URL>"}}``; the compatibility (LaML) API returns
``{"<collection>": [...], "next_page_uri": "<relative URI>"}`` where the
collection key differs per resource. A few REST lists return a bare JSON array.

Iteration stops only when no next link is left (an empty page may still link
on) or when a next link repeats, which would otherwise loop forever.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from signalwire.rest._options import RequestOptions

__all__ = ["Pages", "Paginator", "page_items"]


#: Fetches one page by path-and-query; returns the page or an awaitable of it.
Fetch = Callable[[str, "RequestOptions | None"], Any]


def page_items(page: Any) -> tuple[list[Any], str | None]:
    """Split a decoded page into (items, next path-and-query or None)."""
    if isinstance(page, list):
        return page, None
    if not isinstance(page, dict):
        return [], None
    if "next_page_uri" in page and "data" not in page:
        items = next((v for v in page.values() if isinstance(v, list)), [])
        return items, _local(page.get("next_page_uri"))
    links = page.get("links")
    next_link = links.get("next") if isinstance(links, dict) else None
    data = page.get("data")
    return (data if isinstance(data, list) else []), _local(next_link)


def _local(link: Any) -> str | None:
    """Keep only the path and query of a next link: the client's own base URL is used,
    so a platform that names its public host still pages through a local endpoint."""
    if not isinstance(link, str) or not link:
        return None
    parts = urlsplit(link)
    path = parts.path or "/"
    return f"{path}?{parts.query}" if parts.query else path


class Paginator:
    """Items of a list endpoint across all its pages, fetched lazily.

    ``for item in paginator`` with :class:`RestClient`; ``async for item in
    paginator`` with :class:`AsyncRestClient`. :meth:`pages` yields whole pages.
    Each page request uses the same ``request_options``.
    """

    def __init__(
        self,
        first: Callable[[], Any],
        fetch: Fetch,
        options: RequestOptions | None,
        *,
        is_async: bool,
    ) -> None:
        self._first = first
        self._fetch = fetch
        self._options = options
        self._is_async = is_async

    def pages(self) -> Pages:
        """Iterate over whole decoded pages instead of items."""
        return Pages(self)

    def __iter__(self) -> Iterator[Any]:
        for page in self._iter_pages():
            yield from page_items(page)[0]

    def __aiter__(self) -> AsyncIterator[Any]:
        return self._aiter_items()

    async def _aiter_items(self) -> AsyncIterator[Any]:
        async for page in self._aiter_pages():
            for item in page_items(page)[0]:
                yield item

    def _iter_pages(self) -> Iterator[Any]:
        if self._is_async:
            raise TypeError("this paginator belongs to an AsyncRestClient: use `async for`")
        page = self._first()
        seen: set[str] = set()
        while True:
            yield page
            link = self._next(page, seen)
            if link is None:
                return
            page = self._fetch(link, self._options)

    async def _aiter_pages(self) -> AsyncIterator[Any]:
        if not self._is_async:
            raise TypeError("this paginator belongs to a RestClient: use a plain `for`")
        page = await cast("Awaitable[Any]", self._first())
        seen: set[str] = set()
        while True:
            yield page
            link = self._next(page, seen)
            if link is None:
                return
            page = await self._fetch(link, self._options)

    @staticmethod
    def _next(page: Any, seen: set[str]) -> str | None:
        link = page_items(page)[1]
        if link is None:
            return None
        if link in seen:
            import logging  # rare: a server that links a page to itself

            logging.getLogger("signalwire.rest.pagination").warning(
                "pagination stopped: next link %s repeats", link
            )
            return None
        seen.add(link)
        return link

    def __repr__(self) -> str:
        return f"<Paginator {'async' if self._is_async else 'sync'}>"


class Pages:
    """Whole pages of a :class:`Paginator` (``for`` or ``async for``)."""

    def __init__(self, paginator: Paginator) -> None:
        self._paginator = paginator

    def __iter__(self) -> Iterator[Any]:
        return self._paginator._iter_pages()

    def __aiter__(self) -> AsyncIterator[Any]:
        return self._paginator._aiter_pages()
