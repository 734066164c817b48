"""Webhook signature validation for requests SignalWire sends to your server.

SignalWire signs each webhook with your project's signing key. Two schemes
are in use, both checked here in constant time:

* **Scheme A** (JSON webhooks: SWML fetches, SWAIG calls, status callbacks):
  ``X-SignalWire-Signature`` carries ``hex(HMAC-SHA1(key, url + raw_body))``;
  ``X-SignalWire-Sha256-Signature`` carries the same with SHA-256.
* **Scheme B** (compatibility/cXML form posts): ``X-SignalWire-Signature``
  (or its alias ``X-Twilio-Signature``) carries
  ``base64(HMAC-SHA1(key, url + k1 + v1 + k2 + v2 ...))`` with the form
  parameters sorted by key. The URL is also tried with the scheme's default
  port added or removed, because proxies disagree on it, and a
  ``bodySHA256`` query parameter, when present, must match the body.

``url`` is always the full public URL SignalWire posted to, query included.
Behind a proxy, rebuild it from the public base rather than the local address.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from signalwire.core._errors import SignalWireError

__all__ = [
    "SIGNALWIRE_SHA256_SIGNATURE_HEADER",
    "SIGNALWIRE_SIGNATURE_HEADER",
    "SIGNATURE_HEADERS",
    "TWILIO_COMPAT_SIGNATURE_HEADER",
    "WebhookSignatureError",
    "make_webhook_validation_dependency",
    "validate_request",
    "validate_signed_request",
    "validate_webhook_signature",
    "validate_webhook_signature_sha256",
]

SIGNALWIRE_SIGNATURE_HEADER = "X-SignalWire-Signature"
"""Header carrying the SHA-1 signature (scheme A hex, or scheme B base64)."""

SIGNALWIRE_SHA256_SIGNATURE_HEADER = "X-SignalWire-Sha256-Signature"
"""Header carrying the scheme A signature computed with HMAC-SHA256 (preferred)."""

TWILIO_COMPAT_SIGNATURE_HEADER = "X-Twilio-Signature"
"""Alias of :data:`SIGNALWIRE_SIGNATURE_HEADER` sent by the compatibility API."""

SIGNATURE_HEADERS = (
    SIGNALWIRE_SHA256_SIGNATURE_HEADER,
    SIGNALWIRE_SIGNATURE_HEADER,
    TWILIO_COMPAT_SIGNATURE_HEADER,
)
"""The signature headers in the order they are consulted."""

_DEFAULT_PORTS = {"http": 80, "https": 443}

FormParams = Mapping[str, Any] | Iterable[tuple[str, Any]]


class WebhookSignatureError(SignalWireError):
    """A webhook's signature is missing or does not match (HTTP 403)."""

    status_code = 403


def _require_key(signing_key: str) -> bytes:
    if not signing_key:
        raise ValueError("signing_key is required to validate webhook signatures")
    return signing_key.encode("utf-8")


def _as_text(raw_body: str | bytes | None) -> str:
    if raw_body is None:
        return ""
    if isinstance(raw_body, bytes):
        return raw_body.decode("utf-8", errors="surrogateescape")
    return raw_body


def _as_bytes(raw_body: str | bytes | None) -> bytes:
    if raw_body is None:
        return b""
    if isinstance(raw_body, str):
        return raw_body.encode("utf-8", errors="surrogateescape")
    return raw_body


def _equal(expected: str, given: str) -> bool:
    # compare_digest refuses non-ASCII str; compare bytes so any header is safe.
    return hmac.compare_digest(expected.encode("utf-8"), given.strip().encode("utf-8"))


def _url_variants(url: str) -> list[str]:
    """The URL as given, plus the same URL with its default port toggled."""
    parts = urlsplit(url)
    default = _DEFAULT_PORTS.get(parts.scheme.lower())
    try:
        port = parts.port
    except ValueError:
        return [url]
    if default is None or parts.hostname is None:
        return [url]
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    userinfo = parts.netloc.rpartition("@")[0]
    prefix = f"{userinfo}@" if userinfo else ""
    if port is None:
        other = f"{prefix}{host}:{default}"
    elif port == default:
        other = f"{prefix}{host}"
    else:
        return [url]
    return [url, urlunsplit(parts._replace(netloc=other))]


def _sorted_params(params: FormParams | None) -> str:
    if not params:
        return ""
    items: list[tuple[str, Any]] = []
    pairs = params.items() if isinstance(params, Mapping) else params
    for key, value in pairs:
        if isinstance(value, (list, tuple)):
            items.extend((key, v) for v in value)
        else:
            items.append((key, value))
    # Stable sort by key: repeated keys keep their submission order.
    items.sort(key=lambda kv: kv[0])
    return "".join(f"{k}{'' if v is None else v}" for k, v in items)


def _body_sha256_ok(url: str, body: bytes) -> bool:
    expected = dict(parse_qsl(urlsplit(url).query)).get("bodySHA256")
    if expected is None:
        return True
    return _equal(hashlib.sha256(body).hexdigest(), expected)


def _scheme_b(key: bytes, signature: str, url: str, params: FormParams | None, body: bytes) -> bool:
    concat = _sorted_params(params)
    for candidate in _url_variants(url):
        digest = hmac.new(key, (candidate + concat).encode("utf-8"), hashlib.sha1).digest()
        if _equal(base64.b64encode(digest).decode("ascii"), signature):
            return _body_sha256_ok(candidate, body)
    return False


def validate_webhook_signature(
    signing_key: str, signature: str | None, url: str, raw_body: str | bytes | None
) -> bool:
    """Validate an ``X-SignalWire-Signature`` (or ``X-Twilio-Signature``) header.

    Tries scheme A (hex HMAC-SHA1 over ``url + raw_body``), then scheme B
    (base64 HMAC-SHA1 over the URL and the sorted form parameters parsed from
    the body, then with no parameters, each with the default-port variants).

    Returns False for a missing or wrong signature; raises ``ValueError``
    when ``signing_key`` is empty (a configuration error, not a bad request).
    """
    key = _require_key(signing_key)
    if not signature:
        return False
    body = _as_bytes(raw_body)
    text = _as_text(raw_body)
    expected_a = hmac.new(key, (url + text).encode("utf-8", "surrogateescape"), hashlib.sha1)
    if _equal(expected_a.hexdigest(), signature):
        return True
    try:
        form = parse_qsl(text, keep_blank_values=True)
    except ValueError:
        form = []
    for params in (form, []) if form else ([],):
        if _scheme_b(key, signature, url, params, body):
            return True
    return False


def validate_webhook_signature_sha256(
    signing_key: str, signature: str | None, url: str, raw_body: str | bytes | None
) -> bool:
    """Validate an ``X-SignalWire-Sha256-Signature`` header (hex HMAC-SHA256 of ``url + raw_body``)."""
    key = _require_key(signing_key)
    if not signature:
        return False
    message = (url + _as_text(raw_body)).encode("utf-8", "surrogateescape")
    return _equal(hmac.new(key, message, hashlib.sha256).hexdigest(), signature)


def validate_request(
    signing_key: str,
    signature: str | None,
    url: str,
    params_or_raw_body: str | bytes | FormParams | None,
) -> bool:
    """Validate a signature given either the raw body or already-parsed form parameters.

    A ``str``/``bytes`` body is handled like :func:`validate_webhook_signature`.
    A mapping (values may be lists for repeated keys) or a list of
    ``(key, value)`` pairs is checked with scheme B directly.
    """
    if isinstance(params_or_raw_body, (str, bytes)) or params_or_raw_body is None:
        return validate_webhook_signature(signing_key, signature, url, params_or_raw_body)
    key = _require_key(signing_key)
    if not signature:
        return False
    if not isinstance(params_or_raw_body, (Mapping, list, tuple)):
        raise TypeError(
            "params_or_raw_body must be the raw body (str or bytes), a mapping of form "
            f"parameters or a list of (key, value) pairs, not {type(params_or_raw_body).__name__}"
        )
    return _scheme_b(key, signature, url, params_or_raw_body, b"")


def validate_signed_request(
    signing_key: str, headers: Mapping[str, str], url: str, raw_body: str | bytes | None
) -> bool:
    """Validate a request from its headers, preferring the SHA-256 header.

    ``headers`` may be any case-insensitive mapping (Starlette's, httpx's) or
    a plain dict; header names are matched case-insensitively.
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    sha256 = lowered.get(SIGNALWIRE_SHA256_SIGNATURE_HEADER.lower())
    if sha256:
        return validate_webhook_signature_sha256(signing_key, sha256, url, raw_body)
    sha1 = lowered.get(SIGNALWIRE_SIGNATURE_HEADER.lower()) or lowered.get(
        TWILIO_COMPAT_SIGNATURE_HEADER.lower()
    )
    return validate_webhook_signature(signing_key, sha1, url, raw_body)


class _RequestLike(Protocol):
    @property
    def headers(self) -> Mapping[str, str]: ...
    @property
    def url(self) -> Any: ...
    async def body(self) -> bytes: ...


def _public_url(request: _RequestLike, trust_proxy: bool) -> str:
    url = str(request.url)
    if not trust_proxy:
        return url
    proto = request.headers.get("x-forwarded-proto")
    host = request.headers.get("x-forwarded-host")
    if not proto and not host:
        return url
    parts = urlsplit(url)
    return urlunsplit(
        parts._replace(
            scheme=(proto or parts.scheme).split(",")[0].strip(),
            netloc=(host or parts.netloc).split(",")[0].strip(),
        )
    )


def make_webhook_validation_dependency(
    signing_key: str, trust_proxy: bool = False
) -> Callable[[Any], Awaitable[bytes]]:
    """Build an async FastAPI/Starlette dependency that rejects unsigned webhooks.

    Use it as ``Depends(make_webhook_validation_dependency(key))``. It returns
    the raw body on success. On failure it raises Starlette's
    ``HTTPException(403)`` when Starlette is installed (so FastAPI answers
    403), else :class:`WebhookSignatureError`.

    ``trust_proxy=True`` rebuilds the URL from ``X-Forwarded-Proto`` and
    ``X-Forwarded-Host``; enable it only behind a proxy you control.
    """
    _require_key(signing_key)

    async def dependency(request: Any) -> bytes:
        body: bytes = await request.body()
        if validate_signed_request(
            signing_key, request.headers, _public_url(request, trust_proxy), body
        ):
            return body
        try:
            from starlette.exceptions import HTTPException
        except ImportError:
            raise WebhookSignatureError("invalid or missing webhook signature") from None
        raise HTTPException(status_code=403, detail="Invalid webhook signature")

    return dependency
