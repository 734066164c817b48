"""Send an SMS and wait for delivery; receive SMS and reply.

    uv run examples/relay/sms.py [--to +15551234567] [--from +15557654321] [--fake]

Without SignalWire credentials (or with ``--fake``) it runs against the
in-process fake platform, which also plays the phone that texts back.
With credentials it sends one message, then answers inbound texts on
context ``RELAY_CONTEXT`` (default ``office``) until Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os

from _demo import setup_logging, start_fake, use_fake

from signalwire.relay import Message, RelayClient


async def send(client: RelayClient, to_number: str, from_number: str) -> None:
    msg = await client.send_message(
        to_number=to_number, from_number=from_number, body="Hello from RELAY!"
    )
    print(f"message {msg.message_id} {msg.state}")
    msg.on(lambda ev: print(f"  state: {ev.params.get('message_state')}"))
    await msg.wait(timeout=60)  # delivered, undelivered or failed
    print(f"message {msg.message_id} final state {msg.state} {msg.reason or ''}".rstrip())


def replier(client: RelayClient, done: asyncio.Event | None = None) -> None:
    @client.on_message
    async def on_message(message: Message) -> None:
        print(f"received from {message.from_number}: {message.body!r}")
        reply = await client.send_message(
            to_number=message.from_number,
            from_number=message.to_number,
            context=message.context,
            body=f"You said: {message.body}",
        )
        await reply.wait(timeout=60)
        print(f"replied ({reply.state})")
        if done is not None:
            done.set()


async def run(args: argparse.Namespace) -> None:
    if use_fake():
        server = await start_fake()
        server.set_duration("message_step", 0.05)  # state changes a little apart
        done = asyncio.Event()
        async with RelayClient("demo", "demo", host=server.url, contexts=["office"]) as client:
            replier(client, done)
            await send(client, args.to, args.from_)
            server.inbound_message(
                "office", body="Hi there", from_number=args.to, to_number=args.from_
            )
            await asyncio.wait_for(done.wait(), 30)
        await server.stop()
    else:
        async with RelayClient(contexts=[os.environ.get("RELAY_CONTEXT", "office")]) as client:
            replier(client)
            await send(client, args.to, args.from_)
            print("waiting for inbound messages (Ctrl-C to stop)")
            await asyncio.Future()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--to", default="+15551234567")
    parser.add_argument("--from", dest="from_", default="+15557654321")
    parser.add_argument("--fake", action="store_true", help="use the in-process fake platform")
    setup_logging()
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C ends the demo quietly
        asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
