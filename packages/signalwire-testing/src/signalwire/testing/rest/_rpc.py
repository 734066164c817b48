"""``POST /api/calling/rpc``: the JSON-RPC 2.0 calling API of the OpenRPC spec.

``calling-commands.openrpc.yaml`` describes 8 methods (``calling.dial``,
``calling.update``, ``calling.end``, ``calling.ai_hold``, ``calling.ai_unhold``,
``calling.ai_message``, ``calling.live_transcribe``, ``calling.live_translate``)
with by-name params. The 42-command REST envelope (``POST /api/calling/calls``)
is validated from the REST spec's ``Calling.CallRequest`` instead.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from signalwire.testing.rest._examples import SchemaTools, stable_uuid
from signalwire.testing.rest._spec import load_spec
from signalwire.testing.rest._validate import _fast_checker

__all__ = ["RPC_PATH", "handle_rpc"]

RPC_PATH = "/api/calling/rpc"

_lock = threading.Lock()
_methods: dict[str, dict[str, Any]] | None = None
_validators: dict[tuple[str, str], Any] = {}


def _load() -> dict[str, dict[str, Any]]:
    global _methods
    if _methods is None:
        with _lock:
            if _methods is None:
                _methods = {m["name"]: m for m in load_spec("rpc")["methods"]}
    return _methods


def _error(req_id: Any, code: int, message: str, data: Any = None) -> dict[str, Any]:
    err: dict[str, Any] = {"code": code, "message": message}
    if data is not None:
        err["data"] = data
    return {"jsonrpc": "2.0", "id": req_id, "error": err}


def _check_param(method: str, name: str, schema: dict[str, Any], value: Any) -> str | None:
    key = (method, name)
    checker = _validators.get(key)
    if checker is None:
        fast = _fast_checker(schema)
        if fast is None:
            from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

            validator = Draft202012Validator(schema)

            def fast(value: Any) -> tuple[str, str] | None:
                from jsonschema.exceptions import best_match  # type: ignore[import-untyped]

                error = best_match(validator.iter_errors(value))
                return None if error is None else ("invalid_params", str(error.message))

        checker = fast
        _validators[key] = checker
    result: tuple[str, str] | None = checker(value)
    return None if result is None else result[1]


def handle_rpc(raw: bytes) -> tuple[str | None, dict[str, Any]]:
    """Answer one JSON-RPC request body: ``(method or None, response object)``.

    Errors use the JSON-RPC codes: -32700 parse error, -32600 invalid request,
    -32601 unknown method, -32602 invalid params (``data.attribute`` names the
    param). Unknown params are invalid, as with the REST bodies.
    """
    try:
        req = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        return None, _error(None, -32700, f"Parse error: {exc}")
    if not isinstance(req, dict):
        return None, _error(None, -32600, "Invalid Request: expected a JSON object")
    req_id = req.get("id")
    method = req.get("method")
    if req.get("jsonrpc") != "2.0" or not isinstance(method, str):
        return None, _error(req_id, -32600, "Invalid Request: needs jsonrpc '2.0' and a method")
    spec = _load().get(method)
    if spec is None:
        known = ", ".join(sorted(_load()))
        return method, _error(req_id, -32601, f"Method not found: {method!r} (known: {known})")
    params = req.get("params", {})
    if not isinstance(params, dict):
        return method, _error(req_id, -32602, "Invalid params: by-name params (an object) expected")
    declared = {p["name"]: p for p in spec["params"]}
    for name, p in declared.items():
        if name not in params:
            if p.get("required"):
                return method, _error(
                    req_id, -32602, f"Invalid params: {name!r} is required", {"attribute": name}
                )
            continue
        problem = _check_param(method, name, p.get("schema", {}), params[name])
        if problem is not None:
            return method, _error(
                req_id, -32602, f"Invalid params: {name!r}: {problem}", {"attribute": name}
            )
    for name in params:
        if name not in declared:
            return method, _error(
                req_id,
                -32602,
                f"Invalid params: {name!r} is not a param of {method}",
                {"attribute": name},
            )
    result = SchemaTools(load_spec("rpc")).example(spec.get("result", {}).get("schema", {}))
    if isinstance(result, dict):
        if "id" in result:
            result["id"] = stable_uuid("rpc-call", params.get("from"), params.get("to"))
        for key, value in params.items():
            if key in result:
                result[key] = value
    return method, {"jsonrpc": "2.0", "id": req_id, "result": result}
