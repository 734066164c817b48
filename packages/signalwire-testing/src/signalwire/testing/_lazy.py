"""Lazy re-exports for a package ``__init__``: each name loads with its module on first access.

The same code as ``signalwire.core._lazy`` (a test keeps the two identical). signalwire-testing
depends on signalwire-core but loads none of it on a clean import: ``signalwire.core._clash`` is
imported only to raise the error when signalwire-sdk's ``signalwire`` package shadows the
namespace (see the check below). Carrying its own copy of this helper keeps it that way, and the
fakes never import the models they check (``signalwire.agents``, ``.relay``, ``.rest``). Used by ``signalwire.testing.relay`` and ``signalwire.testing.rest``, whose pytest plugins
import them without loading a server.
"""

# No imports: every namespace runs this module when it is imported, and typing or importlib
# would cost more than all of it. mypy treats any name TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, MutableMapping


def lazy_exports(
    namespace: "MutableMapping[str, object]", exports: "Mapping[str, tuple[str, ...]]"
) -> "tuple[Callable[[str], object], Callable[[], list[str]]]":
    """Return ``(__getattr__, __dir__)`` for a package that re-exports names lazily.

    ``namespace`` is the package's ``globals()``; ``exports`` maps each module (absolute, or
    relative to the package when it starts with ``.``) to the names it provides. A name is
    imported from its module on first access and stored in the package, so later lookups do
    not come back here; ``dir()`` lists the package's ``__all__``.
    """
    package = str(namespace["__name__"])
    # A ``signalwire`` module with a file is signalwire-sdk's package shadowing the PEP 420
    # namespace (this project never ships ``signalwire/__init__.py``): refuse, naming the
    # repair. ``sys`` is always loaded, so this costs one dict lookup per namespace.
    import sys

    if getattr(sys.modules.get("signalwire"), "__file__", None):
        from signalwire.core._clash import clash_error

        raise clash_error("signalwire-" + package.split(".")[1])
    home = {
        name: package + module if module.startswith(".") else module
        for module, names in exports.items()
        for name in names
    }

    def __getattr__(name: str) -> object:
        module = home.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        from importlib import import_module

        value: object = getattr(import_module(module), name)
        namespace[name] = value  # later lookups skip __getattr__
        return value

    def __dir__() -> "list[str]":
        public = namespace["__all__"]
        return sorted(public) if isinstance(public, (list, tuple)) else []

    return __getattr__, __dir__
