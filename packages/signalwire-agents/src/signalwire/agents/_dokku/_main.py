"""``sw-agent-dokku``: create an agent project for Dokku, deploy it, read its logs, set its config.

Every command other than ``init`` runs ``git`` and ``ssh dokku@HOST ...`` exactly as you
would by hand, printing each one first (``--dry-run`` prints them and runs nothing).
Exit codes: 0 done, 1 a command failed (git/ssh missing, the host refused), 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from signalwire.agents._dokku._files import dokku_files
from signalwire.agents._scaffold._main import UsageError, write_project
from signalwire.agents._scaffold._plan import valid_name

__all__ = ["console_main", "main"]

OK, FAILED, USAGE = 0, 1, 2
REMOTE = "dokku"

EXAMPLES = """\
examples:
  sw-agent-dokku init my-agent --host dokku.example.com
  sw-agent-dokku init my-agent --web --cicd --dockerfile
  cd my-agent
  sw-agent-dokku config set SWML_BASIC_AUTH_PASSWORD=a-long-secret --host dokku.example.com
  sw-agent-dokku deploy --host dokku.example.com    # later runs find the host in the git remote
  sw-agent-dokku deploy --dry-run                   # print the commands, run nothing
  sw-agent-dokku logs -t
  sw-agent-dokku config show
  sw-agent-dokku scale web=2

The app name comes from --app, else app.json, else the dokku git remote; the host from
--host, else DOKKU_HOST, else the dokku git remote.
"""


class CommandFailed(Exception):
    """A git/ssh command failed or could not start: one line on stderr, exit code 1."""


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``sw-agent-dokku``."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--dry-run",
        action="store_true",
        default=argparse.SUPPRESS,
        help="print the commands, run nothing",
    )
    target = argparse.ArgumentParser(add_help=False)
    target.add_argument("--app", "-a", help="app name (default: app.json, then the git remote)")
    target.add_argument(
        "--host", "-H", help="Dokku host (default: DOKKU_HOST, then the git remote)"
    )

    p = argparse.ArgumentParser(
        prog="sw-agent-dokku",
        description="Create a SignalWire agent project for Dokku and manage it over git and ssh.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[common],
        allow_abbrev=False,
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    init = sub.add_parser(
        "init",
        parents=[common],
        help="write a new project: agent, tests, Procfile, app.json",
        allow_abbrev=False,
    )
    init.add_argument("name", help="project and app name (lowercase letters, digits, hyphens)")
    init.add_argument(
        "--cicd", action="store_true", help="add a GitHub Actions test+deploy workflow"
    )
    init.add_argument("--web", action="store_true", help="serve web/ at / and the agent at /agent")
    init.add_argument("--host", help="Dokku host written into the README and workflow")
    init.add_argument("--dir", help="parent folder (default: the current one)")
    init.add_argument("--force", "-f", action="store_true", help="replace a non-empty target")
    init.add_argument("--dockerfile", action="store_true", help="a Dockerfile, not a Procfile")

    deploy = sub.add_parser(
        "deploy",
        parents=[common, target],
        help="create the app if needed, then git push",
        allow_abbrev=False,
    )
    deploy.add_argument("--force", "-f", action="store_true", help="git push --force")
    logs = sub.add_parser(
        "logs", parents=[common, target], help="show the app's logs", allow_abbrev=False
    )
    logs.add_argument("--tail", "-t", action="store_true", help="follow the logs")
    logs.add_argument("--num", "-n", type=int, metavar="N", help="number of lines")
    config = sub.add_parser(
        "config", parents=[common, target], help="show, set or unset config", allow_abbrev=False
    )
    config.add_argument("action", choices=["show", "set", "unset"])
    config.add_argument("vars", nargs="*", help="KEY=value (set) or KEY (unset)")
    scale = sub.add_parser(
        "scale", parents=[common, target], help="show or set process counts", allow_abbrev=False
    )
    scale.add_argument("scale_args", nargs="*", metavar="PROCESS=N", help="e.g. web=2")
    return p


class Runner:
    """Prints each command, then runs it (unless dry-run); output passes through."""

    def __init__(self, out: TextIO, dry_run: bool) -> None:
        self.out = out
        self.dry_run = dry_run
        #: The last stderr line of the last command run (why it failed).
        self.last_error = ""

    def show(self, argv: Sequence[str]) -> None:
        print("$ " + shlex.join(argv), file=self.out, flush=True)

    def run(
        self, argv: Sequence[str], *, capture: bool = False, check: bool = True
    ) -> tuple[int, str]:
        """Run ``argv``; returns (exit code, stdout when captured). Raises CommandFailed."""
        self.show(argv)
        if self.dry_run:
            return 0, ""
        tool = require(argv[0])
        try:
            proc = subprocess.Popen(  # noqa: S603 - the user's own git/ssh command, no shell
                [tool, *argv[1:]],
                stdout=subprocess.PIPE if capture else None,
                stderr=subprocess.PIPE,
                text=True,
            )
        except OSError as exc:
            raise CommandFailed(f"cannot run {argv[0]}: {exc.strerror}") from None
        if capture:
            stdout, errors = proc.communicate()
            sys.stderr.write(errors)
            lines = [ln.strip() for ln in errors.splitlines() if ln.strip()]
            last = lines[-1] if lines else ""
        else:
            stdout, last = "", ""
            assert proc.stderr is not None
            for line in proc.stderr:  # passed through live; the last line explains a failure
                sys.stderr.write(line)
                if line.strip():
                    last = line.strip()
        code = proc.wait()
        self.last_error = last
        if check and code != 0:
            raise CommandFailed(_explain(argv, code, last))
        return code, stdout


def require(*tools: str) -> str:
    """The path of the first tool; CommandFailed naming any tool not on PATH."""
    found = [shutil.which(t) for t in tools]
    for tool, path in zip(tools, found, strict=True):
        if path is None:
            raise CommandFailed(f"{tool} is not installed or not on PATH: install {tool} first")
    return str(found[0])


def _explain(argv: Sequence[str], code: int, last: str) -> str:
    command = shlex.join(argv[:3]) + (" ..." if len(argv) > 3 else "")
    reason = f" ({last})" if last else ""
    if argv[0] == "ssh" and code == 255:
        return (
            f"{command} could not reach the host{reason}: check --host and that your SSH key "
            "is added to Dokku (dokku ssh-keys:add)"
        )
    if argv[0] == "git" and "push" in argv and code != 0:
        return f"{command} failed{reason}: check the output above (use --force to overwrite)"
    return f"{command} failed with exit code {code}{reason}"


def _remote_url() -> str | None:
    """The URL of the ``dokku`` git remote, when this folder is a repository that has one."""
    if shutil.which("git") is None or not Path(".git").exists():
        return None
    done = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        ["git", "remote", "get-url", REMOTE],  # noqa: S607 - git from PATH, as the user runs it
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else None


def _parse_remote(url: str | None) -> tuple[str | None, str | None]:
    """(host, app) of a ``dokku@HOST:APP`` remote URL."""
    match = re.match(r"^(?:ssh://)?dokku@([^:/]+)(?::\d+)?[:/](.+?)(?:\.git)?$", url or "")
    return (match.group(1), match.group(2)) if match else (None, None)


def _ask(question: str, default: str) -> str:
    return input(f"{question} [{default}]: ").strip() or default


def _target(args: argparse.Namespace) -> tuple[str, str]:
    """(app, host) from the flags, app.json, DOKKU_HOST and the git remote (or a prompt)."""
    remote_host, remote_app = _parse_remote(_remote_url())
    app = args.app
    if app is None and Path("app.json").is_file():
        try:
            name = json.loads(Path("app.json").read_text("utf-8")).get("name")
        except (ValueError, OSError, AttributeError):
            raise UsageError("app.json is not a JSON object: fix it or pass --app NAME") from None
        app = name if isinstance(name, str) and name else None
    app = app or remote_app
    host = args.host or os.environ.get("DOKKU_HOST") or remote_host
    if sys.stdin.isatty():
        app = app or _ask("App name", Path.cwd().name)
        host = host or _ask("Dokku host", "dokku.example.com")
    if not app:
        raise UsageError("no app name: pass --app NAME (or run in a folder with app.json)")
    if not host:
        raise UsageError("no Dokku host: pass --host HOST or set DOKKU_HOST")
    if not valid_name(app):
        raise UsageError(f"invalid app name {app!r}: use lowercase letters, digits and hyphens")
    if not re.match(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$", host):
        raise UsageError(f"invalid host {host!r}: give a host name like dokku.example.com")
    return app, host


def _ssh(host: str, *command: str) -> list[str]:
    """``ssh dokku@HOST COMMAND...``."""
    # ssh joins its arguments into one remote command line: quote each as a shell would.
    return ["ssh", f"dokku@{host}", *(shlex.quote(c) for c in command)]


def cmd_init(args: argparse.Namespace, out: TextIO) -> int:
    """Write the project (nothing runs: there is no command to print)."""
    if not valid_name(args.name):
        raise UsageError(
            f"invalid app name {args.name!r}: use 2-40 lowercase letters, digits and single "
            "hyphens, starting with a letter (e.g. my-agent)"
        )
    if args.host is not None and not re.match(r"^[A-Za-z0-9][A-Za-z0-9.-]*$", args.host):
        raise UsageError(f"invalid host {args.host!r}: give a host name like dokku.example.com")
    files = dokku_files(
        args.name, host=args.host, web=args.web, cicd=args.cicd, dockerfile=args.dockerfile
    )
    parent = Path(args.dir).expanduser() if args.dir else Path.cwd()
    target = (parent / args.name).absolute()
    if getattr(args, "dry_run", False):
        for path in sorted(files):
            print(f"would write {target / path}", file=out)
        return OK
    write_project(files, target, force=args.force)
    print(f"Created Dokku project {args.name} in {target}", file=out)
    host = f" --host {args.host}" if args.host else " --host HOST"
    print(f"Next: cd {target} && pytest && sw-agent-dokku deploy{host}", file=out)
    return OK


def cmd_deploy(args: argparse.Namespace, runner: Runner) -> int:
    """Commit if there is no repository yet, create the app if needed, push."""
    if not (Path("Procfile").is_file() or Path("Dockerfile").is_file()):
        raise UsageError(
            "no Procfile or Dockerfile here: cd into the project, or create one with "
            "sw-agent-dokku init NAME"
        )
    app, host = _target(args)
    if not runner.dry_run:
        require("git", "ssh")  # before the first command: nothing half-done
    if not Path(".git").exists():
        runner.run(["git", "init", "-q", "-b", "main"])
        runner.run(["git", "add", "-A"])
        runner.run(["git", "commit", "-q", "-m", "First deploy"])
    code, _ = runner.run(_ssh(host, "apps:exists", app), capture=True, check=False)
    if code == 255:
        raise CommandFailed(_explain(_ssh(host, "apps:exists", app), 255, runner.last_error))
    if code != 0:
        runner.run(_ssh(host, "apps:create", app))
    url = f"dokku@{host}:{app}"
    current = _remote_url()
    if current is None:
        runner.run(["git", "remote", "add", REMOTE, url])
    elif current != url:
        runner.run(["git", "remote", "set-url", REMOTE, url])
    push = ["git", "push", REMOTE, "HEAD:main"] + (["--force"] if args.force else [])
    runner.run(push)
    runner.run(_ssh(host, "urls", app))
    return OK


def cmd_logs(args: argparse.Namespace, runner: Runner) -> int:
    app, host = _target(args)
    extra = (["--tail"] if args.tail else []) + (["--num", str(args.num)] if args.num else [])
    if args.num is not None and args.num < 1:
        raise UsageError("--num must be a positive number of lines")
    runner.run(_ssh(host, "logs", app, *extra))
    return OK


def cmd_config(args: argparse.Namespace, runner: Runner) -> int:
    if args.action == "show":
        if args.vars:
            raise UsageError("config show takes no variables: sw-agent-dokku config show")
        app, host = _target(args)
        runner.run(_ssh(host, "config:show", app))
        return OK
    if not args.vars:
        raise UsageError(
            f"config {args.action} needs variables, e.g. config {args.action} "
            + ("KEY=value" if args.action == "set" else "KEY")
        )
    key = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
    for item in args.vars:
        name, sep, _value = item.partition("=")
        if args.action == "set" and (not sep or not key.match(name)):
            raise UsageError(f"config set: expected KEY=value, got {item!r}")
        if args.action == "unset" and (sep or not key.match(name)):
            raise UsageError(f"config unset: expected a variable name, got {item!r}")
    app, host = _target(args)
    runner.run(_ssh(host, f"config:{args.action}", app, *args.vars))
    return OK


def cmd_scale(args: argparse.Namespace, runner: Runner) -> int:
    for item in args.scale_args:
        if not re.match(r"^[a-z][a-z0-9-]*=\d+$", item):
            raise UsageError(f"scale: expected PROCESS=COUNT like web=2, got {item!r}")
    app, host = _target(args)
    runner.run(_ssh(host, "ps:scale", app, *args.scale_args))
    return OK


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run ``sw-agent-dokku`` with ``argv`` (default: ``sys.argv[1:]``); returns the exit code."""
    stream = out or sys.stdout
    parser = build_parser()
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.command is None:
        parser.print_usage(sys.stderr)
        print(
            "sw-agent-dokku: error: choose a command: init, deploy, logs, config or scale",
            file=sys.stderr,
        )
        return USAGE
    runner = Runner(stream, bool(getattr(args, "dry_run", False)))
    try:
        if args.command == "init":
            return cmd_init(args, stream)
        handler = {
            "deploy": cmd_deploy,
            "logs": cmd_logs,
            "config": cmd_config,
            "scale": cmd_scale,
        }[args.command]
        return handler(args, runner)
    except UsageError as exc:
        print(f"sw-agent-dokku: error: {exc}", file=sys.stderr)
        return USAGE
    except CommandFailed as exc:
        print(f"sw-agent-dokku: error: {exc}", file=sys.stderr)
        return FAILED
    except (EOFError, KeyboardInterrupt):
        print("\nsw-agent-dokku: cancelled", file=sys.stderr)
        return USAGE


def console_main() -> None:
    """Entry point of the ``sw-agent-dokku`` console script."""
    sys.exit(main())
