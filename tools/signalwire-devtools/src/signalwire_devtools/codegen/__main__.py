"""``python -m signalwire_devtools.codegen``: the same as ``tools/generate.py``."""

import sys

from signalwire_devtools.codegen.generate import main

sys.exit(main())
