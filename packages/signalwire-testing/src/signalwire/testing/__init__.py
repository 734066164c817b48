"""signalwire-testing: an offline SignalWire platform for testing your own code.

* ``signalwire.testing.relay``: a fake RELAY platform (WebSocket on 127.0.0.1) with a
  scripting API, fault injection and a journal.
* ``signalwire.testing.rest``: a spec-driven fake REST platform, over real HTTP or as an
  in-process httpx transport.
* ``signalwire.testing.swml``: the SWML schema validator (``validate_swml``).
* ``signalwire.testing.specs``: the committed, facts-only platform specs.

The fakes speak raw JSON and never import ``signalwire.agents``, ``signalwire.relay`` or
``signalwire.rest``: they are an independent oracle, so a misunderstanding shared by the
SDK's models cannot make both sides agree. Subpackages load lazily; importing this
package does no I/O and pulls in no optional dependency.
"""

from __future__ import annotations

from signalwire.testing._version import __version__

__all__ = ["__version__"]
