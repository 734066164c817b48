"""signalwire.relay (work in progress)."""

from signalwire.relay._version import __version__

__all__ = ["__version__"]
