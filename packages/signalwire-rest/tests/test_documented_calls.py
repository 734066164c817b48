"""Every REST call the vendor's reference documents runs as written.

The calls come from the documented surface (``surface_entries("rest")``, entries whose
keywords were read from the page's example call): the same positional count and the
same keywords, with values from the spec. Each runs through the real clients, over real
HTTP, against the fake platform, and must send exactly one request that the fake
accepts, carrying every documented keyword on the wire.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from _rest_spec_helpers import (
    COMPAT_PREFIX,
    SAMPLE_UUID,
    _props,
    _resolve_attr,
    example,
    load,
    resolve,
    spec_operations,
)

from signalwire.rest import AsyncRestClient, RestClient
from signalwire.rest._generated._index import CALLING_COMMANDS, OPERATIONS
from signalwire.testing.rest import platform_exceptions
from signalwire_devtools.surface import surface_entries

#: Documented keywords the spec does not type (paging and the fake-accepted extras).
_PLAIN_VALUES = {"page_size": 10, "PageSize": 10}
COMMAND_OF = {method: command for command, method in CALLING_COMMANDS}
COMPAT_CALLS = 78
CALLING_CALLS = 37


def documented_calls() -> list[dict[str, Any]]:
    return [e for e in surface_entries("rest") if e.get("params_source") == "example"]


def _wire(name: str) -> str:
    return name[:-1] if name.endswith("_") else name


def _endpoint(entry: dict[str, Any]) -> tuple[str, str]:
    verb, path = entry["endpoint"].split(" ", 1)
    if path.startswith("/Accounts"):
        path = COMPAT_PREFIX + path
    return verb, path


def _field_schemas(entry: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(spec document, wire name -> schema) for the fields the entry's call can send."""
    if "endpoint" in entry:
        spec = spec_operations()[_endpoint(entry)]
        doc, op = spec["doc"], spec["op"]
        params = [
            resolve(doc, p) for p in spec["item"].get("parameters", []) + op.get("parameters", [])
        ]
        out = {p["name"]: p.get("schema", {}) for p in params if p["in"] == "query"}
        body = op.get("requestBody")
        if body is not None:
            media = next(iter(resolve(doc, body)["content"].values()))
            out.update(_props(doc, media.get("schema", {})))
        return doc, out
    doc = load("signalwire-rest.openapi.yaml")
    schema = resolve(doc, {"$ref": "#/components/schemas/" + entry["request_schema"]})
    out = _props(doc, resolve(doc, schema["properties"]["params"]))
    if "record" in out:  # audio= is the documented spelling of record.audio
        out["audio"] = _props(doc, out["record"]).get("audio", {})
    return doc, out


def build_call(entry: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
    doc, schemas = _field_schemas(entry)
    kwargs: dict[str, Any] = {}
    for name in entry["params"]:
        wire = _wire(name)
        if name == "call_id":
            kwargs[name] = SAMPLE_UUID
        elif wire in _PLAIN_VALUES and wire not in schemas:
            kwargs[name] = _PLAIN_VALUES[wire]
        else:
            kwargs[name] = example(doc, schemas.get(wire, {}))
    return [SAMPLE_UUID] * entry["positional"], kwargs


def check_request(fake: Any, entry: dict[str, Any], kwargs: dict[str, Any]) -> None:
    """Exactly one accepted request, holding every documented keyword."""
    label = f"{entry['owner']}.{entry['member']}"
    assert len(fake.journal) == 1, f"{label} sent {len(fake.journal)} requests"
    sent = fake.journal.last
    assert 200 <= sent.status < 300, f"{label}: {sent.status} {sent.response} {sent.note}"
    if "endpoint" in entry:
        verb, path = _endpoint(entry)
        assert (sent.method, sent.path_template) == (verb, path)
        where = dict(sent.body or {}) if isinstance(sent.body, dict) else {}
        where.update(sent.query)
    else:
        assert (sent.method, sent.path) == ("POST", "/api/calling/calls")
        assert sent.body["command"] == COMMAND_OF[entry["member"]]
        where = dict(sent.body["params"])
        call_id = sent.body.get("id", where.get("id"))
        where["call_id"] = call_id
        if "audio" in kwargs:
            where["audio"] = where["record"]["audio"]
    missing = [name for name in kwargs if _wire(name) not in where]
    assert missing == [], f"{label}: documented keywords not on the wire: {missing}"
    if sent.headers.get("content-type", "").startswith("application/json"):
        body_values = {name: where[_wire(name)] for name in kwargs if _wire(name) not in sent.query}
        assert body_values == {n: v for n, v in kwargs.items() if n in body_values}, label


def test_every_documented_call_is_covered() -> None:
    calls = documented_calls()
    assert len(calls) == 323
    compat = [e for e in calls if e["owner"].startswith("RestClient.compat.")]
    calling = [e for e in calls if e["owner"] == "RestClient.calling"]
    assert (len(compat), len(calling)) == (COMPAT_CALLS, CALLING_CALLS)


_CALLS = documented_calls()
_IDS = [f"{e['owner'].removeprefix('RestClient.')}.{e['member']}" for e in _CALLS]


@pytest.mark.parametrize("entry", _CALLS, ids=_IDS)
def test_documented_call_runs_as_written_sync(
    client: RestClient, fake_rest_server: Any, entry: dict[str, Any]
) -> None:
    args, kwargs = build_call(entry)
    method = getattr(
        _resolve_attr(client, entry["owner"].removeprefix("RestClient.")), entry["member"]
    )
    result = method(*args, **kwargs)
    assert isinstance(result, (dict, list))
    check_request(fake_rest_server, entry, kwargs)


@pytest.mark.parametrize("entry", _CALLS, ids=_IDS)
async def test_documented_call_runs_as_written_async(
    aclient: AsyncRestClient, fake_rest_server: Any, entry: dict[str, Any]
) -> None:
    args, kwargs = build_call(entry)
    method = getattr(
        _resolve_attr(aclient, entry["owner"].removeprefix("RestClient.")), entry["member"]
    )
    result = await method(*args, **kwargs)
    assert isinstance(result, (dict, list))
    check_request(fake_rest_server, entry, kwargs)


def test_readme_lists_every_relaxed_field_with_a_reason() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Required fields", 1)[1].split("\n### ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    where = {f"{verb} {path}": f"{acc}.{m}" for verb, path, acc, m in OPERATIONS}
    for entry in platform_exceptions()["relaxed"]:
        op = entry["operation"]
        method = (
            "calling." + op.removeprefix("calling.").replace(".", "_")
            if op.startswith("calling.")
            else where[op]
        )
        row = [r for r in rows if f"`{method}`" in r and f"`{entry['field']}`" in r]
        assert row, f"README lacks {method} {entry['field']}"
        assert row[0].rstrip(" |").rsplit("|", 1)[1].strip(), f"no reason for {method}"
    for entry in platform_exceptions()["undeclared"]:
        assert f"({entry['field']}=)" in section, entry
