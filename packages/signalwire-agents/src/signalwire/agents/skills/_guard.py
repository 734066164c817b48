"""A last-resort net for the handlers of the skills that call outside services.

Kept apart from ``_outbound`` so wrapping a handler does not import httpx
while the skill loads.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

__all__ = ["UNEXPECTED", "guarded"]

#: What the AI hears when a skill's handler fails in a way nobody foresaw (a bug).
UNEXPECTED = "Sorry, something went wrong with {service}. Please try again later."


def guarded(
    handler: Callable[[dict[str, Any], dict[str, Any]], Awaitable[Any]],
    service: str,
    logger: logging.Logger,
) -> Callable[[dict[str, Any], dict[str, Any]], Awaitable[Any]]:
    """``handler`` with a last-resort net: an unexpected exception is logged with its
    traceback and the AI gets a short apology instead of the exception text."""

    @functools.wraps(handler)
    async def run(args: dict[str, Any], raw_data: dict[str, Any]) -> Any:
        try:
            return await handler(args, raw_data)
        except Exception:
            logger.exception("%s tool failed unexpectedly", service)
            from signalwire.agents import FunctionResult

            return FunctionResult(UNEXPECTED.format(service=service))

    return run
