"""The ``swml_transfer`` skill: transfer calls by matching what the caller asked for."""
