"""Skills benchmarks: this SDK against signalwire-sdk 3.7.5, measured in the same run.

    uv run python benchmarks/agents/skills.py [--runs N] [--renders N]

* ``add_skill`` of every built-in skill that needs no API key. The list comes from
  our registry's parameter schemas: a built-in skill with no secret (``hidden``)
  parameter and no required environment variable. Each one that requires a
  parameter gets a sample value from ``SAMPLE`` (the script stops if one is
  missing, so a new key-free skill cannot be left out silently).

  - cold: a fresh interpreter adds them all to a new agent (skill modules imported
    there); the median over ``--runs`` fresh processes. Target: under 50 ms in total.
    Bytecode is cached as after ``pip install`` (``PYTHONPYCACHEPREFIX`` points at a
    scratch folder, primed by one untimed run per side). The same figure without
    cached bytecode (every module compiled from source) is printed too.
  - warm: the same calls on further new agents in that process (modules loaded).

* Rendering an agent with five skills against the same agent with the same tools,
  hints, global data and prompt defined by hand (per-call render, tokens minted).
  Target: within 1.5x.

The vendor interpreter comes from ``SIGNALWIRE_VENDOR_PYTHON`` (``nox -s bench``
sets it); without it only our figures are printed. Prints markdown tables.
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
from typing import Any

# Sample values for the parameters key-free skills require (none is a secret).
SAMPLE: dict[str, dict[str, Any]] = {
    "play_background_file": {
        "files": [
            {"key": "hold", "description": "hold music", "url": "https://cdn.example.com/hold.mp3"}
        ]
    },
    "swml_transfer": {"transfers": {"/sales/i": {"address": "+15551230001"}}},
    "info_gatherer": {"questions": [{"key_name": "name", "question_text": "Your name?"}]},
    "claude_skills": {"skills_path": "{claude_dir}"},
}

# The five skills of the render comparison.
FIVE = ["datetime", "math", "play_background_file", "swml_transfer", "info_gatherer"]

WORKER = r"""
import copy, json, statistics, sys, time
side, renders, configs, five = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3]), json.loads(sys.argv[4])
if side == "ours":
    from signalwire.agents import AgentBase
else:
    from signalwire import AgentBase

def new(name):
    return AgentBase(name, basic_auth=("bench", "benchpass"), suppress_logs=True)

def add_all(agent):
    per, failed = {}, []
    for name, params in configs:
        params = copy.deepcopy(params)
        start = time.perf_counter()
        try:
            agent.add_skill(name, params)
        except Exception as exc:  # the vendor may lack a package (pytz, yaml, bs4)
            failed.append(f"{name}: {str(exc)[:200]}")
        per[name] = (time.perf_counter() - start) * 1000
    return per, failed

cold_per, failed = add_all(new("first"))
warm = [sum(add_all(new(f"again{i}"))[0].values()) for i in range(5)]
out = {"cold_ms": sum(cold_per.values()), "warm_ms": statistics.median(warm),
       "loaded": len(configs) - len(failed), "failed": failed,
       **{f"cold:{k}": v for k, v in cold_per.items()}}

if renders:
    params = dict(configs)
    skilled = new("skilled")
    for name in five:
        skilled.add_skill(name, copy.deepcopy(params[name]))
    # The same agent by hand: the skills' own tool definitions, hints, global data and prompt.
    by_hand = new("by_hand")
    for fn in skilled.define_tools():
        if isinstance(fn, dict):
            by_hand.register_swaig_function(copy.deepcopy(fn))
        else:
            by_hand.define_tool(name=fn.name, description=fn.description,
                                parameters=fn.parameters,
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

    out.update(skills_us=per_render(skilled), hand_us=per_render(by_hand))
print(json.dumps(out))
"""

SKILL_MD = "---\nname: returns\ndescription: How returns work\n---\nExplain the returns policy.\n"


def key_free_configs(claude_dir: str) -> list[tuple[str, dict[str, Any]]]:
    """``(name, params)`` of every built-in skill that needs no key, from our registry."""
    from signalwire.agents.skills import list_skills_with_params

    configs: list[tuple[str, dict[str, Any]]] = []
    for name, info in sorted(list_skills_with_params().items()):
        schema: dict[str, dict[str, Any]] = info["parameters"]
        if info["source"] != "built-in" or info["required_env_vars"]:
            continue
        if any(spec.get("hidden") for spec in schema.values()):
            continue  # a secret parameter: the skill needs a key
        params = json.loads(json.dumps(SAMPLE.get(name, {})).replace("{claude_dir}", claude_dir))
        missing = [p for p, spec in schema.items() if spec.get("required") and p not in params]
        if missing:
            sys.exit(f"benchmarks/agents/skills.py: add sample values for {name}: {missing}")
        configs.append((name, params))
    return configs


def vendor_python() -> str | None:
    candidate = os.environ.get("SIGNALWIRE_VENDOR_PYTHON") or "/work/vendor-venv/bin/python"
    return candidate if Path(candidate).exists() else None


def one_run(
    python: str, side: str, renders: int, configs: list[Any], pyc: str, cached: bool = True
) -> dict[str, Any] | None:
    env = {**os.environ, "SWML_BASIC_AUTH_USER": "bench", "SWML_BASIC_AUTH_PASSWORD": "benchpass"}
    env.pop("SIGNALWIRE_SKILL_PATHS", None)
    # With a prefix, Python reads bytecode only there, never from __pycache__ beside the sources.
    env["PYTHONPYCACHEPREFIX"] = pyc
    if cached:  # bytecode written once, then read, as an installed package has it
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    else:  # an empty prefix that stays empty: every module compiled from source
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    out = subprocess.run(
        [python, "-c", WORKER, side, str(renders), json.dumps(configs), json.dumps(FIVE)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=tempfile.gettempdir(),  # no stray bytecode next to the sources
    )
    if out.returncode != 0:
        print(f"# {side} failed:\n{out.stderr[-2000:]}", file=sys.stderr)
        return None
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def measure(
    python: str, side: str, args: argparse.Namespace, configs: list[Any], scratch: str
) -> dict[str, Any] | None:
    """Median of each figure over ``args.runs`` fresh interpreters."""
    pyc = str(Path(scratch) / f"pyc-{side}")
    one_run(python, side, 0, configs, pyc)  # primes the bytecode cache; not timed
    runs = [one_run(python, side, args.renders, configs, pyc) for _ in range(args.runs)]
    empty = str(Path(scratch) / f"no-pyc-{side}")
    source = [
        one_run(python, side, 0, configs, empty, cached=False)
        for _ in range(max(1, args.runs // 2))
    ]
    if any(r is None for r in [*runs, *source]):
        return None
    figures: dict[str, Any] = {
        k: statistics.median(r[k] for r in runs if r)
        for k, v in (runs[0] or {}).items()
        if isinstance(v, (int, float))
    }
    figures["source_ms"] = statistics.median(r["cold_ms"] for r in source if r)
    figures["failed"] = (runs[0] or {}).get("failed", [])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--renders", type=int, default=2000, help="renders per agent")
    parser.add_argument("--runs", type=int, default=7, help="fresh interpreters per side")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "returns").mkdir()
        (Path(tmp) / "returns" / "SKILL.md").write_text(SKILL_MD)
        configs = key_free_configs(tmp)
        ours = measure(sys.executable, "ours", args, configs, tmp)
        vendor_py = vendor_python()
        vendor = measure(vendor_py, "vendor", args, configs, tmp) if vendor_py else None

    def cell(data: dict[str, Any] | None, key: str, fmt: str) -> str:
        return format(data[key], fmt) if data and key in data else "n/a"

    def ratio(data: dict[str, Any] | None) -> str:
        return f"{data['skills_us'] / data['hand_us']:.2f}x" if data else "n/a"

    names = [name for name, _ in configs]
    count = len(names)
    met = "n/a" if not ours else ("met" if ours["cold_ms"] < 50 else "NOT met")
    print(f"Key-free built-in skills ({count}): {', '.join(names)}\n")
    print("| measure | signalwire-agents | signalwire-sdk 3.7.5 | target |")
    print("|---|---|---|---|")
    print(
        f"| add_skill x{count}, cold (fresh process, median), ms | {cell(ours, 'cold_ms', '.1f')}"
        f" | {cell(vendor, 'cold_ms', '.1f')} | < 50: **{met}** |"
    )
    print(
        f"| same, no cached bytecode, ms | {cell(ours, 'source_ms', '.1f')} | "
        f"{cell(vendor, 'source_ms', '.1f')} | |"
    )
    print(
        f"| add_skill x{count}, warm (modules loaded), ms | {cell(ours, 'warm_ms', '.2f')} | "
        f"{cell(vendor, 'warm_ms', '.2f')} | |"
    )
    print(
        f"| skills loaded | {cell(ours, 'loaded', '.0f')} | {cell(vendor, 'loaded', '.0f')} | "
        f"{count} |"
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
    print("\n| skill, cold add_skill (median), ms | signalwire-agents | signalwire-sdk 3.7.5 |")
    print("|---|---|---|")
    for name in names:
        key = f"cold:{name}"
        print(f"| {name} | {cell(ours, key, '.2f')} | {cell(vendor, key, '.2f')} |")
    for side, data in (("signalwire-agents", ours), ("signalwire-sdk 3.7.5", vendor)):
        for failure in (data or {}).get("failed", []):
            print(f"\n{side} could not add {failure}")


if __name__ == "__main__":
    main()
