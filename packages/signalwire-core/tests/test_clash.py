"""signalwire-sdk in the same environment: every namespace refuses to import, naming the repair.

Each test builds a site folder the way pip leaves it (this project's package folders copied
from the checkout, signalwire-sdk's ``signalwire/__init__.py`` and ``.dist-info`` beside
them) and imports in a fresh interpreter that sees only that folder and the standard library.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from signalwire.core._clash import OUR_DISTRIBUTIONS, clash_error, repair_commands

ROOT = Path(__file__).resolve().parents[3]
#: Every namespace in the checkout (packages/signalwire-<ns>).
PACKAGES = tuple(
    sorted(
        p.parent.name.removeprefix("signalwire-") for p in ROOT.glob("packages/*/pyproject.toml")
    )
)
#: signalwire-sdk 3.7.5's ``signalwire/__init__.py`` starts by importing its logging setup
#: from ``signalwire.core``; with this project's files installed over it, that is ours.
VENDOR_INIT = "from .core.logging_config import configure_logging\n"


def _dist_info(site: Path, name: str, version: str) -> None:
    folder = site / f"{name.replace('-', '_')}-{version}.dist-info"
    folder.mkdir()
    (folder / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", "utf-8"
    )


def _site(tmp_path: Path, *, vendor_init: str | None, vendor_dist: bool) -> Path:
    site = tmp_path / "site-packages"
    for pkg in PACKAGES:
        src = ROOT / f"packages/signalwire-{pkg}/src/signalwire/{pkg}"
        shutil.copytree(
            src, site / "signalwire" / pkg, ignore=shutil.ignore_patterns("__pycache__")
        )
        _dist_info(site, f"signalwire-{pkg}", "1.0.0")
    if vendor_init is not None:
        (site / "signalwire" / "__init__.py").write_text(vendor_init, "utf-8")
    if vendor_dist:
        _dist_info(site, "signalwire-sdk", "3.7.5")
    return site


def _import(site: Path, module: str) -> subprocess.CompletedProcess[str]:
    code = f"import sys; sys.path.insert(0, {str(site)!r}); import {module}"
    return subprocess.run(
        [sys.executable, "-I", "-S", "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("pkg", PACKAGES)
def test_vendor_installed_first_then_ours_fails_naming_the_repair(tmp_path: Path, pkg: str) -> None:
    site = _site(tmp_path, vendor_init=VENDOR_INIT, vendor_dist=True)
    result = _import(site, f"signalwire.{pkg}")
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()
    assert any(line.startswith("ImportError: ") for line in last), result.stderr
    message = result.stderr
    assert "signalwire-sdk 3.7.5 is installed in this environment" in message
    assert "cannot share an environment" in message
    assert str(site / "signalwire" / "__init__.py") in message
    assert "    pip uninstall -y signalwire-sdk\n" in message
    ours = [d for d in OUR_DISTRIBUTIONS if d.removeprefix("signalwire-") in PACKAGES]
    assert f"    pip install --force-reinstall --no-deps {' '.join(ours)}\n" in message + "\n"
    # The vendor's own import of signalwire.core ran into our check first, whichever of our
    # packages was imported: the message names the core package.
    assert "signalwire-core cannot be imported" in message


@pytest.mark.parametrize("pkg", [p for p in PACKAGES if p != "core"])
def test_vendor_installed_after_ours_each_package_names_itself(tmp_path: Path, pkg: str) -> None:
    # signalwire-sdk installed last overwrote signalwire/core/__init__.py (a vendor module
    # that imports nothing of ours): the namespace's own check names it.
    site = _site(tmp_path, vendor_init="", vendor_dist=True)
    (site / "signalwire" / "core" / "__init__.py").write_text("", "utf-8")
    result = _import(site, f"signalwire.{pkg}")
    assert result.returncode == 1
    assert f"ImportError: signalwire-{pkg} cannot be imported" in result.stderr, result.stderr


def test_left_over_vendor_file_says_it_was_installed(tmp_path: Path) -> None:
    site = _site(tmp_path, vendor_init="", vendor_dist=False)
    result = _import(site, "signalwire.agents")
    assert result.returncode == 1
    assert "signalwire-sdk was installed in this environment and left files behind" in (
        result.stderr
    )


def test_after_the_repair_every_namespace_imports(tmp_path: Path) -> None:
    site = _site(tmp_path, vendor_init=VENDOR_INIT, vendor_dist=True)
    assert _import(site, "signalwire.core").returncode == 1
    # pip uninstall -y signalwire-sdk, then the forced reinstall of ours: no vendor files left.
    (site / "signalwire" / "__init__.py").unlink()
    shutil.rmtree(site / "signalwire_sdk-3.7.5.dist-info")
    modules = ", ".join(f"signalwire.{pkg}" for pkg in PACKAGES)
    result = _import(site, modules)
    assert result.returncode == 0, result.stderr


def test_repair_commands_name_what_is_installed() -> None:
    assert repair_commands(["signalwire-core", "signalwire-rest"]) == [
        "pip uninstall -y signalwire-sdk",
        "pip install --force-reinstall --no-deps signalwire-core signalwire-rest",
    ]
    assert repair_commands([])[-1] == "pip install --force-reinstall --no-deps signalwire-core"


def test_clash_error_is_an_import_error_naming_the_file() -> None:
    error = clash_error("signalwire-relay", "/x/signalwire/__init__.py")
    assert isinstance(error, ImportError)
    assert error.name == "signalwire"
    assert error.path == "/x/signalwire/__init__.py"
    assert str(error).startswith("signalwire-relay cannot be imported: signalwire-sdk")
