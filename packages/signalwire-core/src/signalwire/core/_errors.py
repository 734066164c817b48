"""Exception hierarchy shared by every ``signalwire.*`` package.

::

    SignalWireError                 base of everything the SDK raises on purpose
    ├── SignalWireConfigError       missing or malformed configuration (also a ValueError)
    └── WireError                   a payload that does not fit its model (also a ValueError)

Each namespace derives its own errors from :class:`SignalWireError`, so
``except SignalWireError`` catches anything the SDK raises deliberately.
"""

from __future__ import annotations

__all__ = ["SignalWireConfigError", "SignalWireError", "WireError"]


class SignalWireError(Exception):
    """Base class of every error raised on purpose by a ``signalwire`` package."""


class SignalWireConfigError(SignalWireError, ValueError):
    """A required setting is missing or malformed.

    The message names the argument and, where one exists, the environment
    variable that provides it. It never contains a secret value.
    """

    def __init__(self, message: str, *, argument: str | None = None, env_var: str | None = None):
        super().__init__(message)
        #: The constructor argument at fault, e.g. ``"project"``.
        self.argument = argument
        #: The environment variable that can supply it, e.g. ``"SIGNALWIRE_PROJECT_ID"``.
        self.env_var = env_var


class WireError(SignalWireError, ValueError):
    """A payload could not be converted to or from its model.

    ``errors`` lists path-qualified reasons such as
    ``"required field missing @ $.call_state"``.
    """

    def __init__(self, message: str, errors: list[str] | None = None):
        super().__init__(message)
        #: Path-qualified reasons, one string per failure.
        self.errors: list[str] = list(errors or [])
