"""Stage 2: generate ``signalwire.rest``'s resource tree from the committed spec data.

Usage (from the repository root; ``tools/generate.py`` runs this too)::

    uv run python -m signalwire_devtools.codegen.rest.generate          # rewrite the package
    uv run python -m signalwire_devtools.codegen.rest.generate --check  # exit 1 if out of date

The OpenAPI documents are read from the committed facts-only copies in
``packages/signalwire-testing/src/signalwire/testing/_data/``; the output goes to
``packages/signalwire-rest/src/signalwire/rest/_generated/`` and is formatted with
ruff so that a spec update reads as a small diff.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from signalwire_devtools.codegen.rest import relaxed
from signalwire_devtools.codegen.rest.emit import render_all
from signalwire_devtools.codegen.rest.spec import Spec, load
from signalwire_devtools.codegen.spec_data import DATA_DIR, ROOT, SPEC_FILES

OUT = ROOT / "packages/signalwire-rest/src/signalwire/rest/_generated"
#: The spec deviations, for the fake platform (which never imports the generator).
EXCEPTIONS_JSON = (
    ROOT / "packages/signalwire-testing/src/signalwire/testing/rest/platform_exceptions.json"
)


def exceptions_json() -> str:
    return json.dumps(relaxed.as_json(), indent=2) + "\n"


def generate(out: Path, data: Path = DATA_DIR, fmt: bool = True) -> int:
    """Write the generated package into ``out``; return the number of operations.

    ``fmt=False`` skips ruff (for tests that compare syntax trees, not text).
    """
    rest = Spec(data / SPEC_FILES["signalwire-rest.openapi.yaml"])
    compat = Spec(data / SPEC_FILES["compatibility.openapi.yaml"])
    ops = load(rest, "rest") + load(compat, "compat")
    relaxed.apply(rest, compat, ops)
    files = render_all(rest, compat, ops)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.py"):
        if old.name not in files:
            old.unlink()
    for name, source in files.items():
        (out / name).write_text(source, encoding="utf-8")
    if not fmt:
        return len(ops)
    # Files are passed one by one: the root config excludes _generated/ from linting.
    paths = [str(out / name) for name in sorted(files)]
    config = ["--config", str(ROOT / "pyproject.toml")]
    subprocess.run([sys.executable, "-m", "ruff", "format", "--quiet", *config, *paths], check=True)
    return len(ops)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if the output is stale")
    args = parser.parse_args(argv)
    if not args.check:
        count = generate(OUT)
        EXCEPTIONS_JSON.write_text(exceptions_json(), encoding="utf-8")
        print(f"wrote {OUT.relative_to(ROOT)} ({count} operations)")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp))
        stale = [
            p.name
            for p in sorted(Path(tmp).glob("*.py"))
            if not (OUT / p.name).is_file() or (OUT / p.name).read_text() != p.read_text()
        ]
        extra = [p.name for p in OUT.glob("*.py") if not (Path(tmp) / p.name).exists()]
    if not EXCEPTIONS_JSON.is_file() or EXCEPTIONS_JSON.read_text() != exceptions_json():
        extra.append(EXCEPTIONS_JSON.name)
    if stale or extra:
        print(f"generated REST code is stale: {stale + extra}; run tools/generate.py")
        return 1
    print("generated REST code is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
