"""signalwire.rest (work in progress)."""

from signalwire.rest._version import __version__

__all__ = ["__version__"]
