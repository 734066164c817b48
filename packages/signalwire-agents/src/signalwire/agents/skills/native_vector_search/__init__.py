"""The ``native_vector_search`` skill: answers from a knowledge index (signalwire-search)."""
