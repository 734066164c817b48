"""pytest fixtures for the fake rest platform (imports lazily)."""
