"""The spider skill against pages served on 127.0.0.1, including hostile ones."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from skills_testkit import call_tool, fetch, functions, new_agent

from signalwire_devtools.services import FakeServices

pytestmark = pytest.mark.asyncio

HTML = "text/html; charset=utf-8"


@pytest.fixture(autouse=True)
def _private_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SWML_ALLOW_PRIVATE_URLS", raising=False)


def spider(**params: Any) -> Any:
    agent = new_agent()
    agent.add_skill("spider", {"allow_private_urls": True, "delay": 0, **params})
    return agent


def site(fake: FakeServices, path: str) -> str:
    return f"{fake.base_url}/site/{path}"


async def test_scrape_url_text_without_chrome_or_scripts(fake_services: FakeServices) -> None:
    agent = spider()
    out = await call_tool(agent, "scrape_url", {"url": site(fake_services, "result1.html")})
    text = out["response"]
    assert text.startswith(f"Content from {site(fake_services, 'result1.html')} (")
    assert "First page" in text and "Python is a programming language" in text
    for junk in ("alert(", "Menu", "Footer", "p{}"):
        assert junk not in text
    (req,) = fake_services.requests_to("/site/result1.html")
    assert req.headers["user-agent"] == "Spider/1.0 (SignalWire AI Agent)"


async def test_markdown_structured_and_selectors(fake_services: FakeServices) -> None:
    fake_services.pages["shop.html"] = (
        HTML,
        b"<html><head><title>Shop</title><meta name='description' content='A shop'></head>"
        b"<body><h1>Deals</h1><ul><li>One</li><li>Two</li></ul>"
        b"<span class='price'>$5</span><div id='stock'>In <b>stock</b></div>"
        b"<a href='/site/a.html'>a</a><a href='mailto:x@y'>m</a></body></html>",
    )
    md = spider(extract_type="markdown")
    text = (await call_tool(md, "scrape_url", {"url": site(fake_services, "shop.html")}))[
        "response"
    ]
    assert "# Deals" in text and "- One" in text
    agent = spider(selectors={"price": ".price", "stock": "div#stock", "bad": "div > p"})
    out = await call_tool(
        agent, "extract_structured_data", {"url": site(fake_services, "shop.html")}
    )
    prefix = f"Structured data from {site(fake_services, 'shop.html')}: "
    assert out["response"].startswith(prefix)
    data = json.loads(out["response"][len(prefix) :])
    assert data["title"] == "Shop" and data["description"] == "A shop"
    assert data["headings"] == ["Deals"] and data["link_count"] == 1
    assert data["data"] == {"price": ["$5"], "stock": ["In stock"], "bad": []}


async def test_crawl_follows_same_site_links_within_limits(fake_services: FakeServices) -> None:
    base = f"{fake_services.base_url}/site"
    fake_services.pages["index.html"] = (
        HTML,
        f"<a href='{base}/docs/1.html'>1</a><a href='/site/docs/2.html'>2</a>"
        f"<a href='/site/blog/x.html'>x</a><a href='https://elsewhere.invalid/'>e</a><p>Home</p>".encode(),
    )
    for name in ("docs/1.html", "docs/2.html", "blog/x.html"):
        fake_services.pages[name] = (HTML, f"<p>Page {name}</p>".encode())
    agent = spider(max_pages=3, max_depth=1, follow_patterns=[r"/docs/"])
    out = await call_tool(agent, "crawl_site", {"start_url": f"{base}/index.html"})
    text = out["response"]
    assert text.startswith("Read 3 pages from 127.0.0.1")
    assert "Page docs/1.html" in text and "Page docs/2.html" in text and "blog" not in text
    assert not fake_services.requests_to("/site/blog")
    shallow = spider(max_pages=5, max_depth=0)
    one = await call_tool(shallow, "crawl_site", {"start_url": f"{base}/index.html"})
    assert one["response"].startswith("Read 1 page from")


async def test_private_addresses_are_refused_by_default(fake_services: FakeServices) -> None:
    agent = new_agent()
    agent.add_skill("spider")
    for url in (
        site(fake_services, "result1.html"),
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/",
    ):
        out = await call_tool(agent, "scrape_url", {"url": url})
        assert "private or local address" in out["response"], url
    assert not fake_services.requests_to("/site")
    for url in ("file:///etc/passwd", "ftp://x/", "", "not a url", "x" * 3000):
        out = await call_tool(agent, "scrape_url", {"url": url})
        assert out["response"].startswith("I can't read that address"), url
    missing = await call_tool(agent, "scrape_url", {})
    assert missing["response"].startswith("I can't read that address")


async def test_redirect_loop_is_bounded(
    fake_services: FakeServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_services.pages["loop.html"] = ("redirect:/site/loop.html", b"")
    agent = spider()
    out = await call_tool(agent, "scrape_url", {"url": site(fake_services, "loop.html")})
    assert "redirected too many times" in out["response"]
    assert len(fake_services.requests_to("/site/loop.html")) == 6


async def test_huge_page_is_cut_not_read_whole(fake_services: FakeServices) -> None:
    async def huge() -> AsyncIterator[bytes]:
        yield b"<html><body><h1>EARLY</h1><p>"
        chunk = b"word " * 2000
        for _ in range(1000):  # 10 MB of text, then a heading the skill must never see
            yield chunk
        yield b"</p><h1>LATE</h1></body></html>"

    fake_services.pages["huge.html"] = (HTML, huge)
    agent = spider(max_page_bytes=64 * 1024, max_text_length=500, extract_type="structured")
    out = await call_tool(agent, "scrape_url", {"url": site(fake_services, "huge.html")})
    assert '"headings": ["EARLY"]' in out["response"]
    assert "LATE" not in out["response"]


async def test_slow_trickling_page_times_out(fake_services: FakeServices) -> None:
    async def trickle() -> AsyncIterator[bytes]:
        while True:
            yield b"<p>a</p>"
            await asyncio.sleep(0.2)

    fake_services.pages["slow.html"] = (HTML, trickle)
    agent = spider(timeout=1)
    out = await call_tool(agent, "scrape_url", {"url": site(fake_services, "slow.html")})
    assert "took too long" in out["response"]


async def test_non_text_errors_and_hostile_markup(fake_services: FakeServices) -> None:
    fake_services.pages["img.png"] = ("image/png", b"\x89PNG....")
    fake_services.pages["nested.html"] = (
        HTML,
        b"<div>" * 20000 + b"deep" + b"</span>" * 5000 + b"<p>ok",
    )
    fake_services.pages["broken.html"] = (
        HTML,
        b"<html><body><p>fine</p><!-- unclosed <a href='<<<'>\x00\xff",
    )
    agent = spider()
    img = await call_tool(agent, "scrape_url", {"url": site(fake_services, "img.png")})
    assert "image/png" in img["response"]
    missing = await call_tool(agent, "scrape_url", {"url": site(fake_services, "gone.html")})
    assert "answered 404" in missing["response"]
    nested = await call_tool(agent, "scrape_url", {"url": site(fake_services, "nested.html")})
    assert "deep" in nested["response"]
    broken = await call_tool(agent, "scrape_url", {"url": site(fake_services, "broken.html")})
    assert "fine" in broken["response"]
    fake_services.fail("/site/", disconnect=True)
    gone = await call_tool(agent, "scrape_url", {"url": site(fake_services, "result2.html")})
    assert gone["response"].startswith("I could not reach")


async def test_robots_txt_and_cache(fake_services: FakeServices) -> None:
    agent = spider(follow_robots_txt=True)
    # The fake serves /site/* only, so robots.txt is a 404: everything is allowed.
    ok = await call_tool(agent, "scrape_url", {"url": site(fake_services, "result1.html")})
    assert ok["response"].startswith("Content from")
    again = await call_tool(agent, "scrape_url", {"url": site(fake_services, "result1.html")})
    assert again == ok
    assert len(fake_services.requests_to("/site/result1.html")) == 1
    assert len(fake_services.requests_to("/robots.txt")) == 1


async def test_prefixed_instances_and_bad_params() -> None:
    agent = new_agent()
    agent.add_skill("spider")
    agent.add_skill("spider", {"tool_name": "docs"})
    names = set(functions(await fetch(agent)))
    assert {
        "scrape_url",
        "crawl_site",
        "extract_structured_data",
        "docs_scrape_url",
        "docs_crawl_site",
    } <= names
    with pytest.raises(ValueError, match="follow_patterns"):
        new_agent().add_skill("spider", {"follow_patterns": ["("]})
    with pytest.raises(ValueError, match="extract_type"):
        new_agent().add_skill("spider", {"extract_type": "xpath"})
    with pytest.raises(ValueError, match="max_pages"):
        new_agent().add_skill("spider", {"max_pages": 0})


async def test_robots_txt_disallow_is_obeyed(fake_services: FakeServices) -> None:
    fake_services.pages["/robots.txt"] = (
        "text/plain",
        b"User-agent: *\nDisallow: /site/private/\n",
    )
    fake_services.pages["private/x.html"] = (HTML, b"<p>secret</p>")
    agent = spider(follow_robots_txt=True)
    out = await call_tool(agent, "scrape_url", {"url": site(fake_services, "private/x.html")})
    assert "robots.txt does not allow" in out["response"]
    assert not fake_services.requests_to("/site/private")
    ok = await call_tool(agent, "scrape_url", {"url": site(fake_services, "result2.html")})
    assert "Guido" in ok["response"]
    assert len(fake_services.requests_to("/robots.txt")) == 1


async def test_malformed_addresses_and_links_are_refused(fake_services: FakeServices) -> None:
    fake_services.pages["badlinks.html"] = (
        HTML,
        b"<a href='https://[::1'>x</a><a href='http://h:port/'>y</a><a href='/site/result2.html'>z</a>",
    )
    fake_services.pages["badredirect.html"] = ("redirect:https://[::1", b"")
    agent = spider(max_pages=3, max_depth=1)
    for url in ("https://[::1", "http://example.org:notaport/", "http://exa\x01mple.org/",
                "http://" + "a" * 300 + ".com/", "http://a..b/", "http://xn--/"):  # fmt: skip
        out = await call_tool(agent, "scrape_url", {"url": url})
        assert out["response"].startswith(("I can't read that address", "I could not reach")), url
    crawl = await call_tool(
        agent, "crawl_site", {"start_url": site(fake_services, "badlinks.html")}
    )
    assert crawl["response"].startswith("Read 2 pages")
    bad = await call_tool(agent, "scrape_url", {"url": site(fake_services, "badredirect.html")})
    # httpx itself rejects the Location header: a transport error, still a sentence.
    assert bad["response"].startswith(("I can't read that address", "I could not reach"))
