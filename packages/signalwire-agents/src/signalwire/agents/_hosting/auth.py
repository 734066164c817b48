"""HTTP Basic auth for the agent's endpoints: credentials and a constant-time check."""

from __future__ import annotations

import base64
import hmac
import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from signalwire.agents._hosting.security import SecurityConfig

__all__ = ["BasicAuth", "resolve_basic_auth"]

log = logging.getLogger("signalwire.agents.auth")

ENV_USER = "SWML_BASIC_AUTH_USER"
ENV_PASSWORD = "SWML_BASIC_AUTH_PASSWORD"


class BasicAuth:
    """The service's credentials, with the expected header pre-computed."""

    __slots__ = ("_expected", "password", "source", "user")

    def __init__(self, user: str, password: str, source: str) -> None:
        self.user = user
        self.password = password
        self.source = source
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        self._expected = f"Basic {token}".encode()

    def __repr__(self) -> str:
        return f"BasicAuth(user={self.user!r}, password='********', source={self.source!r})"

    def header_ok(self, header: bytes | None) -> bool:
        """Constant-time check of a raw ``Authorization`` header value."""
        if header is None:
            return False
        header = header.strip()
        if header[:6].lower() == b"basic " and header[:6] != b"Basic ":
            # RFC 7617: the scheme name is case-insensitive.
            header = b"Basic " + header[6:].lstrip()
        return hmac.compare_digest(header, self._expected)


def decode_basic(header: bytes | None) -> tuple[str, str] | None:
    """Split a ``Basic`` header into (user, password); None when malformed."""
    if not header or header[:6].lower() != b"basic ":
        return None
    try:
        text = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    user, sep, password = text.partition(":")
    return (user, password) if sep else None


def resolve_basic_auth(
    basic_auth: tuple[str, str] | None, security: SecurityConfig, service_name: str
) -> BasicAuth:
    """The explicit tuple, else the config file, else the env vars, else generated."""
    if basic_auth is not None:
        if not (isinstance(basic_auth, (tuple, list)) and len(basic_auth) == 2):
            raise TypeError("basic_auth must be a (user, password) tuple")
        user, password = basic_auth
        if not user or not password:
            raise ValueError("basic_auth needs a non-empty user and password")
        return BasicAuth(str(user), str(password), "provided")
    if security.basic_auth_user and security.basic_auth_password:
        return BasicAuth(
            security.basic_auth_user,
            security.basic_auth_password,
            security.basic_auth_source or "config file",
        )
    user, password = security.get_basic_auth()
    log.warning(
        "%s: no basic-auth credentials configured (set %s/%s); generated a random password "
        "for this process (get_basic_auth_credentials() returns it)",
        service_name,
        ENV_USER,
        ENV_PASSWORD,
    )
    return BasicAuth(user, password, "generated")
