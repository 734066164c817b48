"""Load the OpenAPI specs once per process and list their operations.

Both specs are OpenAPI 3.1 (JSON Schema 2020-12), read from the committed
facts-only data (``signalwire/testing/_data``). The compat spec's paths are
relative to its server URL, so they get the ``/api/laml/2010-04-01`` prefix.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Literal

from signalwire.testing.specs import load_spec_file

__all__ = [
    "COMPAT_PREFIX",
    "SPEC_FILES",
    "Operation",
    "Parameter",
    "SpecName",
    "load_operations",
    "load_spec",
]

SpecName = Literal["rest", "compat", "rpc"]

#: Spec name -> the published spec it comes from (``spec_path`` maps it to the data file).
SPEC_FILES: dict[str, str] = {
    "rest": "signalwire-rest.openapi.yaml",
    "compat": "compatibility.openapi.yaml",
    "rpc": "calling-commands.openrpc.yaml",
}
COMPAT_PREFIX = "/api/laml/2010-04-01"
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")

_lock = threading.Lock()
_operations: list[Operation] | None = None


def load_spec(name: str) -> dict[str, Any]:
    """Return one parsed spec (``rest``, ``compat`` or ``rpc``), parsed once per process."""
    if name not in SPEC_FILES:
        raise KeyError(f"unknown spec {name!r}; expected one of {sorted(SPEC_FILES)}")
    data: dict[str, Any] = load_spec_file(SPEC_FILES[name])
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
