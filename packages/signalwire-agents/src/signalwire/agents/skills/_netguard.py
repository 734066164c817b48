"""Which addresses outbound fetches may reach, checked when the connection is made.

`guard_transport` swaps the network backend of an httpx transport's connection pool
for one that resolves the host itself, refuses the connection when any address it
resolves to is private, loopback, link-local, shared (``100.64.0.0/10``), multicast
or an IPv6 form that embeds an IPv4 address (IPv4-mapped and -compatible, NAT64,
6to4), and then connects to the exact address it checked. Checking and connecting
use one resolution, so a name that resolves to a public address for a check and to
``127.0.0.1`` a moment later (DNS rebinding) never reaches the private address, and
no request byte is sent before the check.

Nothing here imports httpx or httpcore: the backend is duck-typed against httpcore's
network backend interface (``connect_tcp``, ``connect_unix_socket``, ``sleep``).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from typing import Any

__all__ = ["BlockedAddress", "address_blocked", "guard_transport"]

# IPv6 ranges that carry an IPv4 address inside (or reach one through a translator),
# so a global-looking IPv6 address can lead to a private IPv4 host.
_EMBEDDING_V6 = tuple(
    ipaddress.IPv6Network(net)
    for net in (
        "::/96",  # IPv4-compatible (deprecated): ::7f00:1 is 127.0.0.1
        "64:ff9b::/96",  # NAT64 well-known prefix
        "64:ff9b:1::/48",  # NAT64 local-use prefix
        "2002::/16",  # 6to4
    )
)
_SHARED_V4 = ipaddress.IPv4Network("100.64.0.0/10")  # carrier-grade NAT, not global


class BlockedAddress(Exception):
    """A fetch was refused because its host is (or resolves to) a non-public address."""


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


def _checked(host: str, infos: list[Any]) -> list[str]:
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses or any(address_blocked(a) for a in addresses):
        raise BlockedAddress(f"{host} is a private or local address")
    return addresses


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
            infos = await asyncio.wait_for(
                loop.getaddrinfo(host, port, type=socket.SOCK_STREAM), timeout
            )
        except UnicodeError as exc:
            raise BlockedAddress("the web address is malformed") from exc
        error: BaseException | None = None
        for address in _checked(host, list(infos)):
            try:
                stream = await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except Exception as exc:  # noqa: BLE001 - httpcore.ConnectError etc.: try the next address
                error = exc
                continue
            return stream
        assert error is not None
        raise error

    async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> Any:
        raise BlockedAddress("unix sockets are local")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _SyncGuard:
    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> Any:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except UnicodeError as exc:
            raise BlockedAddress("the web address is malformed") from exc
        error: BaseException | None = None
        for address in _checked(host, infos):
            try:
                return self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except Exception as exc:  # noqa: BLE001 - httpcore.ConnectError etc.: try the next address
                error = exc
        assert error is not None
        raise error

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> Any:
        raise BlockedAddress("unix sockets are local")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def guard_transport(transport: Any) -> Any:
    """Make ``transport`` (an ``httpx.HTTPTransport`` or ``AsyncHTTPTransport``) refuse
    non-public addresses at connect time; returns it.

    httpx has no public way to choose the network backend, so this replaces the backend
    of the transport's connection pool (``_pool._network_backend``, present since httpx
    0.18 / httpcore 0.13). If that attribute ever goes, this raises rather than quietly
    leaving fetches unchecked.
    """
    pool = transport._pool
    inner = pool._network_backend
    is_async = asyncio.iscoroutinefunction(inner.connect_tcp)
    pool._network_backend = _AsyncGuard(inner) if is_async else _SyncGuard(inner)
    return transport
