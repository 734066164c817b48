"""WebService: authenticated static files with the SecurityConfig enforcement of agents."""

from __future__ import annotations

from pathlib import Path

import pytest
from agents_testkit import CREDS, basic, client_for

from signalwire.agents import WebService


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "files"
    (root / "sub").mkdir(parents=True)
    (root / "readme.txt").write_text("hello")
    (root / "data.json").write_text('{"a": 1}')
    (root / "secret.env").write_text("KEY=1")
    (root / ".hidden").write_text("x")
    (root / "sub" / "<b>.txt").write_text("b")
    (root / "big.bin").write_bytes(b"x" * 2048)
    (tmp_path / "outside.txt").write_text("outside")
    return root


def test_defaults_and_directories(tree: Path) -> None:
    web = WebService(basic_auth=CREDS)
    assert (web.port, web.enable_directory_browsing, web.enable_cors) == (8002, False, True)
    assert web.max_file_size == 100 * 1024 * 1024 and ".env" in web.blocked_extensions
    assert web.allowed_extensions is None and web.security.allowed_hosts == ["*"]
    web.add_directory("docs/", str(tree))
    assert web.directories == {"/docs": str(tree.resolve())}
    web.remove_directory("/docs")
    assert web.directories == {}
    with pytest.raises(ValueError, match="does not exist"):
        web.add_directory("/x", str(tree / "nope"))
    assert WebService(directories={"/f": str(tree)}, basic_auth=CREDS).directories == {
        "/f": str(tree.resolve())
    }


async def test_files_need_auth_and_stay_inside(tree: Path) -> None:
    web = WebService(directories={"/files": str(tree)}, basic_auth=CREDS, max_file_size=1024)
    async with client_for(web.app) as c:
        assert (await c.get("/health")).json() == {"status": "healthy", "directories": ["/files"]}
        assert (await c.get("/files/readme.txt")).status_code == 401
        ok = await c.get("/files/readme.txt", headers=basic())
        assert ok.text == "hello" and ok.headers["content-type"] == "text/plain; charset=utf-8"
        assert ok.headers["x-content-type-options"] == "nosniff"
        assert (await c.get("/files/data.json", headers=basic())).json() == {"a": 1}
        for blocked in [
            "/files/secret.env",
            "/files/.hidden",
            "/files/../outside.txt",
            "/files/%2e%2e/outside.txt",
        ]:
            resp = await c.get(blocked, headers=basic())
            assert resp.status_code == 404, blocked
        big = await c.get("/files/big.bin", headers=basic())
        assert big.status_code == 413 and "error" in big.json()
        assert (await c.get("/files/sub/", headers=basic())).status_code == 404  # no browsing
        root = await c.get("/", headers=basic())
        assert root.json() == {"service": "web", "directories": ["/files"]}
        assert (await c.get("/elsewhere", headers=basic())).status_code == 404


async def test_directory_browsing_escapes_names(tree: Path) -> None:
    web = WebService(directories={"/": str(tree)}, basic_auth=CREDS, enable_directory_browsing=True)
    async with client_for(web.app) as c:
        listing = await c.get("/sub/", headers=basic())
        assert listing.headers["content-type"] == "text/html; charset=utf-8"
        assert "&lt;b&gt;.txt" in listing.text and "<b>.txt" not in listing.text
        top = await c.get("/", headers=basic())
        assert (
            "readme.txt" in top.text and "secret.env" not in top.text and ".hidden" not in top.text
        )


async def test_allowed_extensions(tree: Path) -> None:
    web = WebService(directories={"/f": str(tree)}, basic_auth=CREDS, allowed_extensions=["txt"])
    async with client_for(web.app) as c:
        assert (await c.get("/f/readme.txt", headers=basic())).status_code == 200
        assert (await c.get("/f/data.json", headers=basic())).status_code == 404


async def test_security_settings_are_enforced(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWML_ALLOWED_HOSTS", "agent.test")
    monkeypatch.setenv("SWML_CORS_ORIGINS", "https://ok.example")
    monkeypatch.setenv("SWML_SSL_ENABLED", "1")
    web = WebService(directories={"/f": str(tree)}, basic_auth=CREDS)
    async with client_for(web.app) as c:
        ok = await c.get("/f/readme.txt", headers={**basic(), "Origin": "https://ok.example"})
        assert ok.headers["access-control-allow-origin"] == "https://ok.example"
        assert ok.headers["strict-transport-security"].startswith("max-age=31536000")
        other = await c.get("/f/readme.txt", headers={**basic(), "Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
        bad = await c.get("/f/readme.txt", headers={**basic(), "Host": "evil.example"})
        assert bad.status_code == 400 and bad.json() == {"error": "Invalid host header"}


def test_credentials_follow_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWML_BASIC_AUTH_USER", "webu")
    monkeypatch.setenv("SWML_BASIC_AUTH_PASSWORD", "webp")
    assert WebService().get_basic_auth_credentials(True) == ("webu", "webp", "environment")
    monkeypatch.delenv("SWML_BASIC_AUTH_PASSWORD")
    user, password, source = WebService().get_basic_auth_credentials(True)
    assert (user, source) == ("signalwire", "generated") and len(password) > 20
