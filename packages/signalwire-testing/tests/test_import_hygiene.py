"""Importing signalwire.testing (and its agents part) does no I/O, reads no environment,
configures no logging, and loads none of the optional libraries until they are used."""

from __future__ import annotations

import pytest

from signalwire_devtools.hygiene import assert_clean_import

HEAVY = {"httpx", "jsonschema", "referencing", "websockets", "starlette", "uvicorn", "signalwire"}


@pytest.mark.parametrize(
    "module", ["signalwire.testing", "signalwire.testing.relay", "signalwire.testing.rest"]
)
def test_import_is_side_effect_free_and_light(module: str) -> None:
    result = assert_clean_import(module)
    loaded = set(result["top_level"]) & (HEAVY - {"signalwire"})
    assert not loaded, f"importing {module} loaded {sorted(loaded)}"


def test_agents_part_imports_no_sdk_and_no_http_client() -> None:
    result = assert_clean_import("signalwire.testing.agents")
    assert not {"httpx", "jsonschema", "starlette", "websockets"} & set(result["top_level"])
