"""Docstring text for generated code (REST methods, SWML verbs), in the project's own words.

Everything here is built from facts of the spec (operation ids, paths, types,
required flags, enums, defaults); no prose of the spec is carried over.
"""

from __future__ import annotations

import json
from typing import Any

#: How some words of an operation id are spelled in prose.
SPELLING = {
    "ai": "AI",
    "cxml": "cXML",
    "e911": "E911",
    "freeswitch": "FreeSWITCH",
    "id": "ID",
    "ids": "IDs",
    "mfa": "MFA",
    "sip": "SIP",
    "sms": "SMS",
    "swml": "SWML",
    "whatsapp": "WhatsApp",
    "dialogflow": "Dialogflow",
}
#: Verbs of an operation id that act on one thing ("Get a queue.").
SINGLE = {
    "assign",
    "create",
    "delete",
    "deploy",
    "get",
    "lookup",
    "purchase",
    "redial",
    "release",
    "remove",
    "request",
    "reset",
    "retrieve",
    "rotate",
    "send",
    "update",
    "validate",
    "verify",
}
VERBS = {"lookup": "Look up"}
#: Acronyms read letter by letter whose first letter sounds like a vowel ("an MFA code").
SPOKEN_AS_LETTERS_WITH_VOWEL = {"MFA", "SMS"}
#: Enum values listed in full up to this many (plus two); beyond, the rest are counted.
ENUM_LIMIT = 10
#: Defaults are shown when their JSON is at most this long.
DEFAULT_LIMIT = 60


def summary_line(operation_id: str, path: str) -> str:
    """One line saying what an operation does, from its id and path.

    ``create_ai_agent`` on ``/api/fabric/resources/ai_agents`` gives
    ``Create an AI agent resource.``
    """
    words = [w for w in operation_id.replace("-", "_").split("_") if w]
    if not words:
        return f"Call ``{path}``."
    verb, rest = words[0], [SPELLING.get(w, w) for w in words[1:]]
    head = VERBS.get(verb, verb.capitalize())
    if not rest:
        return f"{head}."
    singular = not _plural(rest[-1])
    if singular and "/fabric/resources/" in path and "resource" not in words:
        rest.append("resource")
    if verb in SINGLE and singular and rest[0] not in ("a", "an", "the", "all"):
        vowel = rest[0][:1].lower() in "aeio" or rest[0] in SPOKEN_AS_LETTERS_WITH_VOWEL
        rest.insert(0, "an" if vowel else "a")
    return f"{head} {' '.join(rest)}."


def _plural(word: str) -> bool:
    return word == "IDs" or (word.endswith("s") and word not in ("address", "status", "SMS"))


def type_phrase(resolve: Any, schema: Any, depth: int = 0) -> str:
    """The JSON type of a schema in a few words: ``string (uuid)``, ``list of string``."""
    schema = resolve(schema)
    if not isinstance(schema, dict) or depth > 6:
        return "any"
    for key in ("allOf", "anyOf", "oneOf"):
        parts = schema.get(key)
        if parts and "type" not in schema:
            if key == "allOf" and len(parts) == 1:
                return type_phrase(resolve, parts[0], depth + 1)
            if key == "allOf":
                return "object"
            kinds = [type_phrase(resolve, p, depth + 1) for p in parts]
            kinds = [k for k in dict.fromkeys(kinds) if k != "null"]
            return " or ".join(kinds) if kinds else "any"
    if "const" in schema and "type" not in schema:
        return type(schema["const"]).__name__.replace("str", "string")
    typ = schema.get("type")
    kinds = typ if isinstance(typ, list) else [typ] if typ else []
    kinds = [k for k in kinds if k != "null"]
    if not kinds:
        return "object" if "properties" in schema else "any"
    out = []
    for kind in kinds:
        if kind == "array":
            items = schema.get("items")
            out.append("list of " + type_phrase(resolve, items, depth + 1) if items else "list")
        elif kind == "string" and schema.get("format"):
            out.append(f"string ({schema['format']})")
        else:
            out.append(str(kind))
    return " or ".join(out)


def _enum_values(resolve: Any, schema: Any, depth: int = 0) -> list[Any]:
    schema = resolve(schema)
    if not isinstance(schema, dict) or depth > 4:
        return []
    if "enum" in schema:
        return [v for v in schema["enum"] if v is not None]
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        return _enum_values(resolve, schema["items"], depth + 1)
    values: list[Any] = []
    for key in ("allOf", "anyOf", "oneOf"):
        for part in schema.get(key, []):
            part = resolve(part)
            if isinstance(part, dict) and "const" in part:
                values.append(part["const"])
            else:
                values += _enum_values(resolve, part, depth + 1)
    return [v for v in dict.fromkeys(values) if v is not None] if _hashable(values) else values


def _hashable(values: list[Any]) -> bool:
    return all(isinstance(v, (str, int, float, bool)) for v in values)


def _literal(value: Any) -> str:
    return "``" + json.dumps(value, ensure_ascii=False) + "``"


def facts(resolve: Any, schema: Any) -> str:
    """Type, allowed values and default of a parameter's schema, in a short phrase."""
    phrase = type_phrase(resolve, schema)
    values = _enum_values(resolve, schema)
    if values:
        cut = len(values) if len(values) <= ENUM_LIMIT + 2 else ENUM_LIMIT
        shown = ", ".join(_literal(v) for v in values[:cut])
        more = len(values) - cut
        phrase += f"; one of {shown}" + (f" and {more} more" if more > 0 else "")
    node = resolve(schema)
    default = schema.get("default") if isinstance(schema, dict) else None
    if default is None and isinstance(node, dict):
        default = node.get("default")
    if default is not None:
        text = json.dumps(default, ensure_ascii=False)
        if len(text) <= DEFAULT_LIMIT:
            phrase += f"; default ``{text}``"
    return phrase
