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

from signalwire.core._lazy import lazy_exports
from signalwire.rest._version import __version__

# A plain flag (not typing.TYPE_CHECKING): importing typing here would cost time, and
# mypy treats any name TYPE_CHECKING as true. Deleted below so dir() shows only the API.
TYPE_CHECKING = False
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

__getattr__, __dir__ = lazy_exports(
    globals(),
    {
        "._client": ("AsyncRestClient", "RestClient"),
        "._enums": ("PhoneCallHandler",),
        "._errors": (
            "SignalWireRestAuthError",
            "SignalWireRestError",
            "SignalWireRestTimeoutError",
            "SignalWireRestTransportError",
        ),
        "._options": ("RequestOptions",),
        "._pagination": ("Paginator",),
        "._lean": ("LeanAsyncTransport", "LeanTransport"),
    },
)

del TYPE_CHECKING, lazy_exports
