"""Test controls of the fake: injected failures, stubs and list sizes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["FailureRule", "ListConfig", "Stub", "selects"]


def selects(
    selector: str, spec: str | None, operation_id: str | None, method: str, template: str | None
) -> bool:
    """Whether ``selector`` names this operation.

    Forms: ``"list_rooms"``, ``"rest:list_rooms"`` or ``"POST /api/pubsub/tokens"``
    (the path template as in `Operation.path`).
    """
    verb, sep, path = selector.partition(" ")
    if sep and path.startswith("/"):
        return verb.upper() == method and path == template
    if ":" in selector:
        return selector == f"{spec}:{operation_id}"
    return selector == operation_id


@dataclass
class FailureRule:
    """An injected failure; see `FakeRestPlatform.inject_failure`.

    ``remaining`` counts down (``None`` = forever); ``hits`` counts how often it fired.
    """

    status: int
    retry_after: float | str | None
    remaining: int | None
    path_prefix: str | None
    method: str | None
    operation_id: str | None
    disconnect: bool
    delay: float
    body: Any
    headers: dict[str, str]
    hits: int = 0

    def matches(
        self,
        method: str,
        path: str,
        spec: str | None,
        operation_id: str | None,
        template: str | None,
    ) -> bool:
        """Whether this rule applies to a request."""
        if self.remaining is not None and self.remaining <= 0:
            return False
        if self.method is not None and self.method != method:
            return False
        if self.path_prefix is not None and not path.startswith(self.path_prefix):
            return False
        return self.operation_id is None or selects(
            self.operation_id, spec, operation_id, method, template
        )

    @property
    def retry_after_header(self) -> str | None:
        """The ``Retry-After`` value: whole numbers without ``.0``, strings as given."""
        ra = self.retry_after
        if ra is None:
            return None
        if isinstance(ra, float) and ra.is_integer():
            return str(int(ra))
        return str(ra)


@dataclass
class Stub:
    """A canned answer for one operation; see `FakeRestPlatform.stub`."""

    operation_id: str
    status: int
    json_body: Any
    raw_body: bytes | None
    content_type: str
    headers: dict[str, str]
    remaining: int | None
    hits: int = 0


@dataclass
class ListConfig:
    """How many items list operations return, and the forced page size if any."""

    total: int
    page_size: int | None
    path_prefix: str | None
