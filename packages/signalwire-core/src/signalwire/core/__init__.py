"""signalwire.core: what every SignalWire SDK namespace shares.

Credentials and space resolution (explicit arguments, then ``SIGNALWIRE_*``
environment variables), the error base classes, webhook signature validation
(:mod:`signalwire.core.security`) and the attrs/cattrs converter factory.

Importing this package reads no environment, opens nothing and configures no
logging.
"""

from signalwire.core._converter import (
    EXTRA_FIELD,
    UNSET,
    UnsetType,
    configure_converter,
    make_converter,
    structure,
    wire_name,
)
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
from signalwire.core._version import __version__

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
