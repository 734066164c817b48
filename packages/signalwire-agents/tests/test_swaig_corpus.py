"""``swaig-test`` over a corpus of scripts, one per way of building an agent.

Each script lists its tools and runs one through the agent's own HTTP path. Scripts
whose ``main()`` would serve must not start a server: the test would hang (and time out)
if serving were not suppressed.
"""

from __future__ import annotations

import contextlib
import io
import json
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from signalwire.agents._cli import main
from signalwire.agents._swml_service import SWMLService

CORPUS = Path(__file__).parent / "swaig_corpus"

#: script, selection flags, tools listed, (tool, args, expected response)
CASES: list[tuple[str, list[str], list[str], tuple[str, list[str], str]]] = [
    ("module_instance.py", [], ["greet"], ("greet", ["--name", "Ana"], "Hello Ana.")),
    ("subclass_only.py", [], ["count"], ("count", ["--upto", "3"], "1, 2, 3")),
    (
        "several_classes.py",
        ["--agent-class", "SupportAgent"],
        ["ticket"],
        ("ticket", ["--issue", "no sound"], "Ticket opened for: no sound."),
    ),
    (
        "several_classes.py",
        ["--route", "/sales"],
        ["quote"],
        ("quote", ["--item", "tea"], "tea costs 10 dollars."),
    ),
    ("factory.py", [], ["ping"], ("ping", [], "pong")),
    ("server_module_level.py", ["--route", "/menu"], ["soup"], ("soup", [], "tomato")),
    (
        "swml_service_tools.py",
        [],
        ["lookup_competitor"],
        ("lookup_competitor", ["--competitor", "Acme"], "Acme charges 12 dollars."),
    ),
    ("main_runs.py", [], ["where"], ("where", [], "in main")),
    ("main_returns.py", [], ["hi"], ("hi", [], "hi")),
    (
        "main_agent_server.py",
        ["--route", "/billing"],
        ["balance"],
        ("balance", ["--account", "42"], "Account 42 owes 0 EUR."),
    ),
    (
        "main_agent_server.py",
        ["--agent-class", "AgentBase"],
        ["hours"],
        ("hours", [], "9 to 5"),
    ),
    ("main_uvicorn.py", [], ["up"], ("up", [], "up")),
    ("main_asyncio.py", [], ["specials"], ("specials", [], "pie, cake")),
    (
        "main_sibling_import.py",
        [],
        ["welcome"],
        ("welcome", ["--name", "Bo"], "Hello Bo, from a sibling module."),
    ),
    ("main_subclass_with_args.py", [], ["shop_name"], ("shop_name", [], "This is corner-shop.")),
    ("main_prints.py", [], ["talk"], ("talk", [], "blah")),
]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(list(argv), out)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def _credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWML_BASIC_AUTH_USER", "u")
    monkeypatch.setenv("SWML_BASIC_AUTH_PASSWORD", "p")


def _ids(case: tuple[str, list[str], Any, Any]) -> str:
    return case[0].removesuffix(".py") + "".join(case[1]).replace("/", ":")


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_each_way_of_building_an_agent_lists_and_runs_its_tools(
    case: tuple[str, list[str], list[str], tuple[str, list[str], str]],
) -> None:
    script, select, tools, (tool, args, expected) = case
    path = str(CORPUS / script)
    code, out, err = run(path, *select, "--list-tools", "--raw")
    assert code == 0, err
    assert [f["function"] for f in json.loads(out)] == tools
    code, out, err = run(path, *select, "--raw", "--exec", tool, *args)
    assert code == 0, err
    assert json.loads(out) == {"response": expected}
    code, out, err = run(path, *select, "--dump-swml", "--raw")
    assert code == 0, err
    assert json.loads(out)["version"] == "1.0.0"


def test_serving_is_restored_after_main() -> None:
    import uvicorn

    from signalwire.agents import AgentServer

    def state() -> list[Any]:
        return [
            dict(SWMLService.__dict__),
            {k: v for k, v in AgentServer.__dict__.items() if k in ("run", "serve")},
            uvicorn.run,
            list(sys.argv),
        ]

    before = state()
    assert run(str(CORPUS / "main_runs.py"), "--list-tools")[0] == 0
    assert run(str(CORPUS / "main_fails.py"), "--list-tools")[0] == 2
    assert state() == before


def test_nothing_listens_while_main_runs() -> None:
    # main_agent_server.py asks for port 3998: it must still be free afterwards and during.
    assert run(str(CORPUS / "main_agent_server.py"), "--list-agents")[0] == 0
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 3998))


def test_list_agents_of_a_main_built_server() -> None:
    code, out, err = run(str(CORPUS / "main_agent_server.py"), "--list-agents", "--raw")
    assert code == 0, err
    rows = json.loads(out)
    assert [(r["class"], r["route"]) for r in rows] == [
        ("BillingAgent", "/billing"),
        ("AgentBase", "/help"),
    ]


def test_several_agents_without_a_choice_name_the_flags() -> None:
    code, _out, err = run(str(CORPUS / "main_agent_server.py"), "--list-tools")
    assert code == 2
    assert "2 agents found" in err and "--agent-class NAME or --route ROUTE" in err


def test_a_failing_main_is_one_line() -> None:
    code, _out, err = run(str(CORPUS / "main_fails.py"), "--list-tools")
    assert code == 2
    assert err == (
        f"swaig-test: error: main() in {CORPUS / 'main_fails.py'} failed: "
        "RuntimeError: DATABASE_URL is not set\n"
    )


def test_verbose_says_main_was_run() -> None:
    code, _out, err = run(str(CORPUS / "main_returns.py"), "-v", "--list-tools")
    assert code == 0
    assert "running main() with serving suppressed" in err


def test_a_plain_service_lists_where_its_tools_are_served() -> None:
    code, out, _err = run(str(CORPUS / "swml_service_tools.py"), "--list-tools")
    assert code == 0
    assert "served at /ivr/swaig/ (no ai verb in its SWML)" in out
    assert "lookup_competitor" in out and "--competitor <string>" in out


def test_what_a_script_prints_goes_to_stderr() -> None:
    code, out, err = run(str(CORPUS / "main_prints.py"), "--list-tools", "--raw")
    assert code == 0
    assert [f["function"] for f in json.loads(out)] == ["talk"]
    assert "loading the chatty script" in err and "CHATTY DEMO" in err


@pytest.mark.parametrize("action", ["--list-tools", "--dump-swml"])
def test_what_the_agent_prints_per_call_goes_to_stderr(action: str) -> None:
    # As the console script runs: no `out`, so the command writes to sys.stdout itself.
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main([str(CORPUS / "main_prints.py"), action, "--raw"])
    assert code == 0, stderr.getvalue()
    assert json.loads(stdout.getvalue())  # pure JSON, pipeable
    assert "configuring call" in stderr.getvalue()


def test_an_agent_its_own_check_refuses_is_one_line_exit_1() -> None:
    code, out, err = run(str(CORPUS / "invalid_contexts.py"), "--dump-swml")
    assert (code, out) == (1, "")
    assert err.startswith("swaig-test: broken cannot be served: ContextValidationError: ")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_a_failing_class_is_one_line() -> None:
    code, _out, err = run(str(CORPUS / "class_init_fails.py"), "--list-tools")
    assert code == 2
    assert err == (
        "swaig-test: error: NeedsKeyAgent() failed: RuntimeError: WEATHER_API_KEY is not set\n"
    )


def test_a_class_needing_arguments_says_so(tmp_path: Path) -> None:
    path = tmp_path / "needs_args.py"
    path.write_text(
        "from signalwire.agents import AgentBase\n\n"
        "class CityAgent(AgentBase):\n"
        "    def __init__(self, city: str) -> None:\n"
        "        super().__init__(name=city)\n"
    )
    code, _out, err = run(str(path), "--list-tools")
    assert code == 2
    assert "cannot create CityAgent() without arguments" in err
    assert "create an instance at module level or in main() instead" in err


def test_uvicorn_is_patched_when_main_imports_it() -> None:
    """In a fresh process uvicorn is not imported up front; main()'s own import is patched."""
    code = (
        "import sys\n"
        "from signalwire.agents._cli import main\n"
        "assert 'uvicorn' not in sys.modules\n"
        f"rc = main([{str(CORPUS / 'main_uvicorn.py')!r}, '--list-tools', '--raw'])\n"
        "import uvicorn\n"
        "assert uvicorn.run.__name__ == 'run' and uvicorn.run.__module__ == 'uvicorn.main'\n"
        "assert not any(type(f).__name__ == 'Finder' for f in sys.meta_path)\n"
        "sys.exit(rc)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert [f["function"] for f in json.loads(proc.stdout)] == ["up"]


def test_a_main_without_uvicorn_does_not_import_it() -> None:
    code = (
        "import sys\n"
        "from signalwire.agents._cli import main\n"
        f"rc = main([{str(CORPUS / 'main_returns.py')!r}, '--list-tools', '--raw'])\n"
        "assert 'uvicorn' not in sys.modules, 'uvicorn imported'\n"
        "sys.exit(rc)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr
