"""Skills benchmarks: this SDK against signalwire-sdk 3.7.5, measured in the same run.

    uv run python benchmarks/agents/skills.py [--renders N] [--runs N]

* ``add_skill`` of every built-in skill that needs no API key (datetime, math,
  play_background_file, swml_transfer, info_gatherer, claude_skills), in a fresh
  interpreter: the first time (module import included) and again on a second agent.
  Target: under 50 ms in total.
* Rendering an agent with five skills against the same agent with the same tools,
  hints, global data and prompt defined by hand (per-call render, tokens minted).
  Target: within 1.5x.

The vendor interpreter comes from ``SIGNALWIRE_VENDOR_PYTHON`` (``nox -s bench``
sets it); without it only our figures are printed. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

WORKER = r"""
import copy, json, os, statistics, sys, time
side, renders, claude_dir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
if side == "ours":
    from signalwire.agents import AgentBase
else:
    from signalwire import AgentBase

CONFIGS = [
    ("datetime", {}),
    ("math", {}),
    ("play_background_file", {"files": [{"key": "hold", "description": "hold music",
                                         "url": "https://cdn.example.com/hold.mp3"}]}),
    ("swml_transfer", {"transfers": {"/sales/i": {"address": "+15551230001"}}}),
    ("info_gatherer", {"questions": [{"key_name": "name", "question_text": "Your name?"}]}),
    ("claude_skills", {"skills_path": claude_dir}),
]

def new(name):
    return AgentBase(name, basic_auth=("bench", "benchpass"), suppress_logs=True)

def add_all(agent):
    start = time.perf_counter()
    loaded = 0
    for name, params in CONFIGS:
        try:
            agent.add_skill(name, copy.deepcopy(params))
            loaded += 1
        except Exception as exc:  # the vendor may lack a package (pytz, yaml)
            print(f"# {side}: {name} failed: {exc}", file=sys.stderr)
    return (time.perf_counter() - start) * 1000, loaded

first_ms, loaded = add_all(new("first"))
again_ms, _ = add_all(new("again"))

FIVE = CONFIGS[:5]
skilled = new("skilled")
for name, params in FIVE:
    skilled.add_skill(name, copy.deepcopy(params))

# The same agent by hand: the skills' own tool definitions, hints, global data and prompt.
by_hand = new("by_hand")
for fn in skilled.define_tools():
    if isinstance(fn, dict):
        by_hand.register_swaig_function(copy.deepcopy(fn))
    else:
        by_hand.define_tool(name=fn.name, description=fn.description, parameters=fn.parameters,
                            handler=fn.function if hasattr(fn, "function") else fn.handler)
doc = json.loads(skilled._render_swml())
verb = doc["sections"]["main"][-1]["ai"]
by_hand.add_hints([h for h in verb.get("hints", []) if isinstance(h, str)])
by_hand.set_global_data(verb.get("global_data", {}))
for section in verb["prompt"].get("pom", []):
    by_hand.prompt_add_section(section.get("title", ""), body=section.get("body", ""),
                               bullets=section.get("bullets"))

def per_render(agent):
    agent._render_swml("warm-up")
    samples = []
    for i in range(renders):
        start = time.perf_counter()
        agent._render_swml(f"call-{i}")
        samples.append((time.perf_counter() - start) * 1e6)
    return statistics.median(samples)

print(json.dumps({"first_ms": first_ms, "again_ms": again_ms, "loaded": loaded,
                  "skills_us": per_render(skilled), "hand_us": per_render(by_hand)}))
"""

SKILL_MD = "---\nname: returns\ndescription: How returns work\n---\nExplain the returns policy.\n"


def vendor_python() -> str | None:
    candidate = os.environ.get("SIGNALWIRE_VENDOR_PYTHON") or "/work/vendor-venv/bin/python"
    return candidate if Path(candidate).exists() else None


def measure(
    python: str, side: str, renders: int, claude_dir: str, runs: int
) -> dict[str, float] | None:
    """Median of each figure over ``runs`` fresh interpreters."""
    results = [one_run(python, side, renders, claude_dir) for _ in range(runs)]
    if any(r is None for r in results):
        return None
    return {k: statistics.median(r[k] for r in results if r) for k in results[0] or {}}


def one_run(python: str, side: str, renders: int, claude_dir: str) -> dict[str, float] | None:
    env = {**os.environ, "SWML_BASIC_AUTH_USER": "bench", "SWML_BASIC_AUTH_PASSWORD": "benchpass"}
    env.pop("SIGNALWIRE_SKILL_PATHS", None)
    out = subprocess.run(
        [python, "-c", WORKER, side, str(renders), claude_dir],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        print(f"# {side} failed:\n{out.stderr[-2000:]}", file=sys.stderr)
        return None
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--renders", type=int, default=2000, help="renders per agent")
    parser.add_argument("--runs", type=int, default=5, help="fresh interpreters per side")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "returns").mkdir()
        (Path(tmp) / "returns" / "SKILL.md").write_text(SKILL_MD)
        ours = measure(sys.executable, "ours", args.renders, tmp, args.runs)
        vendor_py = vendor_python()
        vendor = measure(vendor_py, "vendor", args.renders, tmp, args.runs) if vendor_py else None

    def cell(data: dict[str, float] | None, key: str, fmt: str) -> str:
        return format(data[key], fmt) if data else "n/a"

    def ratio(data: dict[str, float] | None) -> str:
        return f"{data['skills_us'] / data['hand_us']:.2f}x" if data else "n/a"

    print("| measure | signalwire-agents | signalwire-sdk 3.7.5 | target |")
    print("|---|---|---|---|")
    print(
        f"| add_skill x6 (no API key), first time, ms | {cell(ours, 'first_ms', '.1f')} | "
        f"{cell(vendor, 'first_ms', '.1f')} | < 50 |"
    )
    print(
        f"| add_skill x6 again (modules loaded), ms | {cell(ours, 'again_ms', '.2f')} | "
        f"{cell(vendor, 'again_ms', '.2f')} | |"
    )
    print(
        f"| skills loaded | {cell(ours, 'loaded', '.0f')} | {cell(vendor, 'loaded', '.0f')} | 6 |"
    )
    print(
        f"| render, 5 skills, us (median) | {cell(ours, 'skills_us', '.1f')} | "
        f"{cell(vendor, 'skills_us', '.1f')} | |"
    )
    print(
        f"| render, same tools by hand, us (median) | {cell(ours, 'hand_us', '.1f')} | "
        f"{cell(vendor, 'hand_us', '.1f')} | |"
    )
    print(f"| skills / by hand | {ratio(ours)} | {ratio(vendor)} | <= 1.5x |")


if __name__ == "__main__":
    main()
