"""Validate SWML documents against the platform's SWML calling schema.

``validate_swml(document)`` checks a whole document: the envelope, then every
verb of every section against that verb's own schema definition, so an error
names the section, the verb index and the failing path instead of a vague
"not valid under any of the given schemas".

The schema is a little stricter than the platform. ``ALLOWLIST`` lists, one
entry per field, what the platform is known to accept beyond the schema, with
the reason (each names where the repository documents the field: the vendor's documented
API in ``_data/python-api.json``, or a section of the signalwire-agents README, whose
"Differences from signalwire-sdk 3.7.5" lists them together). Allowlisted fields are
removed from a copy of the document before validation. ``ALLOWED_FORMS`` lists
the value shapes signalwire-sdk 3.7.5 sends where the schema wants another (a
plain fillers list, a step's ``functions`` string, several contexts without
``default``, ``pom: []`` beside contexts), each with its reason; such a value is
validated as its schema-shaped equivalent. Nothing else is forgiven. Keep the
lists short and every reason honest.

This module speaks raw JSON and never imports ``signalwire.*``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from signalwire.testing.specs import load_spec_file

__all__ = [
    "ALLOWED_FORMS",
    "ALLOWLIST",
    "AllowedField",
    "AllowedForm",
    "SWMLValidationError",
    "swml_schema",
    "validate_swml",
]


@dataclass(frozen=True)
class AllowedField:
    """A field the platform accepts although the schema does not list it.

    ``verb`` is the SWML verb, ``path`` the keys below the verb's config
    (``"*"`` matches every item of a list or every key of an object) and
    ``key`` the accepted field name at that place.
    """

    verb: str
    path: tuple[str, ...]
    key: str
    reason: str


ALLOWLIST: tuple[AllowedField, ...] = (
    AllowedField(
        "ai",
        ("prompt",),
        "model",
        "python-api.json: set_prompt_llm_params merges `model` into the prompt object; "
        "the platform reads a per-prompt model override (signalwire-sdk 3.7.5 emits it).",
    ),
    AllowedField(
        "ai",
        ("prompt",),
        "barge_confidence",
        "python-api.json: set_prompt_llm_params documents barge_confidence; merged into "
        "the prompt object like the other LLM params.",
    ),
    AllowedField(
        "ai",
        ("post_prompt",),
        "model",
        "python-api.json: set_post_prompt_llm_params merges `model` into post_prompt.",
    ),
    # Contexts and steps: the schema's context/step objects list only
    # steps/isolated/fillers/pom|text and name/text/criteria/functions/navigation/end.
    # The signalwire-agents README ("Contexts and steps") documents these further keys as
    # the wire form the platform's step machine reads (signalwire-sdk 3.7.5 emits each).
    *(
        AllowedField(
            "ai",
            ("prompt", "contexts", "*"),
            key,
            f"README, Contexts and steps: context key `{key}` (navigation, prompts or reset on entering the "
            "context) is read by the platform's step machine; absent from the schema.",
        )
        for key in (
            "valid_contexts",
            "valid_steps",
            "initial_step",
            "post_prompt",
            "system_prompt",
            "consolidate",
            "full_reset",
            "user_prompt",
            "history",
        )
    ),
    *(
        AllowedField(
            "ai",
            ("prompt", "contexts", "*", "steps", "*"),
            key,
            f"README, Contexts and steps: step key `{key}` (gather_info questions answered via gather_submit, "
            "reset on context switch, auto-advance, history mode) is read by the platform's "
            "step machine; absent from the schema.",
        )
        for key in ("gather_info", "reset", "skip_to_next_step", "history")
    ),
    # Semantic gates: the signalwire-agents README, "Semantic gates".
    *(
        AllowedField(
            "ai",
            ("SWAIG", "functions", "*"),
            key,
            f"README, Semantic gates: `{key}` on a SWAIG function (define_tool(gates=, "
            "gate_fillers=) in python-api.json's vendor API) is read by platform releases "
            "with semantic gates and ignored with a warning by older ones; absent from the schema.",
        )
        for key in ("gates", "gate_fillers")
    ),
    # DataMap tools: the signalwire-agents README, "DataMap".
    AllowedField(
        "ai",
        ("SWAIG", "functions", "*", "data_map", "webhooks", "*"),
        "body",
        "README, DataMap: DataMap.body() writes webhook.body as documented (python-api.json); "
        "the schema's Webhook lists params only.",
    ),
    AllowedField(
        "ai",
        ("SWAIG", "functions", "*", "data_map", "webhooks", "*"),
        "form_param",
        "README, DataMap: webhook(form_param=...) sends the arguments as one form field; "
        "documented DataMap parameter missing from the schema.",
    ),
    AllowedField(
        "ai",
        ("SWAIG", "functions", "*", "data_map"),
        "error_keys",
        "README, DataMap: global_error_keys() writes data_map.error_keys; the platform ignores "
        "it but accepts it (signalwire-sdk 3.7.5 emits it).",
    ),
    AllowedField(
        "ai",
        ("SWAIG", "functions", "*", "data_map", "expressions", "*"),
        "nomatch-output",
        "README, DataMap: expression(nomatch_output=...) emits the hyphenated `nomatch-output` "
        "the platform reads when the pattern does not match.",
    ),
    AllowedField(
        "ai",
        ("SWAIG", "functions", "*", "data_map", "webhooks", "*", "expressions", "*"),
        "nomatch-output",
        "README, DataMap: webhook expressions take `nomatch-output` like top-level ones.",
    ),
    # Transfer actions in DataMap outputs (FunctionResult.connect/swml_transfer, used by the
    # swml_transfer skill; test_function_result.py pins the wire shape).
    *(
        AllowedField(
            "ai",
            ("SWAIG", "functions", "*", "data_map", *where, "action", "*"),
            "transfer",
            'FunctionResult: connect()/swml_transfer() put a string `transfer: "true"|"false"` '
            "beside the SWML key of the action; the platform reads it, the schema wants a boolean.",
        )
        for where in (
            ("expressions", "*", "output"),
            ("webhooks", "*", "output"),
            ("output",),
        )
    ),
)


@dataclass(frozen=True)
class AllowedForm:
    """A value form signalwire-sdk 3.7.5 sends where the schema wants another shape.

    Public agent code relies on these forms, so the SDK sends them as 3.7.5 does. At
    ``verb``/``path``/``key`` (as in :class:`AllowedField`), a value for which
    ``applies(value, holder)`` is true is validated as ``as_schema(value)``, its
    schema-shaped equivalent, so everything inside it is still checked.
    """

    verb: str
    path: tuple[str, ...]
    key: str
    reason: str
    applies: Callable[[Any, dict[str, Any]], bool]
    as_schema: Callable[[Any], Any]


def _phrase_list(value: Any, holder: dict[str, Any]) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _no_default_context(value: Any, holder: dict[str, Any]) -> bool:
    return isinstance(value, dict) and len(value) > 1 and "default" not in value


def _first_as_default(contexts: dict[str, Any]) -> dict[str, Any]:
    first = next(iter(contexts))
    return {("default" if k == first else k): v for k, v in contexts.items()}


ALLOWED_FORMS: tuple[AllowedForm, ...] = tuple(
    form
    for verb in ("ai", "amazon_bedrock")
    for form in (
        AllowedForm(
            verb,
            ("SWAIG", "functions", "*"),
            "fillers",
            "3.7.5 sends `tool(fillers=[...])`/`define_tool(fillers=[...])` as the plain list "
            "it was given, and public agent code passes a list; the schema wants phrases keyed "
            "by language. Validated as the `default` language's phrases.",
            _phrase_list,
            lambda value: {"default": value},
        ),
        AllowedForm(
            verb,
            ("prompt", "contexts", "*", "steps", "*"),
            "functions",
            '3.7.5 writes `Step.set_functions("none")` and a single tool name as a string; the '
            'schema wants an array. Validated as `[]` for "none", else a one-name array.',
            lambda value, holder: isinstance(value, str),
            lambda value: [] if value == "none" else [value],
        ),
        AllowedForm(
            verb,
            ("prompt",),
            "contexts",
            "3.7.5 accepts several contexts none of which is named `default` (only a lone "
            "context must be `default`), and public code defines them so; the schema requires "
            "a `default` key. Validated with the first context in that place.",
            _no_default_context,
            _first_as_default,
        ),
        AllowedForm(
            verb,
            ("prompt",),
            "pom",
            "3.7.5 renders an agent whose prompt lives only in contexts as `pom: []` (no text "
            "the developer never wrote); the schema wants at least one section. Validated as "
            "one section.",
            lambda value, holder: value == [] and bool(holder.get("contexts")),
            lambda value: [{"body": "(the prompt is in the contexts)"}],
        ),
    )
)


class SWMLValidationError(AssertionError):
    """A SWML document does not validate; the message lists every problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("invalid SWML:\n  " + "\n  ".join(problems))


@cache
def swml_schema() -> dict[str, Any]:
    """The SWML calling schema (committed facts-only copy), parsed once."""
    data: dict[str, Any] = load_spec_file("swml-calling.schema.json")
    return data


@cache
def _verb_defs() -> dict[str, str]:
    """Map each verb name to the ``$defs`` entry that describes ``{verb: config}``."""
    schema = swml_schema()
    out: dict[str, str] = {}
    for ref in schema["$defs"]["SWMLMethod"]["anyOf"]:
        name = ref["$ref"].rsplit("/", 1)[-1]
        for verb in schema["$defs"][name].get("required", []):
            out[verb] = name
    return out


@cache
def _validator(def_name: str | None) -> Any:
    import jsonschema  # type: ignore[import-untyped]

    schema = swml_schema()
    if def_name is None:
        return jsonschema.Draft202012Validator(schema)
    sub = {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": f"#/$defs/{def_name}"}
    # Nested SWML (e.g. a tool result's SWML action) refers back to the whole schema by its $id.
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    registry = Registry().with_resource(schema["$id"], DRAFT202012.create_resource(schema))
    return jsonschema.Draft202012Validator(sub, registry=registry)


def _walk(node: Any, path: tuple[str, ...]) -> Iterator[Any]:
    if not path:
        yield node
        return
    head, rest = path[0], path[1:]
    if head == "*":
        children: Any = node.values() if isinstance(node, dict) else node
        if not isinstance(children, (list, type({}.values()))):
            return
        for child in children:
            yield from _walk(child, rest)
    elif isinstance(node, dict) and head in node:
        yield from _walk(node[head], rest)


def _strip_allowed(verb: str, config: Any) -> Any:
    config = copy.deepcopy(config)
    for entry in ALLOWLIST:
        if entry.verb != verb:
            continue
        for holder in _walk(config, entry.path):
            if isinstance(holder, dict):
                holder.pop(entry.key, None)
    for form in ALLOWED_FORMS:
        if form.verb != verb:
            continue
        for holder in _walk(config, form.path):
            if (
                isinstance(holder, dict)
                and form.key in holder
                and form.applies(holder[form.key], holder)
            ):
                holder[form.key] = form.as_schema(holder[form.key])
    return config


def _leaf_errors(error: Any) -> list[Any]:
    """Descend into an anyOf/oneOf failure to the errors of the branch that came closest.

    A branch comes closer when its errors sit deeper in the instance (it matched
    more of the structure), then when it has fewer errors.
    """
    if not error.context:
        return [error]
    branches: dict[Any, list[Any]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    best = max(
        branches.values(),
        key=lambda errs: (max(len(e.absolute_path) for e in errs), -len(errs)),
    )
    return [leaf for sub in best for leaf in _leaf_errors(sub)]


def _fmt(prefix: str, error: Any) -> str:
    where = "/".join(str(p) for p in error.absolute_path)
    return f"{prefix}/{where}: {error.message[:300]}"


def validate_swml(document: Any) -> dict[str, Any]:
    """Validate a SWML document (a dict or a JSON string); return it parsed.

    Raises :class:`SWMLValidationError` (an AssertionError, so pytest shows it
    plainly) listing every problem found.
    """
    if isinstance(document, (str, bytes)):
        document = json.loads(document)
    problems: list[str] = []
    if not isinstance(document, dict):
        raise SWMLValidationError([f"document is {type(document).__name__}, not an object"])
    sections = document.get("sections")
    envelope: dict[str, Any] = {"version": document.get("version"), "sections": {"main": []}}
    extra = set(document) - {"version", "sections"}
    if extra:
        problems.append(f"unexpected top-level keys {sorted(extra)}")
    for error in _validator(None).iter_errors(envelope):
        problems.append(_fmt("", error))
    if not isinstance(sections, dict) or "main" not in sections:
        problems.append("sections must be an object with a `main` list")
        raise SWMLValidationError(problems)
    defs = _verb_defs()
    for section_name, verbs in sections.items():
        if not isinstance(verbs, list):
            problems.append(f"sections/{section_name}: not a list")
            continue
        for index, item in enumerate(verbs):
            where = f"sections/{section_name}/{index}"
            if not isinstance(item, dict) or len(item) != 1:
                problems.append(f"{where}: a verb must be an object with exactly one key")
                continue
            ((verb, config),) = item.items()
            def_name = defs.get(verb)
            if def_name is None:
                problems.append(f"{where}: unknown verb {verb!r}")
                continue
            checked = {verb: _strip_allowed(verb, config)}
            for error in _validator(def_name).iter_errors(checked):
                problems.extend(_fmt(where, leaf) for leaf in _leaf_errors(error))
    if problems:
        raise SWMLValidationError(problems)
    return document
