"""Refresh everything generated from the platform's published specs: the documented command.

Usage (from the repository root)::

    uv run python tools/generate.py           # rewrite the data and the code
    uv run python tools/generate.py --check   # exit 1 if anything committed is stale

The generators are the workspace package ``signalwire-devtools``
(``tools/signalwire-devtools/src/signalwire_devtools/codegen/``); this file only runs them.
"""

import sys

from signalwire_devtools.codegen.generate import main

if __name__ == "__main__":
    sys.exit(main())
