"""Fake RELAY: random, mostly malformed requests never crash it and always get one answer."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from signalwire.testing.relay import FakeRelayServer, RawRelayClient
from signalwire.testing.relay._behaviours import BEHAVIOURS

KEYS = [
    "call_id",
    "node_id",
    "control_id",
    "play",
    "collect",
    "record",
    "detect",
    "devices",
    "device",
    "tag",
    "digits",
    "contexts",
    "context",
    "body",
    "media",
    "from_number",
    "to_number",
    "url",
    "tap",
    "name",
    "queue_name",
    "dest",
    "action",
    "volume",
    "reason",
    "payment_connector_url",
    "document",
    "bind_method",
    "params",
    "timeout",
]


def _value(rng: random.Random, call_ids: list[str], depth: int = 0) -> Any:
    kind = rng.randrange(10)
    if kind == 0 and call_ids:
        return rng.choice(call_ids)
    if kind == 1:
        return rng.choice([None, True, False, 0, -1, 3.5, "", "x", "#"])
    if kind == 2 and depth < 2:
        return [_value(rng, call_ids, depth + 1) for _ in range(rng.randrange(3))]
    if kind == 3 and depth < 2:
        return {rng.choice(KEYS): _value(rng, call_ids, depth + 1) for _ in range(rng.randrange(3))}
    if kind == 4:
        return [[{"type": "phone", "params": {"to_number": "+1", "from_number": "+2"}}]]
    if kind == 5:
        return [{"type": "tts", "params": {"text": "hi"}}]
    return rng.choice(["fake-node-1", "ctl", "office", "+15550001111", "wss://x.test"])


@pytest.mark.parametrize("seed", [1, 2])
async def test_random_requests_get_exactly_one_answer(
    fake_relay: FakeRelayServer, seed: int
) -> None:
    rng = random.Random(seed)
    client = await RawRelayClient.open(fake_relay.url, contexts=["office"])
    call_ids = [fake_relay.inbound_call("office") for _ in range(3)]
    methods = [*sorted(BEHAVIOURS), "calling.nope", "signalwire.connect"]
    ids = []
    for n in range(400):
        params: Any = {rng.choice(KEYS): _value(rng, call_ids) for _ in range(rng.randrange(6))}
        if rng.random() < 0.7 and call_ids:
            params.setdefault("call_id", rng.choice(call_ids))
            params.setdefault("node_id", "fake-node-1")
        if rng.random() < 0.05:
            params = rng.choice([None, [], "x", 5])
        if params is not None and isinstance(params, dict) and "authentication" not in params:
            params.pop("protocol", None)
        method = rng.choice(methods)
        if method == "signalwire.connect":
            params = {"authentication": {"project": "test-project", "token": "test-token"}}
            params["protocol"] = client.protocol
        if rng.random() < 0.15:  # some well-formed ones so success paths run too
            method = rng.choice(["calling.answer", "calling.hold", "signalwire.ping"])
            params = {"call_id": rng.choice(call_ids), "node_id": "fake-node-1"}
        rid = f"fz{n}"
        ids.append(rid)
        await client.ws.send(
            json.dumps({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        )
        if n % 100 == 99:
            fake_relay.hangup(call_ids.pop(0))
            call_ids.append(fake_relay.inbound_call("office"))
    # Replies are queued in order: once a final ping is answered, all are in.
    assert await client.call("signalwire.ping", {}) == {}
    answers: dict[str, int] = {}
    codes: set[Any] = set()
    for frame in fake_relay.journal.sent():
        if frame.is_response and isinstance(frame.id, str) and frame.id.startswith("fz"):
            answers[frame.id] = answers.get(frame.id, 0) + 1
            result = frame.data.get("result")
            codes.add(
                result.get("code") if isinstance(result, dict) else frame.data["error"]["code"]
            )
    assert {"200", "400", "410", -32601} <= codes, codes  # the behaviours really ran
    assert set(answers) == set(ids), sorted(set(ids) - set(answers))[:5]
    assert set(answers.values()) == {1}
    assert fake_relay.errors == []
    await client.close()
