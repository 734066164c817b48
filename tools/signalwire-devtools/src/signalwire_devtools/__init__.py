"""The SDK's own development tools: unpublished, installed in the workspace only.

Test helpers (imported by every package's tests):

* :mod:`signalwire_devtools.hygiene`: the import-hygiene probe (a fresh interpreter imports a
  module and reports I/O, environment reads, logging configuration and loaded modules).
* :mod:`signalwire_devtools.surface`: the vendor's documented public API, for conformance tests.
* :mod:`signalwire_devtools.services`: fakes of the outside services the built-in skills call,
  served by the ``fake_services`` fixture of :mod:`signalwire_devtools.pytest_plugin`.

Generators (``uv run python tools/generate.py`` runs them):

* :mod:`signalwire_devtools.codegen`: published specs -> committed facts-only data ->
  generated code (the REST resource tree, the SWML verb methods and runtime schema).

The fake platform itself (RELAY, REST, SWML schema, spec data) is the published package
``signalwire-testing`` (``signalwire.testing``).
"""
