"""The ``weather_api`` skill: current weather from WeatherAPI.com, run by the platform."""
