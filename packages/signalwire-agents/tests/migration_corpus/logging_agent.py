"""Key-value logging on the agent's logger and on get_logger()."""

from signalwire import AgentBase, FunctionResult
from signalwire.core.logging_config import get_logger

logger = get_logger("logging_agent")


class Logged(AgentBase):
    def __init__(self):
        super().__init__(name="logged", port=3001)
        self.prompt_add_section("Role", "You log everything.")
        self.log.info("agent_configured", port=self.port, route=self.route or "/")

    @AgentBase.tool(description="Record a note")
    def note(self, text: str):
        logger.info("note_taken", text=text, length=len(text))
        self.log.debug("note_debug", text=text)
        return FunctionResult(f"Noted: {text}")


agent = Logged()

if __name__ == "__main__":
    agent.run()
