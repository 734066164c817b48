"""Tools that answer with FunctionResult actions."""

from signalwire.core.agent_base import AgentBase
from signalwire.core.function_result import FunctionResult


class Concierge(AgentBase):
    def __init__(self):
        super().__init__(name="actions")
        self.prompt_add_section("Role", "You transfer callers and send texts.")

    @AgentBase.tool(description="Transfer to sales")
    def transfer_sales(self, args, raw_data):
        return FunctionResult("Transferring you to sales.").connect("+15551230001", final=True)

    @AgentBase.tool(description="Text the caller a link")
    def send_link(self, args, raw_data):
        return (
            FunctionResult("I sent you a text.")
            .send_sms(to_number="+15551230002", from_number="+15551230003", body="Your link")
            .update_global_data({"texted": True})
        )

    @AgentBase.tool(description="Put the caller on hold")
    def hold(self, args, raw_data):
        return FunctionResult("Please hold.").hold(60)

    @AgentBase.tool(description="Join the team conference")
    def conference(self, args, raw_data):
        return FunctionResult("Joining.").join_conference("team-standup", beep="onEnter")


agent = Concierge()

if __name__ == "__main__":
    agent.run()
