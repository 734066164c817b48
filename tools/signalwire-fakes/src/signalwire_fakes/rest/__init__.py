"""Fake SignalWire rest platform (raw JSON only)."""
