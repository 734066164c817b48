"""Example skill package for signalwire-agents."""
