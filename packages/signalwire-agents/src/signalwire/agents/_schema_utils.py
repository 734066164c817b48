"""SchemaUtils: look up and check SWML verbs against the SWML calling schema.

``service.schema_utils`` exposes the schema the service validates verbs with
(the built-in one, or ``schema_path=``'s file for lookups). Validation itself
is :mod:`signalwire.agents._schema`'s job; this class only answers questions.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from signalwire.agents import _schema
from signalwire.agents._errors import SchemaValidationError

__all__ = ["SchemaUtils"]


class SchemaUtils:
    """Verb names, properties and validation verdicts from the SWML schema."""

    def __init__(self, schema_path: str | None = None, schema_validation: bool = True) -> None:
        self.schema_path = schema_path
        self._validation = bool(schema_validation)
        self._loaded: dict[str, Any] | None = None

    def __repr__(self) -> str:
        return f"SchemaUtils(schema_path={self.schema_path!r}, validation={self._validation})"

    @property
    def full_validation_available(self) -> bool:
        """Whether verb configs are validated against the whole schema."""
        return self._validation

    def load_schema(self) -> dict[str, Any]:
        """The schema: ``schema_path``'s JSON when given, else the built-in one."""
        if self._loaded is None:
            if self.schema_path:
                data = json.loads(Path(self.schema_path).read_text(encoding="utf-8"))
                if not isinstance(data, dict):
                    raise ValueError(f"schema file {self.schema_path!r} must hold a JSON object")
                self._loaded = data
            else:
                self._loaded = _schema._schema()
        return self._loaded

    @property
    def schema(self) -> dict[str, Any]:
        """Compatibility alias of :meth:`load_schema` (signalwire-sdk's attribute name).

        Without ``schema_path`` this is the built-in copy the validator uses, pruned to
        ``verbs`` and ``defs``, not the whole JSON Schema document.
        """
        return self.load_schema()

    def get_all_verb_names(self) -> list[str]:
        """Every verb of the SWML calling schema, in schema order."""
        return list(_schema.known_verbs())

    def _verb_node(self, verb_name: str) -> dict[str, Any]:
        schema = _schema._schema()
        def_name = schema["verbs"].get(verb_name)
        if def_name is None:
            return {}
        node: Any = schema["defs"][def_name]["properties"][verb_name]
        seen = 0
        while isinstance(node, dict) and "$ref" in node and seen < 20:
            node = schema["defs"].get(str(node["$ref"]).rsplit("/", 1)[-1], {})
            seen += 1
        return node if isinstance(node, dict) else {}

    def get_verb_properties(self, verb_name: str) -> dict[str, Any]:
        """The schema node of ``verb_name``'s config (``{}`` for an unknown verb)."""
        return dict(self._verb_node(verb_name))

    def get_verb_required_properties(self, verb_name: str) -> list[str]:
        """The config keys ``verb_name`` requires (empty when none or when alternatives differ)."""
        return list(self._verb_node(verb_name).get("required", []))

    def get_verb_parameters(self, verb_name: str) -> dict[str, Any]:
        """The config properties of ``verb_name`` by name."""
        props = self._verb_node(verb_name).get("properties", {})
        return dict(props) if isinstance(props, dict) else {}

    def validate_verb(self, verb_name: str, verb_config: Any) -> tuple[bool, list[str]]:
        """``(True, [])`` or ``(False, errors)`` for one verb config."""
        try:
            _schema.validate_verb(verb_name, verb_config)
        except SchemaValidationError as exc:
            return False, list(exc.errors)
        return True, []

    def validate_document(self, document: dict[str, Any]) -> tuple[bool, list[str]]:
        """``(True, [])`` or ``(False, errors)`` for a whole SWML document."""
        try:
            _schema.validate_document(document)
        except SchemaValidationError as exc:
            return False, list(exc.errors)
        return True, []
