"""IVR: answer, play a menu, collect one digit, route the caller.

    uv run examples/relay/ivr.py          # against the in-process fake platform
    uv run examples/relay/ivr.py --fake   # force the fake even with credentials set

With SignalWire credentials in the environment (and no ``--fake``) it serves
inbound calls on context ``RELAY_CONTEXT`` (default ``office``) until Ctrl-C.
"""

from __future__ import annotations

import asyncio
import os

from _demo import setup_logging, start_fake, use_fake

from signalwire.relay import Call, CollectEvent, RelayClient

MENU = "Welcome. For sales press 1. For support press 2."
SUPPORT = [
    [{"type": "phone", "params": {"from_number": "+15550002222", "to_number": "+15550009999"}}]
]


async def handle(call: Call) -> str:
    """Route one caller; returns where they went."""
    print(f"call {call.call_id} from {call.device.get('params', {}).get('from_number')}")
    await call.answer()
    prompt = await call.prompt_tts(
        MENU, {"digits": {"max": 1, "digit_timeout": 5.0}, "initial_timeout": 8.0}
    )
    result = await prompt.wait(timeout=30)
    digits = ""
    if isinstance(result, CollectEvent) and result.result.get("type") == "digit":
        digits = result.result.get("params", {}).get("digits", "")
    print(f"caller pressed {digits!r}")
    if digits == "1":
        play = await call.play_tts("Connecting you to sales. Thank you!")
        await play.wait(timeout=30)
        route = "sales"
    elif digits == "2":
        await call.connect(SUPPORT, ringback=[{"type": "ringtone", "params": {"name": "us"}}])
        route = "support"
    else:
        play = await call.play_tts("Sorry, I did not get that. Goodbye.")
        await play.wait(timeout=30)
        route = "goodbye"
    await call.hangup()
    print(f"call {call.call_id} routed to {route} and ended")
    return route


async def demo() -> None:
    server = await start_fake()
    client = RelayClient("demo", "demo", host=server.url, contexts=["office"])
    finished: asyncio.Queue[str] = asyncio.Queue()

    @client.on_call
    async def on_call(call: Call) -> None:
        await finished.put(await handle(call))

    async with client:
        for digit in ("1", "2", "9"):
            server.queue_collect(digits=digit)  # what the simulated caller presses
            server.inbound_call("office", from_number="+15551230000")
            await asyncio.wait_for(finished.get(), 30)
    await server.stop()


def main() -> None:
    setup_logging()
    if use_fake():
        asyncio.run(demo())
        return
    client = RelayClient(contexts=[os.environ.get("RELAY_CONTEXT", "office")])
    client.on_call(handle)
    client.run()


if __name__ == "__main__":
    main()
