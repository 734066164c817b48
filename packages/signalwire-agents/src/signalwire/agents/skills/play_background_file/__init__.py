"""The ``play_background_file`` skill: start and stop background audio or video."""
