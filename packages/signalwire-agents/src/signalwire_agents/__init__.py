"""signalwire_agents: the import name of signalwire-agents 1.x, kept so 1.x code runs.

signalwire-agents 2 imports as ``signalwire.agents``. This package resolves every 1.x
module path (``signalwire_agents.core.function_result``, ``signalwire_agents.skills...``)
to this project's objects through the table ``signalwire-migrate`` rewrites imports
with, and warns once (DeprecationWarning). Run ``signalwire-migrate PATH`` to move the
code to ``signalwire.agents``.
"""

from signalwire.agents._migrate._compat import install

install(globals())
del install
