"""Readable text from HTML with the standard library's :class:`html.parser.HTMLParser`.

Used by the ``spider`` and ``web_search`` skills. The standard parser
rescans an unfinished construct from its start, so markup such as ``<a<a<a...``
or ``</a</a...`` costs time quadratic in its length; `defuse` first removes
comments and escapes every ``<`` that does not open a complete tag, in one
linear pass, so parsing stays linear. Nesting costs nothing extra (no
recursion), callers cap the length, and every collection built is capped too.

`extract(html)` gives a `Document`: ``title``, ``description``, the main
``text`` (scripts, styles and page chrome such as ``nav``/``footer`` left
out), a Markdown rendering, the headings, the links and, for simple CSS
selectors (``tag``, ``.class``, ``#id``, ``tag.class``, ``tag#id``), the text
of the matching elements.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

__all__ = ["Document", "clean", "defuse", "extract"]

_SKIP = {"script", "style", "noscript", "template", "svg", "iframe", "object", "canvas", "head"}
_CHROME = {"nav", "footer", "header", "aside", "form", "button"}
_BLOCK = {
    "p",
    "div",
    "section",
    "article",
    "main",
    "br",
    "li",
    "ul",
    "ol",
    "table",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "hr",
    "figure",
}
_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "param",
    "source",
    "track",
    "wbr",
}
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_SELECTOR = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9-]*)?(?:([.#])([A-Za-z0-9_-]+))?\s*$")
# A "<" stays markup only when a complete tag, end tag, declaration or processing
# instruction follows it before the next "<". The lookahead stops at the next
# "<" or ">", so the scans of consecutive "<" never overlap: linear overall.
_LONE_LT = re.compile(
    r"<(?!(?:[A-Za-z][^<>]{0,65536}>|/[A-Za-z][^<>]{0,1024}>|[!?][^<>]{0,8192}>))"
)
MAX_LINKS = 500
MAX_HEADINGS = 200
MAX_MATCHES = 50
MAX_STACK = 512


@dataclass
class Document:
    """What `extract` found in a page."""

    title: str = ""
    description: str = ""
    text: str = ""
    markdown: str = ""
    headings: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    selected: dict[str, list[str]] = field(default_factory=dict)


def clean(text: str) -> str:
    """Collapse runs of spaces and blank lines; strip each line."""
    lines = (re.sub(r"[ \t\r\f\v\u00a0]+", " ", line).strip() for line in text.split("\n"))
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def defuse(html: str) -> str:
    """``html`` without comments and with every stray ``<`` escaped (linear time)."""
    pieces: list[str] = []
    start = 0
    while True:
        open_at = html.find("<!--", start)
        if open_at < 0:
            pieces.append(html[start:])
            break
        pieces.append(html[start:open_at])
        close_at = html.find("-->", open_at + 4)
        if close_at < 0:
            break  # an unclosed comment hides the rest of the page, as in a browser
        start = close_at + 3
    return _LONE_LT.sub("&lt;", "".join(pieces))


def _parse_selector(selector: str) -> tuple[str | None, str | None, str | None] | None:
    match = _SELECTOR.match(selector)
    if not match or not (match.group(1) or match.group(3)):
        return None
    tag = match.group(1).lower() if match.group(1) else None
    if match.group(2) == ".":
        return tag, None, match.group(3)
    return tag, match.group(3), None


class _Extractor(HTMLParser):
    def __init__(self, base_url: str, selectors: dict[str, str]) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.doc = Document()
        self._stack: list[str] = []
        self._skip = 0
        self._chrome = 0
        self._in_title = False
        self._text: list[str] = []
        self._md: list[str] = []
        self._heading: list[str] | None = None
        self._seen_links: set[str] = set()
        self._selectors = {
            name: parsed
            for name, sel in selectors.items()
            if (parsed := _parse_selector(sel)) is not None
        }
        self.doc.selected = {name: [] for name in selectors}
        # (selector name, stack depth, buffer) for elements being captured
        self._captures: list[tuple[str, int, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: (v or "") for k, v in attrs}
        if tag == "title":
            self._in_title = True
        if tag == "meta" and attr.get("name", "").lower() == "description":
            self.doc.description = attr.get("content", "")[:500]
        if tag == "a" and attr.get("href") and len(self.doc.links) < MAX_LINKS:
            try:
                link = urldefrag(urljoin(self.base_url, attr["href"].strip()))[0]
                urlsplit(link).port  # noqa: B018 - a malformed host or port raises here
            except ValueError:
                link = ""
            if link.startswith(("http://", "https://")) and link not in self._seen_links:
                self._seen_links.add(link)
                self.doc.links.append(link)
        if tag in _VOID:
            if tag in ("br", "hr"):
                self._newline()
            return
        if len(self._stack) >= MAX_STACK:
            return
        self._stack.append(tag)
        if tag in _SKIP:
            self._skip += 1
        if tag in _CHROME:
            self._chrome += 1
        if tag in _BLOCK:
            self._newline()
        if tag in _HEADINGS and not self._skip:
            self._heading = []
            self._md.append("\n" + "#" * _HEADINGS[tag] + " ")
        elif tag == "li" and not self._skip and not self._chrome:
            self._md.append("\n- ")
        classes = set(attr.get("class", "").split())
        for name, (want_tag, want_id, want_class) in self._selectors.items():
            if len(self.doc.selected[name]) >= MAX_MATCHES:
                continue
            if want_tag and want_tag != tag:
                continue
            if want_id and attr.get("id") != want_id:
                continue
            if want_class and want_class not in classes:
                continue
            self._captures.append((name, len(self._stack), []))

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag not in self._stack:
            return  # a stray end tag
        while self._stack:
            open_tag = self._stack.pop()
            self._close(open_tag)
            if open_tag == tag:
                break

    def _close(self, tag: str) -> None:
        depth = len(self._stack) + 1
        while self._captures and self._captures[-1][1] >= depth:
            name, _, buf = self._captures.pop()
            value = clean("".join(buf))
            if value:
                self.doc.selected[name].append(value)
        if tag in _SKIP:
            self._skip -= 1
        if tag in _CHROME:
            self._chrome -= 1
        if tag in _HEADINGS and self._heading is not None:
            heading = clean("".join(self._heading))
            if heading and len(self.doc.headings) < MAX_HEADINGS:
                self.doc.headings.append(heading)
            self._heading = None
        if tag in _BLOCK:
            self._newline()

    def _newline(self) -> None:
        self._text.append("\n")
        self._md.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.doc.title = clean(self.doc.title + data)[:300]
            return
        if self._skip:
            return
        for _, _, buf in self._captures:
            buf.append(data)
        if self._heading is not None:
            self._heading.append(data)
        if self._chrome:
            return
        self._text.append(data)
        self._md.append(data)


def extract(html: str, base_url: str = "", selectors: dict[str, str] | None = None) -> Document:
    """Parse ``html`` (already size-capped by the caller) into a `Document`."""
    parser = _Extractor(base_url, selectors or {})
    try:
        parser.feed(defuse(html))
        parser.close()
    except (AssertionError, ValueError):  # malformed markup the parser gives up on
        pass
    doc = parser.doc
    doc.text = clean("".join(parser._text))
    doc.markdown = clean("".join(parser._md))
    return doc
