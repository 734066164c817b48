"""Write each README ```python block that defines a ``test_`` function to its own file.

Used by ``test_readme_examples.py`` and by ``nox -s install`` (fresh venv from
the wheels): ``python readme_examples.py README.md OUT_DIR``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def write_examples(readme: Path, out: Path) -> list[Path]:
    """Write ``test_readme_<n>.py`` files into ``out``; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for index, code in enumerate(BLOCK.findall(readme.read_text(encoding="utf-8"))):
        if re.search(r"^(async )?def test_", code, re.M):
            path = out / f"test_readme_{index}.py"
            path.write_text(code, encoding="utf-8")
            files.append(path)
    return files


if __name__ == "__main__":
    written = write_examples(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"{len(written)} README example test file(s) in {sys.argv[2]}")
    sys.exit(0 if written else 1)
