"""Serve signalwire-agents 1.x import paths (``signalwire_agents...``) from this project.

``pip install -U signalwire-agents`` replaces the 1.x package with this one and removes
its ``signalwire_agents`` files. The ``signalwire_agents`` package shipped in this wheel
calls :func:`install`, which puts a finder on ``sys.meta_path``: every
``signalwire_agents.<path>`` becomes a small module whose attributes are looked up in the
table ``signalwire-migrate`` rewrites imports with (:mod:`._mapping`), so
``signalwire_agents.core.function_result.SwaigFunctionResult`` *is*
``signalwire.agents.SwaigFunctionResult``. Nothing here runs unless ``signalwire_agents``
is imported.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
import warnings
from collections.abc import Sequence
from typing import Any

from signalwire.agents._migrate._mapping import (
    TOP_LEVEL,
    Target,
    Unmappable,
    is_parent_of_mapped,
    lookup_module,
    lookup_name,
)
from signalwire.agents._version import __version__

__all__ = ["PACKAGE", "install", "resolve"]

#: The import name of signalwire-agents 1.x.
PACKAGE = "signalwire_agents"

_HINT = "`signalwire-migrate --check PATH` lists what to change"
_warned = False


def _unavailable(path: str, reason: str) -> ImportError:
    return ImportError(
        f"{path} is not available in signalwire-agents {__version__}: {reason} ({_HINT})",
        name=path,
    )


def _import_target(module: str, path: str) -> types.ModuleType:
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        missing = exc.name or module
        if missing.startswith("signalwire."):
            # signalwire_agents.relay / .rest: the namespaces ship as their own packages.
            dist = "signalwire-" + missing.split(".")[1]
            raise ImportError(
                f"{path} is {module} here, from the {dist} package: pip install {dist}",
                name=path,
            ) from exc
        raise


def resolve(path: str, name: str) -> Any:
    """The object ``from <path> import <name>`` gives, ``path`` being a 1.x module path.

    Raises ImportError naming the reason for a name the table marks as having no
    counterpart, and AttributeError for a name it does not know.
    """
    target = lookup_name(path, name)
    if isinstance(target, Unmappable) and target.listed:
        raise _unavailable(f"{path}.{name}", target.reason)
    if isinstance(target, Target):
        module = _import_target(target.module, path)
        try:
            return getattr(module, target.name)
        except AttributeError:
            pass
    # A sub-module: ``from signalwire_agents.core import function_result``.
    sub = f"{path}.{name}"
    if isinstance(lookup_module(sub), str) or is_parent_of_mapped(sub):
        return importlib.import_module(sub)
    if isinstance(target, Target):
        try:
            return importlib.import_module(f"{target.module}.{target.name}")
        except ModuleNotFoundError:
            pass
    where = f" (looked for {target.module}.{target.name})" if isinstance(target, Target) else ""
    raise AttributeError(
        f"module {path!r} has no attribute {name!r}: signalwire-agents {__version__} has no "
        f"counterpart{where}; {_HINT}",
        name=name,
    )


class _AliasModule(types.ModuleType):
    """A 1.x module path; its attributes are resolved through the table on access."""

    __target__: str

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        value = resolve(self.__name__, name)
        setattr(self, name, value)  # later lookups skip the table
        return value

    def __dir__(self) -> list[str]:
        target = sys.modules.get(self.__target__)
        return sorted(set(super().__dir__()) | set(dir(target) if target else ()))


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds ``signalwire_agents.<path>`` modules: the table says what they are."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None = None,
        target: types.ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if not fullname.startswith(PACKAGE + "."):
            return None
        where = lookup_module(fullname)
        if isinstance(where, Unmappable):
            if not is_parent_of_mapped(fullname):
                if not where.listed:
                    return None  # an unknown path: the usual ModuleNotFoundError
                raise _unavailable(fullname, where.reason)
            where = ""  # a package for its mapped sub-modules; its own names are unmappable
        if where is None:
            return None
        spec = importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        spec.loader_state = where
        return spec

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        now = f"now {spec.loader_state}" if spec.loader_state else "no counterpart of its own"
        module = _AliasModule(spec.name, f"signalwire-agents 1.x module path ({now}).")
        module.__target__ = spec.loader_state
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        """Nothing to run: the module's names resolve on access."""


_FINDER = _Finder()


def _warn_once() -> None:
    global _warned
    if _warned:
        return
    _warned = True
    # Attribute the warning to the code that imported signalwire_agents (skipping the
    # import machinery and this package), so Python's default filters show it when that
    # code is a script (__main__) and hide it when it is a library, as for any deprecation.
    frame = sys._getframe(1)
    while frame.f_back is not None and (
        frame.f_code.co_filename.startswith("<frozen importlib")
        or "importlib" in frame.f_code.co_filename
        or str(frame.f_globals.get("__name__", "")).startswith((PACKAGE, __name__))
    ):
        frame = frame.f_back
    registry = frame.f_globals.setdefault("__warningregistry__", {})
    warnings.warn_explicit(
        f"signalwire_agents is the import name of signalwire-agents 1.x; signalwire-agents "
        f"{__version__} serves those imports from signalwire.agents for now. Run "
        "`signalwire-migrate PATH` to rewrite them (`signalwire-migrate --check PATH` also "
        "lists the 1.x idioms that behave differently).",
        DeprecationWarning,
        frame.f_code.co_filename,
        frame.f_lineno,
        module=str(frame.f_globals.get("__name__", "")),
        registry=registry,
    )


def install(namespace: dict[str, Any]) -> None:
    """Set up the ``signalwire_agents`` package whose globals are ``namespace``.

    Registers the finder (once), gives the package its lazy ``__getattr__`` and
    ``__dir__``, and warns once per process.
    """
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)

    def __getattr__(name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        value = resolve(PACKAGE, name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | {n for n, t in TOP_LEVEL.items() if isinstance(t, Target)})

    namespace["__getattr__"] = __getattr__
    namespace["__dir__"] = __dir__
    namespace["__version__"] = __version__
    _warn_once()
