"""Where the specs are stricter than the documented API: generator input.

The specs mark some request fields required that the vendor's documented calls (the
reference examples, and signalwire-sdk 3.7.5's signatures) leave out: ids the platform
assigns, fields of a partial update sent as ``PUT``, a ``control_id`` the platform makes up
when absent. Each such field is listed in :data:`RELAXED` with the reason. The generator
makes it an optional keyword (nothing is sent when it is omitted), and the fake REST
platform accepts a request without it. A listed field the spec no longer requires stops
the generator, so a spec update shows up here as a diff instead of silently changing a
signature.

:data:`UNDECLARED` lists fields that documented example calls send but the spec does not
declare (its schemas forbid unknown fields); the client sends them as extra keywords, as
every method allows, and only the fake needs to know: it accepts them instead of
answering 422.

Operations are named ``"VERB /path"`` as in the spec (compat paths with their
``/api/laml/2010-04-01`` prefix), or by command name (``"calling.play"``) for the
commands of ``POST /api/calling/calls``, whose fields live under ``params``.

``signalwire_devtools.codegen.rest.generate`` writes both tables to
``packages/signalwire-testing/src/signalwire/testing/rest/platform_exceptions.json`` for the fake,
which never imports this package.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from signalwire_devtools.codegen.rest.spec import Operation, Spec

__all__ = [
    "RELAXED",
    "RELAXED_NOTE",
    "UNDECLARED",
    "Deviation",
    "apply",
    "as_json",
    "check",
    "command_key",
    "relaxed_fields",
]


class Deviation(NamedTuple):
    """One field where the documented API and the spec disagree."""

    operation: str
    field: str
    reason: str


_ASSIGNED = "an id the platform assigns; the documented create does not send it"
_PARTIAL = (
    "partial update sent as PUT: the documented call changes other fields and the "
    "platform keeps the stored value"
)
_PATCH = "partial update (PATCH): the documented call changes other fields"
_CONTROL = (
    "the platform assigns a control_id when none is sent; the documented call and "
    "signalwire-sdk 3.7.5 send none"
)

#: Spec-required fields that are optional keywords on the client and in the fake.
RELAXED: tuple[Deviation, ...] = (
    Deviation("PATCH /api/datasphere/documents/{id}", "tags", _PATCH),
    Deviation("POST /api/fabric/resources/ai_agents", "agent_id", _ASSIGNED),
    Deviation(
        "PUT /api/fabric/resources/call_flows/{id}",
        "document_version",
        _PARTIAL + "; only a new flow document needs the next version number",
    ),
    Deviation("PUT /api/fabric/resources/call_flows/{id}", "flow_data", _PARTIAL),
    Deviation("PUT /api/fabric/resources/call_flows/{id}", "relayml", _PARTIAL),
    Deviation("PUT /api/fabric/resources/conference_rooms/{id}", "enable_room_previews", _PARTIAL),
    Deviation("PUT /api/fabric/resources/conference_rooms/{id}", "sync_audio_video", _PARTIAL),
    Deviation(
        "POST /api/fabric/resources/freeswitch_connectors",
        "token",
        "the documented create sends only a name; the token can be set by a later update",
    ),
    Deviation(
        "POST /api/fabric/resources/relay_applications",
        "topic",
        "the documented create sends only a name; the topic can be set by a later update",
    ),
    Deviation("POST /api/fabric/resources/sip_endpoints", "id", _ASSIGNED),
    Deviation(
        "PUT /api/fabric/resources/sip_endpoints/{id}", "calling_handler_resource_id", _PARTIAL
    ),
    Deviation("PUT /api/fabric/resources/subscribers/{id}", "email", _PARTIAL),
    Deviation(
        "POST /api/fabric/resources/swml_scripts",
        "contents",
        "the documented create sends only a name; the contents can be set by a later update",
    ),
    Deviation(
        "POST /api/laml/2010-04-01/Accounts/{AccountSid}/Applications/{Sid}",
        "FriendlyName",
        "partial update: the documented call changes only VoiceUrl",
    ),
    Deviation(
        "POST /api/project/tokens",
        "permissions",
        "the documented create sends only a name",
    ),
    Deviation(
        "POST /api/relay/rest/imported_phone_numbers",
        "number_type",
        "the documented import sends only a number and a name (platform answer unverified)",
    ),
    Deviation("PUT /api/relay/rest/number_groups/{id}", "name", _PARTIAL),
    Deviation("PUT /api/relay/rest/short_codes/{id}", "name", _PARTIAL),
    Deviation("PUT /api/relay/rest/short_codes/{id}", "message_handler", _PARTIAL),
    Deviation("PUT /api/relay/rest/verified_caller_ids/{id}", "name", _PARTIAL),
    Deviation("PUT /api/video/conferences/{id}", "display_name", _PARTIAL),
    # The registry's positional-body methods already take every field as optional; the
    # fake still needs these to accept the documented (abbreviated) examples.
    *(
        Deviation(
            "POST /api/relay/rest/registry/beta/brands",
            name,
            "the documented brand registration sends six fields; the spec's managed-brand "
            "schema requires this one too (platform answer unverified)",
        )
        for name in ("name", "contact_email", "contact_phone", "ein_issuing_country")
    ),
    Deviation(
        "POST /api/relay/rest/registry/beta/brands",
        "company_address",
        "the documented brand registration sends six fields; the spec's managed-brand "
        "schema requires this one too (platform answer unverified)",
    ),
    *(
        Deviation(
            "POST /api/relay/rest/registry/beta/brands/{id}/campaigns",
            name,
            "the documented campaign creation sends a description and a use case; the "
            "spec requires this field too (platform answer unverified)",
        )
        for name in (
            "name",
            "brand_id",
            "sample1",
            "sample2",
            "message_flow",
            "opt_out_message",
            "help_message",
            "number_pooling_required",
            "direct_lending",
            "embedded_link",
            "embedded_phone",
            "age_gated_content",
            "lead_generation",
            "terms_and_conditions",
        )
    ),
    *(
        Deviation(f"calling.{command}", "control_id", _CONTROL)
        for command in ("play", "record", "collect", "detect", "tap", "stream", "transcribe")
    ),
    Deviation(
        "calling.update",
        "url",
        "only a redirect needs url or swml; a status change (canceled/completed) sends neither",
    ),
)

#: Fields documented example calls send that the spec does not declare (fake only).
UNDECLARED: tuple[Deviation, ...] = (
    Deviation(
        "PUT /api/relay/rest/sip_profile",
        "username",
        "the reference example sends username=; the spec lists only domain_identifier "
        "and the default_* fields (platform answer unverified)",
    ),
    Deviation(
        "PUT /api/relay/rest/registry/beta/campaigns/{id}",
        "description",
        "the reference example updates the description; the spec lists only name "
        "(platform answer unverified)",
    ),
    Deviation(
        "POST /api/relay/rest/registry/beta/brands",
        "country",
        "the reference example sends country=; the spec calls it ein_issuing_country "
        "(platform answer unverified)",
    ),
    Deviation(
        "PUT /api/fabric/resources/subscribers/{id}",
        "name",
        "the reference example sends name=; the spec lists first_name, last_name and "
        "display_name (platform answer unverified)",
    ),
    Deviation(
        "POST /api/relay/rest/imported_phone_numbers",
        "name",
        "the reference example names the imported number; the spec lists no name "
        "(platform answer unverified)",
    ),
    Deviation(
        "calling.update",
        "metadata",
        "the reference example passes metadata=, which neither calling spec declares "
        "(platform answer unverified)",
    ),
)


def relaxed_fields(operation: str) -> frozenset[str]:
    """The relaxed fields of one operation (``"VERB /path"`` or ``"calling.<cmd>"``)."""
    return frozenset(e.field for e in RELAXED if e.operation == operation)


def as_json() -> dict[str, object]:
    """Both tables in the shape the fake reads."""
    return {
        "about": "Generated by tools/generate.py from signalwire_devtools/codegen/rest/relaxed.py.",
        "relaxed": [e._asdict() for e in RELAXED],
        "undeclared": [e._asdict() for e in UNDECLARED],
    }


def check(required: dict[str, set[str]], declared: dict[str, set[str]]) -> None:
    """Fail on entries the spec no longer explains.

    ``required``/``declared``: operation -> the fields the spec requires / declares.
    A relaxed field must still be required, an undeclared one still undeclared.
    """
    stale = [e for e in RELAXED if e.field not in required.get(e.operation, set())]
    stale += [
        e for e in UNDECLARED if e.operation not in declared or e.field in declared[e.operation]
    ]
    if stale:
        lines = "\n".join(f"  {e.operation} {e.field}" for e in stale)
        raise ValueError(
            f"signalwire_devtools/codegen/rest/relaxed.py has entries the spec no longer needs:\n{lines}"
        )


def _required_anywhere(spec: Spec, schema: Any) -> set[str]:
    """Fields any variant of an object schema requires (allOf/anyOf/oneOf walked)."""
    schema = spec.resolve(schema)
    if not isinstance(schema, dict):
        return set()
    out = set(schema.get("required", []))
    for key in ("allOf", "anyOf", "oneOf"):
        for part in schema.get(key, []):
            out |= _required_anywhere(spec, part)
    return out


def command_key(command: str) -> str:
    """``"calling.play"`` for ``calling.play``, ``"calling.update"`` for ``update``."""
    return command if command.startswith("calling.") else f"calling.{command}"


def apply(rest: Spec, compat: Spec, ops: list[Operation]) -> None:
    """Check both tables against the specs, then make the relaxed fields optional.

    Calling commands read :func:`relaxed_fields` when their methods are emitted.
    """
    required: dict[str, set[str]] = {}
    declared: dict[str, set[str]] = {}
    for op in ops:
        fields = op.query + (op.body.fields if op.body else [])
        declared[op.key] = {p.wire for p in fields}
        required[op.key] = {p.wire for p in op.query if p.required}
        if op.body_schema is not None:
            spec = rest if op.api == "rest" else compat
            required[op.key] |= _required_anywhere(spec, op.body_schema)
    root = rest.doc["components"]["schemas"]["Calling.CallRequest"]
    for command, ref in root["discriminator"]["mapping"].items():
        props, _, _ = rest.merged_object({"$ref": ref})
        params = props.get("params", {})
        key = command_key(command)
        declared[key] = set(rest.merged_object(params)[0])
        required[key] = _required_anywhere(rest, params)
    check(required, declared)
    for op in ops:
        names = relaxed_fields(op.key)
        for p in op.query + (op.body.fields if op.body else []):
            if p.wire in names:
                p.required = False
                p.facts = (p.facts or "any") + RELAXED_NOTE


#: Appended to a relaxed field's docstring line.
RELAXED_NOTE = "; the spec marks it required, the documented API does not"
