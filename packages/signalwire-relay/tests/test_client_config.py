"""RelayClient construction: arguments, environment fallbacks, validation (no I/O)."""

from __future__ import annotations

import base64
import json

import pytest

from signalwire.core import SignalWireConfigError
from signalwire.relay import RelayClient


def jwt(claims: dict[str, str]) -> str:
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"eyJhbGciOiJub25lIn0.{body}.sig"


def test_env_fallbacks_and_defaults() -> None:
    c = RelayClient(environ={"SIGNALWIRE_PROJECT_ID": "p", "SIGNALWIRE_API_TOKEN": "secret-token"})
    assert (c.project, c.token, c.jwt_token) == ("p", "secret-token", None)
    assert c.host == "relay.signalwire.com"
    assert c.url == "wss://relay.signalwire.com"
    assert c.contexts == []
    assert c.max_active_calls == 1000
    assert c.state == "disconnected"
    assert c.relay_protocol is None


def test_arguments_beat_environment() -> None:
    c = RelayClient(
        "arg-p",
        "arg-t",
        host="example",
        contexts=["office"],
        max_active_calls=5,
        environ={
            "SIGNALWIRE_PROJECT_ID": "env-p",
            "SIGNALWIRE_API_TOKEN": "env-t",
            "SIGNALWIRE_SPACE": "other.signalwire.com",
        },
    )
    assert (c.project, c.token, c.host, c.contexts, c.max_active_calls) == (
        "arg-p",
        "arg-t",
        "example.signalwire.com",
        ["office"],
        5,
    )


def test_space_env_is_the_host() -> None:
    c = RelayClient(
        environ={
            "SIGNALWIRE_PROJECT_ID": "p",
            "SIGNALWIRE_API_TOKEN": "t",
            "SIGNALWIRE_SPACE": "acme.signalwire.com",
            "RELAY_MAX_ACTIVE_CALLS": "7",
        }
    )
    assert c.url == "wss://acme.signalwire.com"
    assert c.max_active_calls == 7


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("ws://127.0.0.1:8765", "ws://127.0.0.1:8765"),
        ("127.0.0.1:9000", "ws://127.0.0.1:9000"),
        ("localhost:9000", "ws://localhost:9000"),
        ("wss://127.0.0.1:9000", "wss://127.0.0.1:9000"),
        ("relay.example.com:443", "wss://relay.example.com:443"),
    ],
)
def test_host_override_for_local_servers(host: str, url: str) -> None:
    assert RelayClient("p", "t", host=host, environ={}).url == url


def test_jwt_instead_of_project_and_token() -> None:
    token = jwt({"project_id": "from-jwt"})
    c = RelayClient(jwt_token=token, environ={})
    assert c.jwt_token == token
    assert c.project == "from-jwt"
    c2 = RelayClient(environ={"SIGNALWIRE_JWT_TOKEN": token})
    assert c2.jwt_token == token


@pytest.mark.parametrize(
    ("kwargs", "environ", "names"),
    [
        ({}, {}, "project"),
        ({"project": "p"}, {}, "token"),
        ({"project": "p", "token": "t", "max_active_calls": 0}, {}, "max_active_calls"),
        (
            {"project": "p", "token": "t"},
            {"RELAY_MAX_ACTIVE_CALLS": "many"},
            "RELAY_MAX_ACTIVE_CALLS",
        ),
        ({"project": "p", "token": "t", "host": "user@host"}, {}, "host"),
        ({"project": "p", "token": "t", "host": "example.com/path"}, {}, "host"),
        ({"project": "p", "token": "t", "over_limit": "drop"}, {}, "over_limit"),
        ({"project": "p", "token": "t", "request_timeout": 0}, {}, "request_timeout"),
    ],
)
def test_bad_configuration_is_named(
    kwargs: dict[str, object], environ: dict[str, str], names: str
) -> None:
    with pytest.raises(SignalWireConfigError, match=names):
        RelayClient(environ=environ, **kwargs)  # type: ignore[arg-type]


def test_secrets_never_in_repr() -> None:
    c = RelayClient("p", "super-secret-token", environ={})
    assert "super-secret-token" not in repr(c)
    assert "p" in repr(c)
    j = RelayClient(jwt_token=jwt({"project_id": "x"}), environ={})
    assert j.jwt_token is not None
    assert j.jwt_token not in repr(j)


def test_import_is_lazy() -> None:
    import subprocess
    import sys

    code = (
        "import sys, signalwire.relay as r; "
        "assert 'websockets' not in sys.modules and 'cattrs' not in sys.modules, 'eager'; "
        "r.RelayClient; r.PlayAction; r.CallStateEvent; r.EVENT_CALL_STATE; "
        "assert 'websockets' not in sys.modules, 'websockets at import'; "
        "assert set(r.__all__) <= set(dir(r))"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_unknown_attribute() -> None:
    import signalwire.relay as r

    with pytest.raises(AttributeError, match="Nope"):
        r.Nope  # noqa: B018
