"""Credential and space resolution: precedence, normalisation, errors, masking."""

from __future__ import annotations

import base64
import json
import logging
import pickle

import pytest

from signalwire.core import (
    Credentials,
    SignalWireConfigError,
    SignalWireError,
    Space,
    decode_jwt_claims,
    is_loopback_host,
    normalize_space,
    resolve_credentials,
)

ENV = {
    "SIGNALWIRE_PROJECT_ID": "env-project",
    "SIGNALWIRE_API_TOKEN": "env-token-secret",
    "SIGNALWIRE_SPACE": "envspace",
}


def make_jwt(claims: dict[str, object]) -> str:
    def seg(obj: object) -> str:
        raw = json.dumps(obj).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return f"{seg({'alg': 'HS256', 'typ': 'JWT'})}.{seg(claims)}.c2lnbmF0dXJl"


def test_explicit_arguments_win_over_environment() -> None:
    creds = resolve_credentials("arg-project", "arg-token", "argspace", environ=ENV)
    assert creds.project_id == "arg-project"
    assert creds.api_token == "arg-token"
    assert creds.space == Space("argspace.signalwire.com")


def test_environment_fills_missing_arguments() -> None:
    creds = resolve_credentials(project="arg-project", environ=ENV)
    assert creds.project_id == "arg-project"
    assert creds.api_token == "env-token-secret"
    assert creds.space is not None and creds.space.host == "envspace.signalwire.com"
    assert creds.basic_auth() == ("arg-project", "env-token-secret")


def test_environ_defaults_to_os_environ_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNALWIRE_PROJECT_ID", "p1")
    monkeypatch.setenv("SIGNALWIRE_API_TOKEN", "t1")
    monkeypatch.setenv("SIGNALWIRE_SPACE", "s1")
    assert resolve_credentials().project_id == "p1"
    monkeypatch.setenv("SIGNALWIRE_PROJECT_ID", "p2")
    assert resolve_credentials().project_id == "p2"


def test_blank_values_count_as_missing() -> None:
    with pytest.raises(SignalWireConfigError, match="SIGNALWIRE_PROJECT_ID"):
        resolve_credentials(environ={**ENV, "SIGNALWIRE_PROJECT_ID": "  "})


@pytest.mark.parametrize(
    ("missing", "argument", "env_var"),
    [
        ("SIGNALWIRE_PROJECT_ID", "project", "SIGNALWIRE_PROJECT_ID"),
        ("SIGNALWIRE_API_TOKEN", "token", "SIGNALWIRE_API_TOKEN"),
        ("SIGNALWIRE_SPACE", "space", "SIGNALWIRE_SPACE"),
    ],
)
def test_missing_value_error_names_argument_and_env_var(
    missing: str, argument: str, env_var: str
) -> None:
    env = {k: v for k, v in ENV.items() if k != missing}
    with pytest.raises(SignalWireConfigError) as info:
        resolve_credentials(environ=env)
    err = info.value
    assert isinstance(err, SignalWireError)
    assert isinstance(err, ValueError)  # vendor code catches ValueError
    assert err.argument == argument
    assert err.env_var == env_var
    assert f"{argument}=" in str(err)
    assert env_var in str(err)
    assert "env-token-secret" not in str(err)


def test_space_optional_when_not_required() -> None:
    env = {k: v for k, v in ENV.items() if k != "SIGNALWIRE_SPACE"}
    assert resolve_credentials(environ=env, require_space=False).space is None


@pytest.mark.parametrize(
    ("given", "host", "port", "http_url", "ws_url"),
    [
        (
            "example",
            "example.signalwire.com",
            None,
            "https://example.signalwire.com",
            "wss://example.signalwire.com",
        ),
        (
            "example.signalwire.com",
            "example.signalwire.com",
            None,
            "https://example.signalwire.com",
            "wss://example.signalwire.com",
        ),
        (
            "https://example.signalwire.com/",
            "example.signalwire.com",
            None,
            "https://example.signalwire.com",
            "wss://example.signalwire.com",
        ),
        (
            "  Example.SignalWire.com  ",
            "example.signalwire.com",
            None,
            "https://example.signalwire.com",
            "wss://example.signalwire.com",
        ),
        (
            "wss://relay.signalwire.com",
            "relay.signalwire.com",
            None,
            "https://relay.signalwire.com",
            "wss://relay.signalwire.com",
        ),
        (
            "example.signalwire.com:8443",
            "example.signalwire.com",
            8443,
            "https://example.signalwire.com:8443",
            "wss://example.signalwire.com:8443",
        ),
        ("127.0.0.1:8080", "127.0.0.1", 8080, "http://127.0.0.1:8080", "ws://127.0.0.1:8080"),
        ("localhost:9000", "localhost", 9000, "http://localhost:9000", "ws://localhost:9000"),
        ("localhost", "localhost", None, "http://localhost", "ws://localhost"),
        ("[::1]:7000", "::1", 7000, "http://[::1]:7000", "ws://[::1]:7000"),
        ("http://10.0.0.5:8080", "10.0.0.5", 8080, "http://10.0.0.5:8080", "ws://10.0.0.5:8080"),
        (
            "ws://relay.internal:81",
            "relay.internal",
            81,
            "http://relay.internal:81",
            "ws://relay.internal:81",
        ),
        (
            "https://127.0.0.1:9443",
            "127.0.0.1",
            9443,
            "https://127.0.0.1:9443",
            "wss://127.0.0.1:9443",
        ),
        ("10.0.0.5:8080", "10.0.0.5", 8080, "https://10.0.0.5:8080", "wss://10.0.0.5:8080"),
    ],
)
def test_space_normalisation_table(
    given: str, host: str, port: int | None, http_url: str, ws_url: str
) -> None:
    space = normalize_space(given)
    assert (space.host, space.port) == (host, port)
    assert space.http_url == http_url
    assert space.ws_url == ws_url


def test_plain_transport_only_when_asked_for_or_loopback() -> None:
    assert normalize_space("example").secure is True
    assert normalize_space("example", secure=False).http_url == "http://example.signalwire.com"
    assert normalize_space("127.0.0.1:1", secure=True).ws_url == "wss://127.0.0.1:1"
    assert normalize_space(Space("a.b"), secure=False).secure is False


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("user:pass@example.signalwire.com", "credentials"),
        ("example.signalwire.com/api", "path"),
        ("https://example.signalwire.com/api/", "path"),
        ("example.signalwire.com?x=1", "query"),
        ("example.signalwire.com:0", "port"),
        ("example.signalwire.com:99999", "port"),
        ("example.signalwire.com:http", "port"),
        ("ftp://example.signalwire.com", "scheme"),
        ("exa mple", "credentials"),
        ("[::1", "brackets"),
        (":8080", "host"),
    ],
)
def test_malformed_space_is_a_config_error(given: str, reason: str) -> None:
    with pytest.raises(SignalWireConfigError) as info:
        normalize_space(given)
    message = str(info.value)
    assert reason in message
    assert "space" in message and "SIGNALWIRE_SPACE" in message
    assert info.value.env_var == "SIGNALWIRE_SPACE"


def test_malformed_space_from_env_is_reported() -> None:
    with pytest.raises(SignalWireConfigError, match="SIGNALWIRE_SPACE"):
        resolve_credentials(environ={**ENV, "SIGNALWIRE_SPACE": "a/b"})


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("127.0.0.1", True),
        ("127.5.5.5", True),
        ("::1", True),
        ("[::1]", True),
        ("api.localhost", True),
        ("10.0.0.1", False),
        ("example.com", False),
        ("localhost.example.com", False),
        ("", False),
        ("1example.com", False),
        ("0:0:0:0:0:0:0:1", True),
        ("LOCALHOST", True),
    ],
)
def test_loopback_detection(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


def test_jwt_makes_project_and_token_optional_and_reads_project_from_claims() -> None:
    jwt = make_jwt({"project_id": "claims-project", "exp": 1})
    creds = resolve_credentials(jwt_token=jwt, environ={"SIGNALWIRE_SPACE": "x"})
    assert creds.uses_jwt
    assert creds.project_id == "claims-project"
    assert creds.api_token is None


def test_jwt_from_environment() -> None:
    jwt = make_jwt({"p": "short-claim"})
    creds = resolve_credentials(environ={"SIGNALWIRE_JWT_TOKEN": jwt}, require_space=False)
    assert creds.jwt_token == jwt
    assert creds.project_id == "short-claim"


def test_jwt_without_project_claim_leaves_project_unset() -> None:
    creds = resolve_credentials(jwt_token=make_jwt({"sub": "x"}), environ={}, require_space=False)
    assert creds.project_id is None
    with pytest.raises(SignalWireConfigError, match="project"):
        creds.basic_auth()


def test_project_and_token_take_precedence_over_jwt() -> None:
    jwt = make_jwt({"project_id": "claims-project"})
    creds = resolve_credentials(jwt_token=jwt, environ=ENV)
    assert not creds.uses_jwt
    assert creds.project_id == "env-project"


def test_jwt_not_allowed_requires_project_and_token() -> None:
    with pytest.raises(SignalWireConfigError, match="project is required: pass project="):
        resolve_credentials(
            jwt_token=make_jwt({}), environ={}, allow_jwt=False, require_space=False
        )


@pytest.mark.parametrize(
    "token",
    ["not-a-jwt", "a.b", "a.!!!.c", "a." + base64.urlsafe_b64encode(b"[1]").decode() + ".c"],
)
def test_malformed_jwt_is_a_config_error_without_echoing_it(token: str) -> None:
    with pytest.raises(SignalWireConfigError) as info:
        resolve_credentials(jwt_token=token, environ={}, require_space=False)
    assert "jwt_token" in str(info.value) and "SIGNALWIRE_JWT_TOKEN" in str(info.value)
    assert token not in str(info.value)


def test_decode_jwt_claims_ignores_signature() -> None:
    assert decode_jwt_claims(make_jwt({"a": 1}))["a"] == 1


def test_secrets_never_in_repr_or_str_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    jwt = make_jwt({"project_id": "p"})
    creds = resolve_credentials("proj", "tok-supersecret", "sp", environ={})
    jwt_creds = resolve_credentials(jwt_token=jwt, environ={}, require_space=False)
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("signalwire.test").info("creds %s %r %s", creds, creds, jwt_creds)
    for text in (repr(creds), str(creds), repr(jwt_creds), caplog.text):
        assert "tok-supersecret" not in text
        assert jwt not in text
    assert "proj" in repr(creds)
    assert "********" in repr(creds)


def test_credentials_are_immutable() -> None:
    creds = Credentials(project_id="p", api_token="t")
    with pytest.raises(AttributeError):
        creds.project_id = "q"  # type: ignore[misc]


@pytest.mark.parametrize(
    "given",
    [
        "http://user:pw-secret@127.0.0.1:1",
        "wss://proj:pw-secret@relay.signalwire.com",
        "u:pw-secret@example",
    ],
)
def test_space_errors_never_repeat_credentials(given: str) -> None:
    with pytest.raises(SignalWireConfigError) as info:
        normalize_space(given)
    assert "pw-secret" not in str(info.value)
    assert "***@" in str(info.value)


def test_space_and_credentials_are_immutable_values() -> None:
    a, b = Space("a.b", 443, True), Space(host="a.b", port=443, secure=True)
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert a != Space("a.b", 444) and a != ("a.b", 443, True)
    assert repr(a) == "Space(host='a.b', port=443, secure=True)"
    assert str(a) == "a.b:443"
    with pytest.raises(AttributeError, match="immutable"):
        a.host = "c.d"  # type: ignore[misc]
    with pytest.raises(AttributeError, match="immutable"):
        del a.port  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(a)) == a
    match a:
        case Space(host, port, secure):
            assert (host, port, secure) == ("a.b", 443, True)
    creds = Credentials("p", "secret", a)
    assert creds == Credentials(project_id="p", api_token="secret", space=a)
    assert hash(creds) == hash(Credentials("p", "secret", a))
    assert creds != Credentials("p", "other", a)
    assert pickle.loads(pickle.dumps(creds)) == creds
    assert "secret" not in repr(creds)
    with pytest.raises(AttributeError, match="immutable"):
        creds.api_token = "x"  # type: ignore[misc]
