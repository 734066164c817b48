"""Outbound call with recording: dial, record the conversation, hang up, print the recording URL.

    uv run examples/relay/dial_record.py [--to +15551234567] [--from +15557654321] [--fake]

Without SignalWire credentials (or with ``--fake``) it runs against the
in-process fake platform, which answers the call.
"""

from __future__ import annotations

import argparse
import asyncio

from _demo import setup_logging, start_fake, use_fake

from signalwire.relay import RecordEvent, RelayClient


async def place_call(client: RelayClient, to_number: str, from_number: str, seconds: float) -> str:
    """Dial, record for ``seconds`` (or until the far end hangs up); return the recording URL."""
    device = {"type": "phone", "params": {"from_number": from_number, "to_number": to_number}}
    call = await client.dial([[device]], dial_timeout=60)  # one serial group with one device
    print(f"call {call.call_id} answered by {to_number}")
    recording = await call.record({"format": "mp3", "beep": True, "direction": "both"})
    greeting = await call.play_tts("This call is recorded. Please leave a message after the beep.")
    await greeting.wait(timeout=30)
    try:
        await recording.wait(timeout=seconds)  # ends early on silence or hangup
    except TimeoutError:
        await recording.stop()
    result = await recording.wait(timeout=30)
    await call.hangup()
    url = result.url if isinstance(result, RecordEvent) else ""
    print(f"recording: {url or '(none)'}")
    return url


async def run(args: argparse.Namespace) -> None:
    if use_fake():
        server = await start_fake()
        server.set_duration("record", None)  # the fake records until stopped
        async with RelayClient("demo", "demo", host=server.url) as client:
            await place_call(client, args.to, args.from_, seconds=0.5)
        await server.stop()
    else:
        async with RelayClient() as client:
            await place_call(client, args.to, args.from_, seconds=args.seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--to", default="+15551234567")
    parser.add_argument("--from", dest="from_", default="+15557654321")
    parser.add_argument("--seconds", type=float, default=30.0, help="longest recording")
    parser.add_argument("--fake", action="store_true", help="use the in-process fake platform")
    setup_logging()
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
