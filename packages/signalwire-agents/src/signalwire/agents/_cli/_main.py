"""``swaig-test``: list an agent's tools, dump its SWML and run a tool, all in process.

Every request goes through the agent's real HTTP app, exactly as SignalWire
sends it: the SWML fetch with Basic auth, then the tool call to the
``web_hook_url`` the SWML handed out, token included. Exit codes: 0 success,
1 the agent answered with an error, 2 bad usage (no agent, several agents, a
bad flag value).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Coroutine, Sequence
from typing import Any, TextIO

from signalwire.agents._cli._args import (
    EXAMPLES_HELP,
    PLATFORMS_HELP,
    UsageError,
    apply_env,
    build_parser,
    tool_args,
)
from signalwire.agents._cli._commands import (
    AGENT_ERROR,
    dump_swml,
    exec_tool,
    list_agents,
    list_tools,
)
from signalwire.agents._cli._loader import AgentLoadError, load_agents, select_agent
from signalwire.agents._cli._session import AgentError, Session
from signalwire.agents._hosting import loopless

__all__ = ["console_main", "main"]

USAGE_ERROR = 2


def _run(args: argparse.Namespace, extra: list[str], out: TextIO) -> int:
    arguments = tool_args(extra)
    if arguments and not args.exec:
        raise UsageError(f"unrecognized arguments: {' '.join(extra)}")

    def note(text: str) -> None:
        if args.verbose:
            print(f"swaig-test: {text}", file=sys.stderr)

    # Loaded outside any event loop: a script's main() may call asyncio.run() itself.
    agents = load_agents(args.agent_path, args.agent_class, note)
    if args.list_agents:
        return list_agents(agents, out, args.raw)
    agent = select_agent(agents, args.agent_path, args.route)
    if args.dry_run:
        user, _password, source = agent.get_basic_auth_credentials(include_source=True)
        print(
            f"{type(agent).__name__} {agent.name!r} at {agent.route or '/'}: "
            f"{len(agent.define_tools())} tools, basic auth user {user!r} ({source})",
            file=out,
        )
        return 0
    session = Session(agent, args, out)
    if args.exec:
        return _on_loop(exec_tool(session, args.exec, arguments))
    action = list_tools if args.list_tools else dump_swml
    if args.verbose or args.simulate_serverless:
        # -v prints each request as it goes (no attempt that could be repeated), and a
        # simulated platform runs its adapter in a worker thread.
        return _on_loop(action(session))
    # Listing tools or dumping SWML needs no event loop unless the agent has async
    # callbacks; skipping asyncio is a good part of the command's start-up time.
    return loopless.run(lambda: action(session), _on_loop)


def _on_loop(coro: Coroutine[Any, Any, int]) -> int:
    import asyncio

    return asyncio.run(coro)


def _quiet_logging(verbose: bool) -> None:
    """Agent warnings (generated password, ...) only with -v; errors always, one line each."""
    import logging

    logger = logging.getLogger("signalwire")
    if not logger.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO if verbose else logging.ERROR)


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run ``swaig-test`` with ``argv`` (default: ``sys.argv[1:]``); returns the exit code."""
    stream = out or sys.stdout
    parser = build_parser()
    try:
        args, extra = parser.parse_known_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:  # argparse already printed the problem
        return int(exc.code or 0)
    if args.help_platforms:
        print(PLATFORMS_HELP, file=stream)
        return 0
    if args.help_examples:
        print(EXAMPLES_HELP, file=stream)
        return 0
    if not args.agent_path:
        parser.print_usage(sys.stderr)
        print("swaig-test: error: an agent file or module is required", file=sys.stderr)
        return USAGE_ERROR
    actions = [args.list_agents, args.list_tools, args.dump_swml, bool(args.exec), args.dry_run]
    if sum(actions) > 1:
        print("swaig-test: error: choose one action", file=sys.stderr)
        return USAGE_ERROR
    if sum(actions) == 0:
        args.list_tools = True
    _quiet_logging(args.verbose)
    saved_env = dict(os.environ)
    try:
        apply_env(args)
        # What the agent prints while it answers (a per-call callback, a tool) goes to stderr,
        # as what it prints while loading does: stdout carries only the command's output, so
        # `--raw` stays pipeable. `stream` was taken before the redirect.
        with contextlib.redirect_stdout(sys.stderr):
            return _run(args, extra, stream)
    except (AgentLoadError, UsageError) as exc:
        print(f"swaig-test: error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except AgentError as exc:
        print(f"swaig-test: {exc}", file=sys.stderr)
        return AGENT_ERROR
    finally:  # the simulated platform's variables end with the command
        os.environ.clear()
        os.environ.update(saved_env)


def console_main() -> None:
    """Entry point of the ``swaig-test`` console script."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:  # `swaig-test ... | head`: the reader left, nothing to report
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = 0
    sys.exit(code)
