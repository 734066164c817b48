"""The ``wikipedia_search`` skill: Wikipedia article summaries."""
