"""HTTP Basic auth for the agent's endpoints: credentials and a constant-time check."""

from __future__ import annotations

import base64
import hmac
import logging
import os
from typing import Any

from signalwire.agents._hosting.config import config_get

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
    basic_auth: tuple[str, str] | None, config: dict[str, Any], service_name: str
) -> BasicAuth:
    """Explicit tuple, then the env vars, then the config file, then generated."""
    if basic_auth is not None:
        if not (isinstance(basic_auth, (tuple, list)) and len(basic_auth) == 2):
            raise TypeError("basic_auth must be a (user, password) tuple")
        user, password = basic_auth
        if not user or not password:
            raise ValueError("basic_auth needs a non-empty user and password")
        return BasicAuth(str(user), str(password), "provided")
    env_user, env_password = os.environ.get(ENV_USER), os.environ.get(ENV_PASSWORD)
    if env_user and env_password:
        return BasicAuth(env_user, env_password, "environment")
    cfg_user = config_get(config, "security.auth.basic.user")
    cfg_password = config_get(config, "security.auth.basic.password")
    if cfg_user and cfg_password:
        return BasicAuth(str(cfg_user), str(cfg_password), "config file")
    log.warning(
        "%s: no basic-auth credentials configured (set %s/%s); generated a random password "
        "for this process (get_basic_auth_credentials() returns it)",
        service_name,
        ENV_USER,
        ENV_PASSWORD,
    )
    import secrets

    return BasicAuth("signalwire", secrets.token_urlsafe(32), "generated")
