"""The error every namespace raises when ``signalwire-sdk`` shares its environment.

SignalWire's own SDK, ``signalwire-sdk``, installs a regular package ``signalwire``
(with ``signalwire/__init__.py`` and its own ``signalwire/core/``, ``agents/``,
``relay/``, ``rest/``) into the same folder as this project's PEP 420 namespace.
Installed together, each overwrites the other's files and pip warns about nothing.
This project never ships ``signalwire/__init__.py``, so its presence is the sign.

Each package's ``__init__`` checks ``sys.modules["signalwire"].__file__`` (a dict
lookup) and imports this module only when the check fails, so the check costs
nothing on a clean import.
"""

from __future__ import annotations

__all__ = ["OUR_DISTRIBUTIONS", "VENDOR_DISTRIBUTION", "clash_error", "repair_commands"]

#: The vendor distribution that cannot share an environment with this project.
VENDOR_DISTRIBUTION = "signalwire-sdk"
#: This project's distributions, in the order a reinstall names them.
OUR_DISTRIBUTIONS = (
    "signalwire-core",
    "signalwire-agents",
    "signalwire-relay",
    "signalwire-rest",
    "signalwire-testing",
    "signalwire-search",
)


def _installed(name: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return None


def repair_commands(installed: list[str] | None = None) -> list[str]:
    """The commands that repair the environment, in order.

    Uninstalling signalwire-sdk also deletes the files it shares with this
    project's packages (``signalwire/core/__init__.py`` and the like), so the
    uninstall is followed by a forced reinstall of the packages found installed;
    ``--no-deps`` because only their own files are missing (the dependencies are intact
    and stay at the versions the environment has).
    """
    if installed is None:
        installed = [name for name in OUR_DISTRIBUTIONS if _installed(name) is not None]
    ours = installed or ["signalwire-core"]
    return [
        f"pip uninstall -y {VENDOR_DISTRIBUTION}",
        "pip install --force-reinstall --no-deps " + " ".join(ours),
    ]


def clash_error(distribution: str, init_file: str | None = None) -> ImportError:
    """The ImportError raised when importing ``distribution`` finds signalwire-sdk's files.

    ``init_file`` is the ``signalwire/__init__.py`` found (from the imported
    ``signalwire`` module when not given); it is named in the message as the evidence.
    """
    if init_file is None:
        import sys

        init_file = (
            getattr(sys.modules.get("signalwire"), "__file__", None) or "signalwire/__init__.py"
        )
    vendor_version = _installed(VENDOR_DISTRIBUTION)
    if vendor_version is not None:
        state = f"{VENDOR_DISTRIBUTION} {vendor_version} is installed in this environment"
    else:
        state = f"{VENDOR_DISTRIBUTION} was installed in this environment and left files behind"
    commands = "\n".join(f"    {command}" for command in repair_commands())
    message = (
        f"{distribution} cannot be imported: {state} ({init_file} is its file). "
        f"{VENDOR_DISTRIBUTION} and {distribution} both install the `signalwire` package "
        "folder and cannot share an environment: each overwrites the other's files. "
        "Keep them in separate virtual environments, or repair this one (uninstalling "
        f"{VENDOR_DISTRIBUTION} also deletes files it shares with this project's packages, "
        f"hence the forced reinstall):\n{commands}"
    )
    return ImportError(message, name="signalwire", path=init_file)
