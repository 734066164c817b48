"""Stage 2: generate signalwire.agents' SWML verb code and schema data from the SWML spec.

Reads the committed facts-only copy of ``swml-calling.schema.json`` (in
``packages/signalwire-testing/src/signalwire/testing/_data/``, or the path given as the
first argument) and writes, inside ``packages/signalwire-agents/src/signalwire/agents/``:

- ``_swml_schema_data.py``: the schema pruned to the keywords the validator uses
  (descriptions, examples, titles, defaults and ``format`` removed), plus a
  ``verbs`` map from verb name to its ``$defs`` entry. The runtime validator in
  ``_schema.py`` loads it lazily, so the product reads no spec file at all.
- ``_verbs_generated.py``: ``SWMLVerbsMixin`` (one method per verb, calling
  ``self.add_verb`` and returning its result) and ``SWMLBuilderVerbsMixin`` (the
  same methods returning the builder).

Run ``uv run python tools/generate.py`` after the spec changes and commit the
output (``python -m signalwire_devtools.codegen.swml_verbs`` redoes this part alone). ``--check`` exits 1 when the
committed files are stale.
"""

from __future__ import annotations

import json
import keyword
import sys
import textwrap
from pathlib import Path
from typing import Any

from signalwire_devtools.codegen.docs import facts
from signalwire_devtools.codegen.spec_data import ROOT

PKG = ROOT / "packages" / "signalwire-agents" / "src" / "signalwire" / "agents"
DEFAULT_SPEC = (
    ROOT
    / "packages"
    / "signalwire-testing"
    / "src"
    / "signalwire"
    / "testing"
    / "_data"
    / "swml-calling.schema.json"
)

# Keywords the runtime validator implements. Anything else in the spec that
# carries validation meaning makes the generator fail loudly.
VALIDATION_KEYWORDS = {
    "$ref",
    "type",
    "properties",
    "required",
    "unevaluatedProperties",
    "additionalProperties",
    "patternProperties",
    "anyOf",
    "oneOf",
    "allOf",
    "not",
    "const",
    "enum",
    "items",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minProperties",
    "maxProperties",
}
# Annotations only: dropped from the runtime copy. ``format`` is an annotation
# in draft 2020-12 unless a format checker is enabled (the platform's own
# validation does not enforce it either).
ANNOTATIONS = {
    "$schema",
    "$id",
    "description",
    "title",
    "examples",
    "default",
    "deprecated",
    "format",
}
ROOT_ID = "SWMLObject.json"


# Fields the platform accepts beyond the published schema, added to the runtime
# copy so that SWMLService.add_verb accepts what the SDK itself emits. Each one
# is documented in the repository (the signalwire-agents README section, or the vendor's
# documented API in python-api.json, named per entry; the README's "Differences from
# signalwire-sdk 3.7.5" lists them together); the test allowlist in
# signalwire/testing/swml.py lists the same fields with the same references. These
# patches only add optional properties: no constraint of the spec is relaxed.
_STR: dict[str, Any] = {"type": "string"}
_BOOL: dict[str, Any] = {"type": "boolean"}
_STRS: dict[str, Any] = {"type": "array", "items": {"type": "string"}}
_HISTORY: dict[str, Any] = {"type": "string", "enum": ["keep", "default", "hide"]}
_CONTEXT_EXTRAS: dict[str, Any] = {
    # README, Contexts and steps: navigation, prompts and reset on entering a context
    "valid_contexts": _STRS,
    "valid_steps": _STRS,
    "initial_step": _STR,
    "post_prompt": _STR,
    "system_prompt": _STR,
    "consolidate": _BOOL,
    "full_reset": _BOOL,
    "user_prompt": _STR,
    "history": _HISTORY,
}
_STEP_EXTRAS: dict[str, Any] = {
    # README, Contexts and steps: gather_info (answered via gather_submit), reset on context
    # switch, auto-advance and history mode
    "gather_info": {"type": "object", "required": ["questions"]},
    "reset": {"type": "object"},
    "skip_to_next_step": _BOOL,
    "history": _HISTORY,
}
PLATFORM_EXTENSIONS: dict[str, dict[str, Any]] = {
    "ContextsPOMObject": _CONTEXT_EXTRAS,
    "ContextsTextObject": _CONTEXT_EXTRAS,
    "ContextPOMSteps": _STEP_EXTRAS,
    "ContextTextSteps": _STEP_EXTRAS,
    # python-api.json: per-prompt model override and barge_confidence merged
    # into the prompt objects by set_prompt_llm_params/set_post_prompt_llm_params
    "AIPromptText": {"model": _STR, "barge_confidence": {"type": "number"}},
    "AIPromptPom": {"model": _STR, "barge_confidence": {"type": "number"}},
    "AIPostPromptText": {"model": _STR},
    "AIPostPromptPom": {"model": _STR},
    # README, DataMap: DataMap.body() writes webhook.body (as documented);
    # webhook(form_param=...); global_error_keys() writes data_map.error_keys;
    # expressions take the hyphenated "nomatch-output"
    "Webhook": {"body": {"type": "object"}, "form_param": _STR},
    "DataMap": {"error_keys": {"anyOf": [_STR, _STRS]}},
    "Expression": {"nomatch-output": {"$ref": "#/$defs/Output"}},
}


def extend(schema: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of ``schema`` with PLATFORM_EXTENSIONS added (optional properties)."""
    out: dict[str, Any] = json.loads(json.dumps(schema))
    defs = out["$defs"]
    for def_name, extras in PLATFORM_EXTENSIONS.items():
        properties = defs[def_name]["properties"]
        for key, sub in extras.items():
            if key in properties:
                raise SystemExit(f"{def_name}.{key} is in the spec now; drop the extension")
            properties[key] = sub
    return out


def prune(node: Any) -> Any:
    """Return ``node`` keeping only validation keywords (recursively)."""
    if isinstance(node, list):
        return [prune(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ANNOTATIONS:
            continue
        if key not in VALIDATION_KEYWORDS and key != "$defs":
            raise SystemExit(f"unsupported schema keyword {key!r}; extend _schema.py first")
        if key in ("properties", "patternProperties", "$defs"):
            out[key] = {name: prune(sub) for name, sub in value.items()}
        elif key in ("const", "enum", "required"):
            out[key] = value
        elif key == "$ref":
            out[key] = "#" if value == ROOT_ID else value
        else:
            out[key] = prune(value)
    return out


def verb_table(schema: dict[str, Any]) -> dict[str, str]:
    """Map each verb name to the ``$defs`` entry wrapping it, in schema order."""
    defs = schema["$defs"]
    table: dict[str, str] = {}
    for ref in defs["SWMLMethod"]["anyOf"]:
        def_name = ref["$ref"].rsplit("/", 1)[-1]
        (verb,) = defs[def_name]["properties"]
        table[verb] = def_name
    return table


# --------------------------------------------------------------------------- verb methods


class TypeMapper:
    """Turn schema nodes into readable Python annotations."""

    def __init__(self, defs: dict[str, Any]) -> None:
        self.defs = defs

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        seen = 0
        while "$ref" in node and seen < 20:
            node = self.defs[node["$ref"].rsplit("/", 1)[-1]]
            seen += 1
        return node

    def annotation(self, node: dict[str, Any], depth: int = 0) -> str:
        if depth > 4:
            return "Any"
        if node.get("$ref", "").endswith("/SWMLVar"):
            return "str"
        node = self.resolve(node)
        for key in ("anyOf", "oneOf"):
            if key in node:
                members = [self.annotation(sub, depth + 1) for sub in node[key]]
                return self.union(members)
        if "const" in node:
            return f"Literal[{node['const']!r}]" if isinstance(node["const"], str) else "Any"
        if "enum" in node and all(isinstance(v, str) for v in node["enum"]):
            return "Literal[" + ", ".join(repr(v) for v in node["enum"]) + "]"
        kind = node.get("type")
        if kind == "string":
            return "str"
        if kind == "integer":
            return "int"
        if kind == "number":
            return "float"
        if kind == "boolean":
            return "bool"
        if kind == "object":
            return "dict[str, Any]"
        if kind == "array":
            items = node.get("items")
            inner = self.annotation(items, depth + 1) if isinstance(items, dict) else "Any"
            return f"list[{inner}]"
        return "Any"

    @staticmethod
    def union(members: list[str]) -> str:
        flat: list[str] = []
        literals: list[str] = []
        for member in members:
            if member == "Any":
                return "Any"
            if member.startswith("Literal["):
                literals.append(member[len("Literal[") : -1])
            elif member not in flat:
                flat.append(member)
        if "str" in flat:
            literals = []  # a plain str already admits every literal
        if literals:
            flat.insert(0, "Literal[" + ", ".join(dict.fromkeys(literals)) + "]")
        if "int" in flat and "float" in flat:
            flat.remove("int")  # int is accepted where float is annotated
        return " | ".join(flat) if flat else "Any"


def safe_resolver(mapper: TypeMapper) -> Any:
    """``$ref`` resolution for docstring facts; the root reference stays as it is."""

    def resolve(node: Any) -> Any:
        if isinstance(node, dict) and "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            if name == "SWMLVar":
                return {"type": "string"}
            if name in mapper.defs:
                return resolve(mapper.defs[name])
            return {}
        return node

    return resolve


def arg_doc(resolve: Any, name: str, subs: list[dict[str, Any]], required: bool) -> str:
    """``name: <type>, required|optional[; one of ...][; default ...].``"""
    phrases = list(dict.fromkeys(facts(resolve, sub) for sub in subs))
    phrase = phrases[0] if len(phrases) == 1 else " or ".join(p.split(";")[0] for p in phrases)
    kind, _, rest = phrase.partition(";")
    text = f"{name}: {kind or 'any'}, {'required' if required else 'optional'}"
    text += (";" + rest if rest else "") + "."
    return text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


def object_branches(mapper: TypeMapper, node: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The object schemas a verb config may take, or None when it is not an object."""
    node = mapper.resolve(node)
    if "properties" in node and node.get("type", "object") == "object":
        return [node]
    for key in ("anyOf", "oneOf"):
        if key in node:
            branches = [mapper.resolve(sub) for sub in node[key]]
            if all(b.get("type") == "object" and "properties" in b for b in branches):
                return branches
    return None


def py_name(prop: str) -> str:
    return prop + "_" if keyword.iskeyword(prop) else prop


def method_name(verb: str) -> str:
    return verb + "_" if keyword.iskeyword(verb) else verb


SPECIAL_SIGNATURES: dict[str, tuple[str, str, str]] = {
    # verb: (parameters, body building ``config``, extra doc lines)
    "sleep": (
        "duration: int | str",
        "config: Any = duration",
        "``duration`` is in milliseconds (-1 waits forever) and is sent as a bare\n"
        "integer, the form the platform documents; a ``%{var}`` string also works.",
    ),
    "cond": (
        "conditions: list[dict[str, Any]]",
        "config: Any = list(conditions)",
        '``conditions`` is a list of ``{"when": expr, "then": [verbs], "else": [verbs]}``\n'
        'entries, the last one may be ``{"else": [verbs]}``.',
    ),
    "label": ("label: str", "config: Any = label", "``label`` names this point for ``goto``."),
    "return": (
        "value: Any = None",
        "config: Any = {} if value is None else value",
        "``value`` becomes the section's return value (``{}`` when omitted).",
    ),
    "unset": (
        "variables: str | list[str]",
        "config: Any = variables if isinstance(variables, str) else list(variables)",
        "``variables`` is one variable name or a list of them.",
    ),
    "set": (
        "variables: Mapping[str, Any] | None = None, /, **kwargs: Any",
        "config: Any = {**(variables or {}), **kwargs}",
        "Variables come from the ``variables`` mapping and/or keyword arguments.",
    ),
}


# SWMLBuilder writes these by hand, with the vendor SDK's friendlier signatures
# (prompt_text=..., say(), url-or-urls checks); the builder mixin skips them.
BUILDER_HAND_WRITTEN = frozenset({"ai", "answer", "hangup", "play"})


def verb_method(mapper: TypeMapper, verb: str, def_name: str, builder: bool) -> str:
    defs = mapper.defs
    wrapper = defs[def_name]
    config_node = wrapper["properties"][verb]
    summary = f"Append the ``{verb}`` verb to the main section."
    resolve = safe_resolver(mapper)
    name = method_name(verb)
    self_ann = "self: _B" if builder else "self"
    ret_ann = "_B" if builder else "bool"
    returns = (
        "Returns the builder, so calls chain."
        if builder
        else "Returns what ``add_verb`` returns (True once the verb is appended)."
    )
    call = f"self.add_verb({verb!r}, config)"
    lines: list[str] = []
    if verb in SPECIAL_SIGNATURES:
        signature, body, extra = SPECIAL_SIGNATURES[verb]
        lines.append(f"    def {name}({self_ann}, {signature}) -> {ret_ann}:")
        doc = [summary, "", *extra.splitlines(), "", returns]
        if builder:
            doc = [summary, "", f"Arguments as for ``SWMLService.{name}``. {returns}"]
        lines.append(format_doc(doc))
        lines.append(f"        {body}")
    else:
        branches = object_branches(mapper, config_node) or []
        props: dict[str, list[dict[str, Any]]] = {}
        required_everywhere: set[str] | None = None
        for branch in branches:
            for prop, sub in branch["properties"].items():
                props.setdefault(prop, []).append(sub)
            req = set(branch.get("required", []))
            required_everywhere = req if required_everywhere is None else required_everywhere & req
        required_everywhere = required_everywhere or set()
        params: list[str] = []
        arg_docs: list[str] = []
        required_first = [p for p in props if p in required_everywhere]
        optional = [p for p in props if p not in required_everywhere]
        for prop in required_first + optional:
            subs = props[prop]
            ann = mapper.union([mapper.annotation(s) for s in subs])
            pname = py_name(prop)
            if prop in required_everywhere:
                params.append(f"{pname}: {ann}")
            else:
                params.append(f"{pname}: {ann} | None = None")
            arg_docs.append(arg_doc(resolve, pname, subs, prop in required_everywhere))
        if len(branches) > 1:
            alternatives = " / ".join(
                "``" + ", ".join(sorted(set(b.get("required", [])))) + "``" for b in branches
            )
            extra_doc = [f"The schema accepts one of these forms (required keys): {alternatives}."]
        else:
            extra_doc = []
        sig = ", ".join(["*", *params, "**extra: Any"]) if params else "**extra: Any"
        lines.append(f"    def {name}({self_ann}, {sig}) -> {ret_ann}:")
        doc = [summary, ""]
        doc += extra_doc + ([""] if extra_doc else [])
        doc.append("Arguments left as None are omitted; ``extra`` adds further fields verbatim.")
        renamed = [p for p in props if py_name(p) != p]
        if renamed:
            doc.append(
                "Python keywords take a trailing underscore: "
                + ", ".join(f"``{py_name(p)}`` is sent as ``{p}``" for p in renamed)
                + "."
            )
        if arg_docs:
            doc += ["", "Args:"]
            for entry in arg_docs:
                wrapped = textwrap.wrap(
                    entry,
                    80,
                    subsequent_indent="    ",
                    break_long_words=False,
                    break_on_hyphens=False,
                )
                doc += ["    " + w for w in wrapped]
        doc += ["", returns]
        if builder:
            doc = [summary, "", f"Arguments as for ``SWMLService.{name}``. {returns}"]
        lines.append(format_doc(doc))
        if params:
            pairs = ", ".join(f"{prop!r}: {py_name(prop)}" for prop in required_first + optional)
            lines.append(f"        config: Any = _compact({{{pairs}}}, extra)")
        else:
            lines.append("        config: Any = _compact({}, extra)")
    if builder:
        lines.append(f"        {call}")
        lines.append("        return self")
    else:
        lines.append(f"        return {call}")
    return "\n".join(lines)


def format_doc(lines: list[str]) -> str:
    while lines and lines[-1] == "":
        lines.pop()
    if len(lines[0]) > 88:
        # A long first sentence becomes a wrapped summary paragraph.
        head = textwrap.wrap(lines[0], 88)
        lines = [head[0], *head[1:], *lines[1:]]
    body = "\n".join(("        " + line) if line else "" for line in lines[1:])
    if len(lines) == 1:
        return f'        """{lines[0]}"""'
    return f'        """{lines[0]}\n{body}\n        """'


HEADER = '''"""One method per SWML verb of the calling schema.

GENERATED by ``tools/generate.py`` (``signalwire_devtools.codegen.swml_verbs``) from
the committed facts-only copy of ``swml-calling.schema.json``; do not edit by hand.
``SWMLVerbsMixin`` serves ``SWMLService`` (each method returns what ``add_verb``
returns); ``SWMLBuilderVerbsMixin`` serves ``SWMLBuilder`` (each method returns
the builder).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar

__all__ = ["SWML_VERBS", "SWMLBuilderVerbsMixin", "SWMLVerbsMixin"]

_B = TypeVar("_B", bound="SWMLBuilderVerbsMixin")

#: Every verb of the SWML calling schema, in schema order.
SWML_VERBS: tuple[str, ...] = {verbs}


def _compact(config: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """Drop the arguments left as None, then add the extra fields verbatim."""
    out = {{key: value for key, value in config.items() if value is not None}}
    out.update((key, value) for key, value in extra.items() if value is not None)
    return out

'''


def render_module(schema: dict[str, Any]) -> str:
    defs = schema["$defs"]
    mapper = TypeMapper(defs)
    table = verb_table(schema)
    parts = [HEADER.format(verbs=repr(tuple(table)))]
    for builder in (False, True):
        cls = "SWMLBuilderVerbsMixin" if builder else "SWMLVerbsMixin"
        doc = (
            "Verb methods for SWMLBuilder; each appends its verb and returns the builder."
            if builder
            else "Verb methods for SWMLService; each appends its verb to the main section."
        )
        add_ret = "Any" if builder else "bool"
        parts.append(f'\nclass {cls}:\n    """{doc}"""\n')
        parts.append(
            f"    def add_verb(self, verb_name: str, config: Any) -> {add_ret}:\n"
            '        """Append a verb to the main section (implemented by the host class)."""\n'
            "        raise NotImplementedError\n"
        )
        for verb, def_name in table.items():
            if builder and verb in BUILDER_HAND_WRITTEN:
                continue
            parts.append(verb_method(mapper, verb, def_name, builder) + "\n")
    return "\n".join(parts)


def render_schema(schema: dict[str, Any]) -> str:
    pruned = prune(extend(schema))
    data = {"verbs": verb_table(schema), "root": {k: v for k, v in pruned.items() if k != "$defs"}}
    data["defs"] = pruned["$defs"]
    return json.dumps(data, separators=(",", ":"), sort_keys=False) + "\n"


def ruff_format(text: str, filename: str) -> str:
    """Format generated files with ruff so that ``ruff format`` leaves them unchanged.

    ruff runs from this interpreter's environment (as in the REST generator), so the result
    does not depend on which ``ruff``, if any, is first on ``PATH``.
    """
    import subprocess

    done = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--stdin-filename", filename],
        input=text,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return done.stdout


SCHEMA_MODULE_HEADER = '''"""The SWML calling schema, pruned for the runtime validator in ``_schema.py``.

GENERATED by ``tools/generate.py`` (``signalwire_devtools.codegen.swml_verbs``) from
the committed facts-only copy of ``swml-calling.schema.json``; do not edit by hand.
JSON text (not a Python literal) so that loading it is one fast ``json.loads``;
``_schema.py`` imports this module on first validation only.
"""

SCHEMA_JSON = (
'''


def render_schema_module(schema: dict[str, Any]) -> str:
    text = render_schema(schema).strip()
    chunks = [text[i : i + 80] for i in range(0, len(text), 80)]
    body = "".join(f"    {json.dumps(chunk)}\n" for chunk in chunks)
    return SCHEMA_MODULE_HEADER + body + ")\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    spec = Path(args[0]) if args else DEFAULT_SPEC
    schema = json.loads(spec.read_text(encoding="utf-8"))
    outputs = {
        PKG / "_swml_schema_data.py": ruff_format(
            render_schema_module(schema), str(PKG / "_swml_schema_data.py")
        ),
        PKG / "_verbs_generated.py": ruff_format(
            render_module(schema), str(PKG / "_verbs_generated.py")
        ),
    }
    stale = []
    for path, text in outputs.items():
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path)
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        print("stale generated files: " + ", ".join(str(p) for p in stale))
        return 1
    if check:
        print("generated SWML verb code is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
