"""The ``api_ninjas_trivia`` skill: trivia questions from API Ninjas, run by the platform."""
