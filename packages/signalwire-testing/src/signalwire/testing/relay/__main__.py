"""Run the fake RELAY platform standalone: ``python -m signalwire.testing.relay``.

Prints the URL and test credentials, then serves until Ctrl-C. Options script
inbound traffic for the examples: ``--inbound-call CONTEXT`` offers a call each
time a client subscribes to ``CONTEXT`` (``--call-every`` repeats it),
``--inbound-message CONTEXT`` delivers an SMS likewise, ``-v`` prints every
frame, ``--digits`` sets what callers "press" in collects, ``--burst N`` floods
each answered call with N events and then ends it (for dispatch benchmarks).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import sys
import time
from typing import Any

from signalwire.testing.relay._connection import FakeSession
from signalwire.testing.relay._journal import Frame
from signalwire.testing.relay._script import Handler, Script
from signalwire.testing.relay._server import FakeRelayServer


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m signalwire.testing.relay", description="Fake SignalWire RELAY platform"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--project", default="test-project")
    parser.add_argument("--token", default="test-token")
    parser.add_argument("--jwt-token", default="test-jwt")
    parser.add_argument("--inbound-call", metavar="CONTEXT", action="append", default=[])
    parser.add_argument("--inbound-message", metavar="CONTEXT", action="append", default=[])
    parser.add_argument("--call-every", type=float, default=0.0, metavar="SECONDS")
    parser.add_argument("--digits", default="1", help="digits callers enter in collects")
    parser.add_argument("--play-duration", type=float, default=0.5)
    parser.add_argument("--ping-interval", type=float, default=None)
    parser.add_argument(
        "--burst",
        type=int,
        default=0,
        metavar="N",
        help="after each calling.answer, send N events for that call, then end it (benchmarks)",
    )
    parser.add_argument("--burst-event", default="calling.call.play", metavar="EVENT_TYPE")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every frame")
    return parser.parse_args(argv)


async def _serve(args: argparse.Namespace) -> None:
    server = FakeRelayServer(
        project=args.project,
        token=args.token,
        jwt_token=args.jwt_token,
        host=args.host,
        port=args.port,
        ping_interval=args.ping_interval,
        journal=False,
    )
    server.default_digits = args.digits
    server.set_duration("play", args.play_duration)
    await server.start()
    print(f"Fake RELAY platform listening on {server.url}", flush=True)
    print(f"  project:   {args.project}", flush=True)
    print(f"  token:     {args.token}", flush=True)
    print(f"  jwt_token: {args.jwt_token}", flush=True)
    print(
        f"  env: SIGNALWIRE_PROJECT_ID={args.project} SIGNALWIRE_API_TOKEN={args.token} "
        f"SIGNALWIRE_SPACE={server.host}",
        flush=True,
    )

    def offer(session: FakeSession, contexts: list[str]) -> None:
        for context in contexts:
            if context in args.inbound_call:
                call_id = server.inbound_call(context, session=session)
                print(f"offered inbound call {call_id} on {context!r}", flush=True)
                if args.call_every:
                    server.loop.call_later(args.call_every, offer, session, [context])
            if context in args.inbound_message:
                message_id = server.inbound_message(context, session=session)
                print(f"delivered inbound message {message_id} on {context!r}", flush=True)

    server.on_subscribe(offer)
    if args.burst:
        server.on("calling.answer", _burst_handler(server, args.burst, args.burst_event))
    if args.verbose:
        server.journal.observers.append(_print_frame)
    try:
        await asyncio.Event().wait()  # serve until Ctrl-C
    finally:
        await server.stop()


def _burst_handler(server: FakeRelayServer, count: int, event_type: str) -> Handler:
    """Answer normally, then flood the call with ``count`` events and hang up;
    the server prints how long the client took to acknowledge them all."""

    def handler(request: dict[str, Any], ctx: Script) -> None:
        ctx.default()
        call = ctx.call
        if call is None or call.session is None:
            return
        params = {
            "call_id": call.call_id,
            "node_id": call.node_id,
            "control_id": "burst",
            "state": "playing",
        }
        start = time.perf_counter()
        cpu = time.process_time()
        server.push_events(((event_type, params) for _ in range(count)), session=call.session)
        server.hangup(call.call_id)

        async def report() -> None:
            await server.wait_all_acked(timeout=300)
            elapsed = time.perf_counter() - start
            per_event = (time.process_time() - cpu) / count * 1e6
            print(
                f"burst of {count} acknowledged in {elapsed:.3f} s "
                f"({count / elapsed:.0f}/s; fake server CPU {per_event:.1f} us/event)",
                flush=True,
            )

        server.spawn(report())

    return handler


def _print_frame(frame: Frame) -> None:
    arrow = "C->S" if frame.direction == "in" else "S->C"
    body = frame.raw if frame.data is None else json.dumps(frame.data)
    print(f"{arrow} [{frame.connection_id}] {body}", flush=True)


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m signalwire.testing.relay``."""
    args = _parse(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING)
    logging.getLogger("websockets").setLevel(logging.WARNING)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
