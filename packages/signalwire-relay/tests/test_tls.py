"""wss:// end to end: the transport's TLS path against a local TLS server."""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from signalwire.relay import RelayClient, RelayConnectionError

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl CLI")


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("tls")
    key, crt = d / "key.pem", d / "cert.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-keyout", str(key), "-out", str(crt), "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return key, crt


async def test_wss_with_custom_ca(
    cert: tuple[Path, Path], make_client: Callable[..., RelayClient]
) -> None:
    from websockets.asyncio.server import ServerConnection, serve

    key, crt = cert
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(crt, key)
    seen: list[dict[str, object]] = []

    async def handler(ws: ServerConnection) -> None:
        async for text in ws:
            req = json.loads(text)
            seen.append(req)
            if req.get("method"):
                result = (
                    {"protocol": "signalwire_tls"}
                    if req["method"] == "signalwire.connect"
                    else {"code": "200"}
                )
                await ws.send(json.dumps({"jsonrpc": "2.0", "id": req["id"], "result": result}))

    async with serve(handler, "127.0.0.1", 0, ssl=server_ctx) as server:
        port = server.sockets[0].getsockname()[1]
        # trusted through SIGNALWIRE_RELAY_CA_FILE, as the vendor SDK documents
        c = make_client(
            host=f"wss://127.0.0.1:{port}", environ={"SIGNALWIRE_RELAY_CA_FILE": str(crt)}
        )
        async with c:
            assert c.url.startswith("wss://")
            assert c.relay_protocol == "signalwire_tls"
            assert (await c.execute("signalwire.receive", {"contexts": ["x"]}))["code"] == "200"
        # without the CA the certificate is rejected: a clear connection error
        untrusted = make_client(host=f"wss://127.0.0.1:{port}")
        with pytest.raises(RelayConnectionError, match="cannot connect"):
            await untrusted.connect()
    assert [r.get("method") for r in seen][:2] == ["signalwire.connect", "signalwire.receive"]
