"""The ``datasphere`` skill: search a SignalWire DataSphere document from the agent."""
