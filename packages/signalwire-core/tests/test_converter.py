"""The shared converter: omission, reserved words, extra keys, exact round trips."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from signalwire.core import (
    EXTRA_FIELD,
    UNSET,
    UnsetType,
    WireError,
    make_converter,
    structure,
    wire_name,
)


@attrs.frozen(kw_only=True)
class Device:
    type_: str
    to: str
    from_: str | None = None
    timeout: int | None = None


@attrs.frozen(kw_only=True)
class Resource:
    id: str
    name: str
    devices: list[Device] = attrs.field(factory=list)
    extra_: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class Patch:
    name: str | UnsetType | None = UNSET
    note: str | UnsetType | None = UNSET


def test_wire_names() -> None:
    assert wire_name("from_") == "from"
    assert wire_name("type_") == "type"
    assert wire_name("call_id") == "call_id"
    assert wire_name(EXTRA_FIELD) == EXTRA_FIELD


def test_reserved_words_map_both_ways_and_unset_fields_are_omitted() -> None:
    conv = make_converter()
    device = Device(type_="phone", to="+1555", from_="+1666")
    assert conv.unstructure(device) == {"type": "phone", "to": "+1555", "from": "+1666"}
    assert conv.unstructure(Device(type_="sip", to="sip:a@b")) == {"type": "sip", "to": "sip:a@b"}
    assert conv.structure({"type": "phone", "to": "1", "from": "2"}, Device) == Device(
        type_="phone", to="1", from_="2"
    )


def test_unknown_keys_are_ignored_without_extra_field() -> None:
    conv = make_converter()
    assert conv.structure({"type": "phone", "to": "1", "new_field": 5}, Device) == Device(
        type_="phone", to="1"
    )


def test_extra_field_round_trips_exactly() -> None:
    conv = make_converter()
    raw = {
        "id": "r1",
        "name": "agent",
        "devices": [{"type": "phone", "to": "+1", "timeout": 30}],
        "created_at": "2026-01-01T00:00:00Z",
        "nested": {"a": [1, 2, {"b": None}]},
    }
    obj = conv.structure(raw, Resource)
    assert obj.extra_ == {
        "created_at": "2026-01-01T00:00:00Z",
        "nested": {"a": [1, 2, {"b": None}]},
    }
    assert conv.unstructure(obj) == raw


def test_known_fields_win_over_extra() -> None:
    conv = make_converter()
    obj = Resource(id="1", name="real", extra_={"name": "stale", "x": 1})
    # devices equals its default, so it is omitted like any unset field.
    assert conv.unstructure(obj) == {"id": "1", "name": "real", "x": 1}


def test_unset_sentinel_distinguishes_null_from_missing() -> None:
    conv = make_converter()
    assert conv.unstructure(Patch()) == {}
    assert conv.unstructure(Patch(name=None)) == {"name": None}
    assert conv.unstructure(Patch(name="x")) == {"name": "x"}
    assert repr(UNSET) == "UNSET"
    assert not UNSET
    assert UnsetType() is UNSET


def test_structure_errors_are_wire_errors_with_paths() -> None:
    conv = make_converter()
    with pytest.raises(WireError) as info:
        structure(conv, {"id": "1"}, Resource)
    assert any("name" in reason for reason in info.value.errors)
    assert "Resource" in str(info.value)
    with pytest.raises(WireError, match="devices"):
        structure(conv, {"id": "1", "name": "n", "devices": [{"to": "x"}]}, Resource)


def test_converters_are_independent() -> None:
    a, b = make_converter(), make_converter()
    b.register_unstructure_hook(Device, lambda d: {"custom": True})
    assert a.unstructure(Device(type_="x", to="y")) == {"type": "x", "to": "y"}


texts = st.text(max_size=10)
json_scalars = st.none() | st.booleans() | st.integers() | texts
json_values = st.recursive(
    json_scalars,
    lambda c: st.lists(c, max_size=3) | st.dictionaries(texts, c, max_size=3),
    max_leaves=8,
)


@given(
    id_=texts,
    name=texts,
    devices=st.lists(
        st.builds(
            Device,
            type_=texts,
            to=texts,
            from_=st.none() | texts,
            timeout=st.none() | st.integers(),
        ),
        max_size=3,
    ),
    extra=st.dictionaries(
        st.text(min_size=1, max_size=8).filter(lambda k: k not in {"id", "name", "devices"}),
        json_values,
        max_size=4,
    ),
)
def test_round_trip_property(
    id_: str, name: str, devices: list[Device], extra: dict[str, Any]
) -> None:
    conv = make_converter()
    obj = Resource(id=id_, name=name, devices=devices, extra_=extra)
    raw = conv.unstructure(obj)
    assert conv.structure(raw, Resource) == obj
    assert conv.unstructure(conv.structure(raw, Resource)) == raw
