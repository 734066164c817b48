"""Tools declared with @AgentBase.tool in a class body and @agent.tool on an instance."""

from signalwire import AgentBase
from signalwire.core.function_result import FunctionResult


class FrontDesk(AgentBase):
    def __init__(self):
        super().__init__(name="front-desk", route="/desk")
        self.prompt_add_section("Role", "You are the front desk of a small hotel.")
        self.add_language("English", "en-US", "rime.spore")

    @AgentBase.tool(name="check_room", description="Check whether a room is free")
    def check_room(self, args, raw_data):
        room = args.get("room", "101")
        return FunctionResult(f"Room {room} is free tonight.")

    @AgentBase.tool
    def get_time(self):
        """Tell the caller the time at the hotel."""
        return FunctionResult("It is half past nine.")

    @AgentBase.tool(description="End the session")
    def end_session(self, reason: str):
        return FunctionResult(f"Goodbye ({reason}).").hangup()


agent = FrontDesk()


@agent.tool(description="Spell a word for the caller")
def spell(word: str, raw_data: dict = None):
    return FunctionResult("-".join(word.upper()))


if __name__ == "__main__":
    agent.run()
