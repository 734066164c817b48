"""The outbound-HTTP guards shared by the skills that call outside services."""

from __future__ import annotations

from typing import Any

import pytest

from signalwire.agents.skills import _outbound
from signalwire.agents.skills._html_text import clean, extract
from signalwire_devtools.services import FakeServices

pytestmark = pytest.mark.asyncio


@pytest.mark.parametrize(
    "address",
    [
        "10.1.2.3", "172.16.0.1", "192.168.1.1", "127.0.0.1", "169.254.169.254", "0.0.0.0",
        "100.64.0.1", "100.127.255.254", "::1", "fc00::1", "fe80::1%eth0", "::ffff:127.0.0.1",
        "224.0.0.1", "junk",
        # IPv6 forms that carry an IPv4 address: compatible, NAT64 (both prefixes), 6to4.
        "::7f00:1", "::a9fe:a9fe", "64:ff9b::7f00:1", "64:ff9b::808:808", "64:ff9b:1::1",
        "2002:7f00:1::", "2002:808:808::1",
    ],
)  # fmt: skip
async def test_private_and_odd_addresses_are_blocked(address: str) -> None:
    assert _outbound.address_blocked(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"])
async def test_public_addresses_are_allowed(address: str) -> None:
    assert not _outbound.address_blocked(address)


async def test_env_switch_allows_private(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SWML_ALLOW_PRIVATE_URLS", raising=False)
    assert not _outbound.private_urls_allowed()
    assert _outbound.private_urls_allowed(True)
    monkeypatch.setenv("SWML_ALLOW_PRIVATE_URLS", "yes")
    assert _outbound.private_urls_allowed()


async def test_private_hosts_are_refused_before_a_byte_is_sent(
    fake_services: FakeServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SWML_ALLOW_PRIVATE_URLS", raising=False)
    port = fake_services.base_url.rsplit(":", 1)[1]
    for host in ("localhost", "127.0.0.1", "[::ffff:127.0.0.1]", "[::1]"):
        with pytest.raises(_outbound.ServiceError) as info:
            await _outbound.fetch_page(f"http://{host}:{port}/site/result1.html", timeout=5)
        assert info.value.kind == "blocked", host
    assert fake_services.journal == []
    page = await _outbound.fetch_page(
        f"http://localhost:{port}/site/result1.html", timeout=5, allow_private=True
    )
    assert page.status == 200 and len(fake_services.journal) == 1


async def test_a_name_that_rebinds_to_loopback_after_the_check_is_never_reached(
    fake_services: FakeServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the first lookup answers a public address, every later one loopback.

    The address is checked in the one lookup the connection uses, so the loopback server
    never sees a request (a check before connecting, with its own lookup, would let the
    connection's second lookup reach it).
    """
    import socket

    monkeypatch.delenv("SWML_ALLOW_PRIVATE_URLS", raising=False)
    real = socket.getaddrinfo
    lookups: list[str] = []

    def rebinding(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host  # anyio passes IDNA bytes
        if name != "rebind.invalid":
            return real(host, port, *args, **kwargs)
        lookups.append(name)
        # An unroutable global IPv6 address first (documentation-free, never answers here).
        address = "2001:4860:ffff::1" if len(lookups) == 1 else "127.0.0.1"
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        sockaddr = (address, int(port), 0, 0) if family == socket.AF_INET6 else (address, int(port))
        return [(family, socket.SOCK_STREAM, 6, "", sockaddr)]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    port = fake_services.base_url.rsplit(":", 1)[1]
    with pytest.raises(_outbound.ServiceError) as info:
        await _outbound.fetch_page(f"http://rebind.invalid:{port}/site/result1.html", timeout=1)
    assert info.value.kind in ("unreachable", "timeout", "blocked")
    assert fake_services.journal == []
    assert lookups == ["rebind.invalid"]


async def test_oversized_json_answer_is_refused(fake_services: FakeServices) -> None:
    fake_services.fail("/wikipedia", 200, raw_body=b"[" + b"0," * (3 * 1024 * 1024) + b"0]")
    with pytest.raises(_outbound.ServiceError) as info:
        await _outbound.request_json(
            "GET", f"{fake_services.base_url}/wikipedia/w/api.php", timeout=5
        )
    assert info.value.kind == "too_large"
    assert "too long" not in _outbound.speakable("Wikipedia", info.value)


async def test_absurdly_nested_json_is_invalid_not_a_crash(fake_services: FakeServices) -> None:
    fake_services.fail("/wikipedia", 200, raw_body=b"[" * 200_000)
    with pytest.raises(_outbound.ServiceError) as info:
        await _outbound.request_json(
            "GET", f"{fake_services.base_url}/wikipedia/w/api.php", timeout=5
        )
    assert info.value.kind == "invalid"


async def test_connection_refused_is_unreachable() -> None:
    with pytest.raises(_outbound.ServiceError) as info:
        await _outbound.request_json("GET", "http://127.0.0.1:1/", timeout=2)
    assert info.value.kind == "unreachable"
    assert _outbound.speakable("X", info.value) == (
        "Sorry, I could not reach X right now. Please try again later."
    )


async def test_html_text_limits_and_cleaning() -> None:
    links = "".join(f"<a href='/p{i}'>l</a>" for i in range(2000))
    doc = extract(f"<title>T</title><p>a   b</p>{links}", "https://example.org/")
    assert doc.title == "T" and len(doc.links) == 500
    assert doc.links[0] == "https://example.org/p0"
    assert clean("  a \t b \n\n\n c ") == "a b\n\nc"


async def test_defuse_escapes_stray_brackets_and_drops_comments() -> None:
    from signalwire.agents.skills._html_text import defuse

    assert defuse("a<b <p>x</p> 1 < 2 <!-- hidden --> <br/> <!DOCTYPE html>") == (
        "a&lt;b <p>x</p> 1 &lt; 2  <br/> <!DOCTYPE html>"
    )
    assert defuse("ok <!-- never closed <p>gone</p>") == "ok "
    assert extract("<p>1 < 2 and 3 > 2</p>").text == "1 < 2 and 3 > 2"


@pytest.mark.timeout(60)  # the unguarded parser needs minutes here: a hang, not a speed check
@pytest.mark.parametrize(
    "payload",
    ["<a" * 200_000, "</a" * 130_000, "<?" * 200_000, "<!" * 200_000, "<![CDATA[" * 45_000,
     "<a " * 130_000, "<" * 400_000],
    ids=["lt_a", "endtag", "pi", "decl", "cdata", "a_open", "lt"],
)  # fmt: skip
async def test_hostile_markup_parses_in_linear_time(payload: str) -> None:
    doc = extract(payload + "<p>tail</p>")
    assert doc.text.endswith("tail")


async def test_guard_turns_a_bug_into_an_apology(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    from signalwire.agents.skills._guard import guarded

    async def broken(args: dict[str, object], raw_data: dict[str, object]) -> object:
        raise KeyError("secret-internal-detail")

    handler = guarded(broken, "the widget service", logging.getLogger("signalwire.agents.skills.t"))
    result = await handler({}, {})
    assert result.to_dict() == {
        "response": "Sorry, something went wrong with the widget service. Please try again later."
    }
    assert "secret-internal-detail" in caplog.text
