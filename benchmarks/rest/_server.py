"""A minimal, fast HTTP/1.1 server for the REST benchmark (run as a separate process).

It answers every request with the same small JSON page (a REST list of two items,
about 430 bytes) over keep-alive connections, and prints ``READY <port>`` once
listening. It is deliberately cheaper than any real server so that the clients'
own cost dominates the figures. On SIGTERM it prints the number of connections
and requests it served.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys

BODY = json.dumps(
    {
        "data": [
            {
                "id": f"3fa85f64-5717-4562-b3fc-2c963f66afa{i}",
                "name": f"agent-{i}",
                "type": "ai_agent",
            }
            for i in range(2)
        ],
        "links": {
            "self": "http://127.0.0.1/api/fabric/resources/ai_agents?page_number=0&page_size=50",
            "first": "http://127.0.0.1/api/fabric/resources/ai_agents?page_number=0&page_size=50",
        },
    }
).encode()
RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (
    len(BODY),
    BODY,
)
STATS = {"connections": 0, "requests": 0}


class Http(asyncio.Protocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self.buffer = b""
        STATS["connections"] += 1

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end]
            length = 0
            marker = head.lower().find(b"content-length:")
            if marker >= 0:
                line_end = head.find(b"\r\n", marker)
                length = int(head[marker + 15 : line_end if line_end > 0 else None])
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length :]
            STATS["requests"] += 1
            self.transport.write(RESPONSE)  # type: ignore[attr-defined]


async def main() -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Http, "127.0.0.1", 0, backlog=256)
    port = server.sockets[0].getsockname()[1]
    print(f"READY {port}", flush=True)
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    server.close()
    print(json.dumps(STATS), flush=True)


if __name__ == "__main__":
    try:
        import uvloop  # optional: only makes the server cheaper

        uvloop.install()
    except ImportError:
        pass
    asyncio.run(main())
    sys.exit(0)
