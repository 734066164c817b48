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
    ):
        monkeypatch.delenv(name, raising=False)
