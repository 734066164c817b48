"""The skill registry: finds skill classes by name, loading each on first use.

A name is looked up in this order, and the first source that has it wins:

1. the built-in skills, ``signalwire/agents/skills/<name>/skill.py``;
2. the directories in ``SIGNALWIRE_SKILL_PATHS`` (``os.pathsep``-separated),
   read at lookup time, each holding ``<name>/skill.py``;
3. directories added with :func:`add_skill_directory`, same layout;
4. installed entry points in the group ``signalwire.skills``
   (``name = package.module:SkillClass``);
5. classes passed to :func:`register_skill`.

Nothing is imported until a skill is asked for, so ``import signalwire.agents``
loads no skill module.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import inspect
import logging
import os
import re
import sys
import threading
from pathlib import Path
from types import ModuleType
from typing import Any

from signalwire.agents.skills._skill_base import SkillBase

__all__ = [
    "ENTRY_POINT_GROUP",
    "NOT_PROVIDED",
    "SkillNotFoundError",
    "SkillRegistry",
    "add_skill_directory",
    "list_skills",
    "list_skills_with_params",
    "register_skill",
    "skill_registry",
]

log = logging.getLogger("signalwire.agents.skills")

ENTRY_POINT_GROUP = "signalwire.skills"
"""The entry-point group installed packages register skill classes under."""

NOT_PROVIDED: dict[str, str] = {}
"""Built-in skills of signalwire-sdk 3.7.5 this package does not provide, with what to use."""

_BUILTIN_DIR = Path(__file__).parent
_BUILTIN_PACKAGE = __name__.rsplit(".", 1)[0]
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")


class SkillNotFoundError(LookupError):
    """No source provides a skill of that name."""


def _skill_dirs(base: Path) -> list[str]:
    try:
        return sorted(
            p.name
            for p in base.iterdir()
            if p.is_dir() and _NAME.match(p.name) and (p / "skill.py").is_file()
        )
    except OSError:
        return []


def _has_skill_file(base: Path, name: str) -> bool:
    try:
        return (base / name / "skill.py").is_file()
    except OSError:
        return False


def _class_in(module: ModuleType, skill_name: str) -> type[SkillBase] | None:
    for obj in vars(module).values():
        if (
            inspect.isclass(obj)
            and issubclass(obj, SkillBase)
            and obj is not SkillBase
            and getattr(obj, "SKILL_NAME", None) == skill_name
        ):
            return obj
    return None


def check_skill_class(skill_class: Any) -> type[SkillBase]:
    """Check ``skill_class`` is a usable skill class and return it (ValueError otherwise)."""
    if not (inspect.isclass(skill_class) and issubclass(skill_class, SkillBase)):
        raise ValueError(f"{skill_class!r} must be a subclass of SkillBase")
    name = skill_class.__name__
    if not skill_class.SKILL_NAME or not isinstance(skill_class.SKILL_NAME, str):
        raise ValueError(f"{name} must define SKILL_NAME")
    if not skill_class.SKILL_DESCRIPTION:
        raise ValueError(f"{name} must define SKILL_DESCRIPTION")
    try:
        schema = skill_class.get_parameter_schema()
    except Exception as exc:
        raise ValueError(f"{name}.get_parameter_schema() failed: {exc}") from exc
    if not isinstance(schema, dict) or not schema:
        raise ValueError(f"{name}.get_parameter_schema() must return a non-empty dict")
    overridden = any(
        "get_parameter_schema" in vars(klass)
        for klass in skill_class.__mro__
        if klass is not SkillBase and issubclass(klass, SkillBase)
    )
    if not overridden:
        raise ValueError(f"{name} must override get_parameter_schema() to describe its parameters")
    return skill_class


class SkillRegistry:
    """Finds skill classes by name across the discovery sources (thread-safe)."""

    def __init__(self) -> None:
        self._skills: dict[str, type[SkillBase]] = {}
        self._sources: dict[str, str] = {}
        self._registered: dict[str, type[SkillBase]] = {}
        self._external_paths: list[Path] = []
        self._entry_points: dict[str, Any] | None = None
        self._lock = threading.RLock()

    # -- sources ----------------------------------------------------------------------------

    def register_skill(self, skill_class: type[SkillBase]) -> None:
        """Make ``skill_class`` available by its ``SKILL_NAME`` (the last discovery source).

        A name that another source already provides keeps that source's class
        (a warning is logged).
        """
        check_skill_class(skill_class)
        name = str(skill_class.SKILL_NAME)
        if _has_skill_file(_BUILTIN_DIR, name):
            log.warning("skill %r is built in; the built-in skill keeps the name", name)
        with self._lock:
            if name in self._registered and self._registered[name] is not skill_class:
                log.warning("skill %r is already registered; keeping the first class", name)
                return
            self._registered[name] = skill_class

    def add_skill_directory(self, path: str | os.PathLike[str]) -> None:
        """Search ``path`` (a directory of ``<name>/skill.py`` folders) for skills."""
        directory = Path(path)
        if not directory.exists():
            raise ValueError(f"Skill directory does not exist: {path}")
        if not directory.is_dir():
            raise ValueError(f"Path is not a directory: {path}")
        with self._lock:
            if directory not in self._external_paths:
                self._external_paths.append(directory)

    @staticmethod
    def _env_paths() -> list[Path]:
        raw = os.environ.get("SIGNALWIRE_SKILL_PATHS", "")
        return [Path(p) for p in raw.split(os.pathsep) if p]

    def _entry_point_map(self) -> dict[str, Any]:
        if self._entry_points is None:
            from importlib.metadata import entry_points

            found: dict[str, Any] = {}
            try:
                for ep in entry_points(group=ENTRY_POINT_GROUP):
                    found.setdefault(ep.name, ep)
            except Exception:  # a broken distribution must not break skill lookup
                log.exception("could not read the %r entry points", ENTRY_POINT_GROUP)
            self._entry_points = found
        return self._entry_points

    # -- loading ----------------------------------------------------------------------------

    def _load_builtin(self, name: str) -> type[SkillBase] | None:
        if not _has_skill_file(_BUILTIN_DIR, name):
            return None
        module = importlib.import_module(f"{_BUILTIN_PACKAGE}.{name}.skill")
        return _class_in(module, name)

    @staticmethod
    def _load_from_dir(name: str, base: Path) -> type[SkillBase] | None:
        if not _has_skill_file(base, name):
            return None
        skill_file = base / name / "skill.py"
        digest = hashlib.sha1(str(base.resolve()).encode(), usedforsecurity=False).hexdigest()
        module_name = f"_signalwire_skills_{digest[:12]}.{name}.skill"
        module = sys.modules.get(module_name)
        if module is None:
            spec = importlib.util.spec_from_file_location(module_name, skill_file)
            if spec is None or spec.loader is None:
                return None
            module = importlib.util.module_from_spec(spec)
            sys.modules[module_name] = module
            try:
                spec.loader.exec_module(module)
            except BaseException:
                del sys.modules[module_name]
                raise
        found = _class_in(module, name)
        if found is None:
            log.warning("%s defines no SkillBase subclass with SKILL_NAME %r", skill_file, name)
        return found

    def _load_entry_point(self, name: str) -> type[SkillBase] | None:
        ep = self._entry_point_map().get(name)
        if ep is None:
            return None
        skill_class = ep.load()
        check_skill_class(skill_class)
        if name != skill_class.SKILL_NAME:
            raise ValueError(
                f"entry point {name!r} names a skill whose SKILL_NAME is {skill_class.SKILL_NAME!r}"
            )
        return skill_class  # type: ignore[no-any-return]

    def _find(self, name: str) -> tuple[type[SkillBase], str] | None:
        found = self._load_builtin(name)
        if found is not None:
            return found, "built-in"
        for base in self._env_paths():
            found = self._load_from_dir(name, base)
            if found is not None:
                return found, "external"
        for base in list(self._external_paths):
            found = self._load_from_dir(name, base)
            if found is not None:
                return found, "external"
        found = self._load_entry_point(name)
        if found is not None:
            return found, "entry_point"
        registered = self._registered.get(name)
        if registered is not None:
            return registered, "registered"
        return None

    def get_skill_class(self, skill_name: str) -> type[SkillBase] | None:
        """The class of ``skill_name``, loading it on first use; None if no source has it.

        A skill module that fails to import raises (its error names the cause).
        """
        if not isinstance(skill_name, str) or not _NAME.match(skill_name):
            return None
        with self._lock:
            cached = self._skills.get(skill_name)
            if cached is not None:
                return cached
            result = self._find(skill_name)
            if result is None:
                return None
            skill_class, source = result
            check_skill_class(skill_class)
            self._skills[skill_name] = skill_class
            self._sources[skill_name] = source
            return skill_class

    def require_skill_class(self, skill_name: str) -> type[SkillBase]:
        """Like :meth:`get_skill_class`, but raise SkillNotFoundError listing what exists."""
        skill_class = self.get_skill_class(skill_name)
        if skill_class is not None:
            return skill_class
        reason = NOT_PROVIDED.get(skill_name) if isinstance(skill_name, str) else None
        if reason:
            raise SkillNotFoundError(
                f"skill {skill_name!r} is not provided by signalwire-agents: {reason}"
            )
        available = ", ".join(self.available_names())
        raise SkillNotFoundError(
            f"skill {str(skill_name)[:80]!r} not found; available skills: {available}"
        )

    # -- listing ----------------------------------------------------------------------------

    def available_names(self) -> list[str]:
        """Every skill name some source provides (without importing any skill)."""
        names = set(_skill_dirs(_BUILTIN_DIR))
        for base in [*self._env_paths(), *self._external_paths]:
            names.update(_skill_dirs(base))
        names.update(self._entry_point_map())
        names.update(self._registered)
        names.update(self._skills)
        return sorted(names)

    def list_all_skill_sources(self) -> dict[str, list[str]]:
        """Skill names by source: built-in, external_paths, entry_points, registered, not_provided."""
        external: set[str] = set()
        for base in [*self._env_paths(), *self._external_paths]:
            external.update(_skill_dirs(base))
        return {
            "built-in": _skill_dirs(_BUILTIN_DIR),
            "external_paths": sorted(external),
            "entry_points": sorted(self._entry_point_map()),
            "registered": sorted(self._registered),
            "not_provided": sorted(NOT_PROVIDED),
        }

    def _loaded_classes(self) -> list[tuple[type[SkillBase], str]]:
        classes: list[tuple[type[SkillBase], str]] = []
        for name in self.available_names():
            try:
                skill_class = self.get_skill_class(name)
            except Exception as exc:  # noqa: BLE001 - one broken skill must not hide the rest
                log.error("could not load skill %r: %s", name, exc)
                continue
            if skill_class is not None:
                classes.append((skill_class, self._sources.get(name, "registered")))
        return classes

    def list_skills(self) -> list[dict[str, Any]]:
        """One summary dict per available skill (this imports every skill module)."""
        return [
            {
                "name": cls.SKILL_NAME,
                "description": cls.SKILL_DESCRIPTION,
                "version": cls.SKILL_VERSION,
                "required_packages": list(cls.REQUIRED_PACKAGES),
                "required_env_vars": list(cls.REQUIRED_ENV_VARS),
                "supports_multiple_instances": cls.SUPPORTS_MULTIPLE_INSTANCES,
            }
            for cls, _source in self._loaded_classes()
        ]

    def discover_skills(self) -> list[dict[str, Any]]:
        """Same as :meth:`list_skills`."""
        return self.list_skills()

    def get_all_skills_schema(self) -> dict[str, dict[str, Any]]:
        """``{name: {name, description, version, ..., parameters, source}}`` for every skill."""
        out: dict[str, dict[str, Any]] = {}
        for cls, source in self._loaded_classes():
            name = str(cls.SKILL_NAME)
            out[name] = {
                "name": name,
                "description": cls.SKILL_DESCRIPTION,
                "version": cls.SKILL_VERSION,
                "supports_multiple_instances": cls.SUPPORTS_MULTIPLE_INSTANCES,
                "required_packages": list(cls.REQUIRED_PACKAGES),
                "required_env_vars": list(cls.REQUIRED_ENV_VARS),
                "parameters": cls.get_parameter_schema(),
                "source": source,
            }
        return out


skill_registry = SkillRegistry()
"""The process-wide registry ``add_skill`` looks skills up in."""


def register_skill(skill_class: type[SkillBase]) -> None:
    """Make a skill class available to ``add_skill`` by its ``SKILL_NAME``."""
    skill_registry.register_skill(skill_class)


def add_skill_directory(path: str) -> None:
    """Search ``path`` (holding ``<name>/skill.py`` folders) for skills."""
    skill_registry.add_skill_directory(path)


def list_skills() -> list[dict[str, Any]]:
    """A summary (name, description, version, needs, multi-instance) of every skill."""
    return skill_registry.list_skills()


def list_skills_with_params() -> dict[str, dict[str, Any]]:
    """Every skill with its metadata and parameter schema, by name."""
    return skill_registry.get_all_skills_schema()
