"""Hide tool tokens and Basic auth from what the inspector shows."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["MASK", "redact_headers", "redact_text", "redact_value"]

MASK = "•••"
_TOKEN = re.compile(r"(?<![A-Za-z0-9_])((?:__)?token=)[^&\s\"'#]+")
_USERINFO = re.compile(r"(\b[a-z][a-z0-9+.-]*://)[^/@\s\"']+@", re.IGNORECASE)
_SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "x-signalwire-signature"}
)


def redact_text(text: str) -> str:
    """``text`` with ``__token=``/``token=`` values and ``user:password@`` in URLs masked."""
    if "token=" in text:
        text = _TOKEN.sub(lambda m: m.group(1) + MASK, text)
    if "@" in text:
        text = _USERINFO.sub(lambda m: m.group(1) + MASK + "@", text)
    return text


def redact_value(value: Any) -> Any:
    """A copy of a JSON value with every string passed through :func:`redact_text`."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {redact_text(str(k)): redact_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_value(v) for v in value]
    return value


def redact_headers(headers: list[tuple[bytes, bytes]]) -> dict[str, str]:
    """Request headers for display: credentials and signatures masked."""
    shown: dict[str, str] = {}
    for raw_key, raw_value in headers:
        key = raw_key.decode("latin-1").lower()
        value = raw_value.decode("latin-1")
        if key in _SECRET_HEADERS:
            scheme = value.split(" ", 1)[0] if " " in value else ""
            value = f"{scheme} {MASK}".strip()
        shown[key] = redact_text(value)
    return shown
