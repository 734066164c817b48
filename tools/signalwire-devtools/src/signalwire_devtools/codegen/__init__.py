"""Everything generated from the platform's published specs, in two stages.

* Stage 1, :mod:`.spec_data`: published specs (YAML/JSON) -> the facts-only copies committed in
  ``signalwire.testing``'s ``_data/`` folder.
* Stage 2, from that committed data: :mod:`.rest` (the ``signalwire.rest`` resource tree) and
  :mod:`.swml_verbs` (``signalwire.agents``' SWML verb methods and pruned runtime schema).
  :mod:`.docs` words the generated docstrings from facts of the spec.

:mod:`.generate` runs both stages (``uv run python tools/generate.py``, or
``python -m signalwire_devtools.codegen``).
"""
