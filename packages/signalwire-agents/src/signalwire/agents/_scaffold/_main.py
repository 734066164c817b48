"""``sw-agent-init``: write a new agent project (local, AWS Lambda, Cloud Functions, Azure).

The project is written into a temporary folder beside the target and moved into place
in one rename, so an interrupted or failed run leaves nothing half-written. Exit codes:
0 created, 1 created but a follow-up step (the virtual environment) failed, 2 bad usage.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from signalwire.agents._scaffold._plan import (
    DEFAULT_REGIONS,
    PLATFORMS,
    TYPES,
    Project,
    plan_files,
    valid_name,
    valid_region,
)

__all__ = ["console_main", "main"]

OK, FAILED, USAGE = 0, 1, 2

EXAMPLES = """\
examples:
  sw-agent-init                         ask for everything (in a terminal)
  sw-agent-init my-agent                a local agent in ./my-agent, with a .venv
  sw-agent-init my-agent --type full    more tools, call state and a post-call summary
  sw-agent-init my-agent -p aws -r us-west-2 --no-venv
  sw-agent-init my-agent -p gcp --dir ~/projects
  sw-agent-init my-agent -p azure --force   replace ./my-agent

then: cd my-agent && pytest
"""


class UsageError(Exception):
    """Bad input: one line on stderr, exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``sw-agent-init``."""
    p = argparse.ArgumentParser(
        prog="sw-agent-init",
        description="Create a new SignalWire agent project: the agent, its tests "
        "(signalwire-testing) and, per platform, the handler and deployment files.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    p.add_argument("name", nargs="?", help="project name: lowercase letters, digits, hyphens")
    p.add_argument("--type", choices=TYPES, help="basic (one tool) or full (default: basic)")
    p.add_argument("--platform", "-p", choices=PLATFORMS, help="where it runs (default: local)")
    p.add_argument(
        "--region", "-r", help="cloud region (default: us-east-1, us-central1 or eastus)"
    )
    p.add_argument("--no-venv", action="store_true", help="do not create .venv (local only)")
    p.add_argument("--dir", help="parent folder of the project (default: the current one)")
    p.add_argument("--force", "-f", action="store_true", help="replace a non-empty target")
    return p


def _ask(question: str, default: str, choices: Sequence[str] | None = None) -> str:
    hint = f" ({'/'.join(choices)})" if choices else ""
    while True:
        answer = input(f"{question}{hint} [{default}]: ").strip() or default
        if choices is None or answer in choices:
            return answer
        print(f"  choose one of: {', '.join(choices)}", file=sys.stderr)


def _interactive(args: argparse.Namespace) -> bool:
    return args.name is None and sys.stdin.isatty()


def _resolve(args: argparse.Namespace) -> argparse.Namespace:
    """Fill what the flags left open: prompts in a terminal, defaults otherwise."""
    if _interactive(args):
        args.name = _ask("Project name", "my-agent")
        if args.platform is None:
            args.platform = _ask("Platform", "local", PLATFORMS)
        if args.type is None:
            args.type = _ask("Type", "basic", TYPES)
        if args.platform != "local" and args.region is None:
            args.region = _ask("Region", DEFAULT_REGIONS[args.platform])
        if args.platform == "local" and not args.no_venv:
            args.no_venv = (
                _ask("Create a virtual environment (.venv)?", "yes", ("yes", "no")) == "no"
            )
    if args.name is None:
        raise UsageError("a project name is required: sw-agent-init NAME (e.g. my-agent)")
    args.platform = args.platform or "local"
    args.type = args.type or "basic"
    if not valid_name(args.name):
        raise UsageError(
            f"invalid project name {args.name!r}: use 2-40 lowercase letters, digits and "
            "single hyphens, starting with a letter (e.g. my-agent)"
        )
    if args.region is not None:
        if args.platform == "local":
            raise UsageError("--region applies to -p aws, gcp or azure; drop it for local")
        if not valid_region(args.platform, args.region):
            raise UsageError(
                f"--region {args.region!r} is not a {args.platform} region name "
                f"(e.g. {DEFAULT_REGIONS[args.platform]})"
            )
    return args


def write_project(files: dict[str, str], target: Path, *, force: bool) -> None:
    """Write ``files`` into a fresh temporary folder, then move it to ``target`` at once."""
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} exists and is not a folder: choose another name or --dir")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise UsageError(f"{target} exists and is not empty: choose another name or add --force")
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=parent))
    except OSError as exc:
        raise UsageError(
            f"cannot write in {parent}: {exc.strerror}; choose another --dir"
        ) from None
    old: Path | None = None
    try:
        for relative, text in files.items():
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            if relative.endswith(".sh"):
                path.chmod(0o755)
        staging.chmod(0o755)
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=parent))
            os.replace(target, old / target.name)
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if old is not None and not target.exists():  # put the user's folder back
            os.replace(old / target.name, target)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def make_venv(target: Path, out: TextIO) -> bool:
    """Create ``.venv`` and install the requirements; False (with a hint) when it fails."""
    venv = target / ".venv"
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    steps = [
        [sys.executable, "-m", "venv", str(venv)],
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "-r",
            "requirements.txt",
            "-r",
            "requirements-dev.txt",
        ],
    ]
    for step in steps:
        print(f"$ {' '.join(step)}", file=out, flush=True)
        try:
            done = subprocess.run(  # noqa: S603 - this Python and the new venv's, no shell
                step, cwd=target, check=False, capture_output=True, text=True
            )
        except OSError as exc:
            done = subprocess.CompletedProcess(step, 1, "", str(exc))
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            print(
                f"sw-agent-init: error: {' '.join(step[:3])}... failed ({last}); the project "
                f"is written: create the environment by hand (see {target.name}/README.md)",
                file=sys.stderr,
            )
            return False
    return True


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run ``sw-agent-init`` with ``argv`` (default: ``sys.argv[1:]``); returns the exit code."""
    stream = out or sys.stdout
    parser = build_parser()
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:  # argparse printed the usage problem (or --help)
        return int(exc.code or 0)
    try:
        args = _resolve(args)
        project = Project(args.name, args.platform, args.type, args.region)
        parent = Path(args.dir).expanduser() if args.dir else Path.cwd()
        target = (parent / project.name).absolute()
        write_project(plan_files(project), target, force=args.force)
    except UsageError as exc:
        print(f"sw-agent-init: error: {exc}", file=sys.stderr)
        return USAGE
    except (EOFError, KeyboardInterrupt):
        print("\nsw-agent-init: cancelled, nothing written", file=sys.stderr)
        return USAGE
    print(
        f"Created {project.type} {project.platform} project {project.name} in {target}", file=stream
    )
    code = OK
    if project.platform == "local" and not args.no_venv:
        code = OK if make_venv(target, stream) else FAILED
    activate = "" if args.no_venv or project.platform != "local" else " && . .venv/bin/activate"
    print(f"Next: cd {target}{activate} && pytest   (README.md has the rest)", file=stream)
    return code


def console_main() -> None:
    """Entry point of the ``sw-agent-init`` console script."""
    sys.exit(main())
