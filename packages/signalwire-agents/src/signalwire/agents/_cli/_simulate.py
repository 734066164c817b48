"""The environment ``swaig-test`` sets up: ``--env``/``--env-file`` and the simulated platform.

With ``--simulate-serverless MODE`` the variables that platform sets are filled in from a
preset, after clearing the other platforms' variables and ``SWML_PROXY_URL_BASE``; the
``--aws-*``/``--gcp-*``/``--azure-*``/``--cgi-*`` flags then override single variables.
When a flag gives a part of the public URL (a function name, a region) but not the URL
itself, the preset's URL is left out so the agent builds its URL from the parts.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping

__all__ = ["PRESETS", "apply_changes", "platform_flag_env", "simulated_env"]

#: What each platform sets in a function's environment (the values are examples).
PRESETS: dict[str, dict[str, str]] = {
    "lambda": {
        "AWS_LAMBDA_FUNCTION_NAME": "test-agent-function",
        "AWS_LAMBDA_FUNCTION_URL": "https://abc123.lambda-url.us-east-1.on.aws/",
        "AWS_REGION": "us-east-1",
        "_HANDLER": "lambda_function.lambda_handler",
    },
    "cgi": {
        "GATEWAY_INTERFACE": "CGI/1.1",
        "HTTP_HOST": "example.com",
        "SCRIPT_NAME": "/cgi-bin/agent.cgi",
        "HTTPS": "on",
        "SERVER_NAME": "example.com",
        "SIGNALWIRE_LOG_MODE": "off",
    },
    "cloud_function": {
        "GOOGLE_CLOUD_PROJECT": "test-project",
        "FUNCTION_TARGET": "agent",
        "FUNCTION_URL": "https://my-function-abc123.cloudfunctions.net",
        "GOOGLE_CLOUD_REGION": "us-central1",
        "K_SERVICE": "agent",
    },
    "azure_function": {
        "AZURE_FUNCTIONS_ENVIRONMENT": "Development",
        "FUNCTIONS_WORKER_RUNTIME": "python",
        "WEBSITE_SITE_NAME": "my-function-app",
        "AZURE_FUNCTION_NAME": "agent",
    },
}
#: Per platform: the URL variable, and the variables that build the URL from parts.
_URL_PARTS = {
    "lambda": ("AWS_LAMBDA_FUNCTION_URL", ("AWS_LAMBDA_FUNCTION_NAME", "AWS_REGION")),
    "cloud_function": (
        "FUNCTION_URL",
        (
            "GOOGLE_CLOUD_PROJECT",
            "GCP_PROJECT",
            "GOOGLE_CLOUD_REGION",
            "FUNCTION_REGION",
            "K_SERVICE",
            "FUNCTION_TARGET",
        ),
    ),
    "azure_function": (
        "AZURE_FUNCTION_URL",
        ("WEBSITE_SITE_NAME", "AZURE_FUNCTIONS_APP_NAME", "AZURE_FUNCTION_NAME"),
    ),
}
#: (preferred, alias): the agent reads the preferred name first, so a user who sets the
#: alias must not be shadowed by the preset's preferred one.
_ALIASES = [
    ("GOOGLE_CLOUD_PROJECT", "GCP_PROJECT"),
    ("GOOGLE_CLOUD_REGION", "FUNCTION_REGION"),
    ("K_SERVICE", "FUNCTION_TARGET"),
    ("WEBSITE_SITE_NAME", "AZURE_FUNCTIONS_APP_NAME"),
]


def _warn(text: str) -> None:
    print(f"swaig-test: warning: {text}", file=sys.stderr)


def platform_flag_env(args: argparse.Namespace) -> dict[str, str]:
    """The variables the ``--aws-*``, ``--gcp-*``, ``--azure-*`` and ``--cgi-*`` flags set."""
    env: dict[str, str] = {}
    simple = {
        "aws_function_name": "AWS_LAMBDA_FUNCTION_NAME",
        "aws_function_url": "AWS_LAMBDA_FUNCTION_URL",
        "aws_region": "AWS_REGION",
        "cgi_script_name": "SCRIPT_NAME",
        "cgi_path_info": "PATH_INFO",
        "gcp_project": "GOOGLE_CLOUD_PROJECT",
        "gcp_function_url": "FUNCTION_URL",
        "gcp_region": "GOOGLE_CLOUD_REGION",
        "gcp_service": "K_SERVICE",
        "azure_env": "AZURE_FUNCTIONS_ENVIRONMENT",
        "azure_function_url": "AZURE_FUNCTION_URL",
    }
    for attr, name in simple.items():
        value = getattr(args, attr, None)
        if value is not None:
            env[name] = value
    if args.cgi_host is not None:
        env["HTTP_HOST"] = env["SERVER_NAME"] = args.cgi_host
    if args.cgi_https:
        env["HTTPS"] = "on"
    if args.aws_api_gateway_id is not None:
        if args.aws_function_url is not None:
            _warn("--aws-api-gateway-id is ignored: --aws-function-url gives the URL")
        else:
            region = args.aws_region or "us-east-1"
            stage = args.aws_stage or "prod"
            env["AWS_LAMBDA_FUNCTION_URL"] = (
                f"https://{args.aws_api_gateway_id}.execute-api.{region}.amazonaws.com/{stage}"
            )
    elif args.aws_stage is not None:
        _warn("--aws-stage does nothing without --aws-api-gateway-id")
    return env


def _omitted(mode: str, given: Mapping[str, str]) -> set[str]:
    """Preset variables to leave out because the user gave parts (or aliases) of them."""
    out: set[str] = set()
    if mode in _URL_PARTS:
        url, parts = _URL_PARTS[mode]
        if url not in given and any(p in given for p in parts):
            out.add(url)
    for preferred, alias in _ALIASES:
        if alias in given and preferred not in given:
            out.add(preferred)
    return out


def simulated_env(mode: str | None, user: Mapping[str, str]) -> dict[str, str | None]:
    """Changes to ``os.environ`` (None removes) for platform ``mode`` and the user's variables.

    ``user`` holds the ``--env-file``, ``--env`` and platform-flag variables, in that order
    of precedence (later wins), already merged.
    """
    changes: dict[str, str | None] = {}
    if mode is not None:
        for other, preset in PRESETS.items():
            if other != mode:
                changes.update(dict.fromkeys(preset))
        changes["SWML_PROXY_URL_BASE"] = None
        for _name, (url, parts) in _URL_PARTS.items():
            changes.update(dict.fromkeys((url, *parts)))
        omit = _omitted(mode, user)
        changes.update({k: v for k, v in PRESETS[mode].items() if k not in omit})
        changes.update(dict.fromkeys(omit))
    changes.update(user)
    return changes


def apply_changes(changes: Mapping[str, str | None]) -> None:
    """Set (or remove, for None) each variable in ``os.environ``."""
    for key, value in changes.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
