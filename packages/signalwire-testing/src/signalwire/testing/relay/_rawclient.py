"""A bare RELAY client on plain ``websockets``: the fake's own test peer.

It does the minimum the protocol needs (connect handshake, acks, ping and
disconnect replies, request/response matching) and nothing else, so tests of
the fake and benchmarks have a baseline that shares no code with the SDK.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.protocol import State

__all__ = ["RawRelayClient"]

_ACK_PREFIX = '{"jsonrpc":"2.0","id":'
_ACK_SUFFIX = ',"result":{}}'


class RawRelayClient:
    """Minimal JSON-RPC peer for a RELAY server."""

    def __init__(self, ws: ClientConnection, *, auto_ack: bool = True, record: bool = True) -> None:
        self.ws = ws
        self.auto_ack = auto_ack
        # record=False keeps only counters (long benchmark bursts).
        self.record = record
        self.frames: list[Any] = []
        self.events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.server_requests: list[dict[str, Any]] = []
        self._backlog: list[dict[str, Any]] = []
        self.connect_result: dict[str, Any] = {}
        self.event_count = 0
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._ids = itertools.count(1)
        self._reader = asyncio.get_running_loop().create_task(self._read())
        self.closed = asyncio.Event()

    @classmethod
    async def open(
        cls,
        url: str,
        *,
        project: str | None = "test-project",
        token: str | None = "test-token",
        jwt_token: str | None = None,
        contexts: list[str] | None = None,
        protocol: str | None = None,
        authorization_state: str | None = None,
        auto_ack: bool = True,
        record: bool = True,
        handshake: bool = True,
        timeout: float = 5.0,
    ) -> RawRelayClient:
        """Connect and (unless ``handshake=False``) authenticate."""
        ws = await connect(
            url,
            compression=None,
            ping_interval=None,
            max_size=10 * 1024 * 1024,
            close_timeout=1,
        )
        client = cls(ws, auto_ack=auto_ack, record=record)
        if handshake:
            auth: dict[str, Any] = (
                {"jwt_token": jwt_token} if jwt_token else {"project": project, "token": token}
            )
            params: dict[str, Any] = {
                "version": {"major": 2, "minor": 0, "revision": 0},
                "agent": "raw-relay-client/0",
                "event_acks": True,
                "authentication": auth,
            }
            if contexts:
                params["contexts"] = contexts
            if protocol:
                params["protocol"] = protocol
            if authorization_state:
                params["authorization_state"] = authorization_state
            response = await client.request("signalwire.connect", params, timeout=timeout)
            if "error" in response:
                await client.close()
                raise ConnectionRefusedError(str(response["error"]))
            client.connect_result = response["result"]
        return client

    @property
    def protocol(self) -> str:
        """The session's protocol string from the connect result."""
        return str(self.connect_result.get("protocol", ""))

    async def _read(self) -> None:
        ws = self.ws
        try:
            async for message in ws:
                try:
                    frame = json.loads(message)
                except ValueError:
                    self.frames.append(message)
                    continue
                if self.record:
                    self.frames.append(frame)
                if not isinstance(frame, dict):
                    continue
                method = frame.get("method")
                if method is None:
                    fut = self._pending.pop(str(frame.get("id")), None)
                    if fut is not None and not fut.done():
                        fut.set_result(frame)
                    continue
                # Once the server started closing, a send would wait for the close
                # handshake while this reader is the one that must complete it.
                if method == "signalwire.event":
                    self.event_count += 1
                    if self.auto_ack and ws.state is State.OPEN:
                        await ws.send(_ACK_PREFIX + json.dumps(frame["id"]) + _ACK_SUFFIX)
                    if self.record:
                        self.events.put_nowait(frame)
                else:
                    self.server_requests.append(frame)
                    if ws.state is State.OPEN:
                        await ws.send(
                            json.dumps({"jsonrpc": "2.0", "id": frame.get("id"), "result": {}})
                        )
        except ConnectionClosed:
            pass
        finally:
            self.closed.set()
            for fut in self._pending.values():
                if not fut.done():
                    fut.set_exception(ConnectionError("connection closed"))

    async def request(
        self, method: str, params: dict[str, Any] | None = None, *, timeout: float = 5.0
    ) -> dict[str, Any]:
        """Send a request and return the whole response object."""
        rid = f"c{next(self._ids)}"
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        if self.closed.is_set():
            raise ConnectionError("connection closed")
        self._pending[rid] = fut
        try:
            await self.ws.send(
                json.dumps({"jsonrpc": "2.0", "id": rid, "method": method, "params": params or {}})
            )
            return await asyncio.wait_for(fut, timeout)
        except ConnectionClosed:
            raise ConnectionError("connection closed") from None
        finally:
            self._pending.pop(rid, None)
            if fut.done() and not fut.cancelled():
                fut.exception()  # mark retrieved

    async def call(
        self, method: str, params: dict[str, Any] | None = None, *, timeout: float = 5.0
    ) -> dict[str, Any]:
        """Send a request and return its ``result`` (raise on a JSON-RPC error)."""
        response = await self.request(method, params, timeout=timeout)
        if "error" in response:
            raise RuntimeError(f"{method} failed: {response['error']}")
        result: dict[str, Any] = response["result"]
        return result

    async def ack(self, event_id: str) -> None:
        """Acknowledge an event by hand (when ``auto_ack=False``)."""
        await self.ws.send(json.dumps({"jsonrpc": "2.0", "id": event_id, "result": {}}))

    async def next_event(
        self, event_type: str | None = None, *, timeout: float = 5.0, **match: Any
    ) -> dict[str, Any]:
        """Return (and consume) the oldest event not consumed yet whose type and
        inner params match; events that do not match stay for later calls.
        The whole frame is returned."""

        def matches(frame: dict[str, Any]) -> bool:
            outer = frame["params"]
            if event_type is not None and outer.get("event_type") != event_type:
                return False
            inner = outer.get("params", {})
            return all(inner.get(k) == v for k, v in match.items())

        for index, frame in enumerate(self._backlog):
            if matches(frame):
                del self._backlog[index]
                return frame
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            remaining = deadline - loop.time()
            try:
                if remaining <= 0:
                    raise asyncio.TimeoutError
                frame = await asyncio.wait_for(self.events.get(), remaining)
            except asyncio.TimeoutError:
                raise TimeoutError(
                    f"no {event_type or 'event'} matching {match} within {timeout} s"
                ) from None
            if matches(frame):
                return frame
            self._backlog.append(frame)

    async def close(self) -> None:
        """Close the socket and stop the reader."""
        await self.ws.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._reader, 2)
