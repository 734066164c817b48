"""The ``datetime`` skill: the current time and date in any IANA timezone."""
