"""The ``joke`` skill: jokes and dad jokes from API Ninjas, run by the platform."""
