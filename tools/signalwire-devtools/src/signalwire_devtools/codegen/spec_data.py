"""Stage 1: turn the platform's published specs into committed, facts-only data.

Reads the specs folder (``SIGNALWIRE_SPECS_DIR``, else ``../shared/specs`` beside
the checkout, with ``../shared/surface`` next to it) and writes compact JSON into
``packages/signalwire-testing/src/signalwire/testing/_data/``. The copy keeps what the
tests, the fake platform and the code generators read (operations, paths,
methods, parameters, request and response schemas, enums, defaults, examples as
data) and drops every prose field (``description``, ``summary``, ``title``,
``externalDocs``, contact and licence text), so the repository carries facts and
never the specs' sentences.

Used by ``tools/generate.py`` (stage 1); importable for the freshness test.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

#: The repository checkout (this file is tools/signalwire-devtools/src/signalwire_devtools/codegen/).
ROOT = Path(__file__).resolve().parents[5]
DATA_DIR = ROOT / "packages" / "signalwire-testing" / "src" / "signalwire" / "testing" / "_data"
SPECS_ENV = "SIGNALWIRE_SPECS_DIR"

#: Source spec file -> committed data file (JSON, also valid YAML).
SPEC_FILES: dict[str, str] = {
    "signalwire-rest.openapi.yaml": "signalwire-rest.openapi.json",
    "compatibility.openapi.yaml": "compatibility.openapi.json",
    "calling-commands.openrpc.yaml": "calling-commands.openrpc.json",
    "swml-calling.schema.json": "swml-calling.schema.json",
    "swml-messaging.schema.json": "swml-messaging.schema.json",
}
SURFACE_FILE = "python-api.json"
MANIFEST = "MANIFEST.json"

#: Keys that hold prose wherever they appear as a keyword (never as a name).
PROSE = frozenset(
    {"description", "summary", "title", "externalDocs", "contact", "license", "termsOfService"}
)
#: Keys whose value maps names to nodes: the names are kept, the nodes stripped.
NAME_MAPS = frozenset(
    {
        "properties",
        "patternProperties",
        "$defs",
        "definitions",
        "dependentSchemas",
        "schemas",
        "paths",
        "responses",
        "content",
        "headers",
        "securitySchemes",
        "requestBodies",
        "links",
        "callbacks",
        "variables",
        "encoding",
    }
)
#: Keys whose value is data (an example, a default, an enum): copied verbatim.
DATA_KEYS = frozenset({"example", "default", "const", "enum", "required", "value", "mapping"})
#: The SWML schemas' examples are read by nothing (the validators ignore them).
SWML_DROP = frozenset({"examples"})


def find_specs_dir() -> Path:
    """The folder holding the published specs; FileNotFoundError when absent."""
    override = os.environ.get(SPECS_ENV)
    candidate = Path(override) if override else ROOT.parent / "shared" / "specs"
    if not candidate.is_dir():
        raise FileNotFoundError(
            f"no specs folder at {candidate}; set {SPECS_ENV} to the platform's published specs"
        )
    return candidate


def strip(node: Any, drop: frozenset[str] = frozenset()) -> Any:
    """Return ``node`` without prose keywords, recursing through names and schemas."""
    if isinstance(node, list):
        return [strip(item, drop) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in PROSE or key in drop:
            continue
        if key in DATA_KEYS:
            out[key] = value
        elif key == "examples":
            out[key] = _examples(value)
        elif (key in NAME_MAPS or key == "parameters") and isinstance(value, dict):
            # A name map (components.parameters too): names stay, nodes are stripped.
            out[key] = {name: strip(sub, drop) for name, sub in value.items()}
        else:
            out[key] = strip(value, drop)
    return out


def _examples(value: Any) -> Any:
    """JSON Schema ``examples`` (a list of values) stay as they are; an OpenAPI
    examples map (name -> Example Object) keeps each example's ``value`` only."""
    if isinstance(value, dict):
        return {
            name: {k: v for k, v in ex.items() if k not in PROSE} if isinstance(ex, dict) else ex
            for name, ex in value.items()
        }
    return value


def strip_openrpc(doc: dict[str, Any]) -> dict[str, Any]:
    """An OpenRPC document: methods keep names, params, results and example values."""
    out: dict[str, Any] = strip({k: v for k, v in doc.items() if k != "methods"})
    methods = []
    for method in doc.get("methods", []):
        pairings = method.get("examples", [])
        m = strip({k: v for k, v in method.items() if k != "examples"})
        if pairings:
            # Example pairings are named in prose; their params and result are data.
            m["examples"] = [
                {k: v for k, v in pairing.items() if k in ("params", "result")}
                for pairing in pairings
            ]
        methods.append(m)
    out["methods"] = methods
    return out


def dumps(data: Any, expand: int) -> str:
    """Compact JSON with sorted keys; the outer ``expand`` levels get one entry per
    line so that a spec update reads as a small diff."""

    def render(node: Any, depth: int) -> str:
        if depth >= expand or not isinstance(node, (dict, list)) or not node:
            return json.dumps(node, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        pad = " " * (depth + 1)
        if isinstance(node, dict):
            items = [
                f"{pad}{json.dumps(k, ensure_ascii=False)}:{render(node[k], depth + 1)}"
                for k in sorted(node)
            ]
            return "{\n" + ",\n".join(items) + "\n" + " " * depth + "}"
        items = [f"{pad}{render(v, depth + 1)}" for v in node]
        return "[\n" + ",\n".join(items) + "\n" + " " * depth + "]"

    return render(data, 0) + "\n"


def _read(path: Path) -> Any:
    if path.suffix == ".json":
        return json.loads(path.read_text(encoding="utf-8"))
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    # Through JSON so that YAML-only types (an unquoted 200 key) match a JSON load.
    return json.loads(json.dumps(yaml.load(path.read_bytes(), Loader=loader)))


def build(specs: Path) -> dict[str, str]:
    """Committed file name -> text, from the specs folder (and ``../surface``)."""
    files: dict[str, str] = {}
    manifest: dict[str, str] = {}
    for source, target in SPEC_FILES.items():
        path = specs / source
        raw = path.read_bytes()
        manifest[source] = hashlib.sha256(raw).hexdigest()
        doc = _read(path)
        if source.endswith(".openrpc.yaml"):
            files[target] = dumps(strip_openrpc(doc), expand=3)
        elif source.startswith("swml-"):
            files[target] = dumps(strip(doc, SWML_DROP), expand=3)
        else:
            files[target] = dumps(strip(doc), expand=3)
    surface = specs.parent / "surface" / SURFACE_FILE
    raw = surface.read_bytes()
    manifest[f"surface/{SURFACE_FILE}"] = hashlib.sha256(raw).hexdigest()
    files[SURFACE_FILE] = dumps(strip(json.loads(raw)), expand=1)
    files[MANIFEST] = dumps({"sha256": manifest}, expand=2)
    return files


def stale(files: dict[str, str], out: Path = DATA_DIR) -> list[str]:
    """Names of committed data files that differ from ``files`` (or are extra)."""
    bad = [
        name
        for name, text in sorted(files.items())
        if not (out / name).is_file() or (out / name).read_text(encoding="utf-8") != text
    ]
    bad += sorted(p.name for p in out.glob("*.json") if p.name not in files)
    return bad


def write(files: dict[str, str], out: Path = DATA_DIR) -> None:
    """Replace the committed data with ``files``."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.json"):
        if old.name not in files:
            old.unlink()
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")
