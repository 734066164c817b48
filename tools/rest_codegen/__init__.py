"""Code generator for ``signalwire.rest``: specs in, committed resource tree out.

Modules: :mod:`.spec` reads the OpenAPI files into plain operation records,
:mod:`.naming` maps each operation to ``client.<namespace>.<method>``, and
:mod:`.emit` writes the typed Python modules. ``tools/generate_rest.py`` is
the command line.
"""
