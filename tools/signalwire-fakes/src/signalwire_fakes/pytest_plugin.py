"""pytest plugin: fixtures for the fake SignalWire platform.

Registered through the ``pytest11`` entry point. Fixture modules are imported
inside the fixtures so loading the plugin costs nothing.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

from signalwire_fakes.specs import spec_path


@cache
def _swml_schema() -> dict[str, Any]:
    with spec_path("swml-calling.schema.json").open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


@pytest.fixture(scope="session")
def swml_schema() -> dict[str, Any]:
    """The SWML calling JSON schema, parsed once per session."""
    return _swml_schema()
