"""Fake SignalWire relay platform (raw JSON only)."""
