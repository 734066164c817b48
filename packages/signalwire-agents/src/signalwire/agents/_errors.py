"""Errors raised by signalwire.agents (all derive from SignalWireError)."""

from __future__ import annotations

from signalwire.core import SignalWireError

__all__ = ["AgentsError", "SchemaValidationError"]


class AgentsError(SignalWireError):
    """Base class of the errors raised by ``signalwire.agents``."""


class SchemaValidationError(AgentsError, ValueError):
    """A SWML verb's config does not validate against the SWML schema.

    ``verb`` names the verb and ``errors`` lists the failing paths.
    """

    def __init__(self, verb: str, errors: list[str]):
        self.verb = verb
        self.errors = list(errors)
        super().__init__(f"invalid config for SWML verb {verb!r}: {'; '.join(self.errors)}")
