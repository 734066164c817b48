"""signalwire.rest: sync and async clients for the SignalWire REST APIs.

::

    from signalwire.rest import RestClient

    with RestClient() as client:  # SIGNALWIRE_PROJECT_ID / _API_TOKEN / _SPACE
        for number in client.phone_numbers.paginate():
            print(number["number"])

Every operation of the platform's REST and compatibility (LaML) specs has a
method on :class:`RestClient` and :class:`AsyncRestClient`. Importing this
package is cheap: the clients, httpx and the generated resource tree load on
first use.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from signalwire.rest._version import __version__

# A ``signalwire`` module with a file is signalwire-sdk's package shadowing this namespace.
if getattr(sys.modules.get("signalwire"), "__file__", None):
    from signalwire.core._clash import clash_error

    raise clash_error("signalwire-rest")

if TYPE_CHECKING:
    from signalwire.rest._client import AsyncRestClient, RestClient
    from signalwire.rest._enums import PhoneCallHandler
    from signalwire.rest._errors import (
        SignalWireRestAuthError,
        SignalWireRestError,
        SignalWireRestTimeoutError,
        SignalWireRestTransportError,
    )
    from signalwire.rest._lean import LeanAsyncTransport, LeanTransport
    from signalwire.rest._options import RequestOptions
    from signalwire.rest._pagination import Paginator

__all__ = [
    "AsyncRestClient",
    "LeanAsyncTransport",
    "LeanTransport",
    "Paginator",
    "PhoneCallHandler",
    "RequestOptions",
    "RestClient",
    "SignalWireRestAuthError",
    "SignalWireRestError",
    "SignalWireRestTimeoutError",
    "SignalWireRestTransportError",
    "__version__",
]

_LAZY = {
    "AsyncRestClient": "signalwire.rest._client",
    "RestClient": "signalwire.rest._client",
    "PhoneCallHandler": "signalwire.rest._enums",
    "SignalWireRestAuthError": "signalwire.rest._errors",
    "SignalWireRestError": "signalwire.rest._errors",
    "SignalWireRestTimeoutError": "signalwire.rest._errors",
    "SignalWireRestTransportError": "signalwire.rest._errors",
    "RequestOptions": "signalwire.rest._options",
    "Paginator": "signalwire.rest._pagination",
    "LeanTransport": "signalwire.rest._lean",
    "LeanAsyncTransport": "signalwire.rest._lean",
}


def __getattr__(name: str) -> Any:
    # PEP 562: load a public name's module on first access only.
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'signalwire.rest' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
