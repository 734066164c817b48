"""``swaig-test``'s request flags (--method, --body, --override-json, --project-id,
--space-id) and the platform flags with the environment each simulates."""

from __future__ import annotations

import contextlib
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest

from signalwire.agents._cli import main
from signalwire.agents._cli._simulate import PRESETS

PROBE = """
import os
from signalwire.agents import AgentBase

agent = AgentBase("probe", route="/probe")
agent.prompt_add_section("Role", "You are a probe.")

ENV = ["AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_URL", "AWS_REGION", "HTTP_HOST",
       "SERVER_NAME", "SCRIPT_NAME", "HTTPS", "PATH_INFO", "GOOGLE_CLOUD_PROJECT", "GCP_PROJECT",
       "FUNCTION_URL", "GOOGLE_CLOUD_REGION", "K_SERVICE", "AZURE_FUNCTIONS_ENVIRONMENT",
       "AZURE_FUNCTION_URL", "WEBSITE_SITE_NAME", "GATEWAY_INTERFACE", "SWML_PROXY_URL_BASE"]


def seen(query_params, body_params, headers, ephemeral):
    ephemeral.set_global_data({
        "body": body_params,
        "env": {k: os.environ.get(k) for k in ENV},
    })


agent.set_dynamic_config_callback(seen)


@agent.tool(secure=False)
def echo(text: str) -> str:
    '''Echo text.'''
    return text
"""


@pytest.fixture
def probe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("SWML_BASIC_AUTH_USER", "u")
    monkeypatch.setenv("SWML_BASIC_AUTH_PASSWORD", "p")
    path = tmp_path / "probe.py"
    path.write_text(PROBE)
    return str(path)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(list(argv), out)
    return code, out.getvalue(), err.getvalue()


def swml(*argv: str) -> dict[str, Any]:
    code, out, err = run(*argv, "--dump-swml", "--raw")
    assert code == 0, err
    doc: dict[str, Any] = json.loads(out)
    return doc


def global_data(doc: dict[str, Any]) -> dict[str, Any]:
    ai = next(v["ai"] for v in doc["sections"]["main"] if "ai" in v)
    data: dict[str, Any] = ai["global_data"]
    return data


def webhook(doc: dict[str, Any]) -> str:
    ai = next(v["ai"] for v in doc["sections"]["main"] if "ai" in v)
    fn = ai["SWAIG"]["functions"][0]
    url: str = fn.get("web_hook_url") or ai["SWAIG"]["defaults"]["web_hook_url"]
    return url


def test_project_and_space_ids_reach_the_call(probe: str) -> None:
    body = global_data(swml(probe, "--project-id", "p-1", "--space-id", "s-1"))["body"]
    assert body["call"]["project_id"] == "p-1" and body["call"]["space_id"] == "s-1"


def test_override_json_sets_json_values_after_override(probe: str) -> None:
    doc = swml(
        probe,
        "--override", "vars.userVariables.tier=silver",
        "--override-json", 'vars.userVariables={"tier": "gold", "vip": true}',
        "--override-json", "call.extra.depth=[1, 2]",
    )  # fmt: skip
    body = global_data(doc)["body"]
    assert body["vars"]["userVariables"] == {"tier": "gold", "vip": True}
    assert body["call"]["extra"]["depth"] == [1, 2]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--override-json", "a.b=not json"], "--override-json a.b: the value is not valid JSON"),
        (["--override-json", "novalue"], "--override-json needs PATH=VALUE"),
        (["--body", "{oops"], "--body: not valid JSON"),
        (["--method", "PUT"], "invalid choice: 'PUT'"),
    ],
)
def test_bad_request_flags_are_usage_errors(probe: str, argv: list[str], message: str) -> None:
    code, out, err = run(probe, "--dump-swml", *argv)
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err


def test_body_replaces_the_call_data(probe: str) -> None:
    body = global_data(swml(probe, "--body", '{"call": {"call_id": "given"}, "x": 1}'))["body"]
    assert body == {"call": {"call_id": "given"}, "x": 1}


def test_method_get_sends_no_body(probe: str) -> None:
    assert global_data(swml(probe, "--method", "get"))["body"] == {}


@pytest.mark.parametrize("mode", sorted(PRESETS))
def test_each_platform_sets_its_preset(probe: str, mode: str) -> None:
    os.environ["SWML_PROXY_URL_BASE"] = "https://proxy.example"  # cleared by the simulation
    try:
        env = global_data(swml(probe, "--simulate-serverless", mode))["env"]
    finally:
        del os.environ["SWML_PROXY_URL_BASE"]
    for key, value in PRESETS[mode].items():
        if key in env:
            assert env[key] == value, key
    assert env["SWML_PROXY_URL_BASE"] is None
    others = {k for m, p in PRESETS.items() if m != mode for k in p} - set(PRESETS[mode])
    assert all(env.get(k) is None for k in others if k in env)
    assert "AWS_LAMBDA_FUNCTION_URL" not in os.environ  # the command's variables end with it


def test_aws_flags(probe: str) -> None:
    doc = swml(
        probe, "--simulate-serverless", "lambda", "--aws-api-gateway-id", "gw1",
        "--aws-region", "eu-west-1", "--aws-stage", "live",
    )  # fmt: skip
    env = global_data(doc)["env"]
    assert env["AWS_LAMBDA_FUNCTION_URL"] == "https://gw1.execute-api.eu-west-1.amazonaws.com/live"
    assert webhook(doc).startswith(
        "https://u:p@gw1.execute-api.eu-west-1.amazonaws.com/live/probe/"
    )
    # A function name without a URL: the preset URL is dropped, the URL is built from parts.
    doc = swml(probe, "--simulate-serverless", "lambda", "--aws-function-name", "fn1")
    assert global_data(doc)["env"]["AWS_LAMBDA_FUNCTION_URL"] is None
    assert webhook(doc).startswith("https://u:p@fn1.lambda-url.us-east-1.on.aws/probe/")
    doc = swml(probe, "--simulate-serverless", "lambda", "--aws-function-url", "https://f.example")
    assert webhook(doc).startswith("https://u:p@f.example/probe/")


def test_aws_flag_conflicts_warn(probe: str) -> None:
    code, _out, err = run(
        probe, "--simulate-serverless", "lambda", "--aws-function-url", "https://f.example",
        "--aws-api-gateway-id", "gw1", "--dump-swml",
    )  # fmt: skip
    assert code == 0 and "--aws-api-gateway-id is ignored" in err
    code, _out, err = run(
        probe, "--simulate-serverless", "lambda", "--aws-stage", "x", "--dump-swml"
    )
    assert code == 0 and "--aws-stage does nothing without --aws-api-gateway-id" in err


def test_gcp_flags(probe: str) -> None:
    doc = swml(
        probe, "--simulate-serverless", "cloud_function", "--gcp-project", "acme",
        "--gcp-region", "europe-west1", "--gcp-service", "bot",
    )  # fmt: skip
    env = global_data(doc)["env"]
    assert (env["GOOGLE_CLOUD_PROJECT"], env["GOOGLE_CLOUD_REGION"], env["K_SERVICE"]) == (
        "acme",
        "europe-west1",
        "bot",
    )
    assert env["FUNCTION_URL"] is None  # parts given: the preset URL is dropped
    assert webhook(doc).startswith("https://u:p@europe-west1-acme.cloudfunctions.net/bot/probe/")
    doc = swml(
        probe, "--simulate-serverless", "cloud_function", "--gcp-function-url", "https://g.example"
    )
    assert webhook(doc).startswith("https://u:p@g.example/probe/")


def test_azure_flags(probe: str) -> None:
    doc = swml(
        probe, "--simulate-serverless", "azure_function", "--azure-env", "Production",
        "--azure-function-url", "https://az.example/api/bot",
    )  # fmt: skip
    assert global_data(doc)["env"]["AZURE_FUNCTIONS_ENVIRONMENT"] == "Production"
    assert webhook(doc).startswith("https://u:p@az.example/api/bot/probe/")


def test_cgi_flags(probe: str) -> None:
    doc = swml(
        probe, "--simulate-serverless", "cgi", "--cgi-host", "agents.example",
        "--cgi-script-name", "/bin/agent.cgi", "--cgi-https", "--cgi-path-info", "/probe",
    )  # fmt: skip
    env = global_data(doc)["env"]
    assert (env["HTTP_HOST"], env["SERVER_NAME"], env["SCRIPT_NAME"], env["HTTPS"]) == (
        "agents.example",
        "agents.example",
        "/bin/agent.cgi",
        "on",
    )
    assert env["PATH_INFO"] == "/probe"
    assert webhook(doc).startswith("https://u:p@agents.example/bin/agent.cgi/probe/")
    code, out, err = run(
        probe, "--simulate-serverless", "cgi", "--cgi-host", "agents.example",
        "--cgi-script-name", "/bin/agent.cgi", "--raw", "--exec", "echo", "--text", "hi",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out) == {"response": "hi"}


def test_env_file_and_env_override_the_preset(probe: str, tmp_path: Path) -> None:
    env_file = tmp_path / "vars.env"
    env_file.write_text("AWS_REGION=ap-south-1\nAWS_LAMBDA_FUNCTION_NAME=from-file\n")
    doc = swml(
        probe, "--simulate-serverless", "lambda", "--env-file", str(env_file),
        "--env", "AWS_LAMBDA_FUNCTION_NAME=from-flag",
    )  # fmt: skip
    env = global_data(doc)["env"]
    assert (env["AWS_REGION"], env["AWS_LAMBDA_FUNCTION_NAME"]) == ("ap-south-1", "from-flag")
    assert webhook(doc).startswith("https://u:p@from-flag.lambda-url.ap-south-1.on.aws/probe/")
