"""Find the agent(s) a user points ``swaig-test`` at: a ``.py`` file, a module, or ``module:attr``."""

from __future__ import annotations

import contextlib
import importlib
import importlib.abc
import importlib.util
import inspect
import sys
import typing
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from signalwire.agents._swml_service import SWMLService

__all__ = ["AgentLoadError", "load_agents", "run_main", "select_agent"]


class AgentLoadError(Exception):
    """The target could not be loaded, or holds no agent (or too many to choose from)."""


# Modules that scripts written for signalwire-sdk import and that signalwire-agents installs only
# with an extra (signalwire-sdk depends on them outright).
_EXTRAS = {"fastapi": "signalwire-agents[fastapi]", "watchfiles": "signalwire-agents[dev]"}


def _failed(target: str, exc: Exception) -> str:
    """One line for a script that raised while loading; a missing module names what to install."""
    message = f"{target} failed to load: {type(exc).__name__}: {exc}"
    if isinstance(exc, ModuleNotFoundError) and exc.name:
        extra = _EXTRAS.get(exc.name.partition(".")[0])
        if extra:
            return f"{message}: pip install '{extra}'"
        return f"{message}: install the package that provides {exc.name!r} in this environment"
    return message


def _load_module(target: str) -> ModuleType:
    path = Path(target)
    if target.endswith(".py") or path.is_file():
        if not path.is_file():
            raise AgentLoadError(f"no such file: {target}")
        # A run_name other than __main__ keeps the file's own `agent.run()` from serving.
        name = f"_swaig_test_{abs(hash(str(path.resolve())))}"
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise AgentLoadError(f"cannot load {target} as a Python module")
        module = importlib.util.module_from_spec(spec)
        folder = str(path.resolve().parent)
        if folder not in sys.path:
            sys.path.insert(0, folder)  # sibling imports, as `python file.py` allows
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except SystemExit as exc:
            raise AgentLoadError(f"{target} exited while loading (code {exc.code})") from None
        except Exception as exc:
            raise AgentLoadError(_failed(target, exc)) from exc
        return module
    try:
        return importlib.import_module(target)
    except ImportError as exc:
        raise AgentLoadError(f"cannot import {target!r}: {exc}") from exc
    except Exception as exc:
        raise AgentLoadError(_failed(target, exc)) from exc


def _instantiate(cls: type[SWMLService]) -> SWMLService:
    try:
        inspect.signature(cls).bind()
    except TypeError as exc:
        raise AgentLoadError(
            f"cannot create {cls.__name__}() without arguments ({exc}); "
            "create an instance at module level or in main() instead"
        ) from None
    except ValueError:  # no signature to inspect: just try
        pass
    try:
        return cls()  # type: ignore[call-arg]  # checked above: needs no arguments
    except Exception as exc:  # the class's own __init__ failed: one line, no traceback
        raise AgentLoadError(f"{cls.__name__}() failed: {type(exc).__name__}: {exc}") from exc


def _agents_in(value: Any) -> list[SWMLService]:
    """Agents held by ``value``: the agent itself, or those of a server-like object."""
    if isinstance(value, SWMLService):
        return [value]
    if inspect.isclass(value) and issubclass(value, SWMLService):
        return [_instantiate(value)]
    if inspect.isfunction(value):
        made = _call_factory(value)
        if made is not None:
            return [made]
    get_agents = getattr(value, "get_agents", None)
    if callable(get_agents) and not inspect.isclass(value):
        found = [a for _route, a in get_agents() if isinstance(a, SWMLService)]
        if found:
            return found
    raise AgentLoadError(f"{value!r} is not an agent, an agent class or a server of agents")


def load_agents(
    target: str, agent_class: str | None = None, note: Callable[[str], None] | None = None
) -> list[SWMLService]:
    """Every agent ``target`` defines, in definition order.

    ``target`` is a file or module, optionally with ``:attr`` naming an agent,
    an agent class, a zero-argument factory or a server with ``get_agents()``.
    Otherwise module-level instances come first (also those registered on a
    module-level server); when there are none and the module has a ``main()``,
    it is called with serving suppressed and the agents it builds are used;
    failing that, the agent classes defined in the module are instantiated with
    no arguments, then zero-argument functions annotated to return an agent
    are called. ``agent_class`` keeps only agents of that class name
    (instantiating it when needed). ``note`` receives progress remarks.
    """
    # What the script prints while it loads (banners, main()'s messages) goes to stderr, so
    # stdout carries only the command's own output (`--raw | jq` keeps working).
    with contextlib.redirect_stdout(sys.stderr):
        return _load_agents(target, agent_class, note)


def _load_agents(
    target: str, agent_class: str | None, note: Callable[[str], None] | None
) -> list[SWMLService]:
    module_name, sep, attr = target.rpartition(":")
    if sep and module_name and not Path(target).is_file() and attr.isidentifier():
        module = _load_module(module_name)
        if not hasattr(module, attr):
            raise AgentLoadError(f"{module_name} has no attribute {attr!r}")
        agents = _agents_in(getattr(module, attr))
    else:
        module = _load_module(target)
        agents = _discover(module, target, note)
    if agent_class:
        chosen = [a for a in agents if type(a).__name__ == agent_class]
        if not chosen:
            cls = getattr(module, agent_class, None)
            if not (inspect.isclass(cls) and issubclass(cls, SWMLService)):
                names = sorted({type(a).__name__ for a in agents}) or ["none"]
                raise AgentLoadError(
                    f"no agent class {agent_class!r} in {target} (found: {', '.join(names)})"
                )
            chosen = [_instantiate(cls)]
        agents = chosen
    return agents


def _discover(
    module: ModuleType, target: str | None = None, note: Callable[[str], None] | None = None
) -> list[SWMLService]:
    """The agents of a loaded module (see :func:`load_agents` for the order)."""
    target = target or str(getattr(module, "__file__", None) or module.__name__)
    note = note or (lambda _text: None)
    found = _module_instances(module)
    if found:
        return found
    main_error: AgentLoadError | None = None
    entry = getattr(module, "main", None)
    if inspect.isfunction(entry) and entry.__module__ == module.__name__:
        note(f"no agent at module level in {target}: running main() with serving suppressed")
        try:
            found = run_main(entry, target)
        except AgentLoadError as exc:
            main_error = exc
        if found:
            return found
    found = _module_classes(module) or _module_factories(module)
    if not found and main_error is not None:
        raise main_error
    return found


def run_main(entry: Callable[[], Any], target: str) -> list[SWMLService]:
    """Call a script's ``main()`` with serving suppressed; the agents it built.

    ``serve()``/``run()`` of every agent and of ``AgentServer``, and ``uvicorn.run``,
    return at once instead of serving. The agents are, in order of preference: what
    ``main()`` returned, those it asked to serve (an AgentServer's registered agents),
    then every agent it created. ``sys.argv`` is just the script while it runs, so a
    ``main()`` that parses arguments sees none.
    """
    from signalwire.agents._hosting.agent_server import AgentServer

    served: list[Any] = []
    created: list[SWMLService] = []
    original_init = SWMLService.__init__

    def record_init(self: SWMLService, *args: Any, **kwargs: Any) -> None:
        created.append(self)
        original_init(self, *args, **kwargs)

    def capture(self: Any, *args: Any, **kwargs: Any) -> None:
        served.append(self)

    def no_uvicorn(app: Any, *args: Any, **kwargs: Any) -> None:
        return None

    patches: list[tuple[Any, str, Any]] = [
        (SWMLService, "__init__", record_init),
        (SWMLService, "serve", capture),
        (SWMLService, "run", capture),
        (AgentServer, "serve", capture),
        (AgentServer, "run", capture),
    ]
    missing = object()
    saved = [(obj, name, obj.__dict__.get(name, missing)) for obj, name, _ in patches]
    argv = sys.argv
    undo_uvicorn = _patch_module_when_imported("uvicorn", "run", no_uvicorn)
    try:
        for obj, name, replacement in patches:
            setattr(obj, name, replacement)
        sys.argv = [target]
        try:
            result = entry()
        except SystemExit as exc:
            if not (served or created):
                raise AgentLoadError(
                    f"main() in {target} exited (code {exc.code}) before building an agent; "
                    "create the agent at module level instead"
                ) from None
            result = None
        except Exception as exc:
            raise AgentLoadError(f"main() in {target} failed: {type(exc).__name__}: {exc}") from exc
    finally:
        sys.argv = argv
        undo_uvicorn()
        for obj, name, original in saved:
            if original is missing:
                delattr(obj, name)
            else:
                setattr(obj, name, original)
    if isinstance(result, SWMLService):
        return [result]
    agents: dict[int, SWMLService] = {}
    for value in served:
        try:
            for agent in _agents_in(value):
                agents.setdefault(id(agent), agent)
        except AgentLoadError:
            continue
    if agents:
        return list(agents.values())
    return list({id(a): a for a in created}.values())


def _patch_module_when_imported(
    module_name: str, attr: str, replacement: Any
) -> Callable[[], None]:
    """Replace ``module_name.attr`` now, or as soon as the module is imported; returns undo.

    Importing uvicorn only to patch it would cost every ``main()`` script its import time,
    even the many that never call ``uvicorn.run`` themselves.
    """
    missing = object()
    saved: list[tuple[ModuleType, Any]] = []

    def patch(module: ModuleType) -> None:
        saved.append((module, module.__dict__.get(attr, missing)))
        setattr(module, attr, replacement)

    class Finder(importlib.abc.MetaPathFinder):
        def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
            if name != module_name:
                return None
            sys.meta_path.remove(self)  # the regular finders locate the real module
            spec = importlib.util.find_spec(name)
            loader = spec.loader if spec is not None else None
            if loader is None or not hasattr(loader, "exec_module"):
                return spec
            run_module = loader.exec_module

            def exec_module(module: ModuleType) -> None:
                run_module(module)
                patch(module)

            loader.exec_module = exec_module  # type: ignore[method-assign]
            return spec

    finder: Finder | None = None
    if module_name in sys.modules:
        patch(sys.modules[module_name])
    else:
        finder = Finder()
        sys.meta_path.insert(0, finder)

    def undo() -> None:
        if finder is not None and finder in sys.meta_path:
            sys.meta_path.remove(finder)
        for module, original in saved:
            if original is missing:
                module.__dict__.pop(attr, None)
            else:
                setattr(module, attr, original)

    return undo


def _module_instances(module: ModuleType) -> list[SWMLService]:
    seen: dict[int, SWMLService] = {}
    for value in list(vars(module).values()):
        if isinstance(value, SWMLService):
            seen.setdefault(id(value), value)
        elif not inspect.isclass(value) and callable(getattr(value, "get_agents", None)):
            try:
                for agent in _agents_in(value):
                    seen.setdefault(id(agent), agent)
            except AgentLoadError:
                continue
    return list(seen.values())


def _module_classes(module: ModuleType) -> list[SWMLService]:
    classes = [
        value
        for value in vars(module).values()
        if inspect.isclass(value)
        and issubclass(value, SWMLService)
        and value.__module__ == module.__name__
    ]
    return [_instantiate(cls) for cls in classes]


def _module_factories(module: ModuleType) -> list[SWMLService]:
    factories = [
        value
        for value in vars(module).values()
        if inspect.isfunction(value)
        and value.__module__ == module.__name__
        and _returns_agent(value)
    ]
    made = [_call_factory(f) for f in factories]
    return [a for a in made if a is not None]


def _returns_agent(func: Any) -> bool:
    """True for a function annotated ``-> SWMLService`` (or a subclass) needing no arguments."""
    try:
        hints = typing.get_type_hints(func)
        params = inspect.signature(func).parameters.values()
    except (NameError, TypeError, ValueError, AttributeError):  # unresolvable: not a factory
        return False
    ret = hints.get("return")
    needs_args = any(
        p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params
    )
    return inspect.isclass(ret) and issubclass(ret, SWMLService) and not needs_args


def _call_factory(func: Any) -> SWMLService | None:
    try:
        made = func()
    except TypeError as exc:
        raise AgentLoadError(f"cannot call {func.__name__}() without arguments ({exc})") from None
    except Exception as exc:
        raise AgentLoadError(f"{func.__name__}() failed: {type(exc).__name__}: {exc}") from exc
    return made if isinstance(made, SWMLService) else None


def select_agent(agents: list[SWMLService], target: str, route: str | None) -> SWMLService:
    """The one agent a command acts on; a clear error when there is none or several."""
    if route is not None:
        wanted = route.rstrip("/")
        chosen = [a for a in agents if a.route == wanted]
        if not chosen:
            routes = ", ".join(a.route or "/" for a in agents) or "none"
            raise AgentLoadError(f"no agent at route {route!r} in {target} (routes: {routes})")
        agents = chosen
    if not agents:
        raise AgentLoadError(
            f"no agent found in {target}: create an AgentBase/SWMLService instance at "
            "module level, define a subclass, or build it in main() and call its run()"
        )
    if len(agents) > 1:
        listing = ", ".join(f"{type(a).__name__} {a.name!r} at {a.route or '/'}" for a in agents)
        raise AgentLoadError(
            f"{len(agents)} agents found in {target} ({listing}); "
            "choose one with --agent-class NAME or --route ROUTE"
        )
    return agents[0]
