"""Generated resource tree (see ``tools/generate.py``)."""
