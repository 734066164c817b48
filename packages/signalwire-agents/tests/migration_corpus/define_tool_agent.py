"""define_tool with every handler form, imported from the older package name."""

from signalwire_agents import AgentBase, SwaigFunctionResult


class Pharmacy(AgentBase):
    def __init__(self):
        super().__init__(name="pharmacy")
        self.set_prompt_text("You help callers with prescription refills.")
        self.define_tool(
            name="refill",
            description="Request a refill",
            parameters={
                "rx_number": {"type": "string", "description": "Prescription number"},
            },
            handler=self.refill,
        )
        self.define_tool(
            name="store_hours",
            description="Opening hours",
            parameters={},
            handler=self.store_hours,
        )
        self.define_tool(
            name="cancel",
            description="Cancel a refill",
            parameters={"type": "object", "properties": {"rx_number": {"type": "string"}}},
            handler=self.cancel,
        )
        self.define_tool(
            name="pickup",
            description="When a refill can be picked up",
            parameters={"rx_number": {"type": "string"}},
            handler=pickup_time,
            secure=False,
        )

    def refill(self, args, raw_data):
        return SwaigFunctionResult(f"Refill of {args['rx_number']} requested.")

    def store_hours(self):
        return SwaigFunctionResult("We are open from 8 to 8.")

    async def cancel(self, rx_number: str, raw_data: dict):
        return SwaigFunctionResult(f"Cancelled {rx_number} for {raw_data.get('caller_id_num')}.")


def pickup_time(rx_number):
    return f"{rx_number} is ready after 4pm."


agent = Pharmacy()

if __name__ == "__main__":
    agent.run()
