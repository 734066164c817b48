"""signalwire-testing: an offline SignalWire platform for testing your own code.

* ``signalwire.testing.relay``: a fake RELAY platform (WebSocket on 127.0.0.1) with a
  scripting API, fault injection and a journal.
* ``signalwire.testing.rest``: a spec-driven fake REST platform, over real HTTP or as an
  in-process httpx transport.
* ``signalwire.testing.swml``: the SWML schema validator (``validate_swml``).
* ``signalwire.testing.agents``: ``AgentSession``, the platform's side of an AI agent call.
* ``signalwire.testing.specs``: the committed, facts-only platform specs.

The fakes speak raw JSON and never import ``signalwire.agents``, ``signalwire.relay`` or
``signalwire.rest``: they are an independent oracle, so a misunderstanding shared by the
SDK's models cannot make both sides agree. Subpackages load lazily; importing this
package does no I/O and pulls in no optional dependency.
"""

from __future__ import annotations

import sys
from typing import Any

from signalwire.testing._version import __version__

# A ``signalwire`` module with a file is signalwire-sdk's package shadowing this namespace.
if getattr(sys.modules.get("signalwire"), "__file__", None):
    from signalwire.core._clash import clash_error

    raise clash_error("signalwire-testing")

__all__ = ["__version__", "execute_datamap"]


def execute_datamap(function: Any, args: Any, raw_data: Any = None, **options: Any) -> Any:
    """Run a DataMap tool locally; see :func:`signalwire.testing.agents.execute_datamap`.

    This is the hook ``swaig-test`` looks for: ``execute_datamap(function, args, raw_data)``
    returns the reply the platform would give the AI. Imported on first use (``[agents]``).
    """
    from signalwire.testing.agents import execute_datamap as run

    return run(function, args, raw_data, **options)
