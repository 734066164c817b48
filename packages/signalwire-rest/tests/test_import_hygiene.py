"""Importing signalwire.rest reads no environment, opens nothing, configures no logging
and loads none of the libraries this namespace does not need."""

from __future__ import annotations

from signalwire_devtools.hygiene import assert_clean_import


def test_import_is_side_effect_free() -> None:
    assert_clean_import("signalwire.rest")
