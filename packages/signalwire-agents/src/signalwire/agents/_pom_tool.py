"""``pom-tool``: convert a prompt object model file between JSON, YAML, Markdown and XML.

Exit codes: 0 success, 1 the input could not be read or converted (a one-line
``Error: ...`` on stderr), 2 bad command-line usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from signalwire.agents._pom_model import PromptObjectModel

__all__ = ["main"]

_FORMATS = ("md", "xml", "json", "yaml")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pom-tool",
        description="Render or convert a prompt object model (POM) file.",
    )
    parser.add_argument(
        "input", help="the POM file (.json, .yaml or .yml; other names are sniffed)"
    )
    parser.add_argument(
        "--output", choices=_FORMATS, default="md", help="output format (default: md)"
    )
    parser.add_argument("--outfile", help="write to this file instead of stdout")
    parser.add_argument(
        "--merge_pom",
        metavar="SECTION:FILE",
        help="add FILE's sections as subsections of the section titled SECTION",
    )
    return parser


def load(path: str) -> PromptObjectModel:
    """Read a POM file, choosing JSON or YAML by extension, else by content."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ValueError(f"{path} is not UTF-8 text") from None
    suffix = Path(path).suffix.lower()
    if suffix == ".json":
        return PromptObjectModel.from_json(text)
    if suffix in (".yaml", ".yml"):
        return PromptObjectModel.from_yaml(text)
    if text.lstrip()[:1] in ("{", "["):
        try:
            json.loads(text)
        except json.JSONDecodeError:
            pass
        else:
            return PromptObjectModel.from_json(text)
    return PromptObjectModel.from_yaml(text)


def render(pom: PromptObjectModel, output: str) -> str:
    """The model in one of ``md``, ``xml``, ``json``, ``yaml``."""
    if output == "xml":
        return pom.render_xml()
    if output == "json":
        return pom.to_json()
    if output == "yaml":
        return pom.to_yaml()
    return pom.render_markdown()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        pom = load(args.input)
        if args.merge_pom:
            title, sep, other = args.merge_pom.partition(":")
            if not sep or not title or not other:
                raise ValueError("--merge_pom takes 'Section title:file'")
            pom.add_pom_as_subsection(title, load(other))
        text = render(pom, args.output)
        if args.outfile:
            try:
                Path(args.outfile).write_text(text, encoding="utf-8")
            except OSError as exc:
                raise ValueError(f"cannot write {args.outfile}: {exc.strerror or exc}") from None
            print(f"Output written to {args.outfile}")
        else:
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
    except (ValueError, TypeError, ImportError) as exc:
        message = " ".join(str(exc).split())
        print(f"Error: {message}", file=sys.stderr)
        return 1
    return 0


def console_main() -> None:
    """Entry point of the ``pom-tool`` console script."""
    sys.exit(main())


if __name__ == "__main__":
    console_main()
