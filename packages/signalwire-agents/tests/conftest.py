"""Agents test configuration: make agents_testkit importable; isolate the environment."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "SWML_PROXY_URL_BASE",
        "SWML_BASIC_AUTH_USER",
        "SWML_BASIC_AUTH_PASSWORD",
        "SIGNALWIRE_SWAIG_SECRET",
        "SIGNALWIRE_SIGNING_KEY",
        "SWML_SKIP_SCHEMA_VALIDATION",
        "PORT",
        "SWML_SSL_ENABLED",
        "SWML_SSL_CERT_PATH",
        "SWML_SSL_KEY_PATH",
        "SWML_DOMAIN",
        "SWML_ALLOWED_HOSTS",
        "SWML_CORS_ORIGINS",
        "SWML_MAX_REQUEST_SIZE",
        "SWML_REQUEST_TIMEOUT",
        "SWML_USE_HSTS",
        "SWML_HSTS_MAX_AGE",
        "SWML_TRUST_PROXY_HEADERS",
        "FORWARDED_ALLOW_IPS",
        "GATEWAY_INTERFACE",
        "AWS_LAMBDA_FUNCTION_NAME",
        "LAMBDA_TASK_ROOT",
        "FUNCTION_TARGET",
        "AZURE_FUNCTIONS_ENVIRONMENT",
        "FUNCTIONS_WORKER_RUNTIME",
        "AzureWebJobsStorage",
    ):
        monkeypatch.delenv(name, raising=False)
