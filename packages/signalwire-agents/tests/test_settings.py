"""ConfigLoader, SecurityConfig and AuthHandler: search order, substitution, priority."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from signalwire.agents import AgentBase, AuthHandler, ConfigLoader, SecurityConfig
from signalwire.core import SignalWireConfigError


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return tmp_path


def write(path: Path, data: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))
    return path


def test_search_order_prefers_the_service_file(in_tmp: Path) -> None:
    assert ConfigLoader.find_config_file("bot") is None
    write(in_tmp / "home/.swml/config.json", {})
    assert ConfigLoader.find_config_file("bot") == str(in_tmp / "home/.swml/config.json")
    write(in_tmp / ".swml/config.json", {})
    assert ConfigLoader.find_config_file("bot") == ".swml/config.json"
    write(in_tmp / "agent_config.json", {})
    assert ConfigLoader.find_config_file("bot") == "agent_config.json"
    write(in_tmp / "config.json", {})
    assert ConfigLoader.find_config_file("bot") == "config.json"
    write(in_tmp / "extra.json", {})
    assert ConfigLoader.find_config_file("bot", ["extra.json"]) == "extra.json"
    write(in_tmp / ".swml/bot_config.json", {})
    assert ConfigLoader.find_config_file("bot") == ".swml/bot_config.json"
    write(in_tmp / "bot_config.json", {})
    assert ConfigLoader.find_config_file("bot") == "bot_config.json"
    assert ConfigLoader.find_config_file(None) == "config.json"


def test_loader_substitutes_and_looks_up_dotted_keys(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(
        in_tmp / "c.json",
        {
            "service": {"port": "${APP_PORT|3000}", "name": "x"},
            "security": {"ssl_enabled": "${TLS}", "auth": {"basic": {"user": "${U|anon}"}}},
            "list": ["${U|anon}", 1],
        },
    )
    monkeypatch.setenv("TLS", "true")
    loader = ConfigLoader(["missing.json", "c.json"])
    assert loader.has_config() and loader.get_config_file() == "c.json"
    assert loader.get("service.port") == 3000
    monkeypatch.setenv("APP_PORT", "8080")
    assert loader.get("service.port") == 8080
    assert loader.get("security.ssl_enabled") is True
    assert loader.get("security.auth.basic.user") == "anon"
    assert loader.get("service.nope", "dflt") == "dflt"
    assert loader.get_section("list") == {}
    assert loader.get_section("service") == {"port": 8080, "name": "x"}
    assert loader.substitute_vars(["${U|a}", {"k": "${U|b}"}]) == ["a", {"k": "b"}]
    assert loader.get_config()["service"]["port"] == "${APP_PORT|3000}"  # raw


def test_merge_with_env_keeps_file_values(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(in_tmp / "config.json", {"ssl": {"enabled": "file"}})
    monkeypatch.setenv("SWML_SSL_ENABLED", "env")
    monkeypatch.setenv("SWML_SSL_DOMAIN", "d.example")
    monkeypatch.setenv("SWML_PORT", "9")
    merged = ConfigLoader().merge_with_env()
    assert merged["ssl"] == {"enabled": "file", "domain": "d.example"}
    assert merged["port"] == "9"
    assert ConfigLoader().merge_with_env("NOPE_") == {"ssl": {"enabled": "file"}}


def test_broken_file_found_by_search_is_ignored_explicit_one_is_an_error(in_tmp: Path) -> None:
    (in_tmp / "config.json").write_text("{not json")
    assert not ConfigLoader().has_config()
    assert SecurityConfig(service_name="bot").allowed_hosts == ["*"]
    with pytest.raises(SignalWireConfigError, match="not valid JSON"):
        SecurityConfig(config_file="config.json")
    with pytest.raises(SignalWireConfigError, match="cannot read"):
        AgentBase("a", config_file=str(in_tmp / "nope.json"))


def test_security_defaults(in_tmp: Path) -> None:
    sec = SecurityConfig()
    assert (sec.ssl_enabled, sec.allowed_hosts, sec.cors_origins) == (False, ["*"], ["*"])
    assert (sec.max_request_size, sec.rate_limit, sec.request_timeout) == (10485760, 60, 30)
    assert (sec.use_hsts, sec.hsts_max_age, sec.ssl_verify_mode) == (
        True,
        31536000,
        "CERT_REQUIRED",
    )
    assert sec.basic_auth_user is None and sec.basic_auth_source is None
    assert sec.get_url_scheme() == "http"
    assert sec.validate_ssl_config() == (True, None)
    assert sec.get_ssl_context_kwargs() == {}
    assert (
        "Strict-Transport-Security" not in sec.get_security_headers(is_https=True) or sec.use_hsts
    )
    assert sec.get_cors_config()["allow_origins"] == ["*"]


def test_priority_file_over_env_over_default(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWML_ALLOWED_HOSTS", "env.example, other.example")
    monkeypatch.setenv("SWML_MAX_REQUEST_SIZE", "2048")
    monkeypatch.setenv("SWML_BASIC_AUTH_USER", "envu")
    monkeypatch.setenv("SWML_BASIC_AUTH_PASSWORD", "envp")
    sec = SecurityConfig()
    assert sec.allowed_hosts == ["env.example", "other.example"]
    assert sec.max_request_size == 2048
    assert (sec.basic_auth_user, sec.basic_auth_source) == ("envu", "environment")
    write(
        in_tmp / "bot_config.json",
        {
            "security": {
                "allowed_hosts": ["file.example"],
                "auth": {"basic": {"user": "fu", "password": "fp"}},
            }
        },
    )
    sec = SecurityConfig(service_name="bot")
    assert sec.config_file == "bot_config.json"
    assert sec.allowed_hosts == ["file.example"]
    assert sec.max_request_size == 2048  # not in the file: env
    assert (sec.basic_auth_user, sec.basic_auth_source) == ("fu", "config file")
    # The agent searches with its name; an argument beats everything.
    assert AgentBase("bot").get_basic_auth_credentials(True) == ("fu", "fp", "config file")
    assert AgentBase("bot", basic_auth=("a", "b")).get_basic_auth_credentials(True) == (
        "a",
        "b",
        "provided",
    )
    assert AgentBase("bot").security.allowed_hosts == ["file.example"]


def test_bad_numbers_name_the_setting(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWML_MAX_REQUEST_SIZE", "lots")
    with pytest.raises(ValueError, match="SWML_MAX_REQUEST_SIZE"):
        SecurityConfig()
    monkeypatch.delenv("SWML_MAX_REQUEST_SIZE")
    write(in_tmp / "c.json", {"security": {"request_timeout": -1}})
    with pytest.raises(ValueError, match=r"security\.request_timeout"):
        SecurityConfig("c.json")


def test_ssl_validation(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWML_SSL_ENABLED", "yes")
    sec = SecurityConfig()
    assert sec.get_url_scheme() == "https"
    assert sec.validate_ssl_config() == (False, "SSL is enabled but SWML_SSL_CERT_PATH is not set")
    sec.ssl_cert_path = "cert.pem"
    assert sec.validate_ssl_config()[1] == "SSL is enabled but SWML_SSL_KEY_PATH is not set"
    sec.ssl_key_path = "key.pem"
    assert sec.validate_ssl_config() == (False, "SSL certificate file not found: cert.pem")
    (in_tmp / "cert.pem").write_text("x")
    (in_tmp / "key.pem").write_text("x")
    assert sec.validate_ssl_config() == (True, None)
    assert sec.get_ssl_context_kwargs() == {"ssl_certfile": "cert.pem", "ssl_keyfile": "key.pem"}
    headers = sec.get_security_headers(is_https=True)
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    sec.use_hsts = False
    assert "Strict-Transport-Security" not in sec.get_security_headers(is_https=True)


def test_should_allow_host(in_tmp: Path) -> None:
    sec = SecurityConfig()
    assert sec.should_allow_host("anything")
    sec.allowed_hosts = ["agent.example", ".corp.example", "[::1]"]
    assert sec.should_allow_host("agent.example")
    assert sec.should_allow_host("AGENT.example:8443")
    assert sec.should_allow_host("corp.example") and sec.should_allow_host("a.b.corp.example")
    assert sec.should_allow_host("[::1]:3000")
    assert not sec.should_allow_host("evil.example")
    assert not sec.should_allow_host("agent.example.evil")
    assert not sec.should_allow_host("xcorp.example")
    assert not sec.should_allow_host("")


def test_trusted_proxy(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sec = SecurityConfig()
    assert sec.is_trusted_proxy("127.0.0.1") and sec.is_trusted_proxy("::1")
    assert not sec.is_trusted_proxy("10.0.0.5") and not sec.is_trusted_proxy(None)
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.0.0.0/8")
    assert SecurityConfig().is_trusted_proxy("10.0.0.5")
    assert not SecurityConfig().is_trusted_proxy("127.0.0.1")
    monkeypatch.setenv("SWML_TRUST_PROXY_HEADERS", "true")
    assert SecurityConfig().is_trusted_proxy("203.0.113.9")


def test_generated_password_is_stable(in_tmp: Path) -> None:
    sec = SecurityConfig()
    first = sec.get_basic_auth()
    assert first[0] == "signalwire" and len(first[1]) >= 32
    assert sec.get_basic_auth() == first and sec.basic_auth_source == "generated"


def test_log_config_never_shows_the_password(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("SWML_BASIC_AUTH_USER", "u")
    monkeypatch.setenv("SWML_BASIC_AUTH_PASSWORD", "hunter2-secret")
    with caplog.at_level("INFO", logger="signalwire.agents.security"):
        SecurityConfig().log_config("svc")
    assert "svc security" in caplog.text and "hunter2" not in caplog.text


class _Basic:
    def __init__(self, username: str, password: str) -> None:
        self.username, self.password = username, password


class _Bearer:
    def __init__(self, credentials: str) -> None:
        self.credentials = credentials


def test_auth_handler(in_tmp: Path) -> None:
    write(
        in_tmp / "c.json",
        {
            "security": {
                "auth": {
                    "basic": {"user": "u", "password": "p"},
                    "bearer": {"token": "t0k3n"},
                    "api_key": {"key": "k1", "header": "X-Key"},
                }
            }
        },
    )
    handler = AuthHandler(SecurityConfig("c.json"))
    assert handler.verify_basic_auth(_Basic("u", "p")) and handler.verify_basic_auth(("u", "p"))
    assert not handler.verify_basic_auth(_Basic("u", "x")) and not handler.verify_basic_auth(None)
    assert not handler.verify_basic_auth(("u", "\ud800"))
    assert handler.verify_bearer_token(_Bearer("t0k3n")) and not handler.verify_bearer_token("no")
    assert handler.verify_api_key("k1") and not handler.verify_api_key("k2")
    info = handler.get_auth_info()
    assert info["basic"] == {"enabled": True, "username": "u"}
    assert info["api_key"]["header"] == "X-Key" and "bearer" in info
    assert "t0k3n" not in repr(info) and "k1" not in repr(info)
    assert handler.check_headers({"authorization": "Bearer t0k3n"}) == "bearer"
    assert handler.check_headers({"X-Key": "k1"}) == "api_key"
    assert handler.check_headers({"authorization": "Basic dTpw"}) == "basic"
    assert handler.check_headers({"authorization": "Basic dTp4"}) is None
    bare = AuthHandler(SecurityConfig())
    assert not bare.verify_bearer_token("t0k3n") and not bare.verify_api_key("k1")
    assert set(bare.get_auth_info()) == {"basic"}


def test_no_environment_leaks_between_tests() -> None:
    assert "SWML_ALLOWED_HOSTS" not in os.environ


def test_schema_utils_answers_from_the_swml_schema() -> None:
    agent = AgentBase("schema", basic_auth=("u", "p"))
    utils = agent.schema_utils
    assert utils is agent.schema_utils and utils.full_validation_available
    names = utils.get_all_verb_names()
    assert {"answer", "ai", "play", "hangup"} <= set(names)
    assert "reason" in utils.get_verb_parameters("hangup")
    assert utils.get_verb_required_properties("goto") == ["label"]
    assert (
        utils.get_verb_properties("nope") == {} and utils.get_verb_required_properties("nope") == []
    )
    assert utils.validate_verb("hangup", {"reason": "busy"}) == (True, [])
    ok, errors = utils.validate_verb("hangup", {"reason": 5})
    assert not ok and errors and "5" not in " ".join(errors).replace("hangup", "")
    assert utils.validate_verb("not_a_verb", {})[0] is False
    assert utils.validate_document(
        {"version": "1.0.0", "sections": {"main": [{"answer": {}}]}}
    ) == (
        True,
        [],
    )
    assert utils.validate_document({"sections": 3})[0] is False
    assert "verbs" in utils.load_schema()
    skipping = AgentBase("s2", basic_auth=("u", "p"), schema_validation=False)
    assert skipping.schema_utils.full_validation_available is False


def test_schema_utils_loads_a_given_schema_file(tmp_path: Path) -> None:
    from signalwire.agents._schema_utils import SchemaUtils

    path = write(tmp_path / "schema.json", {"$defs": {}})
    assert SchemaUtils(str(path)).load_schema() == {"$defs": {}}
    bad = write(tmp_path / "bad.json", [1])
    with pytest.raises(ValueError, match="must hold a JSON object"):
        SchemaUtils(str(bad)).load_schema()
