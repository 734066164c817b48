"""signalwire.core: what every SignalWire SDK namespace shares.

Credentials and space resolution (explicit arguments, then ``SIGNALWIRE_*``
environment variables), the error base classes, webhook signature validation
(:mod:`signalwire.core.security`) and the attrs/cattrs converter factory.

Importing this package reads no environment, opens nothing and configures no
logging.
"""

from typing import TYPE_CHECKING, Any

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
from signalwire.core._version import __version__

if TYPE_CHECKING:
    from signalwire.core._converter import configure_converter, make_converter, structure

# cattrs costs tens of milliseconds to import; load it when a converter is first built.
_LAZY = {"configure_converter", "make_converter", "structure"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from signalwire.core import _converter

        return getattr(_converter, name)
    raise AttributeError(f"module 'signalwire.core' has no attribute {name!r}")


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
