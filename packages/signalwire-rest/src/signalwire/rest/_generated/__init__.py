"""Generated resource tree (see ``tools/generate_rest.py``)."""
