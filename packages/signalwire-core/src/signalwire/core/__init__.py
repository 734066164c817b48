"""signalwire.core: what every SignalWire SDK namespace shares.

Credentials and space resolution (explicit arguments, then ``SIGNALWIRE_*``
environment variables), the error base classes, webhook signature validation
(:mod:`signalwire.core.security`) and the attrs/cattrs converter factory.

Importing this package reads no environment, opens nothing and configures no
logging. Every namespace imports it, so importing it loads nothing but this
module, its version and the lazy-export helper (:mod:`signalwire.core._lazy`,
which every namespace uses): each name loads with its (small) module on first
access, and the converter factory with cattrs.
"""

from signalwire.core._lazy import lazy_exports
from signalwire.core._version import __version__

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

# cattrs costs tens of milliseconds to import: it loads when a converter is first built.
__getattr__, __dir__ = lazy_exports(
    globals(),
    {
        "._errors": ("SignalWireConfigError", "SignalWireError", "WireError"),
        "._secrets": ("mask_secret",),
        "._sentinels": ("EXTRA_FIELD", "UNSET", "UnsetType", "wire_name"),
        "._credentials": (
            "Credentials",
            "Space",
            "decode_jwt_claims",
            "is_loopback_host",
            "normalize_space",
            "resolve_credentials",
        ),
        "._converter": ("configure_converter", "make_converter", "structure"),
    },
)

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

del TYPE_CHECKING, lazy_exports
