"""The relaxed-fields table (generator input) and the fake's copy agree; stale entries stop
the generator."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest

from signalwire.testing.rest import platform_exceptions

TOOLS = Path(__file__).resolve().parents[3] / "tools"


@pytest.fixture(scope="module")
def relaxed() -> Any:
    sys.path.insert(0, str(TOOLS))
    try:
        from rest_codegen import relaxed as module
    finally:
        sys.path.remove(str(TOOLS))
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
