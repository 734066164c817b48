"""10,000 concurrent Call objects: memory held (tracemalloc), built the way the client builds them."""

from __future__ import annotations

import json
import sys
import tracemalloc

N = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000


def main() -> None:
    from signalwire.relay import RelayClient

    client = RelayClient("p", "t", host="ws://127.0.0.1:1", environ={}, max_active_calls=N)
    client.on_call(lambda call: None)
    payloads = [
        json.dumps(
            {
                "event_type": "calling.call.receive",
                "timestamp": 1700000000.0,
                "params": {
                    "call_id": f"{i:08d}-aaaa-bbbb-cccc-{i:012d}",
                    "node_id": "fake-node-1234567890abcdef",
                    "segment_id": f"seg-{i:08d}",
                    "call_state": "created",
                    "context": "office",
                    "direction": "inbound",
                    "project_id": "00000000-0000-0000-0000-000000000001",
                    "device": {
                        "type": "phone",
                        "params": {"from_number": f"+1555{i:07d}", "to_number": "+15550002222"},
                    },
                },
            }
        )
        for i in range(N)
    ]
    client._dispatch(json.loads(payloads[0]))  # warm-up: builds the converter
    client._routing().calls.clear()
    tracemalloc.start()
    base = tracemalloc.take_snapshot()
    for text in payloads:
        client._dispatch(json.loads(text))  # as the reader does: parse, route, track
    assert len(client.calls) == N
    snap = tracemalloc.take_snapshot()
    used = sum(s.size_diff for s in snap.compare_to(base, "filename"))
    print(json.dumps({"calls": N, "bytes": used}))


if __name__ == "__main__":
    main()
