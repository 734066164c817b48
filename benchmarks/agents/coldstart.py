"""Cold start of agents: a serverless function's first answer, and the CLIs' wall time.

    uv run python benchmarks/agents/coldstart.py [--samples 9]

Side by side with signalwire-sdk 3.7.5 (its python from ``SIGNALWIRE_VENDOR_PYTHON``) in
the same run, each sample a fresh interpreter with its bytecode cached (see
``benchmarks/_coldstart.py``):

1. **Lambda, SWML fetch**: interpreter start → the documented handler
   (``def handler(event, context): return agent.run(event, context)``) has answered an
   API Gateway v2 event fetching the SWML of an agent with three tools; the process
   leaves right after the answer. Peak RSS of the same process.
2. **Lambda, one SWAIG call**: the same, for a ``/swaig`` event calling one tool.
3. **CLIs**: ``swaig-test FILE --list-tools`` (ours and the vendor's tool on the same agent,
   written once per SDK with only the import line different), and
   ``signalwire-migrate --check`` on the vendor-style file (ours only: the vendor has no
   such tool), whole-process wall time.

The interpreter floor (``python -c pass``) is measured in the same run. Prints markdown
tables; exits 0 (a failing command stops it with its error).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _coldstart import Series, child_env, compare, fmt_ms, fmt_ratio

DEFAULT_VENDOR = "/work/vendor-venv/bin/python"

#: The agent, once per SDK: only the import line differs.
AGENT = """
{imports}

agent = AgentBase(name="coldstart", route="/")
agent.prompt_add_section("Role", "You help callers with orders, store hours and the weather.")
agent.prompt_add_section("Rules", bullets=["Be brief.", "Confirm order numbers."])
agent.add_language("English", "en-US", "rime.spore")
agent.set_params({{"end_of_speech_timeout": 500}})


def order_status(args, raw_data):
    return FunctionResult(f"Order {{args.get('order_id')}} ships tomorrow.")


def store_hours(args, raw_data):
    return FunctionResult("We are open from nine to five.")


def weather(args, raw_data):
    return FunctionResult(f"It is sunny in {{args.get('city')}}.")


agent.define_tool(
    name="order_status",
    description="Look up the status of an order",
    parameters={{"order_id": {{"type": "string", "description": "The order number"}}}},
    handler=order_status,
    secure=False,
)
agent.define_tool(
    name="store_hours",
    description="Tell the caller the store's opening hours",
    parameters={{}},
    handler=store_hours,
    secure=False,
)
agent.define_tool(
    name="weather",
    description="Current weather in a city",
    parameters={{"city": {{"type": "string", "description": "City name"}}}},
    handler=weather,
    secure=False,
)


def handler(event, context):
    return agent.run(event, context)
"""

IMPORTS = {
    "ours": "from signalwire.agents import AgentBase, FunctionResult",
    "vendor": "from signalwire import AgentBase\nfrom signalwire.core.function_result import FunctionResult",
}

#: Imports the app module, answers one API Gateway v2 event, prints the status, leaves.
RUNNER = """
import base64, json, os, sys
sys.path.insert(0, sys.argv[1])
from app import handler
kind = sys.argv[2]
token = base64.b64encode(b"bench:bench-password").decode()
if kind == "swml":
    path, body = "/", {"call": {"call_id": "c-1", "to": "+15550001111", "from": "+15550002222"}}
else:
    path = "/swaig"
    body = {"function": "order_status", "call_id": "c-1",
            "argument": {"parsed": [{"order_id": "A-17"}], "raw": '{"order_id": "A-17"}'}}
event = {
    "version": "2.0", "routeKey": "$default", "rawPath": path, "rawQueryString": "",
    "headers": {"authorization": "Basic " + token, "content-type": "application/json",
                "host": "abc123.lambda-url.us-east-1.on.aws"},
    "requestContext": {"domainName": "abc123.lambda-url.us-east-1.on.aws", "stage": "$default",
                       "http": {"method": "POST", "path": path, "sourceIp": "198.51.100.1"}},
    "body": json.dumps(body), "isBase64Encoded": False,
}
answer = handler(event, None)
assert answer["statusCode"] == 200, answer
text = answer["body"]
if answer.get("isBase64Encoded"):
    text = base64.b64decode(text).decode()
doc = json.loads(text)
assert ("sections" in doc) if kind == "swml" else ("response" in doc), doc
sys.stdout.write(str(len(text)) + "\\n")
sys.stdout.flush()
os._exit(0)
"""

LAMBDA_ENV = {
    "AWS_LAMBDA_FUNCTION_NAME": "coldstart",
    "AWS_REGION": "us-east-1",
    "SWML_BASIC_AUTH_USER": "bench",
    "SWML_BASIC_AUTH_PASSWORD": "bench-password",
    "SIGNALWIRE_LOG_MODE": "off",
}


def _bin(python: str, name: str) -> str:
    return str(Path(python).parent / name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=9)
    args = parser.parse_args()
    vendor = os.environ.get("SIGNALWIRE_VENDOR_PYTHON", DEFAULT_VENDOR)
    ours = sys.executable
    if not Path(vendor).exists():
        raise SystemExit(f"vendor python {vendor} not found (set SIGNALWIRE_VENDOR_PYTHON)")

    work = Path(tempfile.mkdtemp(prefix="coldstart-agents-"))
    apps: dict[str, Path] = {}
    for side, imports in IMPORTS.items():
        folder = work / side
        folder.mkdir()
        (folder / "app.py").write_text(AGENT.format(imports=imports))
        apps[side] = folder
    runner = work / "runner.py"
    runner.write_text(RUNNER)
    env = child_env(LAMBDA_ENV)
    quiet = child_env({"SIGNALWIRE_LOG_MODE": "off"})

    def lam(python: str, side: str, kind: str) -> tuple[list[str], dict[str, str]]:
        return [python, str(runner), str(apps[side]), kind], env

    results = compare(
        {
            "floor ours": ([ours, "-c", "pass"], env),
            "floor vendor": ([vendor, "-c", "pass"], env),
            "swml ours": lam(ours, "ours", "swml"),
            "swml vendor": lam(vendor, "vendor", "swml"),
            "swaig ours": lam(ours, "ours", "swaig"),
            "swaig vendor": lam(vendor, "vendor", "swaig"),
            "list-tools ours": (
                [_bin(ours, "swaig-test"), str(apps["ours"] / "app.py"), "--list-tools"],
                quiet,
            ),
            "list-tools vendor": (
                [_bin(vendor, "swaig-test"), str(apps["vendor"] / "app.py"), "--list-tools"],
                quiet,
            ),
            "migrate-check ours": (
                [_bin(ours, "signalwire-migrate"), "--check", str(apps["vendor"] / "app.py")],
                quiet,
            ),
        },
        samples=args.samples,
        # --check exits 1 when a file would be rewritten, as this vendor-style one is.
        expect={"migrate-check ours": 1},
    )
    report(results, args.samples)


def _row(label: str, ours: Series, vendor: Series, target: str) -> str:
    return (
        f"| {label} | {fmt_ms(vendor.wall_ms)} | {fmt_ms(ours.wall_ms)} | "
        f"{fmt_ratio(ours.wall_ms, vendor.wall_ms)} | {fmt_ms(vendor.cpu_ms)} | "
        f"{fmt_ms(ours.cpu_ms)} | {fmt_ratio(ours.cpu_ms, vendor.cpu_ms)} | {target} |"
    )


def report(r: dict[str, Series], samples: int) -> None:
    print(f"\n## Agents cold start (median of {samples} fresh processes, bytecode cached)\n")
    print(
        "| measure | vendor wall | ours wall | ratio | vendor CPU | ours CPU | CPU ratio | target |"
    )
    print("|---|---|---|---|---|---|---|---|")
    print(_row("`python -c pass` (floor)", r["floor ours"], r["floor vendor"], ""))
    print(_row("Lambda: start → SWML answer", r["swml ours"], r["swml vendor"], "<= 0.20x"))
    print(_row("Lambda: start → SWAIG answer", r["swaig ours"], r["swaig vendor"], "<= 0.20x"))
    so, sv = r["swml ours"], r["swml vendor"]
    print(
        f"| Lambda SWML: peak RSS | {sv.rss_mb:.1f} MiB | {so.rss_mb:.1f} MiB | "
        f"{fmt_ratio(so.rss_mb, sv.rss_mb)} | | | | <= 0.50x |"
    )
    wo, wv = r["swaig ours"], r["swaig vendor"]
    print(
        f"| Lambda SWAIG: peak RSS | {wv.rss_mb:.1f} MiB | {wo.rss_mb:.1f} MiB | "
        f"{fmt_ratio(wo.rss_mb, wv.rss_mb)} | | | | <= 0.50x |"
    )
    print(
        _row(
            "`swaig-test FILE --list-tools`",
            r["list-tools ours"],
            r["list-tools vendor"],
            "<= 0.25x",
        )
    )
    m = r["migrate-check ours"]
    print(
        f"| `signalwire-migrate --check FILE` | (no such tool) | {fmt_ms(m.wall_ms)} | | | "
        f"{fmt_ms(m.cpu_ms)} | | |"
    )
    floor = r["floor ours"].wall_ms
    print(
        f"\nBeyond the floor: SWML answer {fmt_ms(so.wall_ms - floor)} (vendor "
        f"{fmt_ms(sv.wall_ms - r['floor vendor'].wall_ms)}), SWAIG answer "
        f"{fmt_ms(wo.wall_ms - floor)} (vendor {fmt_ms(wv.wall_ms - r['floor vendor'].wall_ms)})."
    )
    print("\nAll samples (ms):")
    for name, series in r.items():
        print(f"- {name}: {series.all_ms}")


if __name__ == "__main__":
    main()
