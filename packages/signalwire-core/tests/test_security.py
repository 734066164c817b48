"""Webhook signature validation, checked against an HMAC computed by hand.

The expected signatures are computed with a from-scratch HMAC (RFC 2104 over
hashlib digests), not with the ``hmac`` module the implementation uses.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from signalwire.core import SignalWireError
from signalwire.core.security import (
    SIGNALWIRE_SHA256_SIGNATURE_HEADER,
    SIGNALWIRE_SIGNATURE_HEADER,
    TWILIO_COMPAT_SIGNATURE_HEADER,
    WebhookSignatureError,
    make_webhook_validation_dependency,
    validate_request,
    validate_signed_request,
    validate_webhook_signature,
    validate_webhook_signature_sha256,
)

KEY = "PSK_test_signing_key"
URL = "https://example.com/webhooks/voice?x=1"
JSON_BODY = '{"call_id":"c-1","event":"call.state"}'


def rfc2104(key: str, message: str, algo: str) -> bytes:
    block = 64
    k = key.encode()
    if len(k) > block:
        k = hashlib.new(algo, k).digest()
    k = k.ljust(block, b"\0")
    inner = hashlib.new(algo, bytes(b ^ 0x36 for b in k) + message.encode()).digest()
    return hashlib.new(algo, bytes(b ^ 0x5C for b in k) + inner).digest()


def scheme_a(url: str, body: str, algo: str = "sha1") -> str:
    return rfc2104(KEY, url + body, algo).hex()


def scheme_b(url: str, params: list[tuple[str, str]]) -> str:
    concat = "".join(k + v for k, v in sorted(params, key=lambda kv: kv[0]))
    return base64.b64encode(rfc2104(KEY, url + concat, "sha1")).decode()


def test_scheme_a_sha1() -> None:
    sig = scheme_a(URL, JSON_BODY)
    assert validate_webhook_signature(KEY, sig, URL, JSON_BODY)
    assert validate_webhook_signature(KEY, sig, URL, JSON_BODY.encode())
    assert not validate_webhook_signature(KEY, sig, URL, JSON_BODY + " ")
    assert not validate_webhook_signature(KEY, sig, URL + "&y=2", JSON_BODY)
    assert not validate_webhook_signature("other-key", sig, URL, JSON_BODY)


def test_scheme_a_sha256() -> None:
    sig = scheme_a(URL, JSON_BODY, "sha256")
    assert validate_webhook_signature_sha256(KEY, sig, URL, JSON_BODY)
    assert not validate_webhook_signature_sha256(KEY, scheme_a(URL, JSON_BODY), URL, JSON_BODY)
    assert not validate_webhook_signature_sha256(KEY, sig, URL, "{}")


def test_long_key_is_hashed_first() -> None:
    long_key = "k" * 100
    sig = rfc2104(long_key, URL + JSON_BODY, "sha1").hex()
    assert validate_webhook_signature(long_key, sig, URL, JSON_BODY)


FORM = [("To", "+15551230000"), ("From", "+15559870000"), ("CallSid", "CA123"), ("Digits", "1")]


def test_scheme_b_form_body() -> None:
    body = urlencode(FORM)
    sig = scheme_b(URL, FORM)
    assert validate_webhook_signature(KEY, sig, URL, body)
    assert validate_request(KEY, sig, URL, body)
    assert validate_request(KEY, sig, URL, dict(FORM))
    assert validate_request(KEY, sig, URL, FORM)
    assert not validate_request(KEY, sig, URL, {**dict(FORM), "Digits": "2"})


def test_scheme_b_repeated_keys_keep_submission_order() -> None:
    params = [("b", "2"), ("a", "z"), ("a", "y")]
    # Sorted by key only: a=z then a=y (submission order), then b=2.
    sig = base64.b64encode(rfc2104(KEY, URL + "azayb2", "sha1")).decode()
    assert validate_request(KEY, sig, URL, params)
    assert validate_request(KEY, sig, URL, {"b": "2", "a": ["z", "y"]})


def test_scheme_b_with_no_params_for_json_on_compat() -> None:
    sig = scheme_b(URL, [])
    assert validate_webhook_signature(KEY, sig, URL, JSON_BODY)


@pytest.mark.parametrize(
    ("signed_url", "received_url"),
    [
        ("https://example.com:443/hook", "https://example.com/hook"),
        ("https://example.com/hook", "https://example.com:443/hook"),
        ("http://example.com:80/hook?a=b", "http://example.com/hook?a=b"),
    ],
)
def test_scheme_b_default_port_variants(signed_url: str, received_url: str) -> None:
    sig = scheme_b(signed_url, FORM)
    assert validate_webhook_signature(KEY, sig, received_url, urlencode(FORM))


def test_scheme_b_non_default_port_is_not_toggled() -> None:
    sig = scheme_b("https://example.com:8443/hook", FORM)
    assert not validate_webhook_signature(KEY, sig, "https://example.com/hook", urlencode(FORM))


def test_scheme_b_body_sha256_parameter() -> None:
    body = JSON_BODY
    digest = hashlib.sha256(body.encode()).hexdigest()
    url = f"https://example.com/hook?bodySHA256={digest}"
    sig = scheme_b(url, [])
    assert validate_webhook_signature(KEY, sig, url, body)
    assert not validate_webhook_signature(KEY, sig, url, body + "tampered")


@pytest.mark.parametrize("signature", [None, "", "   "])
def test_missing_signature_is_false(signature: str | None) -> None:
    assert not validate_webhook_signature(KEY, signature, URL, JSON_BODY)
    assert not validate_webhook_signature_sha256(KEY, signature, URL, JSON_BODY)
    assert not validate_request(KEY, signature, URL, {"a": "b"})


def test_non_ascii_signature_is_false_not_an_error() -> None:
    assert not validate_webhook_signature(KEY, "sïgnature", URL, JSON_BODY)


def test_empty_key_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="signing_key"):
        validate_webhook_signature("", "x", URL, JSON_BODY)


def test_validate_request_rejects_unsupported_types() -> None:
    with pytest.raises(TypeError, match="params_or_raw_body"):
        validate_request(KEY, "x", URL, 42)  # type: ignore[arg-type]


def test_validate_signed_request_header_preference() -> None:
    sha256 = scheme_a(URL, JSON_BODY, "sha256")
    sha1 = scheme_a(URL, JSON_BODY)
    assert validate_signed_request(
        KEY, {SIGNALWIRE_SHA256_SIGNATURE_HEADER.lower(): sha256}, URL, JSON_BODY
    )
    assert validate_signed_request(KEY, {SIGNALWIRE_SIGNATURE_HEADER: sha1}, URL, JSON_BODY)
    assert validate_signed_request(KEY, {TWILIO_COMPAT_SIGNATURE_HEADER: sha1}, URL, JSON_BODY)
    # The SHA-256 header wins: a wrong one fails even with a right SHA-1 beside it.
    assert not validate_signed_request(
        KEY,
        {SIGNALWIRE_SHA256_SIGNATURE_HEADER: "bad", SIGNALWIRE_SIGNATURE_HEADER: sha1},
        URL,
        JSON_BODY,
    )
    assert not validate_signed_request(KEY, {}, URL, JSON_BODY)


@given(body=st.text(max_size=200), path=st.text(alphabet="abc/-_", max_size=20))
def test_scheme_a_property(body: str, path: str) -> None:
    url = f"https://h.example/{path}"
    assert validate_webhook_signature(KEY, scheme_a(url, body), url, body)
    assert validate_webhook_signature_sha256(KEY, scheme_a(url, body, "sha256"), url, body)


class FakeRequest:
    def __init__(self, url: str, headers: dict[str, str], body: bytes) -> None:
        self.url = url
        self.headers = headers
        self._body = body

    async def body(self) -> bytes:
        return self._body


async def test_dependency_accepts_and_rejects() -> None:
    dep = make_webhook_validation_dependency(KEY)
    good = FakeRequest(
        URL, {SIGNALWIRE_SIGNATURE_HEADER: scheme_a(URL, JSON_BODY)}, JSON_BODY.encode()
    )
    assert await dep(good) == JSON_BODY.encode()
    bad = FakeRequest(URL, {SIGNALWIRE_SIGNATURE_HEADER: "nope"}, JSON_BODY.encode())
    with pytest.raises(Exception) as info:
        await dep(bad)
    err: Any = info.value
    assert getattr(err, "status_code", None) == 403 or isinstance(err, WebhookSignatureError)


async def test_dependency_trusts_forwarded_headers_only_when_asked() -> None:
    public = "https://public.example.com/hook"
    headers = {
        "x-forwarded-proto": "https",
        "x-forwarded-host": "public.example.com",
        SIGNALWIRE_SIGNATURE_HEADER: scheme_a(public, JSON_BODY),
    }
    request = FakeRequest("http://10.0.0.2:8080/hook", headers, JSON_BODY.encode())
    assert await make_webhook_validation_dependency(KEY, trust_proxy=True)(request)
    with pytest.raises(Exception, match=r"403|signature"):
        await make_webhook_validation_dependency(KEY)(request)


def test_signature_error_is_a_signalwire_error() -> None:
    assert issubclass(WebhookSignatureError, SignalWireError)
    assert WebhookSignatureError.status_code == 403
