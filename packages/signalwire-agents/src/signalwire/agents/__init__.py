"""signalwire.agents (work in progress)."""

from signalwire.agents._version import __version__

__all__ = ["__version__"]
