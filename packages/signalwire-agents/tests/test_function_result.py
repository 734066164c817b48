"""FunctionResult wire shapes (the vendor's documented actions, python-api.json).

The expected values are the JSON that signalwire-sdk 3.7.5 produced for the
same calls (observed output, recorded once), so these check wire compatibility.
"""

from __future__ import annotations

from typing import Any

import pytest

from signalwire.agents import FunctionResult, SwaigFunctionResult

PAY_AI_RESPONSE = (
    "The payment status is ${pay_result}, do not mention anything else about "
    "collecting payment if successful."
)

CASES: list[tuple[str, tuple[Any, ...], dict[str, Any], Any]] = [
    (
        "connect",
        ("+1555",),
        {},
        {
            "response": "r",
            "action": [
                {
                    "SWML": {
                        "sections": {"main": [{"connect": {"to": "+1555"}}]},
                        "version": "1.0.0",
                    },
                    "transfer": "true",
                }
            ],
        },
    ),
    (
        "connect",
        ("+1555",),
        {"final": False, "from_addr": "+1666"},
        {
            "response": "r",
            "action": [
                {
                    "SWML": {
                        "sections": {"main": [{"connect": {"to": "+1555", "from": "+1666"}}]},
                        "version": "1.0.0",
                    },
                    "transfer": "false",
                }
            ],
        },
    ),
    (
        "swml_transfer",
        ("https://x", "bye"),
        {},
        {
            "response": "r",
            "action": [
                {
                    "SWML": {
                        "version": "1.0.0",
                        "sections": {
                            "main": [
                                {"set": {"ai_response": "bye"}},
                                {"transfer": {"dest": "https://x"}},
                            ]
                        },
                    },
                    "transfer": "true",
                }
            ],
        },
    ),
    (
        "execute_swml",
        ('{"version":"1.0.0","sections":{"main":[]}}',),
        {"transfer": True},
        {
            "response": "r",
            "action": [
                {"SWML": {"version": "1.0.0", "sections": {"main": []}}, "transfer": "true"}
            ],
        },
    ),
    (
        "execute_swml",
        ("not json",),
        {},
        {"response": "r", "action": [{"SWML": {"raw_swml": "not json"}}]},
    ),
    (
        "update_global_data",
        ({"a": 1},),
        {},
        {"response": "r", "action": [{"set_global_data": {"a": 1}}]},
    ),
    (
        "remove_global_data",
        (["a"],),
        {},
        {"response": "r", "action": [{"unset_global_data": ["a"]}]},
    ),
    ("set_metadata", ({"a": 1},), {}, {"response": "r", "action": [{"set_meta_data": {"a": 1}}]}),
    ("remove_metadata", ("a",), {}, {"response": "r", "action": [{"unset_meta_data": "a"}]}),
    (
        "swml_user_event",
        ({"x": 1},),
        {},
        {
            "response": "r",
            "action": [
                {
                    "SWML": {
                        "sections": {"main": [{"user_event": {"event": {"x": 1}}}]},
                        "version": "1.0.0",
                    }
                }
            ],
        },
    ),
    ("swml_change_step", ("s",), {}, {"response": "r", "action": [{"change_step": "s"}]}),
    ("swml_change_context", ("c",), {}, {"response": "r", "action": [{"change_context": "c"}]}),
    ("switch_context", ("sys",), {}, {"response": "r", "action": [{"context_switch": "sys"}]}),
    (
        "switch_context",
        ("sys", "usr"),
        {},
        {
            "response": "r",
            "action": [{"context_switch": {"system_prompt": "sys", "user_prompt": "usr"}}],
        },
    ),
    (
        "switch_context",
        ("sys",),
        {"consolidate": True},
        {
            "response": "r",
            "action": [{"context_switch": {"system_prompt": "sys", "consolidate": True}}],
        },
    ),
    (
        "switch_context",
        (),
        {"user_prompt": "u", "full_reset": True},
        {"response": "r", "action": [{"context_switch": {"user_prompt": "u", "full_reset": True}}]},
    ),
    ("hangup", (), {}, {"response": "r", "action": [{"hangup": True}]}),
    ("hold", (), {}, {"response": "r", "action": [{"hold": 300}]}),
    ("hold", (1000,), {}, {"response": "r", "action": [{"hold": 900}]}),
    (
        "hold",
        ("wait",),
        {"timeout": 60},
        {
            "response": {"tool_result": "status: on hold", "tool_prompt": "wait"},
            "action": [{"hold": 60}],
            "post_process": True,
        },
    ),
    (
        "hold",
        (),
        {"step": "a", "timeout_step": "b"},
        {"response": "r", "action": [{"hold": {"timeout": 300, "step": "a", "timeout_step": "b"}}]},
    ),
    ("wait_for_user", (), {}, {"response": "r", "action": [{"wait_for_user": True}]}),
    ("wait_for_user", (False,), {}, {"response": "r", "action": [{"wait_for_user": False}]}),
    ("wait_for_user", (), {"timeout": 10}, {"response": "r", "action": [{"wait_for_user": 10}]}),
    (
        "wait_for_user",
        (),
        {"answer_first": True},
        {"response": "r", "action": [{"wait_for_user": "answer_first"}]},
    ),
    ("stop", (), {}, {"response": "r", "action": [{"stop": True}]}),
    ("say", ("hi",), {}, {"response": "r", "action": [{"say": "hi"}]}),
    (
        "play_background_file",
        ("f.mp3",),
        {},
        {"response": "r", "action": [{"playback_bg": "f.mp3"}]},
    ),
    (
        "play_background_file",
        ("f.mp3",),
        {"wait": True},
        {"response": "r", "action": [{"playback_bg": {"file": "f.mp3", "wait": True}}]},
    ),
    ("stop_background_file", (), {}, {"response": "r", "action": [{"stop_playback_bg": True}]}),
    (
        "add_dynamic_hints",
        (["a", {"pattern": "x", "replace": "y"}],),
        {},
        {
            "response": "r",
            "action": [{"add_dynamic_hints": ["a", {"pattern": "x", "replace": "y"}]}],
        },
    ),
    ("clear_dynamic_hints", (), {}, {"response": "r", "action": [{"clear_dynamic_hints": {}}]}),
    (
        "set_end_of_speech_timeout",
        (500,),
        {},
        {"response": "r", "action": [{"end_of_speech_timeout": 500}]},
    ),
    (
        "set_speech_event_timeout",
        (600,),
        {},
        {"response": "r", "action": [{"speech_event_timeout": 600}]},
    ),
    (
        "toggle_functions",
        ([{"function": "a", "active": False}],),
        {},
        {"response": "r", "action": [{"toggle_functions": [{"function": "a", "active": False}]}]},
    ),
    (
        "enable_functions_on_timeout",
        (),
        {},
        {"response": "r", "action": [{"functions_on_speaker_timeout": True}]},
    ),
    (
        "enable_extensive_data",
        (False,),
        {},
        {"response": "r", "action": [{"extensive_data": False}]},
    ),
    ("replace_in_history", (), {}, {"response": "r", "action": [{"replace_in_history": True}]}),
    ("replace_in_history", ("x",), {}, {"response": "r", "action": [{"replace_in_history": "x"}]}),
    (
        "update_settings",
        ({"temperature": 0.5},),
        {},
        {"response": "r", "action": [{"settings": {"temperature": 0.5}}]},
    ),
    ("simulate_user_input", ("hi",), {}, {"response": "r", "action": [{"user_input": "hi"}]}),
    ("change_voice", ("v",), {}, {"response": "r", "action": [{"change_voice": "v"}]}),
    (
        "set_semantic_state",
        ({"a": 1},),
        {},
        {"response": "r", "action": [{"set_global_data": {"semantic_state": {"a": 1}}}]},
    ),
    (
        "send_sms",
        ("+1", "+2"),
        {"body": "b"},
        {
            "response": "r",
            "action": [
                {
                    "SWML": {
                        "version": "1.0.0",
                        "sections": {
                            "main": [
                                {"send_sms": {"to_number": "+1", "from_number": "+2", "body": "b"}}
                            ]
                        },
                    }
                }
            ],
        },
    ),
    (
        "send_sms",
        ("+1", "+2"),
        {"media": ["u"], "tags": ["t"], "region": "us"},
        {
            "response": "r",
            "action": [
                {
                    "SWML": {
                        "version": "1.0.0",
                        "sections": {
                            "main": [
                                {
                                    "send_sms": {
                                        "to_number": "+1",
                                        "from_number": "+2",
                                        "media": ["u"],
                                        "tags": ["t"],
                                        "region": "us",
                                    }
                                }
                            ]
                        },
                    }
                }
            ],
        },
    ),
    (
        "record_call",
        (),
        {},
        {
            "response": "r",
            "action": [
                {
                    "SWML": {
                        "version": "1.0.0",
                        "sections": {
                            "main": [
                                {
                                    "record_call": {
                                        "stereo": False,
                                        "format": "wav",
                                        "direction": "both",
                                        "beep": False,
                                        "input_sensitivity": 44.0,
                                    }
                                }
                            ]
                        },
                    }
                }
            ],
        },
    ),
    (
        "record_call",
        ("c",),
        {
            "stereo": True,
            "format": "mp3",
            "direction": "speak",
            "terminators": "#",
            "beep": True,
            "initial_timeout": 1.0,
            "end_silence_timeout": 2.0,
            "max_length": 3.0,
            "status_url": "https://s",
        },
        {
            "response": "r",
            "action": [
                {
                    "SWML": {
                        "version": "1.0.0",
                        "sections": {
                            "main": [
                                {
                                    "record_call": {
                                        "stereo": True,
                                        "format": "mp3",
                                        "direction": "speak",
                                        "beep": True,
                                        "input_sensitivity": 44.0,
                                        "control_id": "c",
                                        "terminators": "#",
                                        "initial_timeout": 1.0,
                                        "end_silence_timeout": 2.0,
                                        "max_length": 3.0,
                                        "status_url": "https://s",
                                    }
                                }
                            ]
                        },
                    }
                }
            ],
        },
    ),
    (
        "stop_record_call",
        (),
        {},
        {
            "response": "r",
            "action": [
                {"SWML": {"version": "1.0.0", "sections": {"main": [{"stop_record_call": {}}]}}}
            ],
        },
    ),
    (
        "stop_record_call",
        ("c",),
        {},
        {
            "response": "r",
            "action": [
                {
                    "SWML": {
                        "version": "1.0.0",
                        "sections": {"main": [{"stop_record_call": {"control_id": "c"}}]},
                    }
                }
            ],
        },
    ),
    (
        "tap",
        ("wss://x",),
        {},
        {
            "response": "r",
            "action": [
                {
                    "SWML": {
                        "version": "1.0.0",
                        "sections": {"main": [{"tap": {"uri": "wss://x", "direction": "both"}}]},
                    }
                }
            ],
        },
    ),
    (
        "tap",
        ("rtp://x",),
        {
            "control_id": "c",
            "direction": "listen",
            "codec": "PCMA",
            "rtp_ptime": 30,
            "status_url": "https://s",
        },
        {
            "response": "r",
            "action": [
                {
                    "SWML": {
                        "version": "1.0.0",
                        "sections": {
                            "main": [
                                {
                                    "tap": {
                                        "uri": "rtp://x",
                                        "control_id": "c",
                                        "direction": "listen",
                                        "codec": "PCMA",
                                        "rtp_ptime": 30,
                                        "status_url": "https://s",
                                    }
                                }
                            ]
                        },
                    }
                }
            ],
        },
    ),
    (
        "stop_tap",
        (),
        {},
        {
            "response": "r",
            "action": [{"SWML": {"version": "1.0.0", "sections": {"main": [{"stop_tap": {}}]}}}],
        },
    ),
    (
        "stop_tap",
        ("c",),
        {},
        {
            "response": "r",
            "action": [
                {
                    "SWML": {
                        "version": "1.0.0",
                        "sections": {"main": [{"stop_tap": {"control_id": "c"}}]},
                    }
                }
            ],
        },
    ),
    (
        "join_room",
        ("r",),
        {},
        {
            "response": "r",
            "action": [
                {"SWML": {"version": "1.0.0", "sections": {"main": [{"join_room": {"name": "r"}}]}}}
            ],
        },
    ),
    (
        "sip_refer",
        ("sip:a@b",),
        {},
        {
            "response": "r",
            "action": [
                {
                    "SWML": {
                        "version": "1.0.0",
                        "sections": {"main": [{"sip_refer": {"to_uri": "sip:a@b"}}]},
                    }
                }
            ],
        },
    ),
    (
        "join_conference",
        ("conf",),
        {},
        {
            "response": "r",
            "action": [
                {"SWML": {"version": "1.0.0", "sections": {"main": [{"join_conference": "conf"}]}}}
            ],
        },
    ),
    (
        "join_conference",
        ("conf",),
        {"muted": True, "beep": "false", "max_participants": 5, "status_callback": "https://s"},
        {
            "response": "r",
            "action": [
                {
                    "SWML": {
                        "version": "1.0.0",
                        "sections": {
                            "main": [
                                {
                                    "join_conference": {
                                        "name": "conf",
                                        "muted": True,
                                        "beep": "false",
                                        "max_participants": 5,
                                        "status_callback": "https://s",
                                    }
                                }
                            ]
                        },
                    }
                }
            ],
        },
    ),
    (
        "pay",
        ("https://pay",),
        {},
        {
            "response": "r",
            "action": [
                {
                    "SWML": {
                        "version": "1.0.0",
                        "sections": {
                            "main": [
                                {"set": {"ai_response": PAY_AI_RESPONSE}},
                                {
                                    "pay": {
                                        "payment_connector_url": "https://pay",
                                        "input": "dtmf",
                                        "payment_method": "credit-card",
                                        "timeout": "5",
                                        "max_attempts": "1",
                                        "security_code": "true",
                                        "min_postal_code_length": "0",
                                        "token_type": "reusable",
                                        "currency": "usd",
                                        "language": "en-US",
                                        "voice": "woman",
                                        "valid_card_types": "visa mastercard amex",
                                        "postal_code": "true",
                                    }
                                },
                            ]
                        },
                    }
                }
            ],
        },
    ),
    (
        "pay",
        ("https://pay",),
        {
            "input_method": "voice",
            "status_url": "https://s",
            "charge_amount": "10.00",
            "description": "d",
            "timeout": 7,
            "security_code": False,
            "parameters": [{"name": "a", "value": "b"}],
            "prompts": [{"for": "x", "actions": []}],
        },
        {
            "response": "r",
            "action": [
                {
                    "SWML": {
                        "version": "1.0.0",
                        "sections": {
                            "main": [
                                {"set": {"ai_response": PAY_AI_RESPONSE}},
                                {
                                    "pay": {
                                        "payment_connector_url": "https://pay",
                                        "input": "voice",
                                        "payment_method": "credit-card",
                                        "timeout": "7",
                                        "max_attempts": "1",
                                        "security_code": "false",
                                        "min_postal_code_length": "0",
                                        "token_type": "reusable",
                                        "currency": "usd",
                                        "language": "en-US",
                                        "voice": "woman",
                                        "valid_card_types": "visa mastercard amex",
                                        "postal_code": "true",
                                        "status_url": "https://s",
                                        "charge_amount": "10.00",
                                        "description": "d",
                                        "parameters": [{"name": "a", "value": "b"}],
                                        "prompts": [{"for": "x", "actions": []}],
                                    }
                                },
                            ]
                        },
                    }
                }
            ],
        },
    ),
    (
        "execute_rpc",
        ("m",),
        {},
        {
            "response": "r",
            "action": [
                {
                    "SWML": {
                        "version": "1.0.0",
                        "sections": {"main": [{"execute_rpc": {"method": "m"}}]},
                    }
                }
            ],
        },
    ),
    (
        "execute_rpc",
        ("m",),
        {"params": {"a": 1}, "call_id": "c", "node_id": "n"},
        {
            "response": "r",
            "action": [
                {
                    "SWML": {
                        "version": "1.0.0",
                        "sections": {
                            "main": [
                                {
                                    "execute_rpc": {
                                        "method": "m",
                                        "call_id": "c",
                                        "node_id": "n",
                                        "params": {"a": 1},
                                    }
                                }
                            ]
                        },
                    }
                }
            ],
        },
    ),
    (
        "rpc_dial",
        ("+1", "+2", "https://d"),
        {},
        {
            "response": "r",
            "action": [
                {
                    "SWML": {
                        "version": "1.0.0",
                        "sections": {
                            "main": [
                                {
                                    "execute_rpc": {
                                        "method": "dial",
                                        "params": {
                                            "devices": {
                                                "type": "phone",
                                                "params": {"to_number": "+1", "from_number": "+2"},
                                            },
                                            "dest_swml": "https://d",
                                        },
                                    }
                                }
                            ]
                        },
                    }
                }
            ],
        },
    ),
    (
        "rpc_ai_message",
        ("c", "hello"),
        {},
        {
            "response": "r",
            "action": [
                {
                    "SWML": {
                        "version": "1.0.0",
                        "sections": {
                            "main": [
                                {
                                    "execute_rpc": {
                                        "method": "ai_message",
                                        "call_id": "c",
                                        "params": {"role": "system", "message_text": "hello"},
                                    }
                                }
                            ]
                        },
                    }
                }
            ],
        },
    ),
    (
        "rpc_ai_message",
        ("c",),
        {"role": "user", "global_data": {"a": 1}},
        {
            "response": "r",
            "action": [
                {
                    "SWML": {
                        "version": "1.0.0",
                        "sections": {
                            "main": [
                                {
                                    "execute_rpc": {
                                        "method": "ai_message",
                                        "call_id": "c",
                                        "params": {"global_data": {"a": 1}},
                                    }
                                }
                            ]
                        },
                    }
                }
            ],
        },
    ),
    (
        "rpc_ai_global_data",
        ("c", {"a": 1}),
        {},
        {
            "response": "r",
            "action": [
                {
                    "SWML": {
                        "version": "1.0.0",
                        "sections": {
                            "main": [
                                {
                                    "execute_rpc": {
                                        "method": "ai_message",
                                        "call_id": "c",
                                        "params": {"global_data": {"a": 1}},
                                    }
                                }
                            ]
                        },
                    }
                }
            ],
        },
    ),
    (
        "rpc_ai_unhold",
        ("c",),
        {},
        {
            "response": "r",
            "action": [
                {
                    "SWML": {
                        "version": "1.0.0",
                        "sections": {
                            "main": [{"execute_rpc": {"method": "ai_unhold", "call_id": "c"}}]
                        },
                    }
                }
            ],
        },
    ),
]


@pytest.mark.parametrize(("method", "args", "kwargs", "expected"), CASES, ids=[c[0] for c in CASES])
def test_action_wire_shape(
    method: str, args: tuple[Any, ...], kwargs: dict[str, Any], expected: Any
) -> None:
    result = FunctionResult("r")
    assert getattr(result, method)(*args, **kwargs) is result
    assert result.to_dict() == expected


def test_to_dict_rules() -> None:
    assert FunctionResult().to_dict() == {"response": "Action completed."}
    assert FunctionResult("x", post_process=True).to_dict() == {"response": "x"}
    assert FunctionResult(post_process=True).say("a").to_dict() == {
        "action": [{"say": "a"}],
        "post_process": True,
    }
    assert FunctionResult("").hangup().to_dict() == {"action": [{"hangup": True}]}
    assert SwaigFunctionResult is FunctionResult


def test_structured_response_and_chaining() -> None:
    result = FunctionResult(tool_result="42", tool_prompt="Say the number")
    assert result.to_dict() == {"response": {"tool_result": "42", "tool_prompt": "Say the number"}}
    result = FunctionResult("ok").add_action("custom", {"a": 1}).add_actions([{"b": 2}])
    assert result.set_post_process(True).to_dict() == {
        "response": "ok",
        "action": [{"custom": {"a": 1}}, {"b": 2}],
        "post_process": True,
    }
    assert FunctionResult("x").set_response("y").to_dict() == {"response": "y"}


def test_payment_helpers() -> None:
    action = FunctionResult.create_payment_action("Say", "hi")
    assert FunctionResult.create_payment_prompt(
        "payment-card-number", [action], card_type="visa", error_type="e"
    ) == {
        "for": "payment-card-number",
        "actions": [{"type": "Say", "phrase": "hi"}],
        "card_type": "visa",
        "error_type": "e",
    }
    assert FunctionResult.create_payment_parameter("a", "b") == {"name": "a", "value": "b"}


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda r: r.send_sms("+1", "+2"), "body or media"),
        (lambda r: r.record_call(format="ogg"), "format"),
        (lambda r: r.record_call(direction="up"), "direction"),
        (lambda r: r.tap("http://x"), "rtp://"),
        (lambda r: r.toggle_functions([{"active": True}]), "function"),
        (lambda r: r.add_actions(["not a dict"]), "dict"),
        (lambda r: r.execute_swml(42), "swml_content"),
    ],
)
def test_bad_arguments_raise_clear_errors(call: Any, message: str) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        call(FunctionResult("r"))


def test_execute_swml_accepts_objects_with_to_dict() -> None:
    class Doc:
        def to_dict(self) -> dict[str, Any]:
            return {"version": "1.0.0", "sections": {"main": [{"hangup": {}}]}}

    assert FunctionResult().execute_swml(Doc()).action == [{"SWML": Doc().to_dict()}]
