"""The stage-1 stripper and the docstring phrases of the generators, on small inputs."""

from __future__ import annotations

import json
from typing import Any

import pytest

from signalwire_devtools.codegen import docs, spec_data


def test_prose_keywords_go_and_names_stay() -> None:
    doc = {
        "info": {"title": "T", "version": "1", "description": "Words."},
        "paths": {
            "/x": {
                "post": {
                    "summary": "S",
                    "operationId": "create_x",
                    "parameters": [{"name": "id", "in": "path", "description": "D"}],
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {
                                    "title": "Body",
                                    "required": ["description"],
                                    "properties": {
                                        "description": {"type": "string", "description": "P"},
                                        "title": {"type": "string", "examples": ["a title"]},
                                    },
                                },
                                "examples": {"one": {"summary": "S", "value": {"title": "v"}}},
                            }
                        }
                    },
                }
            }
        },
    }
    out = spec_data.strip(doc)
    assert out["info"] == {"version": "1"}
    op = out["paths"]["/x"]["post"]
    assert "summary" not in op and op["parameters"] == [{"name": "id", "in": "path"}]
    media = op["requestBody"]["content"]["application/json"]
    assert media["schema"] == {
        "required": ["description"],
        "properties": {
            "description": {"type": "string"},
            "title": {"type": "string", "examples": ["a title"]},
        },
    }
    assert media["examples"] == {"one": {"value": {"title": "v"}}}


def test_openrpc_examples_keep_values_only() -> None:
    doc = {
        "methods": [
            {
                "name": "calling.x",
                "description": "D",
                "params": [{"name": "a", "description": "D", "schema": {"type": "string"}}],
                "examples": [
                    {
                        "name": "E",
                        "params": [{"name": "a", "value": 1}],
                        "result": {"name": "r", "value": 2},
                    }
                ],
            }
        ]
    }
    (method,) = spec_data.strip_openrpc(doc)["methods"]
    assert method["params"] == [{"name": "a", "schema": {"type": "string"}}]
    assert method["examples"] == [
        {"params": [{"name": "a", "value": 1}], "result": {"name": "r", "value": 2}}
    ]


def test_dumps_is_sorted_json_one_entry_per_line() -> None:
    text = spec_data.dumps({"b": {"y": [1, 2], "x": {"k": 1}}, "a": 1}, expand=2)
    assert json.loads(text) == {"a": 1, "b": {"x": {"k": 1}, "y": [1, 2]}}
    assert text.splitlines() == [
        "{",
        ' "a":1,',
        ' "b":{',
        '  "x":{"k":1},',
        '  "y":[1,2]',
        " }",
        "}",
    ]


@pytest.mark.parametrize(
    ("operation_id", "path", "line"),
    [
        ("create_ai_agent", "/api/fabric/resources/ai_agents", "Create an AI agent resource."),
        ("list_ai_agents", "/api/fabric/resources/ai_agents", "List AI agents."),
        ("retrieve_a_call", "/Accounts/{AccountSid}/Calls/{Sid}", "Retrieve a call."),
        (
            "lookup_phone_number",
            "/api/relay/rest/lookup/phone_number/{n}",
            "Look up a phone number.",
        ),
        ("get_address", "/api/relay/rest/addresses/{id}", "Get an address."),
        ("request_mfa_sms", "/api/relay/rest/mfa/sms", "Request an MFA SMS."),
    ],
)
def test_summary_lines_come_from_the_operation_id(operation_id: str, path: str, line: str) -> None:
    assert docs.summary_line(operation_id, path) == line


def _resolve(node: Any) -> Any:
    return node


@pytest.mark.parametrize(
    ("schema", "phrase"),
    [
        ({"type": "string", "format": "uuid"}, "string (uuid)"),
        ({"type": ["integer", "null"], "default": 5}, "integer; default ``5``"),
        (
            {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}},
            'list of string; one of ``"a"``, ``"b"``',
        ),
        ({"anyOf": [{"const": "x"}, {"const": "y"}]}, 'string; one of ``"x"``, ``"y"``'),
        (
            {"type": "string", "enum": [str(i) for i in range(15)]},
            "string; one of " + ", ".join(f'``"{i}"``' for i in range(10)) + " and 5 more",
        ),
        ({"type": "object", "default": {"k": "v" * 80}}, "object"),
    ],
)
def test_fact_phrases(schema: dict[str, Any], phrase: str) -> None:
    assert docs.facts(_resolve, schema) == phrase
