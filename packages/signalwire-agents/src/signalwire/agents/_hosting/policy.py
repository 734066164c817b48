"""What the HTTP layer enforces from a SecurityConfig, precomputed once per app.

Allowed hosts (400), CORS origins, the request size limit (413), HSTS over TLS
and which peers may set the public URL through forwarded headers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from signalwire.agents._hosting.security import SecurityConfig

__all__ = ["HttpPolicy"]


class HttpPolicy:
    """A snapshot of the enforced settings, cheap to consult on every request."""

    __slots__ = (
        "_peer_cache",
        "check_hosts",
        "cors_any",
        "cors_origins",
        "hsts",
        "max_body",
        "security",
        "trust_all_peers",
    )

    def __init__(self, security: SecurityConfig, tls: bool) -> None:
        self.security = security
        self.check_hosts = "*" not in security.allowed_hosts
        self.cors_any = "*" in security.cors_origins
        self.cors_origins = frozenset(o.rstrip("/").lower() for o in security.cors_origins)
        self.max_body = int(security.max_request_size)
        self.hsts: tuple[bytes, bytes] | None = None
        if tls and security.use_hsts:
            value = f"max-age={int(security.hsts_max_age)}; includeSubDomains"
            self.hsts = (b"strict-transport-security", value.encode())
        self.trust_all_peers = security.trust_proxy_headers or "*" in security.forwarded_allow_ips
        self._peer_cache: dict[str | None, bool] = {}

    def host_allowed(self, host: str | None) -> bool:
        """Whether the ``Host`` (or a forwarded host) is one this service answers for."""
        if not self.check_hosts:
            return True
        return bool(host) and self.security.should_allow_host(host or "")

    def cors_headers(self, origin: str) -> list[tuple[bytes, bytes]] | None:
        """Headers allowing ``origin``, or None when the origin is not allowed.

        With ``*`` the answer carries no credentials (a browser then never sends
        the Basic-auth password cross-site); a listed origin is echoed with
        ``Access-Control-Allow-Credentials: true``.
        """
        if self.cors_any:
            return [(b"access-control-allow-origin", b"*")]
        if origin.rstrip("/").lower() in self.cors_origins:
            return [
                (b"access-control-allow-origin", origin.encode("latin-1", "replace")),
                (b"access-control-allow-credentials", b"true"),
                (b"vary", b"Origin"),
            ]
        return None

    def forwarded_trusted(self, peer: str | None) -> bool:
        """Whether forwarded headers from ``peer`` may set the public URL (cached per peer)."""
        if self.trust_all_peers:
            return True
        known = self._peer_cache.get(peer)
        if known is None:
            known = self.security.is_trusted_proxy(peer)
            if len(self._peer_cache) > 1024:  # peers are many behind the internet: stay bounded
                self._peer_cache.clear()
            self._peer_cache[peer] = known
        return known
