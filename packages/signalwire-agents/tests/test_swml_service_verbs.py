"""SWMLService's generated verb methods: one per schema verb, validated configs."""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from signalwire.agents import SWMLService
from signalwire.agents import _verbs_generated as generated
from signalwire.agents._errors import SchemaValidationError
from signalwire.agents._schema import known_verbs
from signalwire.agents._verbs_generated import SWML_VERBS, SWMLBuilderVerbsMixin, SWMLVerbsMixin
from signalwire.testing.specs import load_spec_file
from signalwire.testing.swml import validate_swml

# A minimal valid config per verb, as the method's keyword arguments.
MINIMAL: dict[str, dict[str, Any]] = {
    "answer": {},
    "ai": {"prompt": {"text": "hi"}},
    "ai_sidecar": {"lang": "en-US", "prompt": {"text": "x"}},
    "amazon_bedrock": {"prompt": {"text": "hi"}},
    "connect": {"to": "+15551234567"},
    "denoise": {},
    "enter_queue": {"queue_name": "support", "transfer_after_bridge": "false"},
    "execute": {"dest": "sub"},
    "goto": {"label": "top"},
    "live_transcribe": {"action": "stop"},
    "live_translate": {"action": "stop"},
    "hangup": {},
    "join_room": {"name": "room"},
    "join_conference": {"name": "conf"},
    "play": {"url": "say:hi"},
    "prompt": {"play": "say:press 1"},
    "receive_fax": {},
    "record": {},
    "record_call": {},
    "request": {"url": "https://x.test", "method": "GET"},
    "send_digits": {"digits": "123"},
    "send_fax": {"document": "https://x.test/a.pdf"},
    "send_sms": {"to_number": "+15551234567", "from_number": "+15557654321", "body": "hi"},
    "sip_refer": {"to_uri": "sip:a@b.example"},
    "stop_denoise": {},
    "stop_record_call": {},
    "stop_stream": {},
    "stop_tap": {},
    "stream": {"url": "wss://x.test"},
    "switch": {"variable": "x", "case": {"1": [{"hangup": {}}]}},
    "tap": {"uri": "wss://x.test"},
    "transcribe": {},
    "transcribe_stop": {},
    "transfer": {"dest": "sub"},
    "pay": {"payment_connector_url": "https://x.test/pay"},
    "detect_machine": {},
    "user_event": {"event": {"a": 1}},
}
# Verbs whose config is not an object: (positional call, expected config).
NON_OBJECT: dict[str, tuple[Callable[[Any], Any], Any]] = {
    "sleep": (lambda s: s.sleep(1000), 1000),
    "cond": (
        lambda s: s.cond([{"when": "vars.x == 1", "then": [{"hangup": {}}]}]),
        [{"when": "vars.x == 1", "then": [{"hangup": {}}]}],
    ),
    "label": (lambda s: s.label("top"), "top"),
    "return": (lambda s: s.return_(), {}),
    "unset": (lambda s: s.unset(["a", "b"]), ["a", "b"]),
    "set": (lambda s: s.set({"a": 1}, b=2), {"a": 1, "b": 2}),
}


@pytest.fixture
def service() -> SWMLService:
    return SWMLService("verbs", basic_auth=("u", "p"))


def method_name(verb: str) -> str:
    return "return_" if verb == "return" else verb


def test_one_method_per_schema_verb() -> None:
    spec = load_spec_file("swml-calling.schema.json")
    verbs = [
        next(iter(spec["$defs"][r["$ref"].rsplit("/", 1)[-1]]["properties"]))
        for r in spec["$defs"]["SWMLMethod"]["anyOf"]
    ]
    assert list(SWML_VERBS) == verbs == list(known_verbs())
    assert set(MINIMAL) | set(NON_OBJECT) == set(verbs)
    for verb in verbs:
        method = getattr(SWMLVerbsMixin, method_name(verb))
        assert method.__doc__, verb
        hints = inspect.signature(method)
        assert hints.return_annotation in ("bool", bool), verb
        builder_method = getattr(SWMLBuilderVerbsMixin, method_name(verb), None)
        if verb not in ("ai", "answer", "hangup", "play"):  # hand-written on SWMLBuilder
            assert builder_method is not None, verb


@pytest.mark.parametrize("verb", sorted(MINIMAL))
def test_object_verb_methods_append_and_validate(service: SWMLService, verb: str) -> None:
    assert getattr(service, method_name(verb))(**MINIMAL[verb]) is True
    document = validate_swml(service.get_document())
    assert document["sections"]["main"] == [{verb: MINIMAL[verb]}]


@pytest.mark.parametrize("verb", sorted(NON_OBJECT))
def test_non_object_verb_methods(service: SWMLService, verb: str) -> None:
    call, expected = NON_OBJECT[verb]
    assert call(service) is True
    document = validate_swml(service.get_document())
    assert document["sections"]["main"] == [{verb: expected}]


def test_sleep_takes_a_bare_int(service: SWMLService) -> None:
    service.sleep(500)
    service.add_verb("sleep", 250)
    assert service.get_document()["sections"]["main"] == [{"sleep": 500}, {"sleep": 250}]
    validate_swml(service.get_document())


def test_none_arguments_are_dropped_and_extra_kept(service: SWMLService) -> None:
    service.play(url="say:hi", volume=None, say_voice="Polly.Joanna", status_url=None)
    service.record_call(format="mp3", stereo=None, custom_field=None)
    assert service.get_document()["sections"]["main"] == [
        {"play": {"url": "say:hi", "say_voice": "Polly.Joanna"}},
        {"record_call": {"format": "mp3"}},
    ]


def test_keyword_arguments_use_wire_names(service: SWMLService) -> None:
    service.connect(to="+15551234567", from_="+15557654321", timeout=30)
    (verb,) = service.get_document()["sections"]["main"]
    assert verb == {"connect": {"from": "+15557654321", "to": "+15551234567", "timeout": 30}}
    validate_swml(service.get_document())


def test_invalid_config_raises_naming_verb_and_path(service: SWMLService) -> None:
    with pytest.raises(SchemaValidationError) as info:
        service.play(urls=["say:hi", 3])  # type: ignore[list-item]
    assert info.value.verb == "play"
    assert info.value.errors == ["play.urls[1]: expected string, got integer"]
    assert service.get_document()["sections"]["main"] == []  # nothing appended


def test_missing_required_field_raises(service: SWMLService) -> None:
    with pytest.raises(SchemaValidationError, match="missing required property 'label'"):
        service.add_verb("goto", {"when": "x"})


def test_unknown_field_raises(service: SWMLService) -> None:
    with pytest.raises(SchemaValidationError, match="unexpected property 'colour'"):
        service.hangup(colour="red")


def test_add_verb_to_section_validates(service: SWMLService) -> None:
    service.add_section("sub")
    service.add_verb_to_section("sub", "play", {"url": "say:in sub"})
    service.execute(dest="sub")
    validate_swml(service.get_document())
    with pytest.raises(SchemaValidationError) as info:
        service.add_verb_to_section("sub", "hangup", {"reason": "tired"})
    assert info.value.verb == "hangup"


def test_validation_can_be_disabled(monkeypatch: pytest.MonkeyPatch) -> None:
    lax = SWMLService("lax", basic_auth=("u", "p"), schema_validation=False)
    assert lax.full_validation_enabled is False
    lax.hangup(colour="red")
    monkeypatch.setenv("SWML_SKIP_SCHEMA_VALIDATION", "1")
    assert SWMLService("env", basic_auth=("u", "p")).full_validation_enabled is False


def test_generated_module_is_current() -> None:
    from signalwire_devtools.codegen import swml_verbs as gen

    spec = load_spec_file("swml-calling.schema.json")
    expected = ast.dump(ast.parse(gen.render_module(spec)))
    committed = ast.dump(ast.parse(Path(generated.__file__).read_text("utf-8")))
    assert committed == expected, "run: uv run python tools/generate.py"
