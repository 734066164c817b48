"""Stateless, expiring HMAC tokens that bind a secure tool to one call.

A token is four fields and a signature joined with ``.``:
``b64(call_id).b64(function).b64(expiry).b64(nonce).sig`` where ``b64`` is
unpadded base64url (which never contains ``.``) and
``sig = base64url(HMAC-SHA256(secret, "v2." + the four encoded fields joined with "."))``.
Each field is encoded before joining, so no field value can move the
boundary between two fields: a token minted for one tool and call never
reads as a token for another tool, call or expiry.

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
import re
import time

__all__ = ["ANY_CALL", "MAX_CALL_ID_LENGTH", "TOKEN_REFUSAL", "TokenSigner", "valid_call_id"]

TOKEN_REFUSAL = (
    "I'm sorry, the security token for this function is invalid or expired. "
    "I cannot execute this action."
)
"""What the AI hears when a secure tool is called without a valid token."""

ANY_CALL = "*"
"""call_id field of a token minted without a call_id: valid for any call."""

MAX_CALL_ID_LENGTH = 128
"""Longest call_id a token is bound to (platform call ids are 36-character UUIDs)."""

# Platform call and conversation ids are UUIDs; this leaves room for other ids
# (tests, other platforms) without letting markup, separators or control
# characters into a signed field.
_CALL_ID = re.compile(rf"[A-Za-z0-9_\-]{{1,{MAX_CALL_ID_LENGTH}}}")
_VERSION = b"v2."


def valid_call_id(call_id: object) -> bool:
    """True when ``call_id`` is a string a token may be bound to (letters, digits, ``-``, ``_``)."""
    return isinstance(call_id, str) and _CALL_ID.fullmatch(call_id) is not None


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    if not text or len(text) % 4 == 1:
        raise ValueError("bad field")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


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

    def _sign(self, encoded_fields: str) -> str:
        return _b64(hmac.digest(self._key, _VERSION + encoded_fields.encode(), hashlib.sha256))

    def mint(self, function: str, call_id: str | None, now: float | None = None) -> str:
        """Return a token for ``function`` bound to ``call_id`` (or to any call).

        Raises ``ValueError`` for a ``call_id`` that :func:`valid_call_id` refuses.
        """
        if call_id is not None and call_id != "" and not valid_call_id(call_id):
            raise ValueError(f"call_id must be 1-{MAX_CALL_ID_LENGTH} letters, digits, '-' or '_'")
        cid = call_id or ANY_CALL
        expiry = int(now if now is not None else time.time()) + self.expiry_secs
        fields = ".".join(
            _b64(value)
            for value in (cid.encode(), function.encode(), b"%d" % expiry, os.urandom(8))
        )
        return f"{fields}.{self._sign(fields)}"

    def check(self, token: str | None, function: str, call_id: str | None) -> bool:
        """True when ``token`` was minted here for ``function`` and this call, and is live."""
        if not token or not isinstance(token, str) or len(token) > 1024 or not token.isascii():
            return False
        fields, _, sig = token.rpartition(".")
        if fields.count(".") != 3:
            return False
        if not hmac.compare_digest(self._sign(fields).encode(), sig.encode()):
            return False
        try:
            cid_raw, fn_raw, expiry_raw, _nonce = (_unb64(part) for part in fields.split("."))
            cid, fn, expiry_text = cid_raw.decode(), fn_raw.decode(), expiry_raw.decode()
        except (binascii.Error, ValueError, UnicodeError):
            return False
        if not expiry_text.isdigit() or fn != function or int(expiry_text) < time.time():
            return False
        if cid == ANY_CALL:
            return True
        return valid_call_id(call_id) and hmac.compare_digest(cid.encode(), str(call_id).encode())
