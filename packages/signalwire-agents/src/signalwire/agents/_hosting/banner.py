"""The start-up banner: where the agent listens and how to authenticate to it.

Printed (through the ``signalwire.agents.serve`` logger) only once the port is
bound, so a banner always means the server is reachable.
"""

from __future__ import annotations

import logging

__all__ = ["banner_lines", "log_banner"]

log = logging.getLogger("signalwire.agents.serve")

_SOURCES = {
    "provided": "passed to the constructor (basic_auth=)",
    "environment": "from SWML_BASIC_AUTH_USER / SWML_BASIC_AUTH_PASSWORD",
    "config file": "from the config file",
    "generated": "generated for this process",
}


def banner_lines(
    name: str, url: str, user: str, password: str, source: str, workers: int = 1
) -> list[str]:
    """The banner text: URL, credential source, and a command that authenticates.

    The password is shown only when it was generated: a configured one is
    already known to whoever configured it, and does not belong in logs.
    """
    where = _SOURCES.get(source, source)
    served_by = f" ({workers} worker processes)" if workers > 1 else ""
    lines = [f"{name}: serving SWML at {url}{served_by}"]
    if source == "generated":
        lines.append(f"{name}: basic auth user {user!r}, password {password!r} ({where})")
        lines.append(f"{name}: try: curl -u '{user}:{password}' {url}")
    else:
        lines.append(f"{name}: basic auth user {user!r}, password {where}")
        secret = "$SWML_BASIC_AUTH_PASSWORD" if source == "environment" else "<password>"
        lines.append(f'{name}: try: curl -u "{user}:{secret}" {url}')
    return lines


def log_banner(lines: list[str]) -> None:
    """Emit the banner at INFO."""
    for line in lines:
        log.info("%s", line)
