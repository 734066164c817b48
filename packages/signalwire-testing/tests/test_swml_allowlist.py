"""The SWML validator's allowlists: each entry has a reason, forgives only its own form."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from signalwire.testing.swml import ALLOWED_FORMS, ALLOWLIST, SWMLValidationError, validate_swml


def doc(ai: dict[str, Any]) -> dict[str, Any]:
    return {"version": "1.0.0", "sections": {"main": [{"answer": {}}, {"ai": ai}]}}


FN = {"function": "look", "description": "Look", "parameters": {"type": "object", "properties": {}}}
STEP = {"name": "greet", "text": "Say hello."}


def test_every_entry_gives_a_reason() -> None:
    for entry in (*ALLOWLIST, *ALLOWED_FORMS):
        assert len(entry.reason) > 40, entry


def test_vendor_forms_validate_and_their_contents_are_still_checked() -> None:
    validate_swml(
        doc({"prompt": {"text": "x"}, "SWAIG": {"functions": [{**FN, "fillers": ["One moment"]}]}})
    )
    with pytest.raises(SWMLValidationError):  # a list of non-strings is not the vendor form
        validate_swml(
            doc({"prompt": {"text": "x"}, "SWAIG": {"functions": [{**FN, "fillers": [1]}]}})
        )
    contexts = {
        "sales": {"steps": [{**STEP, "functions": "none"}]},
        "support": {"steps": [{**STEP, "functions": "lookup"}]},
    }
    validate_swml(doc({"prompt": {"pom": [], "contexts": contexts}}))
    broken = copy.deepcopy(contexts)
    broken["support"]["steps"][0]["name"] = "next"  # still refused inside the vendor form
    with pytest.raises(SWMLValidationError):
        validate_swml(doc({"prompt": {"pom": [], "contexts": broken}}))
    with pytest.raises(SWMLValidationError):  # an empty pom without contexts stays an error
        validate_swml(doc({"prompt": {"pom": []}}))
    with pytest.raises(SWMLValidationError):  # a lone context must still be `default`
        validate_swml(doc({"prompt": {"text": "x", "contexts": {"sales": contexts["sales"]}}}))
