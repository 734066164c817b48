"""The built-in SWML validator agrees with jsonschema and explains its verdicts."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from referencing import Registry, Resource

from signalwire.agents import _schema
from signalwire.agents._errors import SchemaValidationError
from signalwire.agents._schema import known_verbs, validate_document, validate_verb
from signalwire.testing.specs import load_spec_file

ROOT_ID = "SWMLObject.json"


@cache
def raw_spec() -> dict[str, Any]:
    data: dict[str, Any] = load_spec_file("swml-calling.schema.json")
    return data


@cache
def generator() -> Any:
    from signalwire_devtools.codegen import swml_verbs

    return swml_verbs


@cache
def spec() -> dict[str, Any]:
    """The spec plus the documented platform extensions the runtime copy carries."""
    data: dict[str, Any] = generator().extend(raw_spec())
    return data


@cache
def verb_defs() -> dict[str, str]:
    defs = spec()["$defs"]
    table = {}
    for ref in defs["SWMLMethod"]["anyOf"]:
        name = ref["$ref"].rsplit("/", 1)[-1]
        (verb,) = defs[name]["properties"]
        table[verb] = name
    return table


@cache
def oracle(verb: str) -> jsonschema.Draft202012Validator:
    """jsonschema validator for one verb's config, resolving refs in the real spec."""
    registry: Registry[Any] = Registry().with_resource(ROOT_ID, Resource.from_contents(spec()))
    ref = f"{ROOT_ID}#/$defs/{verb_defs()[verb]}/properties/{verb}"
    return jsonschema.Draft202012Validator({"$ref": ref}, registry=registry)


@cache
def document_oracle() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(spec())


def ours(verb: str, config: Any) -> bool:
    try:
        validate_verb(verb, config)
    except SchemaValidationError:
        return False
    return True


def assert_same_verdict(verb: str, config: Any) -> None:
    expected = oracle(verb).is_valid(config)
    assert ours(verb, config) is expected, (verb, config, expected)


# --------------------------------------------------------------------------- strategies

JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(-2.5, 2.5, allow_nan=False),
    st.text(max_size=3),
    st.just([]),
    st.just({}),
)
VAR_STRINGS = st.sampled_from(["%{call.from}", "${vars.x}", "%{", "say:hello", "https://x.test/a"])


def _resolve(node: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    ref = node.get("$ref")
    if ref is None:
        return None, node
    name = "#" if ref == ROOT_ID else ref.rsplit("/", 1)[-1]
    return name, (spec() if name == "#" else spec()["$defs"][name])


def schema_values(node: Any, depth: int = 0, junk: bool = True) -> st.SearchStrategy[Any]:
    """Values shaped by ``node``; with ``junk``, wrong values are mixed in at every level."""
    if not isinstance(node, dict) or depth > 6:
        return JUNK if junk else st.just({})
    name, node = _resolve(node)
    if name == "SWMLVar":
        return st.one_of(VAR_STRINGS, JUNK) if junk else st.just("%{call.from}")
    if name == "SWMLMethod" and depth > 2:
        return st.sampled_from([{"hangup": {}}, {"answer": {}}, {"nope": {}}][: 3 if junk else 2])
    options: list[st.SearchStrategy[Any]] = [JUNK] if junk else []
    if "const" in node:
        options.append(st.just(node["const"]))
    if "enum" in node:
        options.append(st.sampled_from(node["enum"]))
    for key in ("anyOf", "oneOf", "allOf"):
        if key in node:
            options.extend(schema_values(sub, depth + 1, junk) for sub in node[key])
    if "examples" in node:
        options.append(st.sampled_from(node["examples"]))
    kind = node.get("type")
    if kind == "string":
        if "pattern" not in node:
            options.append(st.text(max_size=4))
        elif junk or "examples" not in node:
            options.append(VAR_STRINGS)
    elif kind in ("integer", "number"):
        lo = node.get("minimum", -5)
        hi = node.get("maximum", 5)
        options.append(st.sampled_from([lo - 1, lo, hi, hi + 1, (lo + hi) / 2]))
        options.append(st.integers(-3, 3))
    elif kind == "boolean":
        options.append(st.booleans())
    elif kind == "array":
        items = schema_values(node.get("items"), depth + 1, junk)
        options.append(st.lists(items, min_size=node.get("minItems", 0), max_size=2))
    if kind == "object" or "properties" in node:
        props = node.get("properties", {})
        required = [p for p in node.get("required", []) if p in props]
        optional = {
            p: schema_values(s, depth + 1, junk) for p, s in props.items() if p not in required
        }
        if junk:
            optional["x_unknown"] = JUNK
        options.append(
            st.fixed_dictionaries(
                {p: schema_values(props[p], depth + 1, junk) for p in required},
                optional=optional,
            )
        )
    if not options:
        return JUNK if junk else st.just(None)
    return st.one_of(options)


@cache
def verb_strategy(verb: str, junk: bool) -> st.SearchStrategy[Any]:
    node = spec()["$defs"][verb_defs()[verb]]["properties"][verb]
    return schema_values(node, junk=junk)


# --------------------------------------------------------------------------- verdicts


def test_known_verbs_are_the_schema_verbs() -> None:
    assert known_verbs() == tuple(verb_defs())
    assert len(known_verbs()) == 43


@pytest.mark.parametrize("verb", sorted(verb_defs()))
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)
@given(data=st.data())
def test_verdicts_match_jsonschema(verb: str, data: st.DataObject) -> None:
    # Schema-shaped values (mostly valid), then the same with wrong values mixed in.
    assert_same_verdict(verb, data.draw(verb_strategy(verb, junk=False)))
    assert_same_verdict(verb, data.draw(verb_strategy(verb, junk=True)))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    verb=st.sampled_from(sorted(verb_defs())),
    config=st.recursive(
        JUNK,
        lambda c: st.one_of(
            st.lists(c, max_size=2),
            st.dictionaries(st.sampled_from(["url", "to", "from", "a"]), c, max_size=2),
        ),
        max_leaves=4,
    ),
)
def test_random_json_verdicts_match_jsonschema(verb: str, config: Any) -> None:
    assert_same_verdict(verb, config)


HAND_PICKED: list[tuple[str, Any]] = [
    ("answer", {}),
    ("answer", {"max_duration": 60}),
    ("answer", {"max_duration": 60.0}),
    ("answer", {"max_duration": True}),
    ("answer", {"max_duration": "%{x}"}),
    ("answer", {"bogus": 1}),
    ("hangup", {"reason": "busy"}),
    ("hangup", {"reason": "nope"}),
    ("play", {"url": "say:hi"}),
    ("play", {"urls": ["say:hi", "silence:2"]}),
    ("play", {"url": "say:hi", "urls": ["say:hi"]}),
    ("play", {"url": "ftp://x"}),
    ("play", {"url": "say:hi", "volume": 41}),
    ("play", {"url": "say:hi", "volume": -40}),
    ("play", {}),
    ("sleep", 1000),
    ("sleep", -1),
    ("sleep", {"duration": -2}),
    ("sleep", "%{t}"),
    ("sleep", 1.5),
    ("goto", {"label": "top", "max": 101}),
    ("goto", {"label": "top", "max": 100}),
    ("unset", ["a", "b"]),
    ("unset", ["a", 1]),
    ("set", {"a": {"b": [1, 2]}}),
    ("cond", [{"when": "x", "then": [{"hangup": {}}]}, {"else": [{"hangup": {}}]}]),
    ("cond", [{"when": "x", "then": [{"bad_verb": {}}]}]),
    ("switch", {"variable": "v", "case": {"1": [{"play": {"url": "say:one"}}]}}),
    ("switch", {"variable": "v", "case": {"1": [{"play": {"url": 3}}]}}),
    ("connect", {"to": "+15551234567"}),
    ("connect", {"serial": [{"to": "+15551234567"}]}),
    ("connect", {"to": "+15551234567", "serial": [{"to": "+15551234567"}]}),
    ("send_sms", {"to_number": "+1", "from_number": "+2", "body": "hi"}),
    ("send_sms", {"to_number": "+1", "from_number": "+2", "media": ["https://x"]}),
    ("prompt", {"play": "say:press 1", "max_digits": 1, "terminators": "#"}),
    ("record_call", {"format": "mp4", "stereo": True}),
    ("record_call", {"format": "flac"}),
    ("ai", {"prompt": {"text": "hi"}}),
    ("ai", {"prompt": {"pom": [{"title": "Role", "body": "x"}]}, "params": {}}),
    ("ai", {"prompt": "bare string"}),
    (
        "ai",
        {"prompt": {"text": "hi"}, "SWAIG": {"functions": [{"function": "f", "description": "d"}]}},
    ),
    (
        "ai",
        {
            "prompt": {"text": "hi"},
            "SWAIG": {
                "functions": [
                    {
                        "function": "f",
                        "description": "d",
                        "parameters": {
                            "type": "object",
                            "properties": {"n": {"type": "integer", "description": "x"}},
                        },
                    }
                ]
            },
        },
    ),
    (
        "ai",
        {
            "prompt": {"text": "hi"},
            "SWAIG": {
                "functions": [
                    {
                        "function": "f",
                        "description": "d",
                        "parameters": {
                            "type": "object",
                            "properties": {"n": {"type": "integer", "pattern": "x"}},
                        },
                    }
                ]
            },
        },
    ),
    (
        "ai",
        {
            "prompt": {"text": "hi"},
            "SWAIG": {
                "functions": [
                    {
                        "function": "f",
                        "description": "d",
                        "parameters": {"type": "object", "properties": {"n": {"type": "strange"}}},
                    }
                ]
            },
        },
    ),
    (
        "ai",
        {
            "prompt": {"text": "hi"},
            "SWAIG": {"functions": [{"function": "startup_hook", "description": "d"}]},
        },
    ),
    ("return", None),
    ("return", {"a": 1}),
    ("label", "greeting"),
    ("label", 3),
]


@pytest.mark.parametrize(("verb", "config"), HAND_PICKED)
def test_hand_picked_verdicts_match_jsonschema(verb: str, config: Any) -> None:
    assert_same_verdict(verb, config)


@pytest.mark.parametrize(
    "document",
    [
        {"version": "1.0.0", "sections": {"main": [{"answer": {}}, {"hangup": {}}]}},
        {"version": "1.0.0", "sections": {"main": [], "other": [{"play": {"url": "say:x"}}]}},
        {"version": "1.0.0", "sections": {"other": []}},
        {"version": "2.0.0", "sections": {"main": []}},
        {"version": "1.0.0", "sections": {"main": [{"play": {}}]}},
        {"version": "1.0.0", "sections": {"main": []}, "extra": 1},
    ],
)
def test_document_verdicts_match_jsonschema(document: dict[str, Any]) -> None:
    if document_oracle().is_valid(document):
        validate_document(document)
    else:
        with pytest.raises(SchemaValidationError) as info:
            validate_document(document)
        assert info.value.verb == "document"


# --------------------------------------------------------------------------- messages


def error_of(verb: str, config: Any) -> SchemaValidationError:
    with pytest.raises(SchemaValidationError) as info:
        validate_verb(verb, config)
    assert info.value.verb == verb
    assert isinstance(info.value, ValueError)
    return info.value


def test_error_names_verb_and_failing_path() -> None:
    err = error_of("play", {"urls": ["say:x", 3]})
    assert err.errors == ["play.urls[1]: expected string, got integer"]
    assert "'play'" in str(err)


def test_error_names_missing_required_property() -> None:
    err = error_of("goto", {"when": "x"})
    assert "goto: missing required property 'label'" in err.errors


def test_error_names_unexpected_property() -> None:
    err = error_of("hangup", {"why": "x"})
    assert err.errors == ["hangup: unexpected property 'why'"]


def test_error_lists_alternatives() -> None:
    err = error_of("hangup", {"reason": "nope"})
    (message,) = err.errors
    assert message.startswith("hangup.reason: does not match any of the 3 allowed forms")
    assert '"busy"' in message


def test_error_descends_into_nested_verbs() -> None:
    err = error_of("switch", {"variable": "v", "case": {"a": [{"play": {"url": 3}}]}})
    assert all(e.startswith("switch.case.a[0].play.url") for e in err.errors), err.errors


def test_error_reports_bounds() -> None:
    err = error_of("goto", {"label": "x", "max": 0})
    assert any("must be at least 1" in e for e in err.errors), err.errors


def test_error_never_echoes_values() -> None:
    err = error_of(
        "answer", {"password": 12345678, "username": "u", "max_duration": "sekrit-token"}
    )
    assert "sekrit-token" not in str(err)
    assert "12345678" not in str(err)


def test_unknown_verb_is_an_error() -> None:
    err = error_of("dance", {})
    assert "not a verb" in str(err)


def test_error_list_is_bounded() -> None:
    config = {f"k{i}": i for i in range(50)}
    assert len(error_of("answer", config).errors) == 10


# --------------------------------------------------------------------------- laziness


def test_import_does_not_load_or_compile_the_schema() -> None:
    code = (
        "import signalwire.agents, sys\n"
        "mod = sys.modules.get('signalwire.agents._schema')\n"
        "loaded = bool(mod and (mod._schema.cache_info().currsize or mod._verb_checks))\n"
        "loaded = loaded or 'signalwire.agents._swml_schema_data' in sys.modules\n"
        "print('loaded' if loaded else 'clean')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "clean"


def test_validators_are_compiled_once_per_verb() -> None:
    validate_verb("label", "x")
    first = _schema._verb_checks["label"]
    validate_verb("label", "y")
    assert _schema._verb_checks["label"] is first


def test_generated_schema_data_is_current() -> None:
    from signalwire.agents._swml_schema_data import SCHEMA_JSON

    expected = generator().render_schema(raw_spec())
    assert json.loads(SCHEMA_JSON) == json.loads(expected), "run tools/generate.py"


def test_extensions_only_add_optional_properties() -> None:
    raw, extended = raw_spec()["$defs"], spec()["$defs"]
    for name, extras in generator().PLATFORM_EXTENSIONS.items():
        before, after = raw[name], extended[name]
        assert set(after["properties"]) == set(before["properties"]) | set(extras)
        assert {k: v for k, v in after.items() if k != "properties"} == {
            k: v for k, v in before.items() if k != "properties"
        }
    assert {k: v for k, v in extended.items() if k not in generator().PLATFORM_EXTENSIONS} == {
        k: v for k, v in raw.items() if k not in generator().PLATFORM_EXTENSIONS
    }


def test_documented_extensions_are_accepted() -> None:
    step = {"name": "s", "text": "t", "gather_info": {"questions": [{"key": "k", "question": "q"}]}}
    contexts = {"default": {"steps": [step], "system_prompt": "sys", "history": "keep"}}
    validate_verb("ai", {"prompt": {"text": "x", "model": "gpt-4o-mini", "contexts": contexts}})
    hook = {"url": "https://x.test", "method": "POST", "body": {"a": 1}, "form_param": "p"}
    function = {
        "function": "f",
        "description": "d",
        "data_map": {"webhooks": [hook], "error_keys": ["e"]},
    }
    validate_verb("ai", {"prompt": {"text": "x"}, "SWAIG": {"functions": [function]}})
    bad = {"default": {"steps": [step], "history": "forget"}}
    with pytest.raises(SchemaValidationError, match="history"):
        validate_verb("ai", {"prompt": {"text": "x", "contexts": bad}})
