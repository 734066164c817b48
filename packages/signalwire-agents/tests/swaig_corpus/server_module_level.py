"""A module-level AgentServer with two agents: --route picks one."""

from __future__ import annotations

from signalwire.agents import AgentBase, AgentServer

hours = AgentBase("hours", route="/hours")
hours.prompt_add_section("Role", "You know the hours.")
hours.define_tool("open_at", "When we open", {}, lambda a, r: {"response": "9am"}, secure=False)

menu = AgentBase("menu", route="/menu")
menu.prompt_add_section("Role", "You know the menu.")
menu.define_tool("soup", "Today's soup", {}, lambda a, r: {"response": "tomato"}, secure=False)

server = AgentServer(port=3999)
server.register(hours)
server.register(menu)

if __name__ == "__main__":
    server.run()
