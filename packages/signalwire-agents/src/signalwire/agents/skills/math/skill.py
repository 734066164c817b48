"""The ``math`` skill: one ``calculate`` tool that evaluates arithmetic safely.

The expression is parsed with :mod:`ast` and walked node by node: only numbers,
``+ - * / % **``, unary signs and parentheses are accepted, and the length, the
nesting depth, the exponent and the size of every intermediate result are
capped, so no input can run long or use much memory. ``eval`` is never used.
The answer reads ``"2 + 3 * 4 = 14"``.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable
from typing import Any

from signalwire.agents import FunctionResult
from signalwire.agents.skills import SkillBase

MAX_LENGTH = 500
"""Longest expression accepted, in characters."""
MAX_DEPTH = 30
"""Deepest nesting of parentheses and operators accepted."""
MAX_EXPONENT = 1000
"""Largest exponent accepted."""
MAX_RESULT_BITS = 4096
"""Largest integer result (or intermediate value) accepted, in bits."""

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.UAdd: operator.pos,
    ast.USub: operator.neg,
}

_INVALID = (
    "I can only work out expressions made of numbers, parentheses and the operators "
    "+, -, *, /, % and **."
)


class CalculationError(ValueError):
    """The expression is not allowed; the message is a sentence the AI can say."""


def _check_size(value: Any) -> Any:
    if isinstance(value, int) and value.bit_length() > MAX_RESULT_BITS:
        raise CalculationError("That number is too large for me to work out.")
    if isinstance(value, float) and not math.isfinite(value):
        raise CalculationError("That number is too large for me to work out.")
    return value


def _power(base: Any, exponent: Any) -> Any:
    if abs(exponent) > MAX_EXPONENT:
        raise CalculationError(f"Exponents above {MAX_EXPONENT} are too large for me.")
    # Estimate an integer result's size before computing it.
    if (
        isinstance(base, int)
        and isinstance(exponent, int)
        and exponent > 0
        and max(base.bit_length() - 1, 0) * exponent > MAX_RESULT_BITS
    ):
        raise CalculationError("That number is too large for me to work out.")
    if base == 0 and exponent < 0:
        raise ZeroDivisionError
    result = base**exponent
    if isinstance(result, complex):
        raise CalculationError("That has no real-number answer.")
    return result


def _walk(node: ast.AST, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise CalculationError("That expression is nested too deeply for me.")
    if isinstance(node, ast.Expression):
        return _walk(node.body, depth + 1)
    if isinstance(node, ast.Constant):
        if isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            return _check_size(node.value)
        raise CalculationError(_INVALID)
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _check_size(_UNARY[type(node.op)](_walk(node.operand, depth + 1)))
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left = _walk(node.left, depth + 1)
        right = _walk(node.right, depth + 1)
        if isinstance(node.op, ast.Pow):
            return _check_size(_power(left, right))
        return _check_size(_BINARY[type(node.op)](left, right))
    raise CalculationError(_INVALID)


def _nesting(expression: str) -> int:
    deepest = level = 0
    for char in expression:
        if char in "([{":
            level += 1
            deepest = max(deepest, level)
        elif char in ")]}":
            level -= 1
    return deepest


def evaluate(expression: str) -> int | float:
    """The value of an arithmetic expression; CalculationError says why one is refused."""
    if len(expression) > MAX_LENGTH:
        raise CalculationError(
            f"That expression is too long; keep it under {MAX_LENGTH} characters."
        )
    if _nesting(expression) > MAX_DEPTH:
        # Checked before parsing: the parser itself would recurse on deep input.
        raise CalculationError("That expression is nested too deeply for me.")
    try:
        tree = ast.parse(expression, mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        raise CalculationError(_INVALID) from None
    value: int | float = _walk(tree, 0)
    return value


class MathSkill(SkillBase):
    """Arithmetic with ``+ - * / % **`` and parentheses."""

    SKILL_NAME = "math"
    SKILL_DESCRIPTION = "Work out arithmetic expressions"
    SKILL_VERSION = "1.0.0"

    @classmethod
    def get_parameter_schema(cls) -> dict[str, dict[str, Any]]:
        """Only the base parameters (``swaig_fields``, ``skip_prompt``)."""
        return super().get_parameter_schema()

    def setup(self) -> bool:
        """Nothing to prepare."""
        return True

    def register_tools(self) -> None:
        """Register ``calculate``."""
        self.define_tool(
            name="calculate",
            description="Work out an arithmetic expression using +, -, *, /, % (remainder), "
            "** (power) and parentheses",
            parameters={
                "expression": {
                    "type": "string",
                    "description": "The expression to work out, e.g. '(12 + 8) * 3' or '2 ** 10'",
                }
            },
            handler=self._calculate,
        )

    def _calculate(self, args: dict[str, Any], raw_data: dict[str, Any]) -> FunctionResult:
        expression = args.get("expression")
        if not isinstance(expression, str) or not expression.strip():
            return FunctionResult("Please tell me the calculation you would like me to do.")
        expression = expression.strip()
        try:
            value = evaluate(expression)
        except ZeroDivisionError:
            return FunctionResult("That would divide by zero, which has no answer.")
        except CalculationError as exc:
            return FunctionResult(str(exc))
        except OverflowError:
            return FunctionResult("That number is too large for me to work out.")
        except (ArithmeticError, TypeError, ValueError):
            return FunctionResult(_INVALID)
        return FunctionResult(f"{expression} = {value}")

    def _get_prompt_sections(self) -> list[dict[str, Any]]:
        return [
            {
                "title": "Mathematical Calculations",
                "body": "You can work out arithmetic for the caller with the calculate tool.",
                "bullets": [
                    "Use calculate rather than doing sums in your head",
                    "It understands +, -, *, /, % (remainder), ** (power) and parentheses",
                    "Read the result back to the caller in words",
                ],
            }
        ]
