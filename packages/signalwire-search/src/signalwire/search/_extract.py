"""Reading source files into text: plain text directly, rich formats through their extras."""

from __future__ import annotations

import html.parser
import re
from pathlib import Path

from signalwire.search.errors import MissingDependencyError

#: Suffixes read through a format library rather than as UTF-8 text.
RICH_SUFFIXES = frozenset({".pdf", ".docx", ".pptx", ".xlsx", ".rtf", ".html", ".htm"})

#: Files above this size are skipped (a 500 MB PDF would stall a build for minutes).
DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024


class SkipFile(Exception):
    """A file the builder leaves out; the message says why."""


class _HTMLText(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def html_to_text(markup: str) -> str:
    """Visible text of an HTML document, one text node per line."""
    parser = _HTMLText()
    parser.feed(markup)
    parser.close()
    return "\n".join(parser.parts)


def read_document(path: Path, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> str | list[str]:
    """The text of one file (a list of pages for paged formats).

    Raises :class:`SkipFile` for binary, undecodable, empty or oversized files, and
    :class:`MissingDependencyError` when a rich format's reader is not installed.
    """
    size = path.stat().st_size
    if size > max_bytes:
        raise SkipFile(f"{size} bytes is over the {max_bytes}-byte limit (max_file_bytes)")
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return _pdf(path)
    if suffix == ".docx":
        return _docx(path)
    if suffix == ".pptx":
        return _pptx(path)
    if suffix == ".xlsx":
        return _xlsx(path)
    raw = path.read_bytes()
    if b"\x00" in raw[:8192]:
        raise SkipFile("binary content")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SkipFile(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    if suffix in (".html", ".htm"):
        text = html_to_text(text)
    elif suffix == ".rtf":
        try:
            from striprtf.striprtf import rtf_to_text
        except ImportError as exc:
            raise MissingDependencyError("Reading .rtf files", "documents", "striprtf") from exc
        text = rtf_to_text(text)
    if not text.strip():
        raise SkipFile("no text")
    return text


def _pdf(path: Path) -> list[str]:
    try:
        from pypdf import PdfReader
    except ImportError as exc:
        raise MissingDependencyError("Reading .pdf files", "documents", "pypdf") from exc
    try:
        reader = PdfReader(str(path))
        pages = [re.sub(r"^\d+\.\s*", "", page.extract_text() or "") for page in reader.pages]
    except Exception as exc:
        raise SkipFile(f"unreadable PDF ({type(exc).__name__}: {exc})") from exc
    if not any(p.strip() for p in pages):
        raise SkipFile("no text")
    return pages


def _docx(path: Path) -> list[str]:
    try:
        import docx
    except ImportError as exc:
        raise MissingDependencyError("Reading .docx files", "documents", "python-docx") from exc
    try:
        paragraphs = [p.text for p in docx.Document(str(path)).paragraphs if p.text.strip()]
    except Exception as exc:
        raise SkipFile(f"unreadable DOCX ({type(exc).__name__}: {exc})") from exc
    if not paragraphs:
        raise SkipFile("no text")
    return paragraphs


def _pptx(path: Path) -> list[str]:
    try:
        from pptx import Presentation
    except ImportError as exc:
        raise MissingDependencyError("Reading .pptx files", "documents", "python-pptx") from exc
    try:
        slides = [
            "\n".join(s.text for s in slide.shapes if getattr(s, "text", ""))
            for slide in Presentation(str(path)).slides
        ]
    except Exception as exc:
        raise SkipFile(f"unreadable PPTX ({type(exc).__name__}: {exc})") from exc
    return [s for s in slides if s.strip()] or _no_text()


def _xlsx(path: Path) -> str:
    try:
        import openpyxl
    except ImportError as exc:
        raise MissingDependencyError("Reading .xlsx files", "documents", "openpyxl") from exc
    try:
        book = openpyxl.load_workbook(str(path), read_only=True, data_only=True)
        rows = [
            " ".join(str(c) for c in row if c is not None)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        ]
    except Exception as exc:
        raise SkipFile(f"unreadable XLSX ({type(exc).__name__}: {exc})") from exc
    text = "\n".join(r for r in rows if r)
    if not text.strip():
        raise SkipFile("no text")
    return text


def _no_text() -> list[str]:
    raise SkipFile("no text")
