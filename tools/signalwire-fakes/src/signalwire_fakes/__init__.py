"""The SDK's own unpublished test helpers.

* ``signalwire_fakes.hygiene``: the import-hygiene probe (a fresh interpreter imports a
  module and reports I/O, environment reads, logging configuration and loaded modules).
* ``signalwire_fakes.surface``: the vendor's documented public API, for conformance tests.

The fake platform itself (RELAY, REST, SWML schema, spec data) is the published package
``signalwire-testing`` (``signalwire.testing``).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
from types import ModuleType

#: Modules that moved to ``signalwire.testing``; their old names keep working so code
#: written against ``signalwire_fakes`` on other branches still imports after a merge.
_MOVED = ("specs", "swml", "relay", "rest")


class _MovedLoader(importlib.abc.Loader):
    def __init__(self, target: str) -> None:
        self._target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return importlib.import_module(self._target)

    def exec_module(self, module: ModuleType) -> None:
        # The target module is already executed: the alias shares its objects.
        return None


class _MovedFinder(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        head, _, rest = fullname.partition(".")
        if head != __name__ or not rest or rest.split(".")[0] not in _MOVED:
            return None
        return importlib.machinery.ModuleSpec(fullname, _MovedLoader(f"signalwire.testing.{rest}"))


if not any(isinstance(f, _MovedFinder) for f in sys.meta_path):
    sys.meta_path.append(_MovedFinder())
