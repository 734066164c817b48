"""Code generator for ``signalwire.rest``: specs in, committed resource tree out.

Modules: :mod:`.spec` reads the OpenAPI files into plain operation records,
:mod:`.naming` maps each operation to ``client.<namespace>.<method>``, and
:mod:`.emit` writes the typed Python modules, and :mod:`.generate` runs them (``tools/generate.py``
runs it as its stage 2).
"""
