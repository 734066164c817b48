"""Every method of signalwire-sdk 3.7.5's RestClient exists here, with the same
positional parameter names (the table was collected from that SDK's signatures)."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from signalwire.rest import AsyncRestClient, RestClient
from signalwire_devtools.codegen.rest import vendor_names as VENDOR


def _resolve(root: Any, dotted: str) -> Any:
    obj = root
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


@pytest.mark.parametrize("client_class", [RestClient, AsyncRestClient])
def test_every_vendor_method_exists(client_class: type) -> None:
    client = client_class("p", "t", "example.signalwire.com")
    missing = [
        m
        for m in VENDOR.VENDOR_METHODS
        if not callable(
            getattr(
                _resolve(client, m.rsplit(".", 1)[0]) if "." in m else client,
                m.rsplit(".", 1)[-1],
                None,
            )
        )
    ]
    assert missing == []
    assert len(VENDOR.VENDOR_METHODS) > 250


def test_positional_parameter_names_match() -> None:
    client = RestClient("p", "t", "example.signalwire.com")
    for dotted, names in VENDOR.VENDOR_PATH_PARAMS.items():
        params = inspect.signature(_resolve(client, dotted)).parameters.values()
        positional = tuple(
            p.name
            for p in params
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.name != "body"
        )
        assert positional == names, dotted
    client.close()
