"""TLS serving, logging configuration, settings passthrough, TCP_NODELAY and the replicas recipe."""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
import socket
import ssl
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from agents_testkit import CREDS, ai_of, basic, client_for, swaig_body, swml_fetch_body, token_from
from serving_helpers import ServerProcess, env_for, write_script

from signalwire.agents import AgentBase
from signalwire.agents._hosting import logconfig
from signalwire.agents._hosting.serving import (
    ServeOptions,
    _uvicorn_config,
    bind_socket,
    fast_mode,
    protocol_class,
)
from signalwire.testing.swml import validate_swml

# -- TLS ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for localhost and 127.0.0.1, made for this test run."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


async def test_tls_serving_with_swml_ssl_env(
    certificate: tuple[Path, Path], tmp_path: Path
) -> None:
    cert, key = certificate
    env = {
        **env_for(),
        "SWML_SSL_ENABLED": "true",
        "SWML_SSL_CERT_PATH": str(cert),
        "SWML_SSL_KEY_PATH": str(key),
    }
    proc = ServerProcess(write_script(tmp_path), env)
    try:
        assert proc.scheme == "https"
        context = ssl.create_default_context(cafile=str(cert))
        async with httpx.AsyncClient(
            base_url=proc.base, auth=CREDS, verify=context, timeout=15
        ) as client:
            resp = await client.post("/live/", json=swml_fetch_body("tls-1"))
            assert resp.status_code == 200
            assert resp.headers["strict-transport-security"].startswith("max-age=")
            doc = validate_swml(resp.json())
            url = ai_of(doc)["SWAIG"]["functions"][0]["web_hook_url"]
            assert url.startswith(f"https://signalwire:s3cret@localhost:{proc.port}/live/swaig/")
            resp = await client.post(
                f"/live/swaig/?__token={token_from(url)}", json=swaig_body("whoami", {}, "tls-1")
            )
            assert resp.json()["response"].isdigit()
        # Plain HTTP to the TLS port is not answered as HTTP.
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{proc.port}", timeout=15) as plain:
            with pytest.raises(httpx.HTTPError):
                await plain.get("/health")
    finally:
        proc.stop()


def test_tls_needs_both_files(certificate: tuple[Path, Path], tmp_path: Path) -> None:
    cert, _key = certificate
    agent = AgentBase("t", basic_auth=CREDS)
    with pytest.raises(ValueError, match="needs both a certificate and a key"):
        agent.serve(port=0, ssl_enabled=True, ssl_cert=str(cert))
    with pytest.raises(ValueError, match="both a certificate and a key"):
        ServeOptions("127.0.0.1", 0, ssl_certfile=str(cert))
    with pytest.raises(ValueError, match="TLS file not found"):
        ServeOptions("127.0.0.1", 0, ssl_certfile=str(cert), ssl_keyfile=str(tmp_path / "no.pem"))


# -- settings -----------------------------------------------------------------------------------


def test_settings_reach_uvicorn() -> None:
    opts = ServeOptions(
        "127.0.0.1",
        8080,
        limit_concurrency=50,
        timeout_keep_alive=12,
        proxy_headers=False,
        forwarded_allow_ips="10.0.0.1",
        request_timeout=7,
        backlog=99,
        http="h11",
        loop="asyncio",
        uvicorn_options={"server_header": False},
    )
    config = _uvicorn_config(object(), opts)
    assert (config.limit_concurrency, config.timeout_keep_alive, config.backlog) == (50, 12, 99)
    assert config.proxy_headers is False
    assert config.forwarded_allow_ips == "10.0.0.1"
    assert config.server_header is False
    assert config.loop == "asyncio"
    assert config.http is protocol_class(7.0, False)
    assert config.http.__name__ == "DeadlineH11Protocol"


def test_fast_mode_is_picked_up_when_installed() -> None:
    httptools, uvloop = fast_mode()
    opts = ServeOptions("127.0.0.1", 0)
    assert opts.httptools is httptools
    assert opts.loop == ("uvloop" if uvloop else "asyncio")
    expected = "DeadlineHttpToolsProtocol" if httptools else "DeadlineH11Protocol"
    assert _uvicorn_config(object(), opts).http.__name__ == expected


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"workers": 0}, "workers must be a positive integer"),
        ({"limit_concurrency": 0}, "limit_concurrency must be a positive integer"),
        ({"request_timeout": 0}, "request_timeout must be positive"),
        ({"timeout_keep_alive": -1}, "timeout_keep_alive must not be negative"),
        ({"http": "h2"}, "http must be"),
        ({"loop": "trio"}, "loop must be"),
        ({"environ": {"SWML_REQUEST_TIMEOUT": "soon"}}, "SWML_REQUEST_TIMEOUT must be a number"),
    ],
)
def test_bad_settings_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ServeOptions("127.0.0.1", 0, **kwargs)  # type: ignore[arg-type]


def test_request_timeout_from_the_environment() -> None:
    assert ServeOptions("h", 0, environ={"SWML_REQUEST_TIMEOUT": "2.5"}).request_timeout == 2.5
    assert ServeOptions("h", 0, environ={}).request_timeout == 30.0


def test_unknown_setting_is_a_type_error() -> None:
    agent = AgentBase("x", basic_auth=CREDS)
    with pytest.raises(TypeError):
        agent.serve(port=0, wrokers=2)


async def test_accepted_connections_have_tcp_nodelay() -> None:
    import uvicorn

    agent = AgentBase("nd", route="/nd", basic_auth=CREDS)
    for loop_http in [False] + ([True] if fast_mode()[0] else []):
        opts = ServeOptions(
            "127.0.0.1", 0, http="httptools" if loop_http else "h11", loop="asyncio"
        )
        sock = bind_socket("127.0.0.1", 0)
        server = uvicorn.Server(_uvicorn_config(agent.get_app(), opts))
        task = asyncio.create_task(server.serve(sockets=[sock]))
        try:
            async with httpx.AsyncClient(
                base_url=f"http://127.0.0.1:{sock.getsockname()[1]}", auth=CREDS, timeout=10
            ) as client:
                while not server.started:  # wait for startup by polling the health route
                    await asyncio.wait_for(client.get("/health"), 10)
                assert (await client.post("/nd/", json={})).status_code == 200
                flags = [
                    c.transport.get_extra_info("socket").getsockopt(
                        socket.IPPROTO_TCP, socket.TCP_NODELAY
                    )
                    for c in server.server_state.connections
                ]
            assert flags and all(flags)
        finally:
            server.should_exit = True
            await asyncio.wait_for(task, 10)
            sock.close()


def test_listening_socket_is_tcp_proto() -> None:
    sock = bind_socket("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP  # asyncio sets TCP_NODELAY only for these
    finally:
        sock.close()


# -- logging ------------------------------------------------------------------------------------


@pytest.fixture
def clean_loggers() -> Iterator[None]:
    names = ("signalwire", "uvicorn")
    saved = {n: (logging.getLogger(n).level, logging.getLogger(n).propagate) for n in names}
    yield
    for n, (level, propagate) in saved.items():
        logger = logging.getLogger(n)
        for h in list(logger.handlers):
            if getattr(h, "_signalwire_log_handler", False):
                logger.removeHandler(h)
        logger.setLevel(level)
        logger.propagate = propagate


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SIGNALWIRE_LOG_MODE": "loud"}, "SIGNALWIRE_LOG_MODE must be one of"),
        ({"SIGNALWIRE_LOG_LEVEL": "chatty"}, "SIGNALWIRE_LOG_LEVEL must be one of"),
        ({"SIGNALWIRE_LOG_FORMAT": "xml"}, "SIGNALWIRE_LOG_FORMAT must be one of"),
    ],
)
def test_bad_log_settings(env: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        logconfig.log_settings(env)


def test_log_modes(clean_loggers: None, capsys: pytest.CaptureFixture[str]) -> None:
    sw = logging.getLogger("signalwire.agents.test")
    logconfig.configure_logging(logconfig.log_settings({"SIGNALWIRE_LOG_MODE": "stderr"}))
    sw.info("to stderr")
    captured = capsys.readouterr()
    assert "INFO signalwire.agents.test: to stderr" in captured.err and not captured.out
    env = {"SIGNALWIRE_LOG_MODE": "default", "SIGNALWIRE_LOG_FORMAT": "json"}
    logconfig.configure_logging(logconfig.log_settings({**env, "SIGNALWIRE_LOG_LEVEL": "warning"}))
    sw.info("hidden")
    sw.warning("shown %d", 1, extra={"call_id": "c-1", "tool": "lookup"})
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1  # the handler was replaced, not doubled; INFO is below the level
    record = json.loads(lines[0])
    assert record["message"] == "shown 1"
    assert (record["call_id"], record["tool"], record["level"]) == ("c-1", "lookup", "warning")
    logconfig.configure_logging(logconfig.log_settings({"SIGNALWIRE_LOG_MODE": "off"}))
    sw.critical("silenced")
    logging.getLogger("uvicorn.error").critical("silenced too")
    captured = capsys.readouterr()
    assert "silenced" not in captured.out + captured.err


def test_auto_mode(clean_loggers: None) -> None:
    assert logconfig.log_settings({"GATEWAY_INTERFACE": "CGI/1.1"}).mode == "off"
    root = logging.getLogger()
    handler = logging.NullHandler()
    root.addHandler(handler)
    sw = logging.getLogger("signalwire")
    try:
        sw.setLevel(logging.ERROR)  # the application's own choice
        settings = logconfig.log_settings({})
        assert settings.mode == "app"
        logconfig.configure_logging(settings)
        assert sw.level == logging.ERROR and not sw.handlers  # left alone
        logconfig.configure_logging(logconfig.log_settings({"SIGNALWIRE_LOG_LEVEL": "debug"}))
        assert sw.level == logging.DEBUG and not sw.handlers  # the level was asked for
    finally:
        root.removeHandler(handler)


def test_import_and_construction_configure_no_logging() -> None:
    code = (
        "import logging\n"
        "import signalwire.agents as a\n"
        "a.AgentBase('x', basic_auth=('u', 'p'), swaig_secret='s').render_swml()\n"
        "assert logging.getLogger().handlers == [], logging.getLogger().handlers\n"
        "assert logging.getLogger('signalwire').handlers == []\n"
        "assert logging.getLogger('signalwire').level == logging.NOTSET\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 0, proc.stderr


# -- replicas -----------------------------------------------------------------------------------


async def test_replicas_accept_each_others_tokens(tmp_path: Path) -> None:
    """Two independent processes with the same SIGNALWIRE_SWAIG_SECRET and credentials."""
    script = write_script(tmp_path)
    first, second = ServerProcess(script, env_for()), ServerProcess(script, env_for())
    try:
        async with httpx.AsyncClient(base_url=first.base, auth=CREDS, timeout=15) as one:
            doc = validate_swml((await one.post("/live/", json=swml_fetch_body("r-1"))).json())
        url = next(
            f["web_hook_url"] for f in ai_of(doc)["SWAIG"]["functions"] if f["function"] == "whoami"
        )
        async with httpx.AsyncClient(base_url=second.base, auth=CREDS, timeout=15) as two:
            resp = await two.post(
                f"/live/swaig/?__token={token_from(url)}", json=swaig_body("whoami", {}, "r-1")
            )
        answer = resp.json()["response"]
        assert answer == str(second.proc.pid)  # the second replica ran the tool
    finally:
        first.stop()
        second.stop()
    # A replica with another secret refuses the token.
    other = AgentBase("live", route="/live", basic_auth=CREDS, swaig_secret="another-secret")
    other.define_tool("whoami", "x", {}, lambda args, raw: "ran")
    async with client_for(other.get_app()) as client:
        resp = await client.post(
            f"/live/swaig/?__token={token_from(url)}",
            json=swaig_body("whoami", {}, "r-1"),
            headers=basic(),
        )
    assert "invalid or expired" in resp.json()["response"]
