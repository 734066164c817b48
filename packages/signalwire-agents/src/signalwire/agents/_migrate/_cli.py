"""The ``signalwire-migrate`` command line."""

from __future__ import annotations

import argparse
import difflib
import sys
import textwrap
import tokenize
from collections.abc import Iterator, Sequence
from pathlib import Path

from signalwire.agents._migrate._rewrite import rewrite_source
from signalwire.agents._migrate._rules import RULES

__all__ = ["main"]

_SKIP_DIRS = frozenset(
    {".git", ".hg", ".venv", "venv", "__pycache__", "node_modules", "site-packages", ".tox", ".nox"}
)


def _python_files(paths: Sequence[str]) -> Iterator[Path]:
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for found in sorted(path.rglob("*.py")):
                if not _SKIP_DIRS.intersection(found.relative_to(path).parts[:-1]):
                    yield found
        else:
            yield path


def _short(text: str) -> str:
    """One line of a statement for the --check listing (the first, if it spans several)."""
    lines = text.splitlines()
    return lines[0].rstrip() + (" ..." if len(lines) > 1 else "")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="signalwire-migrate",
        description=textwrap.fill(  # wrapped here: the raw formatter keeps the epilog's lines
            "Rewrite imports written for signalwire-sdk 3.x (signalwire...) or signalwire-agents "
            "1.x (signalwire_agents...) to signalwire-agents' public imports, in place. "
            "Formatting and comments are kept; names with no counterpart are reported and left "
            "as they are, and so is code that runs but may not do what was meant (--rules).",
            78,
            break_on_hyphens=False,
        ),
        epilog=(
            "Examples:\n"
            "  signalwire-migrate --check my_project/   # what would change; exit 1 if anything\n"
            "  signalwire-migrate --diff agent.py       # the changes as a unified diff\n"
            "  signalwire-migrate my_project/           # rewrite the files in place\n"
            "\n"
            "Exit status: 0 nothing to do, 1 changes, notices (--check) or unmappable names,\n"
            "2 a file that cannot be read or parsed, or a usage error."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or directories")
    parser.add_argument(
        "--check",
        action="store_true",
        help=(
            "write nothing; list what would change and the notices, and exit 1 if anything "
            "needs changing or attention"
        ),
    )
    parser.add_argument(
        "--rules", action="store_true", help="list the rules behind the notices and exit"
    )
    parser.add_argument(
        "--diff", action="store_true", help="write nothing; print a unified diff of the changes"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit status.

    0 clean; 1 unmappable names, or with ``--check`` changes or notices; 2 errors.
    """
    parser = _parser()
    args = parser.parse_args(argv)
    out, err = sys.stdout, sys.stderr
    if args.rules:
        for rule in RULES:
            print(f"{rule.name}: {rule.summary}", file=out)
        return 0
    if not args.paths:
        parser.error("give at least one PATH")
    write = not (args.check or args.diff)
    changed_files = problems = notices = errors = 0
    for path in _python_files(args.paths):
        try:
            raw = path.read_bytes()
            encoding, _ = tokenize.detect_encoding(iter(raw.splitlines(keepends=True)).__next__)
            source = raw.decode(encoding)
            result = rewrite_source(source, str(path))
        except (OSError, SyntaxError, UnicodeDecodeError, LookupError) as exc:
            print(f"{path}: cannot migrate: {exc}", file=err)
            errors += 1
            continue
        for problem in result.problems:
            print(f"{path}:{problem.line}: cannot map {problem.name}: {problem.reason}", file=err)
        problems += len(result.problems)
        for notice in result.notices:
            print(f"{path}:{notice.line}: note [{notice.rule}]: {notice.message}", file=out)
        notices += len(result.notices)
        if not result.changed:
            continue
        changed_files += 1
        if args.diff:
            out.writelines(
                difflib.unified_diff(
                    source.splitlines(keepends=True),
                    result.source.splitlines(keepends=True),
                    fromfile=f"{path}",
                    tofile=f"{path}",
                )
            )
        if args.check:
            for change in result.changes:
                print(
                    f"{path}:{change.line}: {_short(change.old)}  ->  {_short(change.new)}",
                    file=out,
                )
        if write:
            path.write_bytes(result.source.encode(encoding))
            print(f"rewrote {path} ({len(result.changes)} change(s))", file=out)
    out.flush()
    verb = "rewrote" if write else "would rewrite"
    print(
        f"signalwire-migrate: {verb} {changed_files} file(s); "
        f"{problems} unmappable name(s); {notices} notice(s); {errors} error(s)",
        file=err,
    )
    if errors:
        return 2
    if problems or (args.check and (changed_files or notices)):
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover - python -m signalwire.agents._migrate._cli
    raise SystemExit(main())
