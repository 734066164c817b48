"""``MCPClient``: one MCP server process, spoken to over stdio (newline-delimited JSON-RPC).

Every way a server can misbehave ends in an :class:`MCPError` naming what happened: no
answer before the deadline, a message larger than the output limit, text that is not
JSON, or the process exiting. The client is then closed (its process killed), so one bad
server never blocks the gateway's other sessions.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["PROTOCOL_VERSION", "MCPClient", "MCPError", "MCPService"]

logger = logging.getLogger("signalwire.agents.mcp_gateway")

PROTOCOL_VERSION = "2025-03-26"
_STDERR_KEEP = 4096
_dir_counter = itertools.count(1)


class MCPError(Exception):
    """An MCP server failed a request; the message says how (never a raw traceback)."""


@dataclass
class MCPService:
    """A configured MCP server: its name, the argv that starts it, and its sandbox settings."""

    name: str
    command: list[str]
    description: str = ""
    enabled: bool = True
    sandbox_config: dict[str, Any] = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash(self.name)


def _sandbox_env(service: MCPService, home: str) -> dict[str, str]:
    cfg = service.sandbox_config
    if cfg.get("enabled", True) is False or cfg.get("restricted_env", True) is False:
        env = dict(os.environ)
    else:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "USER": os.environ.get("USER", "nobody"),
            "LANG": "C.UTF-8",
        }
        for name in ("PYTHONPATH", "NODE_PATH", "JAVA_HOME", "VIRTUAL_ENV"):
            if name in os.environ:
                env[name] = os.environ[name]
    env.update({"HOME": home, "TMPDIR": home, "TEMP": home, "TMP": home})
    for name in ("LD_PRELOAD", "LD_LIBRARY_PATH", "DYLD_INSERT_LIBRARIES"):
        env.pop(name, None)
    return env


def _limits() -> None:  # pragma: no cover - runs in the child between fork and exec
    import resource

    # CPU seconds, address space and file size; not RLIMIT_NPROC, which counts every
    # process of the user (the gateway's own included) and so fails unrelated spawns.
    for what, value in (
        (resource.RLIMIT_CPU, 300),
        (resource.RLIMIT_AS, 1024 * 1024 * 1024),
        (resource.RLIMIT_FSIZE, 10 * 1024 * 1024),
    ):
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(what, (value, value))


async def _drain(stream: asyncio.StreamReader) -> None:
    """Read and drop everything up to end-of-file (the process is being killed)."""
    while await stream.read(65536):
        pass


class MCPClient:
    """A running MCP server for one session.

    ``max_output_bytes`` bounds one message from the server; ``call_timeout`` is the default
    deadline of a request in seconds. :meth:`start` spawns and initializes the server.
    """

    def __init__(
        self,
        service: MCPService,
        sandbox_base_dir: str = "./sandbox",
        *,
        call_timeout: float = 30.0,
        max_output_bytes: int = 1024 * 1024,
    ) -> None:
        self.service = service
        self.sandbox_base_dir = sandbox_base_dir
        self.call_timeout = call_timeout
        self.max_output_bytes = max_output_bytes
        self.tools: list[dict[str, Any]] = []
        self.process: asyncio.subprocess.Process | None = None
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._ids = itertools.count(1)
        self._tasks: list[asyncio.Task[None]] = []
        self._failure: str | None = None
        self._stderr_tail = b""
        self._sandbox_dir: Path | None = None

    @property
    def alive(self) -> bool:
        """Whether the server process is running and has not misbehaved."""
        return self.process is not None and self.process.returncode is None and not self._failure

    async def start(self) -> list[dict[str, Any]]:
        """Spawn the server, run the MCP handshake and list its tools."""
        sandbox = self.service.sandbox_config
        enabled = sandbox.get("enabled", True) is not False
        base = Path(sandbox.get("working_dir") or self.sandbox_base_dir)
        # One directory per client: a session that ends removes only its own.
        self._sandbox_dir = base / f"mcp_{self.service.name}_{os.getpid()}_{next(_dir_counter)}"
        self._sandbox_dir.mkdir(parents=True, exist_ok=True)
        use_limits = enabled and sandbox.get("resource_limits", True) is not False
        kwargs: dict[str, Any] = {}
        if use_limits and sys.platform != "win32":
            kwargs["preexec_fn"] = _limits
        try:
            self.process = await asyncio.create_subprocess_exec(
                *self.service.command,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                cwd=str(self._sandbox_dir),
                env=_sandbox_env(self.service, str(self._sandbox_dir)),
                limit=self.max_output_bytes,
                **kwargs,
            )
        except OSError as exc:
            await self.stop()
            raise MCPError(
                f"service {self.service.name!r} could not start: {exc.strerror or exc}"
            ) from None
        self._tasks = [
            asyncio.ensure_future(self._read_stdout()),
            asyncio.ensure_future(self._drain_stderr()),
        ]
        try:
            await self.call_method(
                "initialize",
                {
                    "protocolVersion": PROTOCOL_VERSION,
                    "capabilities": {},
                    "clientInfo": {"name": "mcp-gateway", "version": "1.0.0"},
                },
            )
            await self._notify("notifications/initialized", {})
            listed = await self.call_method("tools/list", {})
        except MCPError:
            await self.stop()
            raise
        tools = listed.get("tools") if isinstance(listed, dict) else None
        self.tools = [t for t in tools if isinstance(t, dict)] if isinstance(tools, list) else []
        return self.tools

    def get_tools(self) -> list[dict[str, Any]]:
        """The tools the server listed at start."""
        return list(self.tools)

    async def call_tool(
        self, tool_name: str, arguments: dict[str, Any], timeout: float | None = None
    ) -> Any:
        """Run one tool (``tools/call``); its MCP result object."""
        return await self.call_method(
            "tools/call", {"name": tool_name, "arguments": arguments}, timeout=timeout
        )

    async def _write(self, message: dict[str, Any]) -> None:
        proc = self.process
        if proc is None or proc.stdin is None or not self.alive:
            raise MCPError(self._failure or f"service {self.service.name!r} is not running")
        try:
            proc.stdin.write(json.dumps(message).encode() + b"\n")
            await proc.stdin.drain()
        except (ConnectionError, RuntimeError):
            raise MCPError(self._exit_text()) from None

    async def _notify(self, method: str, params: dict[str, Any]) -> None:
        await self._write({"jsonrpc": "2.0", "method": method, "params": params})

    async def call_method(
        self, method: str, params: dict[str, Any], timeout: float | None = None
    ) -> Any:
        """Send one JSON-RPC request and await its result within the deadline."""
        request_id = next(self._ids)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        deadline = self.call_timeout if timeout is None else timeout
        try:
            await self._write(
                {"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}
            )
            return await asyncio.wait_for(asyncio.shield(future), deadline)
        except asyncio.TimeoutError:
            self._fail(
                f"service {self.service.name!r} did not answer {method} within {deadline:g}s"
            )
            raise MCPError(self._failure) from None
        finally:
            self._pending.pop(request_id, None)

    def _fail(self, reason: str) -> None:
        """Mark the server broken, fail every waiting request and kill the process."""
        if self._failure is None:
            self._failure = reason
            logger.warning("%s", reason)
        for future in self._pending.values():
            if not future.done():
                future.set_exception(MCPError(self._failure))
        if self.process is not None and self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()

    def _exit_text(self) -> str:
        code = self.process.returncode if self.process is not None else None
        tail = self._stderr_tail.decode("utf-8", "replace").strip().splitlines()
        last = f": {tail[-1][:200]}" if tail else ""
        return f"service {self.service.name!r} exited (code {code}){last}"

    async def _read_stdout(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        stdout = self.process.stdout
        try:
            while True:
                try:
                    line = await stdout.readline()
                except (ValueError, asyncio.LimitOverrunError):
                    self._fail(
                        f"service {self.service.name!r} sent a message larger than "
                        f"{self.max_output_bytes} bytes"
                    )
                    await _drain(stdout)
                    return
                if not line:
                    await self.process.wait()
                    self._fail(self._exit_text())
                    return
                if not line.strip():
                    continue
                try:
                    message = json.loads(line)
                except (ValueError, RecursionError):
                    self._fail(f"service {self.service.name!r} printed invalid JSON")
                    await _drain(stdout)
                    return
                self._dispatch(message)
        except asyncio.CancelledError:
            raise

    def _dispatch(self, message: Any) -> None:
        if not isinstance(message, dict) or "id" not in message:
            return  # a notification or a log line in JSON: nothing waits for it
        future = self._pending.get(message["id"]) if isinstance(message["id"], int) else None
        if future is None or future.done():
            return
        error = message.get("error")
        if error is not None:
            text = error.get("message") if isinstance(error, dict) else error
            future.set_exception(MCPError(f"MCP error: {text}"))
        else:
            future.set_result(message.get("result"))

    async def _drain_stderr(self) -> None:
        # Read stderr continuously: a chatty server would otherwise fill the pipe and stall.
        assert self.process is not None and self.process.stderr is not None
        while True:
            chunk = await self.process.stderr.read(65536)
            if not chunk:
                return
            self._stderr_tail = (self._stderr_tail + chunk)[-_STDERR_KEEP:]

    async def stop(self) -> None:
        """Stop the server (terminate, then kill after a second) and remove its directory."""
        if self._failure is None:
            self._failure = f"service {self.service.name!r} was stopped"
        proc = self.process
        if proc is not None and proc.returncode is None:
            if proc.stdin is not None:
                with contextlib.suppress(Exception):
                    proc.stdin.close()
            with contextlib.suppress(ProcessLookupError):
                proc.terminate()
            try:
                await asyncio.wait_for(proc.wait(), 1.0)
            except asyncio.TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                await proc.wait()
        for future in self._pending.values():
            if not future.done():
                future.set_exception(MCPError(self._failure))
        # The readers end at end-of-file once the process is gone, which also closes the pipes;
        # cancel only one that does not (a grandchild still holding the pipe open).
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=1.0)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(BaseException):
                await task
        self._tasks = []
        if self._sandbox_dir is not None:
            shutil.rmtree(self._sandbox_dir, ignore_errors=True)
            self._sandbox_dir = None
