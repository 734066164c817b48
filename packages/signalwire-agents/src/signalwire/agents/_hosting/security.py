"""SecurityConfig: TLS, host, CORS, size, timeout, HSTS and Basic-auth settings of a service.

Priority, highest first: a constructor argument of the service, the config
file's ``security`` section, the ``SWML_*`` environment variables, the
defaults. Unlike signalwire-sdk 3.7.5, the HTTP layer enforces these settings
(see :mod:`signalwire.agents._hosting.policy`).
"""

from __future__ import annotations

import logging
import os
from typing import Any, ClassVar

from signalwire.agents._hosting.config import ConfigLoader, load_config

__all__ = ["SecurityConfig"]

log = logging.getLogger("signalwire.agents.security")

_TRUE = ("1", "true", "yes", "on")


def _truthy(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in _TRUE


def _as_list(value: Any) -> list[str]:
    """``"a, b"`` or ``["a", "b"]`` → ``["a", "b"]``; empty → ``["*"]``."""
    items = value.split(",") if isinstance(value, str) else list(value or ())
    cleaned = [str(item).strip() for item in items if str(item).strip()]
    return cleaned or ["*"]


def _as_int(name: str, value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"security setting {name} must be an integer (got {value!r})") from None
    if number < 0:
        raise ValueError(f"security setting {name} must not be negative (got {number})")
    return number


def _host_only(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class SecurityConfig:
    """Security settings of one service, resolved from file, environment and defaults.

    Attributes mirror the ``security`` section of the config file; change them
    before the service handles its first request.
    """

    SSL_ENABLED = "SWML_SSL_ENABLED"
    SSL_CERT_PATH = "SWML_SSL_CERT_PATH"
    SSL_KEY_PATH = "SWML_SSL_KEY_PATH"
    SSL_DOMAIN = "SWML_DOMAIN"
    SSL_VERIFY_MODE = "SWML_SSL_VERIFY_MODE"
    ALLOWED_HOSTS = "SWML_ALLOWED_HOSTS"
    CORS_ORIGINS = "SWML_CORS_ORIGINS"
    MAX_REQUEST_SIZE = "SWML_MAX_REQUEST_SIZE"
    RATE_LIMIT = "SWML_RATE_LIMIT"
    REQUEST_TIMEOUT = "SWML_REQUEST_TIMEOUT"
    USE_HSTS = "SWML_USE_HSTS"
    HSTS_MAX_AGE = "SWML_HSTS_MAX_AGE"
    BASIC_AUTH_USER = "SWML_BASIC_AUTH_USER"
    BASIC_AUTH_PASSWORD = "SWML_BASIC_AUTH_PASSWORD"
    TRUST_PROXY_HEADERS = "SWML_TRUST_PROXY_HEADERS"
    FORWARDED_ALLOW_IPS = "FORWARDED_ALLOW_IPS"

    DEFAULTS: ClassVar[dict[str, Any]] = {
        SSL_ENABLED: False,
        SSL_VERIFY_MODE: "CERT_REQUIRED",
        ALLOWED_HOSTS: "*",
        CORS_ORIGINS: "*",
        MAX_REQUEST_SIZE: 10 * 1024 * 1024,
        RATE_LIMIT: 60,
        REQUEST_TIMEOUT: 30,
        USE_HSTS: True,
        HSTS_MAX_AGE: 31536000,
        FORWARDED_ALLOW_IPS: "127.0.0.1,::1",
    }

    def __init__(self, config_file: str | None = None, service_name: str | None = None) -> None:
        self.ssl_enabled: bool = False
        self.ssl_cert_path: str | None = None
        self.ssl_key_path: str | None = None
        self.domain: str | None = None
        self.ssl_verify_mode: str = self.DEFAULTS[self.SSL_VERIFY_MODE]
        self.allowed_hosts: list[str] = ["*"]
        self.cors_origins: list[str] = ["*"]
        self.max_request_size: int = self.DEFAULTS[self.MAX_REQUEST_SIZE]
        self.rate_limit: int = self.DEFAULTS[self.RATE_LIMIT]
        self.request_timeout: int = self.DEFAULTS[self.REQUEST_TIMEOUT]
        self.use_hsts: bool = True
        self.hsts_max_age: int = self.DEFAULTS[self.HSTS_MAX_AGE]
        self.basic_auth_user: str | None = None
        self.basic_auth_password: str | None = None
        self.basic_auth_source: str | None = None
        #: Honour X-Forwarded-*/Forwarded from any peer (``SWML_TRUST_PROXY_HEADERS``).
        self.trust_proxy_headers: bool = False
        #: Peers whose forwarded headers are honoured (``FORWARDED_ALLOW_IPS``; ``*`` = all).
        self.forwarded_allow_ips: list[str] = _as_list(self.DEFAULTS[self.FORWARDED_ALLOW_IPS])
        self.load_from_env()
        if config_file:
            load_config(config_file)  # an explicit file must exist and parse: raise if not
        #: The config file in use (explicit, or the first one the search found), or None.
        self.config_file: str | None = config_file or ConfigLoader.find_config_file(service_name)
        self._loader = ConfigLoader([self.config_file]) if self.config_file else None
        if self._loader is not None and self._loader.has_config():
            self._apply(self._loader.get_section("security"))

    def __repr__(self) -> str:
        return (
            f"SecurityConfig(ssl_enabled={self.ssl_enabled}, allowed_hosts={self.allowed_hosts}, "
            f"cors_origins={self.cors_origins}, max_request_size={self.max_request_size})"
        )

    @property
    def config(self) -> dict[str, Any]:
        """The whole substituted config file (``{}`` when none was found)."""
        if self._loader is None:
            return {}
        merged: dict[str, Any] = self._loader.substitute_vars(self._loader.get_config())
        return merged

    def load_from_env(self) -> None:
        """Read the ``SWML_*`` security variables (unset ones keep their current value)."""
        env = os.environ
        if self.SSL_ENABLED in env:
            self.ssl_enabled = _truthy(env[self.SSL_ENABLED])
        self.ssl_cert_path = env.get(self.SSL_CERT_PATH) or self.ssl_cert_path
        self.ssl_key_path = env.get(self.SSL_KEY_PATH) or self.ssl_key_path
        self.domain = env.get(self.SSL_DOMAIN) or self.domain
        self.ssl_verify_mode = env.get(self.SSL_VERIFY_MODE) or self.ssl_verify_mode
        if env.get(self.ALLOWED_HOSTS):
            self.allowed_hosts = _as_list(env[self.ALLOWED_HOSTS])
        if env.get(self.CORS_ORIGINS):
            self.cors_origins = _as_list(env[self.CORS_ORIGINS])
        for attr, name in (
            ("max_request_size", self.MAX_REQUEST_SIZE),
            ("rate_limit", self.RATE_LIMIT),
            ("request_timeout", self.REQUEST_TIMEOUT),
            ("hsts_max_age", self.HSTS_MAX_AGE),
        ):
            if env.get(name):
                setattr(self, attr, _as_int(name, env[name]))
        if env.get(self.USE_HSTS):
            self.use_hsts = _truthy(env[self.USE_HSTS])
        if env.get(self.TRUST_PROXY_HEADERS):
            self.trust_proxy_headers = _truthy(env[self.TRUST_PROXY_HEADERS])
        if env.get(self.FORWARDED_ALLOW_IPS):
            self.forwarded_allow_ips = _as_list(env[self.FORWARDED_ALLOW_IPS])
        user, password = env.get(self.BASIC_AUTH_USER), env.get(self.BASIC_AUTH_PASSWORD)
        if user and password:
            self.basic_auth_user, self.basic_auth_password = user, password
            self.basic_auth_source = "environment"

    def _apply(self, section: dict[str, Any]) -> None:
        """Apply a config file's ``security`` section over the environment values."""
        if "ssl_enabled" in section:
            self.ssl_enabled = _truthy(section["ssl_enabled"])
        for key in ("ssl_cert_path", "ssl_key_path", "domain", "ssl_verify_mode"):
            if section.get(key) is not None:
                setattr(self, key, str(section[key]))
        for key in ("allowed_hosts", "cors_origins", "forwarded_allow_ips"):
            if key in section:
                setattr(self, key, _as_list(section[key]))
        for key in ("max_request_size", "rate_limit", "request_timeout", "hsts_max_age"):
            if key in section:
                setattr(self, key, _as_int(f"security.{key}", section[key]))
        for key in ("use_hsts", "trust_proxy_headers"):
            if key in section:
                setattr(self, key, _truthy(section[key]))
        auth = section.get("auth")
        basic = auth.get("basic") if isinstance(auth, dict) else None
        if isinstance(basic, dict) and basic.get("user") and basic.get("password"):
            self.basic_auth_user = str(basic["user"])
            self.basic_auth_password = str(basic["password"])
            self.basic_auth_source = "config file"
        bearer = auth.get("bearer") if isinstance(auth, dict) else None
        if isinstance(bearer, dict) and bearer.get("token"):
            self.bearer_token = str(bearer["token"])
        api_key = auth.get("api_key") if isinstance(auth, dict) else None
        if isinstance(api_key, dict) and api_key.get("key"):
            self.api_key = str(api_key["key"])
            self.api_key_header = str(api_key.get("header") or "X-API-Key")

    bearer_token: str | None = None
    """Token for ``Authorization: Bearer`` (config ``security.auth.bearer.token``)."""
    api_key: str | None = None
    """Key for the API-key header (config ``security.auth.api_key.key``)."""
    api_key_header: str = "X-API-Key"
    """Header carrying the API key (config ``security.auth.api_key.header``)."""

    def validate_ssl_config(self) -> tuple[bool, str | None]:
        """``(True, None)``, or ``(False, reason)`` when TLS is on but a file is missing."""
        if not self.ssl_enabled:
            return True, None
        if not self.ssl_cert_path:
            return False, f"SSL is enabled but {self.SSL_CERT_PATH} is not set"
        if not self.ssl_key_path:
            return False, f"SSL is enabled but {self.SSL_KEY_PATH} is not set"
        for label, path in (("certificate", self.ssl_cert_path), ("key", self.ssl_key_path)):
            if not os.path.isfile(path):
                return False, f"SSL {label} file not found: {path}"
        return True, None

    def get_ssl_context_kwargs(self) -> dict[str, Any]:
        """``{"ssl_certfile", "ssl_keyfile"}`` for uvicorn, or ``{}`` (TLS off or invalid)."""
        if not self.ssl_enabled:
            return {}
        ok, reason = self.validate_ssl_config()
        if not ok:
            log.error("TLS not used: %s", reason)
            return {}
        return {"ssl_certfile": self.ssl_cert_path, "ssl_keyfile": self.ssl_key_path}

    def get_basic_auth(self) -> tuple[str, str]:
        """``(user, password)``; a random password is generated once when none is configured."""
        user = self.basic_auth_user or "signalwire"
        if not self.basic_auth_password:
            import secrets  # only when a password must be made up: a cold start skips it

            self.basic_auth_password = secrets.token_urlsafe(32)
            self.basic_auth_source = "generated"
        return user, self.basic_auth_password

    def get_security_headers(self, is_https: bool = False) -> dict[str, str]:
        """The headers added to every response (HSTS only over HTTPS with ``use_hsts``)."""
        headers = {
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "strict-origin-when-cross-origin",
        }
        if is_https and self.use_hsts:
            headers["Strict-Transport-Security"] = f"max-age={self.hsts_max_age}; includeSubDomains"
        return headers

    def should_allow_host(self, host: str) -> bool:
        """Whether a ``Host`` value is allowed.

        Entries match the host name with or without the port; ``*`` allows all
        and ``.example.com`` (or ``*.example.com``) allows the domain and its
        subdomains.
        """
        if "*" in self.allowed_hosts:
            return True
        if not isinstance(host, str) or not host:
            return False
        full, name = host.strip().lower(), _host_only(host)
        for entry in self.allowed_hosts:
            pattern = entry.strip().lower()
            if pattern.startswith("*."):
                pattern = pattern[1:]
            if pattern.startswith("."):
                if name == pattern[1:] or name.endswith(pattern):
                    return True
            elif pattern in (full, name):
                return True
        return False

    def get_cors_config(self) -> dict[str, Any]:
        """The CORS policy: allowed origins, credentials, methods and headers."""
        return {
            "allow_origins": list(self.cors_origins),
            "allow_credentials": True,
            "allow_methods": ["*"],
            "allow_headers": ["*"],
        }

    def get_url_scheme(self) -> str:
        """``https`` when TLS is enabled, else ``http``."""
        return "https" if self.ssl_enabled else "http"

    def is_trusted_proxy(self, peer: str | None) -> bool:
        """Whether forwarded headers from ``peer`` (an IP) may set the public URL."""
        if self.trust_proxy_headers or "*" in self.forwarded_allow_ips:
            return True
        if not peer:
            return False
        import ipaddress  # only when forwarded headers must be judged

        try:
            address = ipaddress.ip_address(peer)
        except ValueError:
            return peer in self.forwarded_allow_ips  # e.g. a unix socket path
        for entry in self.forwarded_allow_ips:
            try:
                if address in ipaddress.ip_network(entry, strict=False):
                    return True
            except ValueError:
                continue
        return False

    def log_config(self, service_name: str) -> None:
        """Log the settings at INFO (never the password)."""
        log.info(
            "%s security: ssl_enabled=%s domain=%s allowed_hosts=%s cors_origins=%s "
            "max_request_size=%d request_timeout=%d use_hsts=%s basic_auth=%s",
            service_name,
            self.ssl_enabled,
            self.domain,
            self.allowed_hosts,
            self.cors_origins,
            self.max_request_size,
            self.request_timeout,
            self.use_hsts,
            "configured" if self.basic_auth_password else "not configured",
        )
