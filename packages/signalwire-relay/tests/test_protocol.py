"""Sans-I/O protocol core: framing, correlation, acks, resume keys (no sockets)."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from signalwire.relay import RelayError
from signalwire.relay._protocol import (
    Ignored,
    RelayProtocol,
    Response,
    ServerDisconnect,
    ServerEvent,
    ServerPing,
    ack_frame,
    backoff_delay,
    check_result,
)


def make_proto() -> RelayProtocol:
    counter = itertools.count(1)
    return RelayProtocol(id_factory=lambda: f"r{next(counter)}", dedupe_window=3)


def event_frame(msg_id: object, event_type: str = "calling.call.play", **inner: object) -> str:
    return json.dumps(
        {
            "jsonrpc": "2.0",
            "id": msg_id,
            "method": "signalwire.event",
            "params": {"event_type": event_type, "params": inner},
        }
    )


def test_request_frame_and_response_correlation() -> None:
    p = make_proto()
    msg_id, frame = p.request("calling.answer", {"call_id": "c1", "node_id": "n1"})
    assert json.loads(frame) == {
        "jsonrpc": "2.0",
        "id": "r1",
        "method": "calling.answer",
        "params": {"call_id": "c1", "node_id": "n1"},
    }
    out = p.receive(json.dumps({"jsonrpc": "2.0", "id": msg_id, "result": {"code": "200"}}))
    assert out == Response("r1", "calling.answer", result={"code": "200"})
    assert p.pending == {}
    # a second reply to the same id is now unknown
    again = p.receive(json.dumps({"jsonrpc": "2.0", "id": msg_id, "result": {}}))
    assert isinstance(again, Ignored)
    assert "unknown id" in again.reason


def test_error_object_becomes_relay_error() -> None:
    p = make_proto()
    msg_id, _ = p.request("signalwire.connect", {})
    out = p.receive(
        json.dumps(
            {
                "jsonrpc": "2.0",
                "id": msg_id,
                "error": {"code": -32002, "message": "401 Unauthorized"},
            }
        )
    )
    assert isinstance(out, Response)
    assert isinstance(out.error, RelayError)
    assert out.error.code == -32002
    assert "401 Unauthorized" in str(out.error)
    assert "signalwire.connect" in str(out.error)


def test_reply_without_result_is_an_error() -> None:
    p = make_proto()
    msg_id, _ = p.request("calling.play", {})
    out = p.receive(json.dumps({"jsonrpc": "2.0", "id": msg_id}))
    assert isinstance(out, Response)
    assert out.error is not None
    assert "no result" in out.error.message


def test_event_ack_is_exact_and_precedes_handling() -> None:
    p = make_proto()
    out = p.receive(event_frame("e-1", call_id="c1", control_id="k", state="playing"))
    assert isinstance(out, ServerEvent)
    assert json.loads(out.ack) == {"jsonrpc": "2.0", "id": "e-1", "result": {}}
    assert out.payload["params"]["state"] == "playing"
    assert not out.duplicate


@pytest.mark.parametrize("msg_id", ['we"ird', "back\\slash", 7, "ctl\x01", "ünï"])
def test_ack_escapes_any_id(msg_id: object) -> None:
    assert json.loads(ack_frame(msg_id))["id"] == msg_id


@given(st.one_of(st.text(), st.integers()))
def test_ack_round_trips_every_id(msg_id: object) -> None:
    assert json.loads(ack_frame(msg_id)) == {"jsonrpc": "2.0", "id": msg_id, "result": {}}


def test_duplicate_events_are_flagged_within_the_window() -> None:
    p = make_proto()
    assert not p.receive(event_frame("a")).duplicate  # type: ignore[union-attr]
    dup = p.receive(event_frame("a"))
    assert isinstance(dup, ServerEvent)
    assert dup.duplicate
    assert json.loads(dup.ack)["id"] == "a"
    for i in range(3):  # window of 3 pushes "a" out
        p.receive(event_frame(f"x{i}"))
    assert not p.receive(event_frame("a")).duplicate  # type: ignore[union-attr]


def test_server_ping_and_disconnect() -> None:
    p = make_proto()
    ping = p.receive('{"jsonrpc":"2.0","id":"p1","method":"signalwire.ping","params":{}}')
    assert ping == ServerPing(ack_frame("p1"))
    d = p.receive(
        '{"jsonrpc":"2.0","id":"d1","method":"signalwire.disconnect","params":{"restart":true}}'
    )
    assert d == ServerDisconnect(ack_frame("d1"), restart=True)
    d2 = p.receive('{"jsonrpc":"2.0","id":"d2","method":"signalwire.disconnect"}')
    assert d2 == ServerDisconnect(ack_frame("d2"), restart=False)


@pytest.mark.parametrize(
    ("frame", "reason"),
    [
        ("{not json", "not valid JSON"),
        ("[1,2]", "not a JSON object"),
        ('"text"', "not a JSON object"),
        ('{"jsonrpc":"2.0","id":"zz","result":{}}', "unknown id"),
        ('{"jsonrpc":"2.0","method":"signalwire.event","params":{}}', "without id"),
        ('{"jsonrpc":"2.0","method":5,"id":"x"}', "not a string"),
        ('{"jsonrpc":"2.0","method":"signalwire.ping"}', "notification"),
        ('{"jsonrpc":"2.0"}{"x":1}', "not valid JSON"),  # extra data after the document
        ('{"jsonrpc":"2.0"} x', "not valid JSON"),
        ("", "not valid JSON"),
        ("   ", "not valid JSON"),
        ("\ud800", "not valid JSON"),
        ('{"jsonrpc":"2.0","id":[1],"method":"signalwire.event","params":{}}', "not a string"),
        ('{"jsonrpc":"2.0","id":{},"method":"signalwire.event","params":{}}', "not a string"),
    ],
)
def test_malformed_frames_are_ignored_not_raised(frame: str, reason: str) -> None:
    out = make_proto().receive(frame)
    assert isinstance(out, Ignored)
    assert reason in out.reason


def test_event_without_type_is_acked_but_not_handled() -> None:
    out = make_proto().receive('{"jsonrpc":"2.0","id":"e","method":"signalwire.event","params":{}}')
    assert isinstance(out, Ignored)
    assert out.reply == ack_frame("e")


def test_unknown_server_request_gets_method_not_found() -> None:
    out = make_proto().receive('{"jsonrpc":"2.0","id":"q","method":"blade.execute","params":{}}')
    assert isinstance(out, Ignored)
    assert out.reply is not None
    assert json.loads(out.reply)["error"]["code"] == -32601


@given(st.binary(max_size=200))
def test_receive_never_raises(data: bytes) -> None:
    make_proto().receive(data)


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(
    method=st.one_of(
        st.sampled_from(
            ["signalwire.event", "signalwire.ping", "signalwire.disconnect", "other.method"]
        ),
        _json_values,
    ),
    msg_id=_json_values,
    params=st.one_of(
        _json_values,
        st.fixed_dictionaries(
            {"event_type": st.one_of(st.text(max_size=20), _json_values), "params": _json_values}
        ),
    ),
    present=st.sets(st.sampled_from(["method", "id", "params"])),
)
def test_receive_classifies_any_json_object(
    method: object, msg_id: object, params: object, present: set[str]
) -> None:
    """Well-formed JSON with any shape in the JSON-RPC slots is classified, never raised."""
    fields = {"method": method, "id": msg_id, "params": params}
    frame = json.dumps({"jsonrpc": "2.0", **{k: v for k, v in fields.items() if k in present}})
    p = make_proto()
    out = p.receive(frame)
    assert isinstance(out, Response | ServerEvent | ServerPing | ServerDisconnect | Ignored)
    if isinstance(out, ServerEvent):
        assert json.loads(out.ack) == {"jsonrpc": "2.0", "id": msg_id, "result": {}}
        assert p.receive(frame) == ServerEvent(out.ack, out.payload, duplicate=True)


def test_connect_params_fresh_then_resume() -> None:
    p = make_proto()
    fresh = p.connect_params(authentication={"project": "P", "token": "T"}, contexts=[])
    assert fresh["event_acks"] is True
    assert fresh["version"] == {"major": 2, "minor": 0, "revision": 0}
    assert "contexts" not in fresh
    assert "protocol" not in fresh
    msg_id, _ = p.request("signalwire.connect", fresh)
    p.receive(
        json.dumps(
            {
                "jsonrpc": "2.0",
                "id": msg_id,
                "result": {"protocol": "signalwire_abc", "identity": "I"},
            }
        )
    )
    assert p.protocol == "signalwire_abc"
    assert p.identity == "I"
    assert p.last_resumed is False
    p.receive(event_frame("e1", "signalwire.authorization.state", authorization_state="enc:tag"))
    resume = p.connect_params(authentication={"jwt_token": "J"}, contexts=["office"])
    assert resume["protocol"] == "signalwire_abc"
    assert resume["authorization_state"] == "enc:tag"
    assert resume["contexts"] == ["office"]
    assert resume["authentication"] == {"jwt_token": "J"}
    assert p.connected({"protocol": "signalwire_abc"}) is True
    # a different protocol means the old session is gone
    assert p.connected({"protocol": "signalwire_new"}) is False
    assert p.authorization_state is None


def test_restart_drops_resume_keys() -> None:
    p = make_proto()
    p.connected({"protocol": "signalwire_abc"})
    p.reset_session()
    params = p.connect_params(authentication={"project": "P", "token": "T"}, contexts=["a"])
    assert "protocol" not in params


def test_connection_lost_returns_pending() -> None:
    p = make_proto()
    p.request("calling.play", {})
    p.request("calling.answer", {})
    assert p.connection_lost() == {"r1": "calling.play", "r2": "calling.answer"}
    assert p.pending == {}


def test_forget_makes_late_reply_ignored() -> None:
    p = make_proto()
    msg_id, _ = p.request("calling.play", {})
    p.forget(msg_id)
    assert isinstance(
        p.receive(json.dumps({"jsonrpc": "2.0", "id": msg_id, "result": {}})), Ignored
    )


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        ({"code": "200", "message": "ok"}, {"code": "200", "message": "ok"}),
        ({"code": 204}, {"code": 204}),
        ({"message": "no code"}, {"message": "no code"}),
        ("text", {"raw": "text"}),
    ],
)
def test_check_result_success(result: object, expected: object) -> None:
    assert check_result("calling.play", result) == expected


@pytest.mark.parametrize(("code", "num"), [("404", 404), ("500", 500), (409, 409), ("oops", -1)])
def test_check_result_failure(code: object, num: int) -> None:
    with pytest.raises(RelayError) as info:
        check_result("calling.play", {"code": code, "message": "call gone"})
    assert info.value.code == num
    assert "calling.play failed: call gone" in str(info.value)


def test_backoff_is_capped_exponential_with_jitter() -> None:
    lows = [backoff_delay(n, min_delay=1, max_delay=30, rand=lambda: 0.0) for n in range(8)]
    highs = [backoff_delay(n, min_delay=1, max_delay=30, rand=lambda: 1.0) for n in range(8)]
    assert lows == [0.5, 1, 2, 4, 8, 15, 15, 15]
    assert highs == [1, 2, 4, 8, 16, 30, 30, 30]
    assert backoff_delay(10_000, max_delay=30) <= 30


def test_late_reply_after_forget_is_expected() -> None:
    p = make_proto()
    msg_id, _ = p.request("calling.play", {})
    p.forget(msg_id)
    out = p.receive(json.dumps({"jsonrpc": "2.0", "id": msg_id, "result": {}}))
    assert isinstance(out, Ignored)
    assert out.expected is True
    assert "late reply to calling.play" in out.reason
    # a reply to an id never sent (or a second late reply) is still unexpected
    again = p.receive(json.dumps({"jsonrpc": "2.0", "id": msg_id, "result": {}}))
    assert isinstance(again, Ignored)
    assert again.expected is False
    stranger = p.receive(json.dumps({"jsonrpc": "2.0", "id": "nope", "result": {}}))
    assert isinstance(stranger, Ignored)
    assert stranger.expected is False


def test_given_up_window_is_bounded() -> None:
    p = make_proto()
    first, _ = p.request("calling.play", {})
    p.forget(first)
    for _ in range(2000):
        msg_id, _ = p.request("calling.play", {})
        p.forget(msg_id)
    out = p.receive(json.dumps({"jsonrpc": "2.0", "id": first, "result": {}}))
    assert isinstance(out, Ignored)
    assert out.expected is False  # fell out of the window: reported like any unknown id


def test_generated_ids_are_uuid4() -> None:
    import uuid

    from signalwire.relay._util import new_uuid

    ids = {new_uuid() for _ in range(500)}
    assert len(ids) == 500
    for text in ids:
        parsed = uuid.UUID(text)
        assert str(parsed) == text
        assert parsed.version == 4
        assert parsed.variant == uuid.RFC_4122


@pytest.mark.parametrize(
    "frame",
    [
        '{"jsonrpc":"2.0","id":"p1","method":"signalwire.ping","params":{}}',
        ' {"jsonrpc":"2.0","id":"p1","method":"signalwire.ping","params":{}}\n',  # whitespace
        b'{"jsonrpc":"2.0","id":"p1","method":"signalwire.ping","params":{}}',  # bytes
    ],
)
def test_frames_parse_with_or_without_surrounding_whitespace(frame: str | bytes) -> None:
    assert make_proto().receive(frame) == ServerPing(ack_frame("p1"))
