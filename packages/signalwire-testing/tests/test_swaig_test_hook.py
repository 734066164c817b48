"""swaig-test (signalwire-agents) runs DataMap tools with this package's executor."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

AGENT = """
from signalwire.agents import AgentBase, DataMap, FunctionResult

agent = AgentBase("colors", route="/colors")
agent.register_swaig_function(
    DataMap("color")
    .purpose("Say whether a color means stop")
    .parameter("c", "string", "A color", required=True)
    .expression("${args.c}", r"^red$", FunctionResult("stop"), nomatch_output=FunctionResult("go"))
    .to_swaig_function()
)
"""


def _swaig_test() -> list[str]:
    exe = shutil.which("swaig-test", path=str(Path(sys.executable).parent))
    assert exe, "the swaig-test console script of signalwire-agents is not installed"
    return [exe]


def test_swaig_test_exec_runs_the_datamap_locally(tmp_path: Path) -> None:
    agent_file = tmp_path / "colors_agent.py"
    agent_file.write_text(AGENT, encoding="utf-8")
    for color, expected in (("red", "stop"), ("blue", "go")):
        out = subprocess.run(
            [*_swaig_test(), str(agent_file), "--exec", "color", "--c", color, "--raw"],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        assert json.loads(out.stdout) == {"response": expected}
