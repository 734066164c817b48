"""signalwire.core: what every SignalWire SDK namespace shares.

Credentials and space resolution (explicit arguments, then ``SIGNALWIRE_*``
environment variables), the error base classes, webhook signature validation
(:mod:`signalwire.core.security`) and the attrs/cattrs converter factory.

Importing this package reads no environment, opens nothing and configures no
logging. Every namespace imports it, so importing it loads nothing but this
module and its version: each name loads with its (small) module on first
access, and the converter factory with cattrs.
"""

import sys

from signalwire.core._version import __version__

# A ``signalwire`` module with a file is signalwire-sdk's package shadowing this namespace.
if getattr(sys.modules.get("signalwire"), "__file__", None):
    from signalwire.core._clash import clash_error

    raise clash_error("signalwire-core")

# A plain flag (not typing.TYPE_CHECKING): importing typing would cost more than this
# package; mypy treats any name TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from signalwire.core._converter import configure_converter, make_converter, structure
    from signalwire.core._credentials import (
        Credentials,
        Space,
        decode_jwt_claims,
        is_loopback_host,
        normalize_space,
        resolve_credentials,
    )
    from signalwire.core._errors import SignalWireConfigError, SignalWireError, WireError
    from signalwire.core._secrets import mask_secret
    from signalwire.core._sentinels import EXTRA_FIELD, UNSET, UnsetType, wire_name

_LAZY = {
    "SignalWireConfigError": "_errors",
    "SignalWireError": "_errors",
    "WireError": "_errors",
    "mask_secret": "_secrets",
    "EXTRA_FIELD": "_sentinels",
    "UNSET": "_sentinels",
    "UnsetType": "_sentinels",
    "wire_name": "_sentinels",
    "Credentials": "_credentials",
    "Space": "_credentials",
    "decode_jwt_claims": "_credentials",
    "is_loopback_host": "_credentials",
    "normalize_space": "_credentials",
    "resolve_credentials": "_credentials",
    # cattrs costs tens of milliseconds to import; load it when a converter is first built.
    "configure_converter": "_converter",
    "make_converter": "_converter",
    "structure": "_converter",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'signalwire.core' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"signalwire.core.{module}"), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "EXTRA_FIELD",
    "UNSET",
    "Credentials",
    "SignalWireConfigError",
    "SignalWireError",
    "Space",
    "UnsetType",
    "WireError",
    "__version__",
    "configure_converter",
    "decode_jwt_claims",
    "is_loopback_host",
    "make_converter",
    "mask_secret",
    "normalize_space",
    "resolve_credentials",
    "structure",
    "wire_name",
]

del TYPE_CHECKING
