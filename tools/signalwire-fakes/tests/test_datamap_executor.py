"""The raw-JSON DataMap executor, run against the fake outside services."""

from __future__ import annotations

from typing import Any

import pytest

from signalwire_fakes.datamap import DataMapError, expand, lookup, run_data_map
from signalwire_fakes.services import FakeServices


def fn(data_map: dict[str, Any]) -> dict[str, Any]:
    return {
        "function": "f",
        "parameters": {"type": "object", "properties": {}},
        "data_map": data_map,
    }


def test_lookup_paths_indexes_and_case() -> None:
    data = {"Current": {"temp_f": 50}, "array": [{"a": 1}, {"a": 2}]}
    assert lookup(data, "current.TEMP_F") == 50
    assert lookup(data, "array[0].a") == 1
    assert lookup(data, "array[-1].a") == 2
    assert lookup(data, "array[5].a") is None
    assert lookup(data, "missing.x") is None


def test_expand_prefixes_and_both_sigils() -> None:
    ctx = {"args": {"city": "New York", "phone": "+1 (555) 123"}}
    assert expand("q=${lc:enc:args.city}", ctx) == "q=new%20york"
    assert expand("%{args.city}!", ctx) == "New York!"
    assert expand("${fmt_ph:args.phone}", ctx) == "1 5 5 5 1 2 3"
    assert expand({"a": ["${args.none}"]}, ctx) == {"a": [""]}


def test_expressions_first_output_wins() -> None:
    data_map = {
        "expressions": [
            {"string": "${args.x}", "pattern": "^a", "output": {"response": "A"}},
            {"string": "${args.x}", "pattern": ".*", "output": {"response": "any ${args.x}"}},
        ]
    }
    assert run_data_map(fn(data_map), {"x": "abc"}) == {"response": "A"}
    assert run_data_map(fn(data_map), {"x": "zzz"}) == {"response": "any zzz"}
    nomatch = {
        "expressions": [
            {"string": "x", "pattern": "y", "output": {}, "nomatch-output": {"response": "no"}}
        ]
    }
    assert run_data_map(fn(nomatch), {}) == {"response": "no"}


def test_webhook_output_reads_response_and_input(fake_services: FakeServices) -> None:
    base = fake_services.base_url
    data_map = {
        "webhooks": [
            {
                "url": f"{base}/weatherapi/v1/current.json?key=test-key&q=${{enc:args.location}}",
                "method": "GET",
                "error_keys": ["error"],
                "output": {
                    "response": "${input.args.location}: ${current.temp_f}F ${current.condition.text}"
                },
            }
        ],
        "output": {"response": "fallback"},
    }
    assert run_data_map(fn(data_map), {"location": "Paris"}) == {
        "response": "Paris: 53.6F Partly cloudy"
    }
    (req,) = fake_services.requests_to("/weatherapi")
    assert req.query["q"] == "Paris"


def test_error_keys_and_http_code_fall_back(fake_services: FakeServices) -> None:
    base = fake_services.base_url
    hook = {
        "url": f"{base}/weatherapi/v1/current.json?key=bad&q=x",
        "method": "GET",
        "output": {"response": "ok"},
    }
    assert run_data_map(
        fn({"webhooks": [{**hook, "error_keys": ["error"]}], "output": {"response": "fb"}}), {}
    ) == {"response": "fb"}
    # Without error keys the 401 body still reaches the output, with http_code added.
    raw = {"webhooks": [{**hook, "output": {"response": "${http_code} ${error.message}"}}]}
    assert run_data_map(fn(raw), {}) == {"response": "401 API key provided is invalid"}
    coded = {"webhooks": [{**hook, "error_keys": ["http_code"]}], "output": {"response": "fb2"}}
    assert run_data_map(fn(coded), {}) == {"response": "fb2"}


def test_slow_or_broken_service_falls_back(fake_services: FakeServices) -> None:
    base = fake_services.base_url
    fake_services.fail("/api-ninjas", status=0, delay=1.0, times=1)
    data_map = {
        "webhooks": [
            {"url": f"{base}/api-ninjas/v1/jokes", "method": "GET", "output": {"response": "joke"}}
        ],
        "output": {"response": "sorry"},
    }
    assert run_data_map(fn(data_map), {}, timeout=0.2) == {"response": "sorry"}
    fake_services.fail(
        "/api-ninjas", status=200, raw_body=b"<html>not json", content_type="text/html"
    )
    assert run_data_map(fn(data_map), {}) == {"response": "sorry"}


def test_array_response_foreach_and_post_params(fake_services: FakeServices) -> None:
    base = fake_services.base_url
    data_map = {
        "webhooks": [
            {
                "url": f"{base}/api-ninjas/v1/${{args.kind}}",
                "method": "GET",
                "headers": {"X-Api-Key": "test-key"},
                "foreach": {
                    "input_key": "array",
                    "output_key": "all",
                    "max": 5,
                    "append": "[${this.joke}]",
                },
                "output": {"response": "${array[0].joke}|${all}"},
            }
        ]
    }
    out = run_data_map(fn(data_map), {"kind": "dadjokes"})
    joke = fake_services.data["dadjokes"][0]["joke"]
    assert out == {"response": f"{joke}|[{joke}]"}
    post = {
        "webhooks": [
            {
                "url": f"{base}/mcp/services/calc/call",
                "method": "POST",
                "headers": {"Authorization": "Bearer test-key"},
                "params": {"tool": "add", "arguments": {"a": "${args.a}"}},
                "output": {"response": "${result}"},
            }
        ]
    }
    assert run_data_map(fn(post), {"a": 2}) == {"response": 'add called with {"a": "2"}'}
    assert fake_services.requests_to("/mcp")[-1].method == "POST"


def test_require_args_picks_first_satisfied_webhook(fake_services: FakeServices) -> None:
    base = fake_services.base_url
    data_map = {
        "webhooks": [
            {
                "url": f"{base}/nowhere",
                "method": "GET",
                "require_args": ["zip"],
                "output": {"response": "zip"},
            },
            {
                "url": f"{base}/api-ninjas/v1/jokes",
                "method": "GET",
                "headers": {"X-Api-Key": "test-key"},
                "output": {"response": "second"},
            },
        ]
    }
    assert run_data_map(fn(data_map), {}) == {"response": "second"}
    assert [r.path for r in fake_services.journal] == ["/api-ninjas/v1/jokes"]


def test_malformed_function_is_a_clear_error() -> None:
    with pytest.raises(DataMapError, match="data_map"):
        run_data_map({"function": "f"}, {})
    with pytest.raises(DataMapError, match="pattern"):
        run_data_map(fn({"expressions": [{"string": "x"}]}), {})


@pytest.mark.parametrize("module", ["datamap", "services"])
def test_the_oracles_never_import_the_sdk(module: str) -> None:
    import ast
    import importlib

    mod = importlib.import_module(f"signalwire_fakes.{module}")
    tree = ast.parse(open(mod.__file__, encoding="utf-8").read())  # noqa: SIM115
    names = [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ] + [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [n for n in names if n == "signalwire" or n.startswith("signalwire.")]


def test_an_argument_that_breaks_the_url_falls_back() -> None:
    data_map = {
        "webhooks": [
            {"url": "http://127.0.0.1:1/${args.x}", "method": "GET", "output": {"response": "ok"}}
        ],
        "output": {"response": "fallback"},
    }
    assert run_data_map(fn(data_map), {"x": "\x1f\x00"}) == {"response": "fallback"}
