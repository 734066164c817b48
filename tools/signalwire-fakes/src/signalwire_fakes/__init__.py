"""A fake SignalWire platform for the SDK's tests (unpublished).

It speaks raw JSON and never imports ``signalwire.*``: it is an independent
oracle, so a misunderstanding shared by the SDK's models cannot hide.

Modules are imported lazily by the pytest plugin so that a package's test
environment only pays for the fakes it uses.
"""
