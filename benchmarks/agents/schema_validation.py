"""SWML verb validation cost, ours vs signalwire-sdk 3.7.5, on the verbs of our examples.

Targets (benchmarks/agents/README.md): validating a verb config costs < 50 µs on average for the
verbs used in the examples; importing ``signalwire.agents`` loads and compiles
no schema.

The configs are taken from the documents the three examples render
(``examples/agents/{contexts_agent,datamap_weather,ivr_swml_service}.py``), so
the ``ai`` configs carry real contexts and DataMap tools. The vendor SDK
validates the same configs with its ``SchemaUtils.validate_verb`` (jsonschema-rs)
in its own interpreter (``SIGNALWIRE_VENDOR_PYTHON``, default
``/work/vendor-venv/bin/python``); without it only our column is printed.

    uv run python benchmarks/agents/schema_validation.py
"""

from __future__ import annotations

import json
import logging
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "agents"
TARGET_US = 50.0

VENDOR_SCRIPT = r"""
import json, sys, time, logging
logging.disable(logging.CRITICAL)
t0 = time.perf_counter()
import signalwire
t_import = time.perf_counter() - t0
from signalwire.utils.schema_utils import SchemaUtils
t0 = time.perf_counter()
utils = SchemaUtils()
ok, errors = utils.validate_verb("play", {"url": "say:hi"})
t_cold = time.perf_counter() - t0
configs = json.load(sys.stdin)
out = []
for verb, config in configs:
    ok, errors = utils.validate_verb(verb, config)
    n = 0
    start = time.perf_counter()
    while True:
        for _ in range(50):
            utils.validate_verb(verb, config)
        n += 50
        elapsed = time.perf_counter() - start
        if elapsed > 0.05:
            break
    out.append({"verb": verb, "ok": ok, "us": elapsed / n * 1e6})
print(json.dumps({"import_s": t_import, "cold_s": t_cold, "rows": out}))
"""

OURS_COLD_SCRIPT = r"""
import json, sys, time
t0 = time.perf_counter()
import signalwire.agents
t_import = time.perf_counter() - t0
mod = sys.modules.get("signalwire.agents._schema")
loaded = bool(mod and (mod._schema.cache_info().currsize or mod._verb_checks))
from signalwire.agents._schema import validate_verb
t0 = time.perf_counter()
validate_verb("play", {"url": "say:hi"})
t_cold = time.perf_counter() - t0
print(json.dumps({"import_s": t_import, "cold_s": t_cold, "schema_loaded_by_import": loaded}))
"""


def example_configs() -> list[tuple[str, Any]]:
    """Every (verb, config) in the documents our three examples render."""
    import runpy

    logging.disable(logging.CRITICAL)  # the examples warn about generated credentials
    sys.path.insert(0, str(EXAMPLES))
    documents = []
    contexts = runpy.run_path(str(EXAMPLES / "contexts_agent.py"))
    documents.append(json.loads(contexts["SupportAgent"]().render_swml()))
    weather = runpy.run_path(str(EXAMPLES / "datamap_weather.py"))
    documents.append(json.loads(weather["WeatherAgent"]().render_swml()))
    ivr = runpy.run_path(str(EXAMPLES / "ivr_swml_service.py"))
    documents.append(ivr["build_ivr"]().get_document())
    logging.disable(logging.NOTSET)
    configs: list[tuple[str, Any]] = []
    for document in documents:
        for verbs in document["sections"].values():
            for item in verbs:
                ((verb, config),) = item.items()
                configs.append((verb, config))
    return configs


def time_ours(configs: list[tuple[str, Any]]) -> list[float]:
    from signalwire.agents._schema import validate_verb

    results = []
    for verb, config in configs:
        validate_verb(verb, config)  # compile once, outside the timing
        n = 0
        start = time.perf_counter()
        while True:
            for _ in range(50):
                validate_verb(verb, config)
            n += 50
            elapsed = time.perf_counter() - start
            if elapsed > 0.05:
                break
        results.append(elapsed / n * 1e6)
    return results


def vendor_python() -> str | None:
    candidate = os.environ.get("SIGNALWIRE_VENDOR_PYTHON", "/work/vendor-venv/bin/python")
    return candidate if candidate and Path(candidate).exists() else None


def run_vendor(python: str, configs: list[tuple[str, Any]]) -> dict[str, Any] | None:
    try:
        done = subprocess.run(
            [python, "-c", VENDOR_SCRIPT],
            input=json.dumps(configs),
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    except (subprocess.SubprocessError, ValueError, IndexError) as exc:
        print(f"(vendor run failed: {exc})", file=sys.stderr)
        return None
    return result


def run_ours_cold() -> dict[str, Any]:
    samples = []
    for _ in range(5):
        done = subprocess.run(
            [sys.executable, "-c", OURS_COLD_SCRIPT], capture_output=True, text=True, check=True
        )
        samples.append(json.loads(done.stdout))
    return {
        "import_s": statistics.median(s["import_s"] for s in samples),
        "cold_s": statistics.median(s["cold_s"] for s in samples),
        "schema_loaded_by_import": any(s["schema_loaded_by_import"] for s in samples),
    }


def main() -> int:
    configs = example_configs()
    ours = time_ours(configs)
    python = vendor_python()
    vendor = run_vendor(python, configs) if python else None
    cold = run_ours_cold()

    print("### SWML verb validation (configs from the examples' documents)\n")
    print("| # | verb | config bytes | ours µs | vendor µs (jsonschema-rs) | ours / vendor |")
    print("|---|---|---:|---:|---:|---:|")
    both_valid: list[int] = []
    for i, ((verb, config), us) in enumerate(zip(configs, ours, strict=True)):
        size = len(json.dumps(config))
        if vendor:
            row = vendor["rows"][i]
            note = "" if row["ok"] else " (vendor rejects)"
            if row["ok"]:
                both_valid.append(i)
            print(
                f"| {i} | {verb} | {size} | {us:.1f} | {row['us']:.1f}{note} | {us / row['us']:.2f} |"
            )
        else:
            print(f"| {i} | {verb} | {size} | {us:.1f} | n/a | n/a |")
    mean = statistics.fmean(ours)
    line = f"| | **mean, all** | | **{mean:.1f}** |"
    if vendor:
        v_mean = statistics.fmean(r["us"] for r in vendor["rows"])
        line += f" **{v_mean:.1f}** | **{mean / v_mean:.2f}** |"
    else:
        line += " n/a | n/a |"
    print(line)
    if vendor and both_valid and len(both_valid) < len(configs):
        o = statistics.fmean(ours[i] for i in both_valid)
        v = statistics.fmean(vendor["rows"][i]["us"] for i in both_valid)
        print(
            f"| | **mean, configs both accept** | | **{o:.1f}** | **{v:.1f}** | **{o / v:.2f}** |"
        )
    verdict = "meets" if mean < TARGET_US else "MISSES"
    print(
        f"\nMean over {len(configs)} configs: {mean:.1f} µs ({verdict} the < {TARGET_US:.0f} µs target)."
    )

    print("\n### Import and first validation (fresh interpreter, median of 5)\n")
    print("| | ours | vendor |")
    print("|---|---:|---:|")
    v_import = f"{vendor['import_s'] * 1e3:.0f} ms" if vendor else "n/a"
    v_cold = f"{vendor['cold_s'] * 1e3:.0f} ms" if vendor else "n/a"
    print(f"| `import` of the package | {cold['import_s'] * 1e3:.0f} ms | {v_import} |")
    print(
        f"| first validation (load + compile `play`) | {cold['cold_s'] * 1e3:.1f} ms | {v_cold} |"
    )
    loaded = cold["schema_loaded_by_import"]
    print(
        f"\nSchema loaded or compiled by `import signalwire.agents`: {'YES' if loaded else 'no'}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
