"""pytest plugin: fixtures for the fake SignalWire platform.

Registered through the ``pytest11`` entry point. Fixture modules are imported
inside the fixtures so loading the plugin costs nothing.
"""

from __future__ import annotations

from typing import Any

import pytest

from signalwire.testing.specs import load_spec_file


def _swml_schema() -> dict[str, Any]:
    data: dict[str, Any] = load_spec_file("swml-calling.schema.json")
    return data


@pytest.fixture(scope="session")
def swml_schema() -> dict[str, Any]:
    """The SWML calling JSON schema, parsed once per session."""
    return _swml_schema()
