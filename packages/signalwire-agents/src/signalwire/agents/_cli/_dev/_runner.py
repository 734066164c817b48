"""Load the user's file, serve it, and reload it in place when its folder changes.

Reloading happens inside the running server: the file (and the modules it imported
from its own folder) is executed again and the new app replaces the old one between
two requests. The listening socket, the inspector's history and its open event
streams stay; the Basic auth credentials and the tool-token secret are generated once
(environment variables the agents read when created), so URLs handed out before a
reload keep working after it.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, cast

from signalwire.agents._cli._dev._app import INSPECTOR, DevApp, Served
from signalwire.agents._cli._dev._recorder import Recorder

if TYPE_CHECKING:
    from signalwire.agents._agent_base import AgentBase

__all__ = ["DevServer", "LoadError", "load_target"]

ENV_USER = "SWML_BASIC_AUTH_USER"
ENV_PASSWORD = "SWML_BASIC_AUTH_PASSWORD"
ENV_SECRET = "SIGNALWIRE_SWAIG_SECRET"


class LoadError(Exception):
    """The file could not be loaded or holds nothing to serve."""


def _own_modules(folder: Path) -> list[str]:
    """Modules imported from ``folder`` (the user's code, not installed packages)."""
    found = []
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if not file or name == "signalwire" or name.startswith("signalwire."):
            continue
        try:
            inside = Path(file).resolve().is_relative_to(folder)
        except (OSError, ValueError):
            continue
        if inside and "site-packages" not in file:
            found.append(name)
    return found


def load_target(target: str, route: str | None = None) -> Served:
    """Execute ``target`` afresh and return what to serve: an AgentServer or one agent."""
    from signalwire.agents._cli._loader import AgentLoadError, _discover, _load_module, load_agents
    from signalwire.agents._hosting.agent_server import AgentServer
    from signalwire.agents._swml_service import SWMLService

    path = Path(
        target.rpartition(":")[0] if ":" in target and not Path(target).exists() else target
    )
    if path.suffix == ".py" and path.is_file():
        for name in _own_modules(path.resolve().parent):
            del sys.modules[name]
    agents: list[SWMLService]
    try:
        if ":" not in target or Path(target).exists():
            module = _load_module(target)
            servers = [v for v in vars(module).values() if isinstance(v, AgentServer)]
            if len(servers) == 1 and route is None:
                server = servers[0]
                registered = [a for _r, a in server.get_agents()]
                if not registered:
                    raise LoadError(f"the AgentServer in {target} has no agents registered")
                return Served(server.app, list(registered))
            agents = _discover(module)
        else:
            agents = load_agents(target)
    except AgentLoadError as exc:
        raise LoadError(str(exc)) from exc
    except LoadError:
        raise
    except Exception as exc:
        raise LoadError(f"{target} failed to load: {type(exc).__name__}: {exc}") from exc
    if route is not None:
        agents = [a for a in agents if a.route == route.rstrip("/")]
    if not agents:
        raise LoadError(f"no agent found in {target}")
    if len(agents) == 1:
        return Served(agents[0].get_app(), [agents[0]])
    server = AgentServer()
    for agent in agents:
        server.register(cast("AgentBase", agent), agent.route or "/")
    return Served(server.app, list(agents))


class DevServer:
    """``sw-agent dev``: serve ``target`` on ``host:port``, reloading on change."""

    def __init__(
        self,
        target: str,
        *,
        host: str = "127.0.0.1",
        port: int = 3000,
        route: str | None = None,
        reload: bool = True,
        history: int = 100,
        out: TextIO | None = None,
        environ: dict[str, str] | None = None,
    ) -> None:
        self.target = target
        self.host = host
        self.port = port
        self.route = route
        self.reload = reload
        self.out = out or sys.stdout
        self.environ = os.environ if environ is None else environ
        self.recorder = Recorder(history)
        self.app: DevApp | None = None
        self._stop: asyncio.Event | None = None
        self._watcher: asyncio.Task[None] | None = None
        self.bound: tuple[str, int] | None = None
        self._credentials()

    def _credentials(self) -> None:
        """Generate Basic auth and the token secret once, for every load of this process."""
        env = self.environ
        if not env.get(ENV_USER):
            env[ENV_USER] = "dev"
        if not env.get(ENV_PASSWORD):
            env[ENV_PASSWORD] = secrets.token_urlsafe(12)
        if not env.get(ENV_SECRET):
            env[ENV_SECRET] = secrets.token_hex(32)

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def build(self) -> DevApp:
        """Load the target and build the app (raises LoadError)."""
        served = load_target(self.target, self.route)
        self.app = DevApp(served, self.recorder, self._start_watching, self._stop_watching)
        return self.app

    def reload_now(self) -> float:
        """Load the target again and serve it; the seconds it took. Keeps the old app on error."""
        assert self.app is not None
        start = time.perf_counter()
        try:
            served = load_target(self.target, self.route)
        except LoadError as exc:
            self._print(f"sw-agent dev: reload failed, still serving the previous version: {exc}")
            self.recorder.publish("reload", {"ok": False, "error": str(exc)})
            return -1.0
        self._place(served)
        self.app.swap(served)
        elapsed = time.perf_counter() - start
        self._print(f"sw-agent dev: reloaded {self.target} in {elapsed * 1000:.0f} ms")
        self.recorder.publish("reload", {"ok": True, "ms": round(elapsed * 1000, 1)})
        return elapsed

    def _folder(self) -> Path:
        """The folder watched for changes: the file's own, or the current one for a module."""
        target = Path(self.target.split(":")[0]).resolve()
        return target.parent if target.is_file() else Path.cwd()

    def _start_watching(self) -> None:
        if not self.reload:
            return
        self._stop = asyncio.Event()
        self._watcher = asyncio.ensure_future(self._watch(self._folder(), self._stop))

    def _stop_watching(self) -> None:
        if self._stop is not None:
            self._stop.set()

    async def _watch(self, folder: Path, stop: asyncio.Event) -> None:
        from watchfiles import PythonFilter, awatch

        async for _changes in awatch(
            folder, watch_filter=PythonFilter(), stop_event=stop, debounce=400, step=30
        ):
            self.reload_now()

    def _place(self, served: Served) -> None:
        """Tell the agents where they are served, so the URLs in their SWML point here."""
        if self.bound is None:
            return
        host, port = self.bound
        for agent in served.agents:
            agent_any: Any = agent
            agent_any.host, agent_any.port = host, port
            cache = getattr(agent_any, "_base_cache", None)
            if isinstance(cache, dict):
                cache.clear()

    def banner(self, host: str, port: int) -> None:
        """Print where the agents and their inspectors are (once the socket listens)."""
        assert self.app is not None
        self.bound = (host, port)
        self._place(self.app.served)
        shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104
        base = f"http://{shown}:{port}"
        for agent in self.app.served.agents:
            user, password = agent.get_basic_auth_credentials()[:2]
            route = agent.route.rstrip("/")
            self._print(f"Agent {agent.name!r}: {base}{route or '/'}")
            self._print(f"  Basic auth: {user} / {password}")
            self._print(f"  Inspector:  {base}{route}/{INSPECTOR}/")
        watching = "watching for changes" if self.reload else "reload off"
        self._print(f"sw-agent dev: serving {self.target} ({watching}); Ctrl+C to stop")

    def serve(self, on_server: Callable[[Any], None] | None = None) -> None:
        """Serve until interrupted (blocks)."""
        from signalwire.agents._hosting.server import serve_app

        app = self.app or self.build()
        serve_app(
            app,
            host=self.host,
            port=self.port,
            log_level="warning",
            on_server=on_server,
            banner=self.banner,
            # Open inspector event streams must not hold the process on Ctrl+C.
            uvicorn_options={"timeout_graceful_shutdown": 1},
        )
