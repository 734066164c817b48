"""swaig-test: every example agent, agent selection, call data, tool execution via HTTP."""

from __future__ import annotations

import contextlib
import importlib.machinery
import io
import json
import os
import re
import subprocess
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from agents_testkit import ai_of
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signalwire.agents._cli import main
from signalwire.testing.swml import validate_swml

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = sorted((REPO / "examples" / "agents").glob("*.py"))
REFUSAL = "security token for this function is invalid or expired"


@pytest.fixture(autouse=True)
def _creds(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    saved = dict(os.environ)  # --env/--simulate-serverless set variables for the process
    monkeypatch.setenv("SWML_BASIC_AUTH_USER", "signalwire")
    monkeypatch.setenv("SWML_BASIC_AUTH_PASSWORD", "s3cret")
    yield
    os.environ.clear()
    os.environ.update(saved)


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def run_json(*argv: str) -> Any:
    code, text = run(*argv, "--raw")
    assert code == 0, text
    return json.loads(text)


def sample(schema: dict[str, Any]) -> str:
    """A command-line value the parameter's schema accepts."""
    if schema.get("enum"):
        return str(schema["enum"][0])
    return {"integer": "12", "number": "1.5", "boolean": "true", "array": "[]", "object": "{}"}.get(
        str(schema.get("type")), "test"
    )


def test_examples_are_discovered() -> None:
    assert len(EXAMPLES) >= 7


@pytest.fixture
def no_testing_executor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hide signalwire-testing's DataMap executor (installed in the workspace): the DataMap
    examples call outside APIs, which the tests never reach."""
    monkeypatch.setattr("signalwire.agents._cli._commands.datamap_executor", lambda: None)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
@pytest.mark.usefixtures("no_testing_executor")
def test_every_example_agent(example: Path) -> None:
    agents = run_json(str(example), "--list-agents")
    assert agents, f"no agent in {example.name}"
    route = agents[0]["route"]
    doc = validate_swml(run_json(str(example), "--route", route, "--dump-swml"))
    assert doc["version"] == "1.0.0"
    tools = run_json(str(example), "--route", route, "--list-tools")
    for fn in tools:
        name = fn["function"]
        params = fn.get("parameters", {})
        argv = [str(example), "--route", route, "--exec", name]
        for pname, pschema in (params.get("properties") or {}).items():
            argv += [f"--{pname}", sample(pschema)]
        code, text = run(*argv, "--raw")
        assert code == 0, text
        result = json.loads(text)
        if "data_map" in fn:
            assert result["data_map"] == fn["data_map"]
        else:
            assert isinstance(result, dict) and ("response" in result or "action" in result)
            assert REFUSAL not in str(result.get("response")), result


AGENT_FILE = '''
from signalwire.agents import AgentBase, FunctionResult

agent = AgentBase("probe", route="/probe", token_expiry_secs={expiry})
agent.prompt_add_section("Role", "You are a probe.")


def seen(query_params, body_params, headers, ephemeral):
    call = body_params.get("call", {{}})
    ephemeral.set_global_data({{
        "query": query_params,
        "x_test": headers.get("x-test"),
        "type": call.get("type"),
        "direction": call.get("direction"),
        "call_id": call.get("call_id"),
        "user_vars": body_params.get("vars", {{}}).get("userVariables"),
        "custom": body_params.get("custom"),
    }})


agent.set_dynamic_config_callback(seen)


@agent.tool
def add(a: int, b: int, raw_data: dict) -> FunctionResult:
    """Add two numbers.

    Args:
        a: first
        b: second
    """
    return FunctionResult(f"{{a + b}} for {{raw_data['call_id']}}")


@agent.tool(secure=False)
def echo(text: str, loud: bool = False) -> str:
    """Echo text."""
    return text.upper() if loud else text
'''


@pytest.fixture
def probe(tmp_path: Path) -> Path:
    path = tmp_path / "probe_agent.py"
    path.write_text(AGENT_FILE.format(expiry=3600))
    return path


def test_dump_swml_carries_the_call_data(probe: Path) -> None:
    doc = validate_swml(
        run_json(
            str(probe),
            "--dump-swml",
            "--call-id",
            "call-42",
            "--call-type",
            "sip",
            "--call-direction",
            "outbound",
            "--user-vars",
            '{"tier": "gold"}',
            "--query-params",
            '{"lang": "fr"}',
            "--header",
            "X-Test=yes",
            "--custom-data",
            '{"custom": 7}',
        )
    )
    ai = next(v["ai"] for v in doc["sections"]["main"] if "ai" in v)
    assert ai["global_data"] == {
        "query": {"lang": "fr"},
        "x_test": "yes",
        "type": "sip",
        "direction": "outbound",
        "call_id": "call-42",
        "user_vars": {"tier": "gold"},
        "custom": 7,
    }


def test_dump_swml_human_output_names_the_call(probe: Path) -> None:
    code, text = run(
        str(probe), "--dump-swml", "--call-id", "c-9", "--override", "call.state=answered"
    )
    assert code == 0
    header, _, rest = text.partition("\n")
    assert "probe" in header and "c-9" in header and "webrtc" in header and "inbound" in header
    assert json.loads(rest)["version"] == "1.0.0"


def test_exec_runs_the_tool_through_the_token_check(probe: Path) -> None:
    result = run_json(str(probe), "--call-id", "call-7", "--exec", "add", "--a", "2", "--b=3")
    assert result == {"response": "5 for call-7"}
    assert run_json(str(probe), "--exec", "echo", "--text", "hi", "--loud") == {"response": "HI"}


def test_exec_with_an_expired_token_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "expired_agent.py"
    path.write_text(AGENT_FILE.format(expiry=-60))
    result = run_json(str(path), "--exec", "add", "--a", "1", "--b", "1")
    assert REFUSAL in result["response"]
    # A non-secure tool needs no token, so it still runs.
    assert run_json(str(path), "--exec", "echo", "--text", "ok") == {"response": "ok"}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--exec", "add", "--a", "x", "--b", "1"], "--a: expected a JSON integer"),
        (["--exec", "add", "--a", "1"], "missing required argument(s): --b"),
        (["--exec", "nope"], "no tool 'nope'"),
        (["--dump-swml", "--user-vars", "{bad"], "--user-vars: not valid JSON"),
        (["--dump-swml", "--query-params", "[1]"], "expected a JSON object"),
        (["--dump-swml", "--header", "novalue"], "--header: expected K=V"),
        (["--dump-swml", "--stray"], "unrecognized arguments"),
        (["--dump-swml", "--list-tools"], "choose one action"),
        (["--route", "/elsewhere"], "no agent at route '/elsewhere'"),
    ],
)
def test_bad_usage_exits_2(
    probe: Path, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = run(str(probe), *argv)
    assert code == 2
    assert message in capsys.readouterr().err


def test_no_agent_and_several_agents_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.py"
    empty.write_text("x = 1\n")
    assert run(str(empty), "--list-tools")[0] == 2
    assert "no agent found in" in capsys.readouterr().err
    two = tmp_path / "two.py"
    two.write_text(
        "from signalwire.agents import AgentBase\n"
        "class Sales(AgentBase):\n"
        "    def __init__(self):\n        super().__init__('sales', route='/sales')\n"
        "class Help(AgentBase):\n"
        "    def __init__(self):\n        super().__init__('help', route='/help')\n"
    )
    assert run(str(two), "--dump-swml")[0] == 2
    err = capsys.readouterr().err
    assert "2 agents found" in err and "'sales' at /sales" in err and "--agent-class" in err
    assert [a["name"] for a in run_json(str(two), "--list-agents")] == ["sales", "help"]
    assert run_json(
        str(two), "--agent-class", "Help", "--dry-run".replace("--dry-run", "--dump-swml")
    )
    code, text = run(str(two), "--route", "/sales", "--dry-run")
    assert code == 0 and "'sales' at /sales" in text
    assert run(str(two), "--agent-class", "Nope")[0] == 2
    assert "no agent class 'Nope'" in capsys.readouterr().err
    assert run(str(tmp_path / "missing.py"))[0] == 2
    assert "no such file" in capsys.readouterr().err
    broken = tmp_path / "broken.py"
    broken.write_text("raise RuntimeError('boom')\n")
    assert run(str(broken))[0] == 2
    assert "failed to load: RuntimeError: boom" in capsys.readouterr().err


def test_a_missing_module_names_the_install_that_provides_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Vendor examples import fastapi, which signalwire-agents provides only with its extra.
    script = tmp_path / "uses_fastapi.py"  # what `import fastapi` raises without the extra
    script.write_text('raise ModuleNotFoundError("No module named \'fastapi\'", name="fastapi")\n')
    assert run(str(script))[0] == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "No module named 'fastapi'" in err
    assert "pip install 'signalwire-agents[fastapi]'" in err
    other = tmp_path / "uses_other.py"
    other.write_text("import not_a_module_anywhere_xyz\n")
    assert run(str(other))[0] == 2
    err = capsys.readouterr().err.strip()
    assert "No module named 'not_a_module_anywhere_xyz'" in err
    assert "install the package that provides 'not_a_module_anywhere_xyz'" in err


def test_module_attr_and_factory_targets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "cli_target_mod.py").write_text(
        "from signalwire.agents import AgentBase\n"
        "one = AgentBase('one', route='/one')\n"
        "two = AgentBase('two', route='/two')\n"
        "def make() -> AgentBase:\n    return AgentBase('made', route='/made')\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    assert run_json("cli_target_mod:two", "--list-agents")[0]["name"] == "two"
    assert run_json("cli_target_mod:make", "--list-agents")[0]["name"] == "made"
    assert run_json(f"{tmp_path / 'cli_target_mod.py'}:one", "--list-agents")[0]["name"] == "one"
    assert run("cli_target_mod:missing")[0] == 2
    assert "has no attribute 'missing'" in capsys.readouterr().err
    assert run("no_such_module_here:agent")[0] == 2
    assert "cannot import" in capsys.readouterr().err


def test_datamap_tool_uses_the_testing_executor_when_installed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[Any, ...]] = []

    def execute_datamap(function: dict[str, Any], args: dict[str, Any], raw: dict[str, Any]) -> Any:
        calls.append((function["function"], args, raw["function"]))
        return {"response": f"simulated {args['location']}"}

    module = types.ModuleType("signalwire.testing")
    module.__spec__ = importlib.machinery.ModuleSpec("signalwire.testing", None)
    module.execute_datamap = execute_datamap  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "signalwire.testing", module)
    example = str(REPO / "examples" / "agents" / "datamap_weather.py")
    result = run_json(example, "--exec", "get_weather", "--location", "Oslo")
    assert result == {"response": "simulated Oslo"}
    assert calls == [("get_weather", {"location": "Oslo"}, "get_weather")]


@pytest.mark.usefixtures("no_testing_executor")
def test_datamap_tool_without_the_executor_explains(capsys: pytest.CaptureFixture[str]) -> None:
    example = str(REPO / "examples" / "agents" / "datamap_weather.py")
    code, text = run(example, "--exec", "get_weather", "--location", "Oslo")
    assert code == 0
    assert "DataMap tool" in text and "signalwire-testing" in text and '"webhooks"' in text


def test_help_pages() -> None:
    assert "lambda" in run("--help-platforms")[1]
    assert "--exec" in run("--help-examples")[1]
    assert run()[0] == 2


def test_env_and_env_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SWML_PROXY_URL_BASE", raising=False)
    env_file = tmp_path / "agent.env"
    env_file.write_text("# comment\nexport SWML_PROXY_URL_BASE='https://public.example'\n")
    path = tmp_path / "env_agent.py"
    path.write_text(AGENT_FILE.format(expiry=3600))
    doc = run_json(
        str(path), "--env-file", str(env_file), "--env", "SWML_BASIC_AUTH_USER=u2", "--dump-swml"
    )
    url = next(v["ai"] for v in doc["sections"]["main"] if "ai" in v)["SWAIG"]["functions"][0][
        "web_hook_url"
    ]
    assert url.startswith("https://u2:s3cret@public.example/probe/swaig/")


def test_console_script_runs_an_example() -> None:
    script = Path(sys.executable).parent / "swaig-test"
    proc = subprocess.run(
        [
            str(script),
            str(REPO / "examples" / "agents" / "typed_tools.py"),
            "--raw",
            "--exec",
            "price",
            "--pizza",
            "veggie",
            "--size",
            "16",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"response": "A 16-inch veggie costs $13.33."}


def test_every_documented_flag_is_accepted() -> None:
    from signalwire.agents._cli._args import build_parser as _parser
    from signalwire_devtools.surface import surface_entries

    entry = next(e for e in surface_entries("agents", {"cli"}) if e["member"] == "swaig-test")
    known = {opt for action in _parser()._actions for opt in action.option_strings}
    assert set(entry["params"]) <= known, set(entry["params"]) - known


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_every_example_prints_how_to_authenticate(example: Path) -> None:
    """Served for real (port 0), each example's banner names the URL and a working curl line."""
    from serving_helpers import ServerProcess

    env = {"PORT": "0", "SWML_BASIC_AUTH_USER": "", "SWML_BASIC_AUTH_PASSWORD": ""}
    proc = ServerProcess(example, env, may_exit=True)
    try:
        text = "".join(proc.output)
    finally:
        code = proc.stop()
    if proc.exited:  # a one-shot example (e.g. the Lambda handler answering one simulated event)
        assert code == 0, text
        # Only an example that hands run() an event may end without serving.
        assert re.search(r"\.run\(\s*event", example.read_text()), f"no banner: {text}"
        return
    password = re.search(r"password '([^']+)' \(generated for this process\)", text)
    assert password, text
    assert f"curl -u 'signalwire:{password.group(1)}' http://localhost:{proc.port}/" in text


#: The public URLs under each platform's preset variables (the vendor tool's presets).
PLATFORM_BASES = {
    "lambda": "https://signalwire:s3cret@abc123.lambda-url.us-east-1.on.aws/pizza/",
    "cgi": "https://signalwire:s3cret@example.com/cgi-bin/agent.cgi/pizza/",
    "cloud_function": "https://signalwire:s3cret@my-function-abc123.cloudfunctions.net/pizza/",
    "azure_function": "https://signalwire:s3cret@my-function-app.azurewebsites.net/api/agent/pizza/",
}


@pytest.mark.parametrize("mode", sorted(PLATFORM_BASES))
def test_simulate_serverless(mode: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The requests go through the platform adapter: its public URLs, its token check."""
    os.environ.pop("SWML_PROXY_URL_BASE", None)
    example = str(REPO / "examples" / "agents" / "typed_tools.py")
    doc = validate_swml(run_json(example, "--simulate-serverless", mode, "--dump-swml"))
    urls = [f["web_hook_url"] for f in ai_of(doc)["SWAIG"]["functions"]]
    assert urls and all(u.startswith(PLATFORM_BASES[mode] + "swaig/?__token=") for u in urls), urls
    argv = [example, "--simulate-serverless", mode, "-v", "--exec", "price", "--pizza", "veggie"]
    result = run_json(*argv, "--size", "16")
    assert result == {"response": "A 16-inch veggie costs $13.33."}
    assert f"(as {mode})" in capsys.readouterr().err


def test_simulate_serverless_uses_the_platform_variables() -> None:
    os.environ.pop("SWML_PROXY_URL_BASE", None)
    example = str(REPO / "examples" / "agents" / "typed_tools.py")
    doc = run_json(
        example, "--simulate-serverless", "lambda", "--env",
        "AWS_LAMBDA_FUNCTION_URL=https://fn.example", "--dump-swml",
    )  # fmt: skip
    url = ai_of(doc)["SWAIG"]["functions"][0]["web_hook_url"]
    assert url.startswith("https://signalwire:s3cret@fn.example/pizza/swaig/")
    assert run(example, "--simulate-serverless", "heroku")[0] == 2


def test_minimal_and_full_call_data(probe: Path) -> None:
    minimal = run_json(str(probe), "--dump-swml", "--minimal", "--call-id", "m-1")
    data = ai_of(minimal)["global_data"]
    assert data["call_id"] == "m-1" and data["type"] is None and data["user_vars"] is None
    full = run_json(str(probe), "--dump-swml", "--minimal", "--fake-full-data")
    assert ai_of(full)["global_data"]["type"] == "webrtc"
    # A minimal SWAIG body still carries what the token check needs.
    assert run_json(str(probe), "--minimal", "--exec", "add", "--a", "1", "--b", "2")[
        "response"
    ].startswith("3 for ")


TOKENS = [
    "--exec", "add", "echo", "nope", "--a", "--b", "--text", "--loud", "--raw", "--dump-swml",
    "--list-tools", "--list-agents", "--call-id", "--user-vars", "--query-params", "--header",
    "--override", "--custom-data", "--route", "/probe", "--agent-class", "--minimal", "--",
    "1", "-2", "x", "{}", "[1]", '{"a": 1}', "k=v", "a.b=3", "\\ud800", "", "=",
    "--method", "GET", "--body", "--override-json", "a..b=1", "--project-id", "--space-id",
    "--simulate-serverless", "lambda", "cgi", "--aws-api-gateway-id", "--aws-stage",
    "--cgi-host", "--gcp-project", "--azure-env",
]  # fmt: skip


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(argv=st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=8)), max_size=8))
def test_any_command_line_gets_an_exit_code(probe: Path, argv: list[str]) -> None:
    """Whatever follows the agent path: an exit code of 0, 1 or 2, never a traceback."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code, _ = run(str(probe), *argv)
    assert code in (0, 1, 2)
    assert "Traceback" not in err.getvalue()


def test_tool_arguments_after_double_dash(tmp_path: Path) -> None:
    path = tmp_path / "route_agent.py"
    path.write_text(
        "from signalwire.agents import AgentBase\n"
        "agent = AgentBase('r', route='/r')\n"
        "@agent.tool(secure=False)\n"
        "def go(route: str) -> str:\n"
        "    '''Go somewhere.'''\n"
        "    return f'going to {route}'\n"
    )
    code, text = run(str(path), "--raw", "--exec", "go", "--", "--route", "/x")
    assert code == 0 and json.loads(text) == {"response": "going to /x"}


def test_cli_modules_import_one_way() -> None:
    """The _cli modules form a DAG, and nothing outside _cli imports it (the package stays lean)."""
    import ast
    import graphlib

    import signalwire.agents as agents_pkg

    root = Path(agents_pkg.__file__).parent
    graph: dict[str, set[str]] = {}
    for path in sorted((root / "_cli").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        deps = {
            n.module.rsplit(".", 1)[-1]
            for n in ast.walk(tree)
            if isinstance(n, ast.ImportFrom)
            and n.module
            and n.module.startswith("signalwire.agents._cli.")
        }
        graph[path.stem] = deps - {path.stem}
    assert len(graph) >= 7
    list(graphlib.TopologicalSorter(graph).static_order())  # raises CycleError on a cycle
    for path in root.rglob("*.py"):
        if "_cli" not in path.parts:
            assert "signalwire.agents._cli" not in path.read_text(encoding="utf-8"), path
