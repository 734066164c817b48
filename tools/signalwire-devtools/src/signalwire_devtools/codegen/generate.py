"""Refresh everything generated from the platform's published specs: one command.

Usage (from the repository root)::

    uv run python tools/generate.py           # rewrite the data and the code
    uv run python tools/generate.py --check   # exit 1 if anything committed is stale

Stage 1 (:mod:`.spec_data`) reads the published specs (``SIGNALWIRE_SPECS_DIR``,
else ``../shared/specs`` beside the checkout) and writes the facts-only copies in
``packages/signalwire-testing/src/signalwire/testing/_data/``. Without a specs folder,
stage 1 is skipped and the committed data is used as it is.

Stage 2 turns that committed data into code: ``rest.generate`` (the REST
resource tree) and :mod:`.swml_verbs` (SWML verb methods and the pruned
runtime schema).
"""

from __future__ import annotations

import argparse
import sys

from signalwire_devtools.codegen import spec_data, swml_verbs
from signalwire_devtools.codegen.rest import generate as rest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if committed output is stale")
    parser.add_argument(
        "--require-specs",
        action="store_true",
        help="fail (instead of skipping stage 1) when no specs folder is found",
    )
    args = parser.parse_args(argv)
    failed = False
    try:
        specs = spec_data.find_specs_dir()
    except FileNotFoundError as exc:
        if args.require_specs:
            print(f"stage 1: {exc}")
            return 1
        print(f"stage 1 skipped: {exc}; the committed data is used as it is")
    else:
        files = spec_data.build(specs)
        if args.check:
            stale = spec_data.stale(files)
            if stale:
                print(f"stage 1: committed spec data is stale: {stale}")
                failed = True
            else:
                print(f"stage 1: spec data matches {specs}")
        else:
            spec_data.write(files)
            print(f"stage 1: wrote {spec_data.DATA_DIR.relative_to(spec_data.ROOT)} from {specs}")
    check = ["--check"] if args.check else []
    failed |= rest.main(check) != 0
    failed |= swml_verbs.main(check) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
