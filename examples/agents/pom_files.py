"""Keep an agent's prompt in a POM file, edit it in code, and preview it as Markdown.

``PromptObjectModel`` reads and writes the prompt as JSON (or YAML with PyYAML installed);
``to_dict()`` is what ``set_prompt_pom`` takes. The same file renders from the shell with
``pom-tool prompt.json --output md``. ``python pom_files.py --preview`` prints the prompt as
Markdown; without it the agent is served.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from signalwire.agents import AgentBase
from signalwire.agents.pom import PromptObjectModel


def write_prompt(path: Path) -> None:
    pom = PromptObjectModel()
    pom.add_section("Role", body="You take table bookings for a small restaurant.")
    rules = pom.add_section("Rules", bullets=["Ask for the party size.", "Ask for the time."])
    rules.add_subsection("Large parties", body="Parties over eight need a call back.")
    path.write_text(pom.to_json(), encoding="utf-8")


def build_agent(path: Path) -> AgentBase:
    pom = PromptObjectModel.from_json(path.read_text(encoding="utf-8"))
    hours = pom.find_section("Rules")
    assert hours is not None
    hours.add_bullets(["We open at 17:00."])
    agent = AgentBase("bookings", route="/bookings")
    agent.set_prompt_pom(pom.to_dict())
    return agent


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "prompt.json"
        write_prompt(path)
        agent = build_agent(path)
    if "--preview" in sys.argv[1:]:
        sys.stdout.write(PromptObjectModel.from_json(agent.pom.to_dict()).render_markdown())
        return
    agent.run()


if __name__ == "__main__":
    main()
