"""DataMap tools: wire shape, helpers, errors, and registration on an agent."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import pytest

from signalwire.agents._datamap import DataMap, create_expression_tool, create_simple_api_tool
from signalwire.agents._function_result import FunctionResult
from signalwire.testing.swml import validate_swml


def validated(function: dict[str, Any]) -> dict[str, Any]:
    """Place the function in an ai verb as the agent does, and validate the document."""
    validate_swml(
        {
            "version": "1.0.0",
            "sections": {
                "main": [{"ai": {"prompt": {"text": "hi"}, "SWAIG": {"functions": [function]}}}]
            },
        }
    )
    return function


def test_full_wire_shape() -> None:
    dm = (
        DataMap("get_weather")
        .purpose("Get weather")
        .parameter("city", "string", "City", required=True)
        .parameter("units", "string", "Units", enum=["c", "f"])
        .expression(
            "${args.city}",
            r"^test$",
            FunctionResult("test ok"),
            nomatch_output=FunctionResult("no"),
        )
        .webhook(
            "get",
            "https://api.example.com/${enc:args.city}",
            headers={"X-Key": "k"},
            form_param="payload",
            input_args_as_params=True,
            require_args=["city"],
        )
        .webhook_expressions(
            [{"string": "${response.kind}", "pattern": "rain", "output": {"response": "wet"}}]
        )
        .params({"q": "${args.city}"})
        .body({"units": "${args.units}"})
        .foreach({"input_key": "days", "output_key": "summary", "max": 3, "append": "${this.t} "})
        .output(FunctionResult("It is ${response.temp}"))
        .error_keys(["error"])
        .fallback_output(FunctionResult("unavailable"))
    )
    assert validated(dm.to_swaig_function()) == {
        "function": "get_weather",
        "description": "Get weather",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "City"},
                "units": {"type": "string", "description": "Units", "enum": ["c", "f"]},
            },
            "required": ["city"],
        },
        "data_map": {
            "expressions": [
                {
                    "string": "${args.city}",
                    "pattern": "^test$",
                    "output": {"response": "test ok"},
                    "nomatch-output": {"response": "no"},
                }
            ],
            "webhooks": [
                {
                    "url": "https://api.example.com/${enc:args.city}",
                    "method": "GET",
                    "headers": {"X-Key": "k"},
                    "form_param": "payload",
                    "input_args_as_params": True,
                    "require_args": ["city"],
                    "expressions": [
                        {
                            "string": "${response.kind}",
                            "pattern": "rain",
                            "output": {"response": "wet"},
                        }
                    ],
                    "params": {"q": "${args.city}"},
                    "body": {"units": "${args.units}"},
                    "foreach": {
                        "input_key": "days",
                        "output_key": "summary",
                        "max": 3,
                        "append": "${this.t} ",
                    },
                    "output": {"response": "It is ${response.temp}"},
                    "error_keys": ["error"],
                }
            ],
            "output": {"response": "unavailable"},
        },
    }


def test_body_writes_body_not_params() -> None:
    fn = DataMap("b").webhook("POST", "https://x.test").body({"q": 1}).to_swaig_function()
    assert fn["data_map"]["webhooks"][0] == {
        "url": "https://x.test",
        "method": "POST",
        "body": {"q": 1},
    }
    validated(fn)


def test_description_alias_and_default() -> None:
    assert (
        DataMap("a")
        .description("D")
        .fallback_output(FunctionResult("x"))
        .to_swaig_function()["description"]
        == "D"
    )
    assert (
        DataMap("a").fallback_output(FunctionResult("x")).to_swaig_function()["description"]
        == "Execute a"
    )


def test_parameter_redeclared_replaces_and_updates_required() -> None:
    dm = DataMap("p").fallback_output(FunctionResult("x"))
    dm.parameter("a", "string", "first", required=True).parameter("a", "integer", "second")
    params = dm.to_swaig_function()["parameters"]
    assert params == {
        "type": "object",
        "properties": {"a": {"type": "integer", "description": "second"}},
    }


def test_each_webhook_gets_its_own_settings() -> None:
    dm = (
        DataMap("two")
        .webhook("GET", "https://a.test", require_args=["x"])
        .output(FunctionResult("A"))
        .webhook("POST", "https://b.test")
        .params({"k": "v"})
        .output(FunctionResult("B"))
    )
    hooks = validated(dm.to_swaig_function())["data_map"]["webhooks"]
    assert hooks == [
        {
            "url": "https://a.test",
            "method": "GET",
            "require_args": ["x"],
            "output": {"response": "A"},
        },
        {
            "url": "https://b.test",
            "method": "POST",
            "params": {"k": "v"},
            "output": {"response": "B"},
        },
    ]


def test_compiled_pattern_keeps_flags_inline() -> None:
    fn = (
        DataMap("r")
        .expression("${args.x}", re.compile(r"^yes$", re.IGNORECASE), FunctionResult("y"))
        .to_swaig_function()
    )
    assert fn["data_map"]["expressions"][0]["pattern"] == "(?i)^yes$"
    fn = (
        DataMap("r")
        .expression("${args.x}", re.compile(r"^yes$"), FunctionResult("y"))
        .to_swaig_function()
    )
    assert fn["data_map"]["expressions"][0]["pattern"] == "^yes$"


def test_outputs_accept_dicts_and_actions() -> None:
    result = FunctionResult("Bye").add_action("hangup", True)
    fn = (
        DataMap("d")
        .expression("a", "a", result)
        .fallback_output({"response": "raw"})
        .to_swaig_function()
    )
    assert fn["data_map"]["expressions"][0]["output"] == {
        "response": "Bye",
        "action": [{"hangup": True}],
    }
    assert fn["data_map"]["output"] == {"response": "raw"}
    validated(fn)


def test_global_error_keys() -> None:
    fn = (
        DataMap("g")
        .webhook("GET", "https://x.test")
        .output(FunctionResult("o"))
        .global_error_keys(["e"])
    )
    data = fn.to_swaig_function()
    assert data["data_map"]["error_keys"] == ["e"]
    assert "error_keys" not in data["data_map"]["webhooks"][0]
    validated(data)


def test_error_keys_without_webhook_warns(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="signalwire.agents.datamap"):
        dm = DataMap("e").error_keys(["err"]).fallback_output(FunctionResult("x"))
    assert dm.to_swaig_function()["data_map"]["error_keys"] == ["err"]
    assert "platform ignores" in caplog.text


@pytest.mark.parametrize(
    "call",
    [
        lambda d: d.params({}),
        lambda d: d.body({}),
        lambda d: d.webhook_expressions([]),
        lambda d: d.foreach({"input_key": "a", "output_key": "b", "append": "c"}),
        lambda d: d.output(FunctionResult("x")),
    ],
)
def test_webhook_settings_need_a_webhook(call: Any) -> None:
    with pytest.raises(ValueError, match=r"DataMap 'n': call webhook\(\) before"):
        call(DataMap("n"))


def test_foreach_needs_its_keys() -> None:
    with pytest.raises(ValueError, match="foreach needs output_key, append"):
        DataMap("f").webhook("GET", "https://x.test").foreach({"input_key": "a"})


def test_bad_method_raises() -> None:
    with pytest.raises(ValueError, match="webhook method must be one of"):
        DataMap("m").webhook("PATCH", "https://x.test")


def test_bad_output_type_raises() -> None:
    with pytest.raises(TypeError, match="output must be a FunctionResult or a dict"):
        DataMap("o").expression("a", "b", "not a result")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="pattern must be a str"):
        DataMap("o").expression("a", 3, FunctionResult("x"))  # type: ignore[arg-type]


def test_empty_datamap_cannot_be_rendered() -> None:
    with pytest.raises(ValueError, match="has no expression, webhook or fallback_output"):
        DataMap("empty").purpose("nothing").to_swaig_function()


def test_empty_name_raises() -> None:
    with pytest.raises(ValueError, match="needs a function name"):
        DataMap("")


# --------------------------------------------------------------------------- helpers


def test_create_simple_api_tool() -> None:
    dm = create_simple_api_tool(
        "w",
        "https://x.test/${args.q}",
        "Result: ${response.v}",
        parameters={"q": {"type": "string", "description": "query", "required": True}},
        method="POST",
        headers={"A": "b"},
        body={"k": "v"},
        error_keys=["err"],
    )
    assert isinstance(dm, DataMap)
    assert validated(dm.to_swaig_function()) == {
        "function": "w",
        "description": "Execute w",
        "parameters": {
            "type": "object",
            "properties": {"q": {"type": "string", "description": "query"}},
            "required": ["q"],
        },
        "data_map": {
            "webhooks": [
                {
                    "url": "https://x.test/${args.q}",
                    "method": "POST",
                    "headers": {"A": "b"},
                    "body": {"k": "v"},
                    "error_keys": ["err"],
                    "output": {"response": "Result: ${response.v}"},
                }
            ]
        },
    }


def test_create_simple_api_tool_defaults() -> None:
    fn = create_simple_api_tool("s", "https://x.test", "ok").to_swaig_function()
    assert fn["data_map"] == {
        "webhooks": [{"url": "https://x.test", "method": "GET", "output": {"response": "ok"}}]
    }


def test_create_expression_tool() -> None:
    dm = create_expression_tool(
        "e",
        {
            "${args.cmd}": (r"^start", FunctionResult("starting")),
            "${args.other}": (re.compile("stop", re.I), FunctionResult("stopping")),
        },
        parameters={"cmd": {"type": "string", "description": "c", "enum": ["start", "stop"]}},
    )
    fn = validated(dm.to_swaig_function())
    assert fn["parameters"]["properties"]["cmd"] == {
        "type": "string",
        "description": "c",
        "enum": ["start", "stop"],
    }
    assert fn["data_map"] == {
        "expressions": [
            {"string": "${args.cmd}", "pattern": "^start", "output": {"response": "starting"}},
            {"string": "${args.other}", "pattern": "(?i)stop", "output": {"response": "stopping"}},
        ]
    }


# --------------------------------------------------------------------------- on an agent


def test_registered_on_an_agent_renders_verbatim() -> None:
    from signalwire.agents import AgentBase

    dm = create_simple_api_tool("lookup", "https://x.test/${args.id}", "Found ${response.name}")
    agent = AgentBase("dm", basic_auth=("u", "p"))
    agent.set_prompt_text("Help")
    agent.register_swaig_function(dm.to_swaig_function())
    document = validate_swml(json.loads(agent.render_swml()))
    ai = next(v["ai"] for v in document["sections"]["main"] if "ai" in v)
    (function,) = ai["SWAIG"]["functions"]
    assert function == dm.to_swaig_function()
