"""The ``web_search`` skill: Google Custom Search plus the text of the best pages."""
