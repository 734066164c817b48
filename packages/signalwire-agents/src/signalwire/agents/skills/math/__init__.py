"""The ``math`` skill: arithmetic through a safe expression evaluator."""
