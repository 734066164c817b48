"""FunctionResult refuses the invalid values the vendor's documented methods refuse."""

from __future__ import annotations

from typing import Any

import pytest

from signalwire.agents import FunctionResult


def test_response_defaults_to_empty_string() -> None:
    result = FunctionResult()
    assert result.response == ""
    assert result.to_dict() == {"response": "Action completed."}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"beep": "invalid"}, "beep"),
        ({"record": "always"}, "record"),
        ({"trim": "keep"}, "trim"),
        ({"status_callback_method": "PATCH"}, "status_callback_method"),
        ({"recording_status_callback_method": "PUT"}, "recording_status_callback_method"),
        ({"max_participants": 1}, "max_participants"),
    ],
)
def test_join_conference_rejects_invalid_options(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ValueError, match=field):
        FunctionResult().join_conference("standup", **kwargs)


@pytest.mark.parametrize("name", ["", "   "])
def test_join_conference_needs_a_name(name: str) -> None:
    with pytest.raises(ValueError, match="conference name"):
        FunctionResult().join_conference(name)


def test_join_conference_valid_options_still_render() -> None:
    result = FunctionResult().join_conference(
        "standup", beep="onEnter", record="record-from-start", status_callback_method="GET"
    )
    config = result.action[0]["SWML"]["sections"]["main"][0]["join_conference"]
    assert config == {
        "name": "standup",
        "beep": "onEnter",
        "record": "record-from-start",
        "status_callback_method": "GET",
    }


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"codec": "OPUS"}, "codec must be one of 'PCMU', 'PCMA'"),
        ({"rtp_ptime": -20}, "rtp_ptime must be a positive integer"),
        ({"rtp_ptime": 0}, "rtp_ptime must be a positive integer"),
        ({"rtp_ptime": "20"}, "rtp_ptime must be a positive integer"),
    ],
)
def test_tap_rejects_invalid_codec_and_ptime(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FunctionResult().tap("wss://tap.example.com/audio", **kwargs)


def test_tap_accepts_pcma() -> None:
    result = FunctionResult().tap("rtp://10.0.0.1:5000", codec="PCMA", rtp_ptime=30)
    assert result.action[0]["SWML"]["sections"]["main"][0]["tap"] == {
        "uri": "rtp://10.0.0.1:5000",
        "direction": "both",
        "codec": "PCMA",
        "rtp_ptime": 30,
    }
