"""A website chat widget talking to an agent through the AI Chat gateway.

    python examples/agents/ai_chat_widget.py --demo   # offline: the fake chat service, in process
    python examples/agents/ai_chat_widget.py          # serve the agent and /chat/ for real

The browser only ever holds the publishable key and the conversation handle the gateway
signs; the project token (SIGNALWIRE_PROJECT_ID / SIGNALWIRE_API_TOKEN / SIGNALWIRE_SPACE)
and the agent's SWML URL stay on the server. In a web page:

    const r = await fetch("/chat/", {method: "POST",
        headers: {Authorization: "Bearer " + PUBLISHABLE_KEY, "Content-Type": "application/json"},
        body: JSON.stringify({method: "start"})});
    const handle = r.headers.get("X-Chat-Handle");
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from signalwire.agents import AgentBase
from signalwire.agents.ai_chat import AIChatClient, ChatGateway

PUBLISHABLE_KEY = "pk_demo_widget"

agent = AgentBase("shop-assistant", route="/agent")
agent.set_prompt_text("You answer questions about orders placed on the shop's website.")


def build_gateway(client: AIChatClient | None = None) -> ChatGateway:
    """The gateway the widget calls; ``client`` defaults to one built from the environment."""
    return ChatGateway(
        config_url="https://user:pass@shop.example/agent",  # where the service fetches the SWML
        key=PUBLISHABLE_KEY,
        allowed_origins=["https://shop.example"],
        client=client,
        max_new_conversations=30,
    )


async def demo() -> list[str]:
    """Play a browser: start a conversation, send two messages, read the transcript, end it."""
    import httpx

    from signalwire.testing.chat import FakeChatService

    fake = FakeChatService("demo-project", "demo-token")
    upstream = httpx.AsyncClient(transport=httpx.ASGITransport(app=fake))
    client = AIChatClient(
        "demo-project", "demo-token", url="http://chat.local/api/ai/chat", session=upstream
    )
    gateway = build_gateway(client)
    agent.mount(gateway.router(), prefix="/chat")
    headers = {"Authorization": f"Bearer {PUBLISHABLE_KEY}", "Origin": "https://shop.example"}
    lines: list[str] = []
    transport = httpx.ASGITransport(app=agent.get_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://shop.local") as browser:
        start = await browser.post("/chat/", json={"method": "start"}, headers=headers)
        handle = start.headers["X-Chat-Handle"]
        lines.append(f"agent: {start.json()['greeting']}")
        for text in ("Where is order 1042?", "Thanks!"):
            lines.append(f"you: {text}")
            reply = await browser.post(
                "/chat/", json={"message": text, "handle": handle}, headers=headers
            )
            lines.append(f"agent: {json.loads(reply.text)['result']['response']}")
        log = await browser.post(
            "/chat/", json={"method": "log", "handle": handle}, headers=headers
        )
        lines.append(f"({len(log.json()['messages'])} messages in the transcript)")
        await browser.post("/chat/", json={"method": "end", "handle": handle}, headers=headers)
    await upstream.aclose()
    return lines


def main(argv: list[str]) -> Any:
    if "--demo" in argv:
        for line in asyncio.run(demo()):
            print(line)
        return None
    agent.mount(build_gateway().router(), prefix="/chat")
    agent.run()
    return None


if __name__ == "__main__":
    main(sys.argv[1:])
