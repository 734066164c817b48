"""The environment variables the SDK reads, one constant each.

Nothing here reads the environment: the values are names. Clients read them
when they are constructed (never at import), always after explicit arguments.
"""

from __future__ import annotations

__all__ = [
    "SIGNALWIRE_API_TOKEN",
    "SIGNALWIRE_JWT_TOKEN",
    "SIGNALWIRE_PROJECT_ID",
    "SIGNALWIRE_SIGNING_KEY",
    "SIGNALWIRE_SPACE",
]

SIGNALWIRE_PROJECT_ID = "SIGNALWIRE_PROJECT_ID"
"""Project id (a UUID) used with the API token for Basic auth and RELAY login."""

SIGNALWIRE_API_TOKEN = "SIGNALWIRE_API_TOKEN"
"""API token of the project. Secret: never printed or logged."""

SIGNALWIRE_SPACE = "SIGNALWIRE_SPACE"
"""Space: ``example``, ``example.signalwire.com``, a URL, or ``host:port`` for local servers."""

SIGNALWIRE_JWT_TOKEN = "SIGNALWIRE_JWT_TOKEN"
"""A JWT that replaces project and token; the project is then read from its claims."""

SIGNALWIRE_SIGNING_KEY = "SIGNALWIRE_SIGNING_KEY"
"""Key used to validate webhook signatures. Secret: never printed or logged."""
