"""The relaxed-fields table (generator input) and the fake's copy agree; stale entries stop
the generator."""

from __future__ import annotations

import re
from typing import Any

import pytest

from signalwire.testing.rest import platform_exceptions


@pytest.fixture(scope="module")
def relaxed() -> Any:
    from signalwire_devtools.codegen.rest import relaxed as module

    return module


def test_the_fake_reads_the_generator_input(relaxed: Any) -> None:
    data = relaxed.as_json()
    assert platform_exceptions() == {k: data[k] for k in ("relaxed", "undeclared")}


def test_a_relaxed_field_the_spec_no_longer_requires_is_refused(relaxed: Any) -> None:
    entry = relaxed.RELAXED[0]
    required = {
        e.operation: {f.field for f in relaxed.RELAXED if f.operation == e.operation}
        for e in relaxed.RELAXED
    }
    declared = {e.operation: set() for e in relaxed.UNDECLARED}
    relaxed.check(required, declared)  # the real table passes against itself
    required[entry.operation].discard(entry.field)
    with pytest.raises(ValueError, match=re.escape(f"{entry.operation} {entry.field}")):
        relaxed.check(required, declared)


def test_an_undeclared_field_the_spec_now_declares_is_refused(relaxed: Any) -> None:
    entry = relaxed.UNDECLARED[0]
    required = {
        e.operation: {f.field for f in relaxed.RELAXED if f.operation == e.operation}
        for e in relaxed.RELAXED
    }
    declared = {e.operation: set() for e in relaxed.UNDECLARED}
    declared[entry.operation] = {entry.field}
    with pytest.raises(ValueError, match=re.escape(f"{entry.operation} {entry.field}")):
        relaxed.check(required, declared)
