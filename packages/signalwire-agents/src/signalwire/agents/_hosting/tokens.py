"""Stateless, expiring HMAC tokens that bind a secure tool to one call.

A token is ``base64url("{call_id}.{function}.{expiry}.{nonce}.{sig}")`` where
``sig = hex(HMAC-SHA256(secret, "{call_id}:{function}:{expiry}:{nonce}"))``.
Nothing is stored: any process holding the same secret validates it, so
tokens survive restarts and work across replicas when the secret is
configured (``swaig_secret`` or ``SIGNALWIRE_SWAIG_SECRET``).

A token minted for a SWML request that carried no call_id is bound to the
function and the expiry only (its call_id field is :data:`ANY_CALL`); it is
still signed, so only a holder of the secret can make one.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import time

__all__ = ["ANY_CALL", "TokenSigner"]

ANY_CALL = "*"
"""call_id field of a token minted without a call_id: valid for any call."""


class TokenSigner:
    """Mint and check tool tokens with one secret."""

    __slots__ = ("_key", "expiry_secs")

    def __init__(self, secret: str | bytes, expiry_secs: int = 3600) -> None:
        if not secret:
            raise ValueError("the token secret must not be empty")
        self._key = secret.encode() if isinstance(secret, str) else bytes(secret)
        self.expiry_secs = int(expiry_secs)

    def __repr__(self) -> str:
        return f"TokenSigner(expiry_secs={self.expiry_secs})"

    def _sign(self, call_id: str, function: str, expiry: int, nonce: str) -> str:
        msg = f"{call_id}:{function}:{expiry}:{nonce}".encode()
        return hmac.digest(self._key, msg, hashlib.sha256).hex()

    def mint(self, function: str, call_id: str | None, now: float | None = None) -> str:
        """Return a token for ``function`` bound to ``call_id`` (or to any call)."""
        cid = call_id or ANY_CALL
        expiry = int(now if now is not None else time.time()) + self.expiry_secs
        nonce = os.urandom(8).hex()
        sig = self._sign(cid, function, expiry, nonce)
        return base64.urlsafe_b64encode(
            f"{cid}.{function}.{expiry}.{nonce}.{sig}".encode()
        ).decode()

    def check(self, token: str | None, function: str, call_id: str | None) -> bool:
        """True when ``token`` was minted here for ``function`` and this call, and is live."""
        if not token or not isinstance(token, str) or len(token) > 4096:
            return False
        try:
            padded = token + "=" * (-len(token) % 4)
            raw = base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8")
        except (binascii.Error, ValueError, UnicodeError):
            return False
        parts = raw.rsplit(".", 4)  # a call_id may itself contain dots
        if len(parts) != 5:
            return False
        cid, fn, expiry_text, nonce, sig = parts
        if not expiry_text.isdigit():
            return False
        expected = self._sign(cid, fn, int(expiry_text), nonce)
        # compare_digest refuses non-ASCII str: compare bytes, so a forged token is a refusal.
        if not hmac.compare_digest(expected.encode(), sig.encode("utf-8", "surrogatepass")):
            return False
        if fn != function or int(expiry_text) < time.time():
            return False
        return cid == ANY_CALL or (
            isinstance(call_id, str)
            and hmac.compare_digest(
                cid.encode("utf-8", "surrogatepass"), call_id.encode("utf-8", "surrogatepass")
            )
        )
