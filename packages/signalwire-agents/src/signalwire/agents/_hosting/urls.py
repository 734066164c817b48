"""Work out the public base URL used in the webhook URLs an agent hands out."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

__all__ = ["request_base", "with_userinfo"]

_LOCAL_HOSTS = ("localhost", "127.0.0.1", "0.0.0.0", "[::1]", "::1", "[::]")  # noqa: S104


def _host_is_local(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if not host.startswith("[") else host.split("]")[0] + "]"
    return name.lower() in _LOCAL_HOSTS or name == ""


def _clean_host(value: str) -> str | None:
    value = value.split(",")[0].strip()
    # A host header carries no path, userinfo or whitespace; refuse anything else.
    if not value or any(c in value for c in "/@ \t\\?#") or len(value) > 255:
        return None
    return value


def request_base(
    headers: Mapping[str, str], scheme: str, trust_forwarded: bool = True
) -> str | None:
    """The public ``scheme://host`` seen in a request's headers, or None when local.

    Order: ``X-Forwarded-Host`` (+ ``X-Forwarded-Proto``), then RFC 7239
    ``Forwarded``, then ``Host`` when it does not name this machine. With
    ``trust_forwarded=False`` (the peer is not a trusted proxy) only ``Host`` counts.
    """
    fwd_host = headers.get("x-forwarded-host") if trust_forwarded else None
    if fwd_host:
        host = _clean_host(fwd_host)
        if host:
            proto = (headers.get("x-forwarded-proto") or scheme).split(",")[0].strip().lower()
            proto = proto if proto in ("http", "https") else scheme
            return f"{proto}://{host}"
    forwarded = headers.get("forwarded") if trust_forwarded else None
    if forwarded:
        fields: dict[str, str] = {}
        for part in forwarded.split(",")[0].split(";"):
            key, _, value = part.partition("=")
            fields[key.strip().lower()] = value.strip().strip('"')
        host = _clean_host(fields.get("host", ""))
        if host:
            proto = fields.get("proto", scheme).lower()
            proto = proto if proto in ("http", "https") else scheme
            return f"{proto}://{host}"
    host_header = headers.get("host")
    if host_header:
        host = _clean_host(host_header)
        if host and not _host_is_local(host):
            return f"{scheme}://{host}"
    return None


def with_userinfo(base: str, user: str, password: str) -> str:
    """Insert ``user:password@`` after the scheme of ``base``."""
    scheme, sep, rest = base.partition("://")
    if not sep:
        return base
    creds = f"{quote(user, safe='')}:{quote(password, safe='')}@"
    return f"{scheme}://{creds}{rest}"
