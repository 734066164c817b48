"""pytest fixtures for the fake relay platform (imports lazily)."""
