"""Errors raised by signalwire.agents (all derive from SignalWireError)."""

from __future__ import annotations

from signalwire.core import SignalWireError

__all__ = ["AgentsError", "ContextValidationError", "SchemaValidationError"]


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


class ContextValidationError(AgentsError, ValueError):
    """Contexts and steps break a rule of the platform's step machine.

    Raised when the contexts are built into a document (and by
    ``ContextBuilder.validate()``). ``context`` and ``step`` name the culprit
    when there is one.
    """

    def __init__(self, message: str, *, context: str | None = None, step: str | None = None):
        self.context = context
        self.step = step
        where = ""
        if context is not None:
            where = f"context {context!r}"
            if step is not None:
                where += f", step {step!r}"
            where += ": "
        super().__init__(where + message)
