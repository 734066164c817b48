"""Load the OpenAPI specs once per process and list their operations.

Both specs are OpenAPI 3.1 (JSON Schema 2020-12). The compat spec's paths are
relative to its server URL, so they get the ``/api/laml/2010-04-01`` prefix.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from signalwire_fakes.specs import spec_path

__all__ = [
    "CACHE_ENV",
    "COMPAT_PREFIX",
    "SPEC_FILES",
    "Operation",
    "Parameter",
    "SpecName",
    "load_operations",
    "load_spec",
]

SpecName = Literal["rest", "compat", "rpc"]

SPEC_FILES: dict[str, str] = {
    "rest": "signalwire-rest.openapi.yaml",
    "compat": "compatibility.openapi.yaml",
    "rpc": "calling-commands.openrpc.yaml",
}
COMPAT_PREFIX = "/api/laml/2010-04-01"
CACHE_ENV = "SIGNALWIRE_FAKES_CACHE"
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")

_lock = threading.Lock()
_specs: dict[str, dict[str, Any]] = {}
_operations: list[Operation] | None = None


def load_spec(name: str) -> dict[str, Any]:
    """Return one parsed spec (``rest``, ``compat`` or ``rpc``), parsed once per process.

    Parsing the 2 MB REST spec takes about a second even with libyaml, so the
    result is also cached as JSON in a temp folder keyed by the file's hash
    (``SIGNALWIRE_FAKES_CACHE`` overrides the folder; ``""`` disables it).
    """
    with _lock:
        cached = _specs.get(name)
        if cached is None:
            cached = _parse(spec_path(SPEC_FILES[name]).read_bytes(), name)
            _specs[name] = cached
        return cached


def _cache_dir() -> Path | None:
    override = os.environ.get(CACHE_ENV)
    if override is not None:
        return Path(override) if override else None
    return Path(tempfile.gettempdir()) / "signalwire-fakes-cache"


def _parse(raw: bytes, name: str) -> dict[str, Any]:
    folder = _cache_dir()
    cache = None
    if folder is not None:
        cache = folder / f"{name}-{hashlib.sha256(raw).hexdigest()[:24]}.json"
        try:
            data: dict[str, Any] = json.loads(cache.read_bytes())
            return data
        except (OSError, ValueError):
            pass
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml is ~10x faster
    data = yaml.load(raw, Loader=loader)  # a safe loader
    try:
        # Round-trip through JSON so a cached load and a fresh one agree
        # (e.g. an unquoted YAML key 200 becomes "200" either way).
        text = json.dumps(data)
    except (TypeError, ValueError):
        return data  # not JSON-shaped (dates?): use it as parsed, uncached
    data = json.loads(text)
    if cache is not None:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, cache)  # atomic: concurrent sessions never see half a file
        except OSError:
            pass  # a read-only temp dir only costs speed
    return data


@dataclass(frozen=True)
class Parameter:
    """One path or query parameter of an operation (``$ref`` already resolved)."""

    name: str
    location: str
    required: bool
    schema: dict[str, Any]
    explode: bool


@dataclass(frozen=True)
class Operation:
    """One (method, path template) pair of a spec.

    ``path`` is the full template as sent on the wire (compat paths carry the
    ``/api/laml/2010-04-01`` prefix); ``spec_path`` is the key in the spec's
    ``paths`` mapping.
    """

    spec: SpecName
    method: str
    path: str
    operation_id: str
    spec_path: str
    raw: dict[str, Any] = field(repr=False, compare=False)
    parameters: tuple[Parameter, ...] = field(repr=False, compare=False, default=())
    tags: tuple[str, ...] = field(repr=False, compare=False, default=())

    @property
    def key(self) -> str:
        """``"<spec>:<operation_id>"`` (the REST spec reuses ``create_token`` once)."""
        return f"{self.spec}:{self.operation_id}"

    @property
    def uid(self) -> str:
        """``"<spec>:<METHOD> <path>"``, unique across both specs."""
        return f"{self.spec}:{self.method} {self.path}"

    @property
    def request_body(self) -> dict[str, Any] | None:
        """The operation's ``requestBody`` object, if any."""
        body: dict[str, Any] | None = self.raw.get("requestBody")
        return body

    @property
    def security(self) -> list[dict[str, Any]] | None:
        """The operation's own ``security`` list (``None`` means the spec default)."""
        sec: list[dict[str, Any]] | None = self.raw.get("security")
        return sec

    def pointer(self) -> str:
        """JSON pointer of this operation inside its spec document."""
        escaped = self.spec_path.replace("~", "~0").replace("/", "~1")
        return f"/paths/{escaped}/{self.method.lower()}"


def _resolve_parameter(spec: dict[str, Any], param: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in param:
        name = param["$ref"].rsplit("/", 1)[-1]
        param = spec["components"]["parameters"][name]
    return param


def _build(name: SpecName) -> list[Operation]:
    spec = load_spec(name)
    prefix = COMPAT_PREFIX if name == "compat" else ""
    ops: list[Operation] = []
    for path, item in spec["paths"].items():
        shared = item.get("parameters", [])
        for method, op in item.items():
            if method not in HTTP_METHODS:
                continue
            params: dict[tuple[str, str], Parameter] = {}
            for raw in [*shared, *op.get("parameters", [])]:
                p = _resolve_parameter(spec, raw)
                location = p["in"]
                params[(p["name"], location)] = Parameter(
                    name=p["name"],
                    location=location,
                    required=bool(p.get("required", location == "path")),
                    schema=p.get("schema", {}),
                    explode=bool(p.get("explode", p.get("style", "form") == "form")),
                )
            ops.append(
                Operation(
                    spec=name,
                    method=method.upper(),
                    path=prefix + path,
                    operation_id=op.get("operationId") or f"{method}_{path}",
                    spec_path=path,
                    raw=op,
                    parameters=tuple(params.values()),
                    tags=tuple(op.get("tags", ())),
                )
            )
    return ops


def load_operations() -> list[Operation]:
    """Every operation of both OpenAPI specs (REST first), built once per process."""
    global _operations
    if _operations is None:
        ops = _build("rest") + _build("compat")
        with _lock:
            if _operations is None:
                _operations = ops
    return _operations
