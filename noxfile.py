"""Developer and CI sessions. Run with ``uvx nox -s <session>``.

* ``tests``: each package's tests in its own environment holding only that
  package's declared dependencies plus its ``test`` group (so an undeclared
  import fails here even when the shared workspace venv would hide it).
* ``tests_lowest``: each published package's tests against the lowest versions
  its declared dependencies allow (uv's ``lowest-direct`` resolution).
* ``generated``: the committed spec data and generated code are current.
* ``lint``, ``typecheck``, ``build`` (wheels + sdists, contents checked),
  ``bench`` (benchmarks/, side by side with signalwire-sdk 3.7.5).
"""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path

import nox

nox.options.default_venv_backend = "uv"
nox.options.sessions = ["tests"]
nox.options.reuse_existing_virtualenvs = True

ROOT = Path(__file__).parent
PACKAGES = ["core", "agents", "relay", "rest", "testing", "search"]
TEST_TARGETS = {
    **{pkg: (f"signalwire-{pkg}", f"packages/signalwire-{pkg}/tests") for pkg in PACKAGES},
    "devtools": ("signalwire-devtools", "tools/signalwire-devtools/tests"),
}
#: Extra test targets: (distribution, extras, test files). The agents tests that differ with
#: FastAPI installed run again with the ``[fastapi]`` extra; the plain target stays without it.
EXTRA_TEST_TARGETS = {
    "agents_fastapi": (
        "signalwire-agents",
        ["fastapi"],
        [
            "packages/signalwire-agents/tests/test_fastapi.py",
            "packages/signalwire-agents/tests/test_get_app.py",
            "packages/signalwire-agents/tests/test_http.py",
            "packages/signalwire-agents/tests/test_mcp.py",
            "packages/signalwire-agents/tests/test_mount_router.py",
            "packages/signalwire-agents/tests/test_migration_corpus.py",
        ],
    ),
}
VENDOR_SDK = "signalwire-sdk==3.7.5"
#: Installed beside the vendor SDK only to drive its app in process (benchmarks/testing).
VENDOR_BENCH_EXTRAS = ["httpx"]
#: Benchmark entry points per namespace (each prints its table, ours beside the vendor's).
BENCH_SCRIPTS = {
    "agents": [
        "run.py",
        "schema_validation.py",
        "skills.py",
        "otel_overhead.py",
        "dev_reload.py",
        "coldstart.py",
    ],
    "relay": ["run.py", "coldstart.py"],
    "rest": ["run.py", "coldstart.py"],
    "testing": ["run.py"],
    "search": ["run.py"],
}
#: What the vendor's search modules check for by name (sentence-transformers goes in with
#: --no-deps: its import is never reached, so torch is not needed).
VENDOR_SEARCH_EXTRAS = ["numpy", "scikit-learn", "nltk"]


def _sync(
    session: nox.Session, package: str | None, *groups: str, extras: tuple[str, ...] = ()
) -> None:
    """Install exactly what ``uv.lock`` pins for ``package`` into the session venv."""
    args = ["uv", "sync", "--locked", "--no-default-groups"]
    if package:
        args += ["--package", package]
    else:
        args += ["--all-packages"]
    for group in groups:
        args += ["--group", group]
    for extra in extras:
        args += ["--extra", extra]
    session.run_install(*args, env={"UV_PROJECT_ENVIRONMENT": session.virtualenv.location})


@nox.session
@nox.parametrize("pkg", [*TEST_TARGETS, *EXTRA_TEST_TARGETS])
def tests(session: nox.Session, pkg: str) -> None:
    """Run one package's tests in an environment with only its declared dependencies."""
    if pkg in EXTRA_TEST_TARGETS:
        dist, extras, files = EXTRA_TEST_TARGETS[pkg]
        _sync(session, dist, "test", extras=tuple(extras))
        session.run("pytest", *files, "-p", "no:cacheprovider", *session.posargs)
        return
    dist, path = TEST_TARGETS[pkg]
    _sync(session, dist, "test")
    if not any(Path(path).glob("test_*.py")):
        session.skip(f"{path} has no tests yet")
    session.run("pytest", path, "-p", "no:cacheprovider", *session.posargs)


def _test_group(pyproject: Path) -> list[str]:
    """The ``test`` dependency group of a package, without the workspace's devtools."""
    text = pyproject.read_text("utf-8")
    if sys.version_info >= (3, 11):
        import tomllib

        group = tomllib.loads(text).get("dependency-groups", {}).get("test", [])
    else:  # nox on 3.10: the group is a flat list of quoted requirements
        block = re.search(r"^\[dependency-groups\].*?^test = \[(.*?)\]", text, re.M | re.S)
        group = re.findall(r'"([^"]+)"', block.group(1)) if block else []
    return [r for r in group if isinstance(r, str) and r != "signalwire-devtools"]


def _workspace_editables(requirements: list[str]) -> tuple[list[str], list[str]]:
    """Split requirements into ``-e`` installs of workspace members (extras kept) and the rest.

    Workspace members (e.g. ``signalwire-testing[relay]``) are not on the index here."""
    editables: list[str] = []
    others: list[str] = []
    for req in requirements:
        name, bracket, extras = req.partition("[")
        folder = ROOT / "packages" / name
        if name.startswith("signalwire-") and folder.is_dir():
            editables += ["-e", f"{folder}{bracket}{extras}"]
        else:
            others.append(req)
    return editables, others


@nox.session
@nox.parametrize("pkg", PACKAGES)
def tests_lowest(session: nox.Session, pkg: str) -> None:
    """Run one package's tests with its dependencies at the lowest versions it declares.

    ``uv pip compile --resolution lowest-direct`` resolves the package (and the
    workspace's signalwire-core, whose own floors are direct too) to the lowest
    allowed versions; those pins then constrain the install of the package, the
    fake platform and the test tools (which resolve to their newest versions).
    """
    dist, path = TEST_TARGETS[pkg]
    tmp = Path(session.create_tmp()).resolve()
    python = str(Path(session.virtualenv.location) / "bin" / "python")
    editables = ["-e", str(ROOT / "packages/signalwire-core")]
    if pkg != "core":
        editables += ["-e", str(ROOT / f"packages/{dist}")]
    request = tmp / "lowest.in"
    request.write_text(
        "\n".join(" ".join(editables[i : i + 2]) for i in range(0, len(editables), 2))
    )
    pins = tmp / "lowest.txt"
    session.run(
        *("uv", "pip", "compile", "-q", "--python", python, "--resolution", "lowest-direct"),
        *("--no-header", "--no-annotate", "-o", str(pins), str(request)),
        external=True,
    )
    constraints = tmp / "constraints.txt"
    lines = [ln for ln in pins.read_text("utf-8").splitlines() if ln and not ln.startswith("-e")]
    constraints.write_text("\n".join(lines) + "\n")
    session.log("lowest versions: " + ", ".join(lines))
    members, group = _workspace_editables(_test_group(ROOT / f"packages/{dist}/pyproject.toml"))
    session.run_install(
        *("uv", "pip", "install", "-q", "--python", python, "-c", str(constraints)),
        *editables,
        *members,
        *("-e", str(ROOT / "packages/signalwire-testing")),
        *("-e", str(ROOT / "tools/signalwire-devtools")),
        *group,
        external=True,
    )
    session.run("pytest", path, "-p", "no:cacheprovider", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check over the whole tree."""
    session.install("ruff")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def generated(session: nox.Session) -> None:
    """Check the committed spec data and generated code are current (``tools/generate.py``)."""
    _sync(session, None, "dev")
    session.run("python", "tools/generate.py", "--check", *session.posargs)


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict over every package's sources, and over a user module using the decorators."""
    _sync(session, None, "dev")
    session.run("mypy")
    session.run("mypy", "--strict", "packages/signalwire-agents/tests/typing_user/user_agent.py")


@nox.session
def build(session: nox.Session) -> None:
    """Build every package's wheel and sdist; check each wheel holds only its own subpackage."""
    dist = ROOT / "dist"
    for old in dist.glob("*"):
        old.unlink()
    for pkg in PACKAGES:
        session.run(
            "uv",
            "build",
            "--package",
            f"signalwire-{pkg}",
            "--no-sources",
            "-o",
            str(dist),
            external=True,
        )
    wheels = sorted(dist.glob("*.whl"))
    if len(wheels) != len(PACKAGES):
        session.error(f"expected {len(PACKAGES)} wheels, found {[w.name for w in wheels]}")
    for wheel in wheels:
        ns = wheel.name.split("-")[0].removeprefix("signalwire_")
        names = zipfile.ZipFile(wheel).namelist()
        code = [n for n in names if ".dist-info/" not in n]
        stray = [n for n in code if not n.startswith(f"signalwire/{ns}/")]
        if stray:
            session.error(f"{wheel.name} holds files outside signalwire/{ns}/: {stray[:5]}")
        if "signalwire/__init__.py" in names:
            session.error(
                f"{wheel.name} ships signalwire/__init__.py (must stay a PEP 420 namespace)"
            )
        if f"signalwire/{ns}/py.typed" not in names:
            session.error(f"{wheel.name} lacks py.typed")
        session.log(f"{wheel.name}: {len(code)} files, all under signalwire/{ns}/")
    session.log(f"sdists: {[p.name for p in sorted(dist.glob('*.tar.gz'))]}")


@nox.session
def wheel_tests(session: nox.Session) -> None:
    """Install each built wheel next to signalwire-core alone and import it."""
    dist = ROOT / "dist"
    core = next(dist.glob("signalwire_core-*.whl"), None)
    if core is None:
        session.error("run `nox -s build` first")
    for pkg in PACKAGES:
        wheel = next(dist.glob(f"signalwire_{pkg}-*.whl"))
        venv = Path(session.create_tmp()) / f"venv-{pkg}"
        session.run("uv", "venv", "-q", "--clear", "--seed", str(venv), external=True)
        py = str(venv / "bin" / "python")
        # Plain pip, as users install: the wheel beside signalwire-core and nothing else of ours.
        session.run(py, "-m", "pip", "install", "-q", str(core), str(wheel), external=True)
        session.run(
            py,
            "-c",
            f"import signalwire.{pkg} as m; print(m.__name__, m.__version__)",
            external=True,
        )
        if pkg == "agents":  # the wheel installs the swaig-test console script
            session.run(str(venv / "bin" / "swaig-test"), "--help-examples", external=True)
            session.run(str(venv / "bin" / "sw-agent"), "dev", "--help", external=True)


@nox.session
def testing_install(session: nox.Session) -> None:
    """Done-when check of signalwire-testing: build the wheels, ``pip install
    signalwire-testing[agents,relay,rest]`` beside the three namespaces in a fresh venv
    (plain pip, as users do), and run the package README's example tests there."""
    dist = Path(session.create_tmp()).resolve() / "dist"
    for old in dist.glob("*"):
        old.unlink()
    for pkg in PACKAGES:
        session.run(
            *("uv", "build", "--wheel", "--package", f"signalwire-{pkg}", "--no-sources"),
            *("-o", str(dist)),
            external=True,
        )
    venv = Path(session.create_tmp()).resolve() / "venv-testing"
    session.run("uv", "venv", "-q", "--clear", "--seed", str(venv), external=True)
    py = str(venv / "bin" / "python")
    # The wheel files themselves, not names: PyPI holds unrelated older projects named
    # signalwire-agents etc. that a --find-links install could prefer by version.
    wheels = {pkg: str(next(dist.glob(f"signalwire_{pkg}-*.whl"))) for pkg in PACKAGES}
    session.run(
        *(py, "-m", "pip", "install", "-q"),
        *(wheels[pkg] for pkg in ("core", "agents", "relay", "rest")),
        f"{wheels['testing']}[agents,relay,rest]",
        "pytest",
        external=True,
    )
    examples = Path(session.create_tmp()).resolve() / "readme-examples"
    readme = ROOT / "packages/signalwire-testing/README.md"
    script = ROOT / "packages/signalwire-testing/tests/readme_examples.py"
    session.run(py, str(script), str(readme), str(examples), external=True)
    # Its own (empty) pytest config, so the checkout's settings do not apply: the examples
    # run with the plugin's defaults, as in a user's project.
    (examples / "pytest.ini").write_text("[pytest]\n")
    session.chdir(examples)
    session.run(py, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(examples), external=True)


@nox.session
@nox.parametrize("matrix", ["platforms", "all"])
def init_projects(session: nox.Session, matrix: str) -> None:
    """``sw-agent-init`` projects installed from the built wheels pass their own tests.

    ``platforms`` (CI): one project per platform; ``all``: every type x platform. The
    wheels are built once and shared by every project (``SW_WHEELHOUSE``).
    """
    wheelhouse = Path(session.create_tmp()).resolve() / "wheelhouse"
    wheelhouse.mkdir(exist_ok=True)
    for old in wheelhouse.glob("*"):
        old.unlink()
    for pkg in ("core", "agents", "testing"):
        session.run(
            *("uv", "build", "-q", "--wheel", "--package", f"signalwire-{pkg}", "--no-sources"),
            *("-o", str(wheelhouse)),
            external=True,
        )
    wheels = sorted(str(w) for w in wheelhouse.glob("*.whl"))
    # This session's venv runs the wheel's own sw-agent-init and the pytest that drives it.
    # Reinstalled every run: a rebuilt wheel keeps its version number.
    session.install(*wheels, "pytest", "pytest-timeout", "pytest-asyncio")
    reinstall = [f"--reinstall-package=signalwire-{pkg}" for pkg in ("core", "agents", "testing")]
    session.install(*reinstall, *wheels)
    session.run(
        "pytest",
        "packages/signalwire-agents/tests/test_scaffold_install.py",
        "-p",
        "no:cacheprovider",
        *session.posargs,
        env={"SW_WHEELHOUSE": str(wheelhouse), "SW_INIT_MATRIX": matrix},
    )


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks (not tests): ours and signalwire-sdk 3.7.5 side by side in the same run."""
    _sync(session, None, "dev")
    vendor = Path(session.create_tmp()).resolve() / "vendor-venv"
    vendor_python = vendor / "bin" / "python"
    if not vendor_python.exists():
        session.run("uv", "venv", "-q", "--seed", str(vendor), external=True)
    session.run(
        "uv",
        "pip",
        "install",
        "-q",
        "--python",
        str(vendor_python),
        VENDOR_SDK,
        *VENDOR_BENCH_EXTRAS,
        external=True,
    )
    targets = session.posargs or PACKAGES
    if "search" in targets:
        pip = ("uv", "pip", "install", "-q", "--python", str(vendor_python))
        session.run(*pip, *VENDOR_SEARCH_EXTRAS, external=True)
        session.run(*pip, "--no-deps", "sentence-transformers", external=True)
    env = {"SIGNALWIRE_VENDOR_PYTHON": str(vendor_python)}
    for ns in targets:
        for name in BENCH_SCRIPTS.get(ns, ["run.py"]):
            script = ROOT / "benchmarks" / ns / name
            if script.exists():
                session.run("python", str(script), env=env)
            else:
                session.log(f"no benchmarks/{ns}/{name}")
