"""Credentials and space resolution: explicit arguments first, then the environment.

Nothing here runs at import. :func:`resolve_credentials` reads the environment
only when called, from an injectable mapping so tests need no monkeypatching.
"""

from __future__ import annotations

import os

from signalwire.core import env
from signalwire.core._errors import SignalWireConfigError
from signalwire.core._secrets import mask_secret

# Plain flag rather than typing.TYPE_CHECKING: this module is on every namespace's import
# path, and typing, dataclasses, ipaddress and json would cost more than the module itself.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

__all__ = [
    "Credentials",
    "Space",
    "decode_jwt_claims",
    "is_loopback_host",
    "normalize_space",
    "resolve_credentials",
]

_DEFAULT_DOMAIN = "signalwire.com"
_SECURE_SCHEMES = {"https": True, "wss": True, "http": False, "ws": False}
_FORBIDDEN_CHARS = set(" \t\r\n@?#\\")
#: JWT claims that may carry the project id, in order of preference.
_PROJECT_CLAIMS = ("project_id", "project", "p")


def is_loopback_host(host: str) -> bool:
    """Return True for ``localhost`` and loopback IP addresses (v4 or v6)."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    if not host or not (":" in host or host[0].isdigit()):
        return False  # a host name: no need to load ipaddress
    import ipaddress

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _Frozen:
    """Base of the small immutable value classes below (equality, hash, repr by fields).

    Hand-written rather than ``@dataclass(frozen=True)``: importing dataclasses
    costs more than this whole package.
    """

    __slots__ = ()
    #: Field names in constructor order (``__slots__`` may be listed in any order).
    __match_args__: tuple[str, ...] = ()

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, k) for k in self.__match_args__)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: cannot delete {name!r}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __reduce__(self) -> tuple[object, ...]:
        return (self.__class__, self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={getattr(self, k)!r}" for k in self.__match_args__)
        return f"{type(self).__name__}({fields})"


class Space(_Frozen):
    """A normalised SignalWire space: a host, an optional port and TLS on or off.

    Build one with :func:`normalize_space`; it accepts every form users write.
    Immutable, compared and hashed by value.
    """

    __slots__ = ("host", "port", "secure")
    __match_args__ = ("host", "port", "secure")

    #: The host name or IP address, without port or brackets.
    host: str
    #: An explicit port, or None for the scheme's default.
    port: int | None
    #: True for https/wss; plain http/ws only for loopback or when asked for.
    secure: bool

    def __init__(self, host: str, port: int | None = None, secure: bool = True) -> None:
        object.__setattr__(self, "host", host)
        object.__setattr__(self, "port", port)
        object.__setattr__(self, "secure", secure)

    @property
    def netloc(self) -> str:
        """``host[:port]``, with IPv6 addresses bracketed."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port is None else f"{host}:{self.port}"

    @property
    def http_url(self) -> str:
        """Base URL for HTTP, e.g. ``https://example.signalwire.com``."""
        return f"{'https' if self.secure else 'http'}://{self.netloc}"

    @property
    def ws_url(self) -> str:
        """Base URL for WebSocket, e.g. ``wss://example.signalwire.com``."""
        return f"{'wss' if self.secure else 'ws'}://{self.netloc}"

    def __str__(self) -> str:
        return self.netloc


def _redact_userinfo(value: str) -> str:
    """Hide ``user:password@`` in a URL-ish value so an error message never repeats it."""
    scheme, sep, rest = value.rpartition("://")
    head, at, tail = rest.rpartition("@")
    if not at or "/" in head:
        return value
    return f"{scheme}{sep}***@{tail}"


def _space_error(value: str, why: str, argument: str) -> SignalWireConfigError:
    return SignalWireConfigError(
        f"invalid {argument} {_redact_userinfo(value)!r}: {why}; pass {argument}= or set "
        f"{env.SIGNALWIRE_SPACE} to e.g. 'example', 'example.signalwire.com' or '127.0.0.1:8080'",
        argument=argument,
        env_var=env.SIGNALWIRE_SPACE,
    )


def normalize_space(
    value: str | Space,
    *,
    secure: bool | None = None,
    argument: str = "space",
) -> Space:
    """Normalise a space as users write it into a :class:`Space`.

    Accepted forms: ``example`` (becomes ``example.signalwire.com``),
    ``example.signalwire.com``, ``https://example.signalwire.com/``,
    ``wss://…``, ``host:port`` and ``http://127.0.0.1:8080``.

    TLS is on unless the URL says ``http``/``ws`` explicitly, ``secure=False``
    is passed, or the host is loopback with no scheme given.

    Raises :class:`SignalWireConfigError` naming ``argument`` when the value
    is empty, carries credentials, a path, a query or a bad port.
    """
    if isinstance(value, Space):
        return value if secure is None else Space(value.host, value.port, secure)
    raw = value
    text = value.strip()
    if not text:
        raise _space_error(raw, "it is empty", argument)
    scheme_secure: bool | None = None
    if "://" in text:
        scheme, _, text = text.partition("://")
        if scheme.lower() not in _SECURE_SCHEMES:
            raise _space_error(raw, f"unsupported scheme {scheme!r}", argument)
        scheme_secure = _SECURE_SCHEMES[scheme.lower()]
    text = text.rstrip("/")
    if "/" in text:
        raise _space_error(raw, "a space has no path", argument)
    if not text or any(c in _FORBIDDEN_CHARS for c in text):
        raise _space_error(
            raw, "it must be a bare host name, without credentials or query", argument
        )
    host, port = _split_host_port(text, raw, argument)
    if "." not in host and ":" not in host and not is_loopback_host(host):
        host = f"{host}.{_DEFAULT_DOMAIN}"
    if secure is None:
        secure = scheme_secure if scheme_secure is not None else not is_loopback_host(host)
    return Space(host=host.lower(), port=port, secure=secure)


def _split_host_port(text: str, raw: str, argument: str) -> tuple[str, int | None]:
    if text.startswith("["):  # [v6]:port
        host, sep, rest = text[1:].partition("]")
        if not sep:
            raise _space_error(raw, "unbalanced brackets", argument)
        port_text = rest[1:] if rest.startswith(":") else ""
        if rest and not rest.startswith(":"):
            raise _space_error(raw, "unexpected text after the address", argument)
    elif text.count(":") > 1:  # bare IPv6 address, no port
        host, port_text = text, ""
    else:
        host, _, port_text = text.partition(":")
    if not host:
        raise _space_error(raw, "the host is empty", argument)
    if not port_text:
        return host, None
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise _space_error(raw, f"port {port_text!r} is not a number from 1 to 65535", argument)
    return host, int(port_text)


def decode_jwt_claims(token: str) -> dict[str, Any]:
    """Decode a JWT's payload without checking its signature.

    The platform verifies the signature; the SDK only reads claims such as
    the project id. Raises :class:`SignalWireConfigError` for a token that is
    not a JWT (the message never echoes the token).
    """
    parts = token.split(".")
    if len(parts) != 3:
        raise SignalWireConfigError(
            f"jwt_token is not a JWT (expected 3 dot-separated parts, got {len(parts)}); "
            f"check jwt_token= or {env.SIGNALWIRE_JWT_TOKEN}",
            argument="jwt_token",
            env_var=env.SIGNALWIRE_JWT_TOKEN,
        )
    import base64
    import json

    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))
    except (ValueError, UnicodeError) as exc:
        raise SignalWireConfigError(
            f"jwt_token payload is not base64url JSON; check jwt_token= or {env.SIGNALWIRE_JWT_TOKEN}",
            argument="jwt_token",
            env_var=env.SIGNALWIRE_JWT_TOKEN,
        ) from exc
    if not isinstance(claims, dict):
        raise SignalWireConfigError(
            f"jwt_token payload is not a JSON object; check jwt_token= or {env.SIGNALWIRE_JWT_TOKEN}",
            argument="jwt_token",
            env_var=env.SIGNALWIRE_JWT_TOKEN,
        )
    return claims


class Credentials(_Frozen):
    """Resolved credentials. Secrets are masked in ``repr`` and ``str``.

    Either ``project_id`` with ``api_token``, or ``jwt_token`` (with
    ``project_id`` read from its claims when present), is set. Immutable,
    compared and hashed by value.
    """

    __slots__ = ("api_token", "jwt_token", "project_id", "space")
    __match_args__ = ("project_id", "api_token", "space", "jwt_token")

    #: The project id; may be None with a JWT that does not name it.
    project_id: str | None
    #: The API token. Secret.
    api_token: str | None
    #: The normalised space, when one was given or required.
    space: Space | None
    #: A JWT used instead of project and token. Secret.
    jwt_token: str | None

    def __init__(
        self,
        project_id: str | None = None,
        api_token: str | None = None,
        space: Space | None = None,
        jwt_token: str | None = None,
    ) -> None:
        object.__setattr__(self, "project_id", project_id)
        object.__setattr__(self, "api_token", api_token)
        object.__setattr__(self, "space", space)
        object.__setattr__(self, "jwt_token", jwt_token)

    @property
    def uses_jwt(self) -> bool:
        """True when the JWT, not project and token, authenticates."""
        return self.jwt_token is not None

    def basic_auth(self) -> tuple[str, str]:
        """Return ``(project_id, api_token)`` for HTTP Basic auth.

        Raises :class:`SignalWireConfigError` when either is missing.
        """
        if not self.project_id or not self.api_token:
            raise SignalWireConfigError(
                "HTTP Basic auth needs project and token; pass project= and token= or set "
                f"{env.SIGNALWIRE_PROJECT_ID} and {env.SIGNALWIRE_API_TOKEN}",
                argument="project" if not self.project_id else "token",
            )
        return self.project_id, self.api_token

    def __repr__(self) -> str:
        return (
            f"Credentials(project_id={self.project_id!r}, api_token={mask_secret(self.api_token)!r}, "
            f"space={str(self.space) if self.space else None!r}, "
            f"jwt_token={mask_secret(self.jwt_token)!r})"
        )

    __str__ = __repr__


def _pick(explicit: str | None, environ: Mapping[str, str], var: str) -> str | None:
    if explicit is not None:
        return explicit.strip() or None
    value = environ.get(var)
    return value.strip() or None if value is not None else None


def _missing(argument: str, var: str, why: str = "") -> SignalWireConfigError:
    return SignalWireConfigError(
        f"{argument} is required{why}: pass {argument}= or set {var}",
        argument=argument,
        env_var=var,
    )


def resolve_credentials(
    project: str | None = None,
    token: str | None = None,
    space: str | Space | None = None,
    jwt_token: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    require_space: bool = True,
    allow_jwt: bool = True,
    secure: bool | None = None,
) -> Credentials:
    """Resolve credentials from explicit arguments, then the environment.

    Each value comes from its argument when given, else from
    ``SIGNALWIRE_PROJECT_ID``, ``SIGNALWIRE_API_TOKEN``, ``SIGNALWIRE_SPACE``
    and ``SIGNALWIRE_JWT_TOKEN``. With a JWT (``allow_jwt``), project and
    token are optional and the project is read from the JWT's claims.

    ``environ`` defaults to :data:`os.environ`, read at call time.
    ``secure`` forces TLS on or off for the space (see :func:`normalize_space`).

    Raises :class:`SignalWireConfigError` naming the argument and the
    environment variable for anything missing or malformed.
    """
    environ = os.environ if environ is None else environ
    project_id = _pick(project, environ, env.SIGNALWIRE_PROJECT_ID)
    api_token = _pick(token, environ, env.SIGNALWIRE_API_TOKEN)
    jwt = _pick(jwt_token, environ, env.SIGNALWIRE_JWT_TOKEN) if allow_jwt else None
    space_value: str | Space | None = space
    if space_value is None:
        space_value = _pick(None, environ, env.SIGNALWIRE_SPACE)
    elif isinstance(space_value, str) and not space_value.strip():
        space_value = None

    if jwt is not None and api_token is None:
        if project_id is None:
            claims = decode_jwt_claims(jwt)
            for claim in _PROJECT_CLAIMS:
                if isinstance(claims.get(claim), str) and claims[claim]:
                    project_id = claims[claim]
                    break
        else:
            decode_jwt_claims(jwt)  # still reject a malformed token early
    else:
        jwt = None
        if project_id is None:
            raise _missing("project", env.SIGNALWIRE_PROJECT_ID, " (or a JWT)" if allow_jwt else "")
        if api_token is None:
            raise _missing("token", env.SIGNALWIRE_API_TOKEN, " (or a JWT)" if allow_jwt else "")

    resolved_space: Space | None = None
    if space_value is not None:
        resolved_space = normalize_space(space_value, secure=secure)
    elif require_space:
        raise _missing("space", env.SIGNALWIRE_SPACE)
    return Credentials(
        project_id=project_id, api_token=api_token, space=resolved_space, jwt_token=jwt
    )
