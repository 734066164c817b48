"""The addresses a locally run DataMap webhook may reach, checked when connecting.

The platform fetches DataMap webhooks from its own network, so a local run must not
reach what the platform could not: loopback, private, link-local, shared
(``100.64.0.0/10``) and multicast addresses, cloud metadata (``169.254.169.254``), and
IPv6 forms that carry an IPv4 address (IPv4-mapped and -compatible, NAT64, 6to4). The
check runs when each connection is made, on the one resolution the connection uses, so
a name that re-resolves to a private address after a check (DNS rebinding) is never
reached. The rules match the agents package's skill fetches; they are written out here
because the fakes never import the SDK (they are an independent oracle).
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
from typing import Any

__all__ = ["BlockedAddress", "address_blocked", "guard_async_transport", "private_allowed"]

_EMBEDDING_V6 = tuple(
    ipaddress.IPv6Network(net) for net in ("::/96", "64:ff9b::/96", "64:ff9b:1::/48", "2002::/16")
)  # IPv4-compatible, NAT64 well-known and local-use prefixes, 6to4
_SHARED_V4 = ipaddress.IPv4Network("100.64.0.0/10")


class BlockedAddress(Exception):
    """A webhook's host is (or resolves to) an address the platform would not reach."""


def private_allowed(allow_private: bool = False) -> bool:
    """``allow_private``, or the ``SWML_ALLOW_PRIVATE_URLS`` switch the skills read too."""
    flag = os.environ.get("SWML_ALLOW_PRIVATE_URLS", "").strip().lower()
    return allow_private or flag in {"1", "true", "yes"}


def address_blocked(address: str) -> bool:
    """True when ``address`` (an IP literal, optionally with ``%zone``) must not be reached."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return True
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif any(ip in net for net in _EMBEDDING_V6):
            return True
    if isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED_V4:
        return True
    return not ip.is_global or ip.is_multicast


class _AsyncGuard:
    def __init__(self, inner: Any) -> None:
        self._inner = inner

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> Any:
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except UnicodeError as exc:
            raise BlockedAddress(f"{host!r} is not a valid host name") from exc
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        if not addresses or any(address_blocked(a) for a in addresses):
            raise BlockedAddress(f"{host} is a private or local address")
        error: BaseException | None = None
        for address in addresses:  # connect to exactly the addresses checked
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except Exception as exc:  # noqa: BLE001 - a connect error: try the next address
                error = exc
        assert error is not None
        raise error

    async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> Any:
        raise BlockedAddress("unix sockets are local")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def guard_async_transport(transport: Any) -> Any:
    """Make an ``httpx.AsyncHTTPTransport`` refuse blocked addresses at connect time.

    httpx has no public way to choose the network backend, so this replaces the backend
    of the transport's connection pool; a missing attribute raises rather than leaving
    fetches unchecked.
    """
    pool = transport._pool
    pool._network_backend = _AsyncGuard(pool._network_backend)
    return transport
