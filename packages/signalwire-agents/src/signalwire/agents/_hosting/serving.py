"""Serving on uvicorn: settings, fast mode, slow-client deadlines, TLS, ``workers=N``.

* **Fast mode**: with ``signalwire-agents[fast]`` installed (httptools, uvloop)
  the server uses them; otherwise h11 and the asyncio loop. Nothing to set.
* **Request deadline**: every request (request line, headers and body) must
  arrive within ``request_timeout`` seconds of the connection opening or of the
  previous response; otherwise the client gets a 408 and the connection is
  closed. That also ends idle, byte-by-byte and stalled senders. Time the app
  spends answering is not counted.
* **TCP_NODELAY** is set on every accepted connection, whatever the loop, so
  keep-alive requests never wait for a delayed ACK (the 40 ms stall of
  ``uvicorn --workers`` on asyncio).
* **workers=N** (POSIX): the parent forks N processes, each with its own
  ``SO_REUSEPORT`` listening socket, so the kernel spreads connections over
  them; the agent objects are inherited, so nothing has to be importable.
"""

from __future__ import annotations

import contextlib
import errno
import importlib.util
import logging
import os
import signal
import socket
import sys
from collections.abc import Callable, Mapping
from typing import Any

__all__ = [
    "ServeOptions",
    "WorkerGroup",
    "bind_socket",
    "fast_mode",
    "protocol_class",
    "run_server",
]

log = logging.getLogger("signalwire.agents.serve")

ENV_REQUEST_TIMEOUT = "SWML_REQUEST_TIMEOUT"
DEFAULT_REQUEST_TIMEOUT = 30.0
_TIMEOUT_BODY = b'{"error": "request timeout"}'
_TIMEOUT_RESPONSE = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\n"
    b"content-length: "
    + str(len(_TIMEOUT_BODY)).encode()
    + b"\r\nconnection: close\r\n\r\n"
    + _TIMEOUT_BODY
)


class ServeOptions:
    """The server settings ``serve()``/``run()`` accept, checked once up front."""

    __slots__ = (
        "access_log",
        "backlog",
        "forwarded_allow_ips",
        "host",
        "httptools",
        "limit_concurrency",
        "log_level",
        "loop",
        "port",
        "proxy_headers",
        "request_timeout",
        "ssl_certfile",
        "ssl_keyfile",
        "timeout_keep_alive",
        "uvicorn_options",
        "workers",
    )

    def __init__(
        self,
        host: str,
        port: int,
        *,
        ssl_certfile: str | None = None,
        ssl_keyfile: str | None = None,
        workers: int = 1,
        limit_concurrency: int | None = None,
        timeout_keep_alive: float = 5,
        # Off by default: the app decides which peers may set the public URL through forwarded
        # headers (SecurityConfig.forwarded_allow_ips); uvicorn rewriting the client address
        # first would hide the proxy's own address from that check.
        proxy_headers: bool = False,
        forwarded_allow_ips: str | list[str] | None = None,
        request_timeout: float | None = None,
        access_log: bool = False,
        log_level: str | None = None,
        backlog: int = 2048,
        http: str = "auto",
        loop: str = "auto",
        uvicorn_options: Mapping[str, Any] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        env = os.environ if environ is None else environ
        if not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= 65535:
            raise ValueError(f"port must be an integer from 0 to 65535 (got {port!r})")
        if not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
            raise ValueError(f"workers must be a positive integer (got {workers!r})")
        if workers > 1 and not hasattr(socket, "SO_REUSEPORT"):
            raise ValueError("workers > 1 needs SO_REUSEPORT sockets (Linux, BSD, macOS)")
        if limit_concurrency is not None and (
            not isinstance(limit_concurrency, int) or limit_concurrency < 1
        ):
            raise ValueError(
                f"limit_concurrency must be a positive integer (got {limit_concurrency!r})"
            )
        if request_timeout is None:
            raw = env.get(ENV_REQUEST_TIMEOUT)
            try:
                request_timeout = float(raw) if raw else DEFAULT_REQUEST_TIMEOUT
            except ValueError:
                raise ValueError(f"{ENV_REQUEST_TIMEOUT} must be a number (got {raw!r})") from None
        if not float(request_timeout) > 0:
            raise ValueError(f"request_timeout must be positive (got {request_timeout!r})")
        if float(timeout_keep_alive) < 0:
            raise ValueError(
                f"timeout_keep_alive must not be negative (got {timeout_keep_alive!r})"
            )
        httptools, uvloop = fast_mode()
        if http not in ("auto", "h11", "httptools"):
            raise ValueError(f"http must be 'auto', 'h11' or 'httptools' (got {http!r})")
        if http == "httptools" and not httptools:
            raise ValueError(
                "http='httptools' needs httptools: pip install 'signalwire-agents[fast]'"
            )
        if loop not in ("auto", "asyncio", "uvloop"):
            raise ValueError(f"loop must be 'auto', 'asyncio' or 'uvloop' (got {loop!r})")
        if loop == "uvloop" and not uvloop:
            raise ValueError("loop='uvloop' needs uvloop: pip install 'signalwire-agents[fast]'")
        if bool(ssl_certfile) != bool(ssl_keyfile):
            raise ValueError("TLS needs both a certificate and a key (SWML_SSL_CERT_PATH/KEY_PATH)")
        for path in (ssl_certfile, ssl_keyfile):
            if path and not os.path.isfile(path):
                raise ValueError(f"TLS file not found: {path}")
        self.host = host
        self.port = port
        self.ssl_certfile = ssl_certfile
        self.ssl_keyfile = ssl_keyfile
        self.workers = workers
        self.limit_concurrency = limit_concurrency
        self.timeout_keep_alive = timeout_keep_alive
        self.proxy_headers = bool(proxy_headers)
        self.forwarded_allow_ips = forwarded_allow_ips
        self.request_timeout = float(request_timeout)
        self.access_log = bool(access_log)
        self.log_level = log_level
        self.backlog = int(backlog)
        self.httptools = httptools if http == "auto" else http == "httptools"
        self.loop = ("uvloop" if uvloop else "asyncio") if loop == "auto" else loop
        self.uvicorn_options = dict(uvicorn_options or {})

    def __repr__(self) -> str:
        return (
            f"ServeOptions(host={self.host!r}, port={self.port}, workers={self.workers}, "
            f"http={'httptools' if self.httptools else 'h11'}, loop={self.loop!r}, "
            f"tls={bool(self.ssl_certfile)}, request_timeout={self.request_timeout})"
        )


def fast_mode() -> tuple[bool, bool]:
    """``(httptools, uvloop)``: which parts of ``signalwire-agents[fast]`` are installed."""
    return (
        importlib.util.find_spec("httptools") is not None,
        importlib.util.find_spec("uvloop") is not None,
    )


_PROTOCOLS: dict[tuple[bool, float], type] = {}


def protocol_class(request_timeout: float, httptools: bool | None = None) -> type:
    """uvicorn's HTTP protocol (httptools when installed, else h11) with the deadline added."""
    use_httptools = fast_mode()[0] if httptools is None else httptools
    key = (use_httptools, request_timeout)
    cached = _PROTOCOLS.get(key)
    if cached is not None:
        return cached
    if use_httptools:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as base
    else:
        from uvicorn.protocols.http.h11_impl import H11Protocol as base  # type: ignore[assignment]

    class DeadlineProtocol(base):
        """Closes connections whose request does not arrive in time; sets TCP_NODELAY."""

        _sw_deadline: Any = None

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            sock = transport.get_extra_info("socket")
            if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
                with contextlib.suppress(OSError):  # a socket type without the option
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._sw_deadline = self.loop.call_later(request_timeout, self._sw_expire)

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if self._sw_deadline is not None:
                self._sw_deadline.cancel()
            if not self.transport.is_closing():
                self._sw_deadline = self.loop.call_later(request_timeout, self._sw_expire)

        def connection_lost(self, exc: Exception | None) -> None:
            if self._sw_deadline is not None:
                self._sw_deadline.cancel()
                self._sw_deadline = None
            super().connection_lost(exc)

        def _sw_expire(self) -> None:
            self._sw_deadline = None
            transport = self.transport
            if transport.is_closing() or transport.get_protocol() is not self:
                return  # closed, or upgraded to a WebSocket protocol that owns it now
            cycle = self.cycle
            busy = cycle is not None and not cycle.response_complete
            if busy and (cycle.response_started or not cycle.more_body):
                return  # the request is in: the app may take its time to answer
            transport.write(_TIMEOUT_RESPONSE)
            transport.close()

    DeadlineProtocol.__name__ = DeadlineProtocol.__qualname__ = f"Deadline{base.__name__}"
    _PROTOCOLS[key] = DeadlineProtocol
    return DeadlineProtocol


def bind_socket(
    host: str, port: int, *, reuse_port: bool = False, listen: bool = True
) -> socket.socket:
    """A listening TCP socket (``proto=IPPROTO_TCP``, so asyncio keeps TCP_NODELAY on).

    A port that is taken raises ``SystemExit`` with one line saying so.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        if family == socket.AF_INET6 and host in ("::", ""):
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        sock.bind((host, port))
        if listen:
            sock.listen(2048)
        sock.set_inheritable(True)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise SystemExit(
                f"error: cannot listen on {host}:{port}: the port is already in use "
                "(stop the other server, or choose another port with PORT= or port=)"
            ) from None
        if exc.errno == errno.EACCES:
            raise SystemExit(
                f"error: cannot listen on {host}:{port}: permission denied (ports below 1024 "
                "need privileges)"
            ) from None
        raise SystemExit(f"error: cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock


def _uvicorn_config(app: Any, opts: ServeOptions) -> Any:
    import uvicorn  # lazy: importing the package must stay cheap

    kwargs: dict[str, Any] = {
        "host": opts.host,
        "port": opts.port,
        "http": protocol_class(opts.request_timeout, opts.httptools),
        "loop": opts.loop,
        "ws": "none",
        "lifespan": "auto",
        "log_config": None,
        "access_log": opts.access_log,
        "timeout_keep_alive": opts.timeout_keep_alive,
        "limit_concurrency": opts.limit_concurrency,
        "proxy_headers": opts.proxy_headers,
        "forwarded_allow_ips": opts.forwarded_allow_ips,
        "backlog": opts.backlog,
    }
    if opts.log_level:
        kwargs["log_level"] = opts.log_level
    if opts.ssl_certfile and opts.ssl_keyfile:
        kwargs["ssl_certfile"] = opts.ssl_certfile
        kwargs["ssl_keyfile"] = opts.ssl_keyfile
    kwargs.update(opts.uvicorn_options)
    return uvicorn.Config(app, **kwargs)


def run_server(
    app: Any,
    opts: ServeOptions,
    *,
    on_server: Callable[[Any], None] | None = None,
    banner: Callable[[str, int], None] | None = None,
) -> None:
    """Configure logging, bind, print the banner, then serve until interrupted (blocks)."""
    from signalwire.agents._hosting.logconfig import configure_logging

    configure_logging()
    if opts.workers > 1:
        if on_server is not None:
            on_server(WorkerGroup())
        _run_workers(app, opts, banner)
        return
    import uvicorn

    sock = bind_socket(opts.host, opts.port)
    try:
        port = sock.getsockname()[1]
        if banner is not None:
            banner(opts.host, port)
        server = uvicorn.Server(_uvicorn_config(app, opts))
        if on_server is not None:
            on_server(server)
        server.run(sockets=[sock])
    finally:
        sock.close()


class WorkerGroup:
    """What ``on_server`` receives in ``workers`` mode, so ``stop()`` works there too.

    Setting ``should_exit`` (as on a ``uvicorn.Server``) signals the parent,
    from the parent or from any worker, and the parent stops every worker.
    """

    def __init__(self) -> None:
        self._parent = os.getpid()
        self._stopping = False

    def __repr__(self) -> str:
        return f"WorkerGroup(parent={self._parent})"

    @property
    def should_exit(self) -> bool:
        """True once a stop was asked for (in this process)."""
        return self._stopping

    @should_exit.setter
    def should_exit(self, value: bool) -> None:
        if value and not self._stopping:
            self._stopping = True
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._parent, signal.SIGTERM)


def _run_workers(app: Any, opts: ServeOptions, banner: Callable[[str, int], None] | None) -> None:
    """Fork ``opts.workers`` processes, each serving on its own SO_REUSEPORT socket."""
    # Bound but not listening: holds the port (and resolves port 0) without taking connections.
    probe = bind_socket(opts.host, opts.port, reuse_port=True, listen=False)
    port = probe.getsockname()[1]
    if banner is not None:
        banner(opts.host, port)
    children: dict[int, int] = {}
    stopping = False

    def spawn(index: int) -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the worker
            code = 0
            try:
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                probe.close()
                sock = bind_socket(opts.host, port, reuse_port=True)
                import uvicorn

                uvicorn.Server(_uvicorn_config(app, opts)).run(sockets=[sock])
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
                if not isinstance(exc.code, int) and exc.code:
                    print(exc.code, file=sys.stderr)
            except BaseException:
                log.exception("worker %d failed", index)
                code = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        children[pid] = index

    def stop(signum: int, _frame: Any) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    restarts = 0
    try:
        for index in range(opts.workers):
            spawn(index)
        log.info("started %d worker processes: %s", opts.workers, sorted(children))
        while children:
            try:
                pid, status = os.waitpid(-1, 0)
            except ChildProcessError:
                break
            except InterruptedError:
                continue
            if pid not in children:
                continue
            index = children.pop(pid)
            code = os.waitstatus_to_exitcode(status)
            if not stopping and restarts < 10 * opts.workers:
                log.error("worker %d (pid %d) exited with %d; starting a new one", index, pid, code)
                restarts += 1
                spawn(index)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        probe.close()
