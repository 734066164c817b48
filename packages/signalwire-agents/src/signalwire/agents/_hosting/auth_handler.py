"""AuthHandler: Basic, Bearer and API-key checks driven by a SecurityConfig.

For protecting your own routes beside an agent (the agent's own endpoints are
checked by the HTTP layer). FastAPI and Flask helpers import those frameworks
only when called.
"""

from __future__ import annotations

import functools
import hmac
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from signalwire.agents._hosting.auth import decode_basic

if TYPE_CHECKING:
    from signalwire.agents._hosting.security import SecurityConfig

__all__ = ["AuthHandler"]


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(
        a.encode("utf-8", "surrogatepass"), b.encode("utf-8", "surrogatepass")
    )


class AuthHandler:
    """Checks credentials against what ``security_config`` holds.

    Basic auth uses ``get_basic_auth()``; Bearer is enabled by
    ``security.auth.bearer.token`` and API keys by ``security.auth.api_key.key``
    (header ``security.auth.api_key.header``, default ``X-API-Key``).
    """

    def __init__(self, security_config: SecurityConfig) -> None:
        self.security_config = security_config

    def __repr__(self) -> str:
        return f"AuthHandler(methods={sorted(self.get_auth_info())})"

    def verify_basic_auth(self, credentials: Any) -> bool:
        """``credentials``: an object with ``username``/``password`` or a ``(user, pass)`` pair."""
        if isinstance(credentials, (tuple, list)) and len(credentials) == 2:
            user, password = credentials
        else:
            user = getattr(credentials, "username", None)
            password = getattr(credentials, "password", None)
        if not isinstance(user, str) or not isinstance(password, str):
            return False
        want_user, want_password = self.security_config.get_basic_auth()
        return _same(user, want_user) & _same(password, want_password)

    def verify_bearer_token(self, credentials: Any) -> bool:
        """``credentials``: the token string or an object with ``.credentials``."""
        token = (
            credentials
            if isinstance(credentials, str)
            else getattr(credentials, "credentials", None)
        )
        expected = self.security_config.bearer_token
        return bool(expected) and isinstance(token, str) and _same(token, str(expected))

    def verify_api_key(self, api_key: str) -> bool:
        """Whether ``api_key`` is the configured key (False when API keys are not enabled)."""
        expected = self.security_config.api_key
        return bool(expected) and isinstance(api_key, str) and _same(api_key, str(expected))

    def check_headers(self, headers: Any) -> str | None:
        """The method that authenticates a request's headers (``basic``/``bearer``/``api_key``)."""
        value = headers.get("authorization") or ""
        if value[:7].lower() == "bearer " and self.verify_bearer_token(value[7:].strip()):
            return "bearer"
        key = headers.get(self.security_config.api_key_header)
        if key and self.verify_api_key(key):
            return "api_key"
        creds = decode_basic(value.encode("latin-1", "replace")) if value else None
        if creds is not None and self.verify_basic_auth(creds):
            return "basic"
        return None

    def get_fastapi_dependency(self, optional: bool = False) -> Callable[..., Any]:
        """A FastAPI dependency: ``{"authenticated": bool, "method": str|None}``, 401 on failure.

        With ``optional=True`` a failed check is returned instead of raised.
        """
        try:
            from fastapi import HTTPException, Request  # type: ignore[import-not-found,unused-ignore]
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError(
                "get_fastapi_dependency() needs FastAPI: pip install fastapi"
            ) from exc

        async def dependency(request: Request) -> dict[str, Any]:
            method = self.check_headers(request.headers)
            if method is None and not optional:
                raise HTTPException(
                    status_code=401,
                    detail="Unauthorized",
                    headers={"WWW-Authenticate": "Basic"},
                )
            return {"authenticated": method is not None, "method": method}

        # FastAPI reads the annotation at runtime; a postponed string would not resolve here.
        dependency.__annotations__["request"] = Request
        return dependency

    def flask_decorator(self, f: Callable[..., Any]) -> Callable[..., Any]:
        """Wrap a Flask view so it answers 401 unless the request authenticates."""

        @functools.wraps(f)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            from flask import Response, request  # type: ignore[import-not-found,unused-ignore]

            if self.check_headers(request.headers) is None:
                return Response(
                    '{"error":"Unauthorized"}',
                    status=401,
                    mimetype="application/json",
                    headers={"WWW-Authenticate": "Basic"},
                )
            return f(*args, **kwargs)

        return wrapper

    def get_auth_info(self) -> dict[str, Any]:
        """Which methods are enabled, with hints (never a secret)."""
        cfg = self.security_config
        info: dict[str, Any] = {
            "basic": {"enabled": True, "username": cfg.basic_auth_user or "signalwire"}
        }
        if cfg.bearer_token:
            info["bearer"] = {"enabled": True, "hint": "Authorization: Bearer <token>"}
        if cfg.api_key:
            info["api_key"] = {
                "enabled": True,
                "header": cfg.api_key_header,
                "hint": f"{cfg.api_key_header}: <key>",
            }
        return info
